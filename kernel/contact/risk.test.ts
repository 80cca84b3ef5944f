import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import cases from "./fixtures/terminal-risk-management.json" with { type: "json" };
import {
  floorLimitCheck,
  randomSelection,
  terminalRiskManagement,
  transactionLogEntry,
  velocityCheck,
} from "./risk.js";
import { byTag, fixedRandom, testContext } from "./testing/context.js";

describe("terminal risk management (Book 3 §10.6) — emv-utils vectors", () => {
  it("has the 11 cases", () => {
    expect(cases.cases).toHaveLength(11);
  });
  for (const c of cases.cases) {
    it(c.name, async () => {
      const log = (c.transaction_log ?? []).map((e) => ({
        pan: e.pan,
        panSequenceNumber: Number.parseInt(e.psn, 10),
        amount: e.amount_authorised_binary,
        date: e.transaction_date,
      }));
      const { ctx, channel } = testContext({
        config: { transactionLogEnabled: log.length > 0, transactionLog: log },
        terminal: byTag(c.config_data),
        transaction: byTag(c.params_data),
        card: byTag(c.icc_data),
        script: (c.card_exchanges ?? []).map((x) => ({ command: x.c_apdu, response: x.r_apdu })),
      });
      const result = await terminalRiskManagement(ctx);
      expect(result.kind).toBe("continue");
      expect(channel.errors).toEqual([]);
      expect(channel.finished).toBe(true);
      expect(toHex(ctx.tvr.bytes)).toBe(c.expected_tvr);
      expect(toHex(ctx.tsi.bytes)).toBe(c.expected_tsi);
    });
  }
});

describe("terminal risk management — rules", () => {
  it("floor limit: equal to the limit is exceeded (≥), one below is not", () => {
    expect(floorLimitCheck({ amount: 10000, floorLimit: 10000 }).exceeded).toBe(true);
    expect(floorLimitCheck({ amount: 9999, floorLimit: 10000 }).exceeded).toBe(false);
  });
  it("floor limit: only the most recent same-PAN entry counts, PSN compared when both known", () => {
    const log = [
      { pan: "5413330089020011", panSequenceNumber: 1, amount: 9000 },
      { pan: "5413330089020011", panSequenceNumber: 2, amount: 10 },
    ];
    const r1 = floorLimitCheck({ amount: 1000, floorLimit: 10000, log, pan: "5413330089020011", panSequenceNumber: 1 });
    expect(r1).toMatchObject({ exceeded: true, compared: 10000 });
    const r2 = floorLimitCheck({ amount: 1000, floorLimit: 10000, log, pan: "5413330089020011" });
    expect(r2).toMatchObject({ exceeded: false, compared: 1010 });
  });
  it("random selection: below the threshold the target percent applies", () => {
    const base = { floorLimit: 10000, threshold: 2000, targetPercent: 20, maxTargetPercent: 80 };
    expect(randomSelection({ ...base, amount: 1000, random: 20 })).toEqual({ selected: true, percent: 20 });
    expect(randomSelection({ ...base, amount: 1000, random: 21 })).toEqual({ selected: false, percent: 20 });
  });
  it("random selection: between threshold and floor limit the percentage is interpolated", () => {
    const base = { floorLimit: 10000, threshold: 2000, targetPercent: 20, maxTargetPercent: 80 };
    // (80 − 20) × (6000 − 2000) / (10000 − 2000) + 20 = 50
    expect(randomSelection({ ...base, amount: 6000, random: 50 })).toEqual({ selected: true, percent: 50 });
    expect(randomSelection({ ...base, amount: 6000, random: 51 })).toEqual({ selected: false, percent: 50 });
    expect(randomSelection({ ...base, amount: 10000, random: 1 }).selected).toBe(false);
  });
  it("random selection in the step uses ctx.params.random and sets TVR B4b5", async () => {
    const { ctx } = testContext({
      aid: { floorLimit: 10000, randomSelection: { threshold: 2000, targetPercent: 20, maxTargetPercent: 80 } },
      params: { amount: 6000, random: fixedRandom([50]) },
    });
    await terminalRiskManagement(ctx);
    expect(toHex(ctx.tvr.bytes)).toBe("0000001000");
    const { ctx: ctx2 } = testContext({
      aid: { floorLimit: 10000, randomSelection: { threshold: 2000, targetPercent: 20, maxTargetPercent: 80 } },
      params: { amount: 6000, random: fixedRandom([51]) },
    });
    await terminalRiskManagement(ctx2);
    expect(toHex(ctx2.tvr.bytes)).toBe("0000000000");
  });
  it("offline-only terminals do not perform random selection", async () => {
    const { ctx } = testContext({
      config: { onlineCapable: false },
      aid: { floorLimit: 10000, randomSelection: { threshold: 0, targetPercent: 99, maxTargetPercent: 99 } },
      params: { amount: 100, random: fixedRandom([1]) },
    });
    await terminalRiskManagement(ctx);
    expect(toHex(ctx.tvr.bytes)).toBe("0000000000");
  });
  it("exception file: PAN with matching PSN sets TVR B1b5; another PSN does not", async () => {
    const card = { "5A": "5413330089020011", "5F34": "01" };
    const hit = testContext({ card, config: { exceptionFile: [{ pan: "5413330089020011", panSequenceNumber: 1 }] } });
    await terminalRiskManagement(hit.ctx);
    expect(toHex(hit.ctx.tvr.bytes)).toBe("1000000000");
    const miss = testContext({ card, config: { exceptionFile: [{ pan: "5413330089020011", panSequenceNumber: 2 }] } });
    await terminalRiskManagement(miss.ctx);
    expect(toHex(miss.ctx.tvr.bytes)).toBe("0000000000");
  });
  it("velocity: a GET DATA transport failure counts as not returned; the log never has the PAN in clear", async () => {
    const { ctx, channel, events } = testContext({
      card: { "5A": "5413330089020011", "9F14": "01", "9F23": "02" },
      script: [
        { command: "80CA9F3600", transportError: "timeout" },
        { command: "80CA9F1300", response: "9F1302000A9000" },
      ],
    });
    await terminalRiskManagement(ctx);
    expect(channel.errors).toEqual([]);
    expect(toHex(ctx.tvr.bytes)).toBe("0000006000");
    expect(JSON.stringify(events)).not.toContain("5413330089020011");
  });
  it("velocity: malformed GET DATA response is 'not returned'", async () => {
    const { ctx } = testContext({
      card: { "9F14": "01", "9F23": "02" },
      script: [
        { command: "80CA9F3600", response: "9F3605009000" },
        { command: "80CA9F1300", response: "9F1302000A9000" },
      ],
    });
    await terminalRiskManagement(ctx);
    expect(toHex(ctx.tvr.bytes)).toBe("0000006000");
  });
  it("the log entry of this transaction feeds the next floor-limit check (split sale)", async () => {
    const card = { "5A": "5413330089020011", "5F34": "01" };
    const first = testContext({ card, transaction: { "9F02": "000000006000" } });
    const entry = transactionLogEntry(first.ctx)!;
    expect(entry).toEqual({ pan: "5413330089020011", panSequenceNumber: 1, amount: 6000, date: "250511" });
    const second = testContext({
      card,
      transaction: { "9F02": "000000004000" },
      config: { transactionLogEnabled: true, transactionLog: [entry] },
    });
    await terminalRiskManagement(second.ctx);
    expect(toHex(second.ctx.tvr.bytes)).toBe("0000008000");
  });
  it("property: velocity results are consistent with the counters", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
        (lcol, ucol, atc, lastOnlineAtc) => {
          const r = velocityCheck({ lcol, ucol, atc, lastOnlineAtc });
          expect(r.newCard).toBe(lastOnlineAtc === 0);
          if (atc !== undefined && lastOnlineAtc !== undefined && atc > lastOnlineAtc) {
            expect(r.lcolExceeded).toBe(atc - lastOnlineAtc > lcol);
            expect(r.ucolExceeded).toBe(atc - lastOnlineAtc > ucol);
          } else {
            expect(r.lcolExceeded && r.ucolExceeded).toBe(true);
          }
        },
      ),
    );
  });
  it("property: random selection percentage stays within [target, max] below the floor limit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 99 }),
        (amount, floorLimit, threshold, t, m, random) => {
          const targetPercent = Math.min(t, m);
          const maxTargetPercent = Math.max(t, m);
          const r = randomSelection({ amount, floorLimit, threshold, targetPercent, maxTargetPercent, random });
          if (amount >= floorLimit) expect(r.selected).toBe(false);
          else {
            expect(r.percent).toBeGreaterThanOrEqual(targetPercent);
            expect(r.percent).toBeLessThanOrEqual(maxTargetPercent);
            expect(r.selected).toBe(random <= r.percent);
          }
        },
      ),
    );
  });
});
