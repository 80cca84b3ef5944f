// The relay resistance assessment (Book C-2 procedure SR1) against an independent model over random times, and its
// exact boundaries; the C-2 reader configuration's schema rules.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../emv/bytes.js";
import { parseReaderConfig } from "../config/reader-load.js";
import { terminalWith } from "../entry-point/reader-builders.js";
import { c2Config } from "./reader-builders.js";
import { assessRelayResistance, parseRelayResistanceAnswer } from "./rrp.js";

const cfg = {
  minGracePeriod: 5,
  maxGracePeriod: 5,
  expectedCapduTime: 5,
  expectedRapduTime: 5,
  accuracyThreshold: 30,
  mismatchThresholdPercent: 50,
};
const answer = { deviceEntropy: new Uint8Array(4), minTime: 20, maxTime: 60, deviceEstimatedRapduTime: 10 };

describe("assessRelayResistance", () => {
  it("boundaries: min − grace is allowed, one below is a card error; max + grace is within, one above retries", () => {
    // measured = taken − 5 − min(10, 5) = taken − 10
    expect(assessRelayResistance(25, answer, cfg, 0).kind).toBe("done"); // 15 = 20 − 5
    expect(assessRelayResistance(24, answer, cfg, 0)).toMatchObject({ kind: "card-error", measured: 14 });
    expect(assessRelayResistance(75, answer, cfg, 0)).toMatchObject({ kind: "done", timeLimitsExceeded: false });
    expect(assessRelayResistance(76, answer, cfg, 0)).toEqual({ kind: "retry", measured: 66 });
    expect(assessRelayResistance(76, answer, cfg, 1)).toEqual({ kind: "retry", measured: 66 });
    expect(assessRelayResistance(76, answer, cfg, 2)).toMatchObject({ kind: "done", timeLimitsExceeded: true });
    // accuracy: measured − min > 30
    expect(assessRelayResistance(60, answer, cfg, 0)).toMatchObject({ thresholdExceeded: false }); // 50 − 20 = 30
    expect(assessRelayResistance(61, answer, cfg, 0)).toMatchObject({ thresholdExceeded: true });
    // measured never below 0
    expect(assessRelayResistance(0, { ...answer, minTime: 0 }, cfg, 0)).toMatchObject({ kind: "done", measured: 0 });
  });

  it("agrees with an independent model over random times and thresholds", () => {
    const t = fc.integer({ min: 0, max: 2000 });
    fc.assert(
      fc.property(
        t,
        t,
        t,
        t,
        t,
        t,
        t,
        t,
        t,
        fc.integer({ min: 0, max: 200 }),
        fc.nat(3),
        (taken, min, span, est, g1, g2, c, r, acc, mis, counter) => {
          const a = {
            deviceEntropy: new Uint8Array(4),
            minTime: min,
            maxTime: min + span,
            deviceEstimatedRapduTime: est,
          };
          const k = {
            minGracePeriod: g1,
            maxGracePeriod: g2,
            expectedCapduTime: c,
            expectedRapduTime: r,
            accuracyThreshold: acc,
            mismatchThresholdPercent: mis,
          };
          const got = assessRelayResistance(taken, a, k, counter);
          // Model, written from Book C-2 SR1 independently of rrp.ts.
          let m = taken - c - Math.min(est, r);
          if (m < 0) m = 0;
          const low = Math.max(min - g1, 0);
          if (m < low) return got.kind === "card-error" && got.measured === m;
          const over = m > min + span + g2;
          if (over && counter < 2) return got.kind === "retry";
          const pct = (x: number, y: number) => (y === 0 ? Infinity : (100 * x) / y);
          const th = pct(est, r) < mis || pct(r, est) < mis || m - min > acc;
          return (
            got.kind === "done" && got.measured === m && got.timeLimitsExceeded === over && got.thresholdExceeded === th
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("the answer must be template 80 of exactly 10 bytes", () => {
    expect(parseRelayResistanceAnswer(fromHex("800AABABABAB0014003C000A"))).toEqual({
      deviceEntropy: fromHex("ABABABAB"),
      minTime: 20,
      maxTime: 60,
      deviceEstimatedRapduTime: 10,
    });
    expect(parseRelayResistanceAnswer(fromHex("8009ABABABAB0014003C00"))).toEqual({
      error:
        "EXCHANGE RELAY RESISTANCE DATA response is 80 of 9 bytes, not 80 of 10 (entropy 4, min 2, max 2, estimated 2)",
    });
  });
});

describe("C-2 reader configuration (reader-c2-schema.ts)", () => {
  const terminal = terminalWith("attended-pos");
  const parse = (c2: unknown, kernel = 2) =>
    parseReaderConfig(
      {
        id: "x",
        description: "x",
        terminal: "attended-pos",
        kernels: [2, 3],
        combinations: [
          {
            aid: "A0000000041010",
            kernel,
            ttq: kernel === 3 ? "3600C000" : undefined,
            statusCheckSupport: false,
            zeroAmountAllowed: false,
            c2,
          },
        ],
      },
      "x.json",
      () => ({ ok: true, config: terminal }),
    );
  it("accepts the Mastercard-style data and converts it", () => {
    const r = parse(c2Config({ transactionLimitNoOnDeviceCvm: 30000 }));
    expect(r.ok).toBe(true);
    const c2 = r.ok ? r.config.combinations[0]!.c2! : undefined;
    expect(c2?.transactionLimitNoOnDeviceCvm).toBe(30000);
    expect(c2?.timeoutMs).toBe(500);
    expect(Array.from(c2!.tacDenial)).toEqual([0xdc, 0x50, 0, 0, 0]);
  });
  it("one-line path errors", () => {
    expect(parse(c2Config({ tacOnline: "F450" }))).toEqual({
      ok: false,
      error: "x.json: combinations[0].c2.tacOnline: TAC – Online (DF8122) must be 5 byte(s) (10 hex digits)",
    });
    expect(parse(c2Config({ kernelConfiguration: "30" }))).toEqual({
      ok: false,
      error:
        "x.json: combinations[0].c2.relayResistance: the kernel configuration enables relay resistance (DF811B b5) but gives no thresholds (DF8132–DF8137)",
    });
    expect(parse(c2Config(), 3)).toEqual({
      ok: false,
      error: "x.json: combinations[0].c2: only kernel 2 combinations take c2 data",
    });
  });
});
