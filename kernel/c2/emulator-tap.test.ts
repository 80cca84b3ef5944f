// Kernel 2 through Entry Point against the emulator's Mastercard-style contactless cards (emulator/contactless/
// paypass.ts, profiles in emulator/profiles/paypass/): CDA on TC, ARQC and AAC, the card's and the reader's decisions,
// CVM above and below the CVM Required Limit, on-device CVM, relay resistance in and out of the time limits on a
// simulated clock (the card spends its processing time on it; the kernel reads it), a card that tears once and is
// recovered at the next tap, and the CDA faults. Expected values follow Book C-2 (sections in each case).

import { describe, expect, it } from "vitest";
import { PaypassCard } from "../../emulator/contactless/paypass.js";
import {
  loadPaypassProfile,
  type PaypassProfile,
  parsePaypassProfile,
} from "../../emulator/contactless/paypass-profile.js";
import { toHex } from "../../emv/bytes.js";
import { seededRandom } from "../../emv/random.js";
import { runTap } from "../entry-point/entry-point.js";
import { fieldWithCard } from "../entry-point/field.js";
import { terminalWith } from "../entry-point/reader-builders.js";
import { nonInteractive } from "../interaction.js";
import type { TransactionParams } from "../transaction-params.js";
import type { KernelClock } from "./clock.js";
import { createKernel2, type Kernel2Details } from "./kernel.js";
import { c2Config, k2Reader } from "./reader-builders.js";
import { TornTransactionLog } from "./torn.js";

const profile = (id: string): PaypassProfile => {
  const r = loadPaypassProfile(id);
  if (!r.ok) throw new Error(r.error);
  return r.profile;
};

/** Reader thresholds (units of 100 µs): grace 0.5 ms, expected transmission 0.5 ms each way, accuracy 3.0 ms, mismatch 50 %. */
const RRP = {
  minGracePeriod: 5,
  maxGracePeriod: 5,
  expectedCapduTime: 5,
  expectedRapduTime: 5,
  accuracyThreshold: 30,
  mismatchThresholdPercent: 50,
};

function setup(o: { kernelConfiguration?: string; securityCapability?: string; tornLog?: TornTransactionLog } = {}) {
  const terminal = terminalWith("attended-pos");
  const reader = k2Reader(terminal, [
    {
      aid: "A0000000041010",
      floorLimit: 10000,
      cvmRequiredLimit: 5000,
      c2: c2Config({
        kernelConfiguration: o.kernelConfiguration ?? "30",
        securityCapability: o.securityCapability ?? "08",
        transactionLimitNoOnDeviceCvm: 50000,
        transactionLimitOnDeviceCvm: 100000,
        relayResistance: RRP,
      }),
    },
  ]);
  let micros = 0;
  let wall = 1_700_000_000_000;
  const clock: KernelClock = { wallMs: () => wall, monotonicMicros: () => micros };
  const time = { advanceMicros: (n: number) => (micros += n) };
  const kernel = createKernel2({ clock, tornLog: o.tornLog ?? new TornTransactionLog() });
  const tap = async (card: PaypassCard, amount: number, pin?: string) => {
    const params: TransactionParams = {
      type: "purchase",
      amount,
      otherAmount: 0,
      date: "261203",
      time: "101500",
      sequenceCounter: 1,
      random: seededRandom("c2-emulator-tap"),
    };
    return runTap({
      reader,
      params,
      field: fieldWithCard(card),
      kernels: new Map([[2, kernel]]),
      interaction: nonInteractive(pin ? { pin } : {}),
    });
  };
  return { tap, time, advanceWall: (ms: number) => (wall += ms) };
}

const card = (id: string, time?: { advanceMicros(n: number): void }, change: Partial<PaypassProfile> = {}) => {
  const p = { ...profile(id), ...change };
  const checked = parsePaypassProfile(p, id);
  if (!checked.ok) throw new Error(checked.error);
  return new PaypassCard(checked.profile, time ? { time } : {});
};
const details = (r: { kernelDetails?: unknown }) => r.kernelDetails as Kernel2Details;
const tvr = (r: Awaited<ReturnType<ReturnType<typeof setup>["tap"]>>) => toHex(r.kernel!.context.tvr.bytes);

describe("CDA and the decisions (Book C-2 CDA, Terminal Action Analysis)", () => {
  it("below the CVM limit: TC with CDA (P1 50) → Approved, No CVM, TVR 0000000001", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-cda-tc"), 1500);
    expect(r.outcome.ops.status).toBe("Approved");
    expect(details(r).requested).toEqual({ type: "TC", cda: true, p1: "50" });
    expect(details(r).cda).toEqual({ result: "passed" });
    expect(r.outcome.ops.cvm).toBe("No CVM");
    expect(toHex(r.kernel!.context.data.get(0x9f34)!)).toBe("1F0302");
    expect(tvr(r)).toBe("0000000001");
  });
  it("above the CVM Required Limit: Terminal Capabilities byte 2 = DF8118 (60), online PIN (9F34 020300)", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-cda-tc"), 7000, "1234");
    expect(toHex(r.kernel!.context.data.get(0x9f33)!)).toBe("006008");
    expect(toHex(r.kernel!.context.data.get(0x9f34)!)).toBe("020300");
    expect(tvr(r)).toBe("0000040001");
    // Online PIN entered is in the TAC-Online (F45084800C): ARQC with CDA.
    expect(details(r).requested?.p1).toBe("90");
    expect(r.outcome.ops.status).toBe("Online Request");
    expect(r.outcome.ops.cvm).toBe("Online PIN");
  });
  it("above the CVM limit with the PIN bypassed: signature is next (1E03) → Obtain Signature, receipt", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-cda-tc"), 7000);
    expect(toHex(r.kernel!.context.data.get(0x9f34)!)).toBe("1E0300");
    expect(r.outcome.ops.cvm).toBe("Obtain Signature");
    expect(r.outcome.ops.receipt).toBe(true);
  });
  it("the card answers ARQC to a TC request → Online Request, CDA passed", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-online"), 1500);
    expect(details(r).requested?.type).toBe("TC");
    expect(details(r).cryptogram?.type).toBe("ARQC");
    expect(details(r).cda?.result).toBe("passed");
    expect(r.outcome.ops.status).toBe("Online Request");
  });
  it("the card declines (AAC) and signs it (9F5D byte 2 b1) → Declined, CDA passed", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-decline"), 1500);
    expect(r.outcome.ops.status).toBe("Declined");
    expect(details(r).cda?.result).toBe("passed");
  });
  it("reader without CDA (Security Capability 00): ODA not performed (TVR B1b8) → TAC-Denial DC… → AAC, no CDA", async () => {
    const s = setup({ securityCapability: "00" });
    const r = await s.tap(card("mc-paypass-cda-tc"), 1500);
    expect(details(r).cda?.result).toBe("not-performed");
    expect(details(r).requested).toEqual({ type: "AAC", cda: false, p1: "00" });
    expect(r.outcome.ops.status).toBe("Declined");
  });
  it("a bad SDAD → CDA failed (TVR B1b3) → Declined", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-bad-cda"), 1500);
    expect(r.outcome.ops.status).toBe("Declined");
    expect(details(r).cda?.result).toBe("failed");
    expect(tvr(r).slice(0, 2)).toBe("04");
  });
  it("the signed CID differs from 9F27 → CDA failed → Declined", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-cda-wrong-cid"), 1500);
    expect(r.outcome.ops.status).toBe("Declined");
    expect(details(r).cda?.reason).toContain("Cryptogram Information Data in the signature");
  });
  it("above the Reader Contactless Transaction Limit (no on-device CVM, DF8124 500.00) → Select Next", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-cda-tc"), 60000);
    expect(r.outcomes[0]!.ops.status).toBe("Select Next");
    expect(r.outcomes[0]!.reason).toContain("DF8124");
  });
  it("on-device CVM phone above the CVM limit: Confirmation Code Verified (9F34 010002), the on-device limit DF8125 applies", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-phone"), 60000);
    expect(r.outcome.ops.cvm).toBe("Confirmation Code Verified");
    expect(toHex(r.kernel!.context.data.get(0x9f34)!)).toBe("010002");
  });
});

describe("relay resistance (Book C-2 S3.60–S3.65, SR1) on a simulated clock", () => {
  it("within the limits: ERRD once, TVR byte 5 = 02 (performed), the relay resistance data covered by CDA", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-rrp", s.time), 1500);
    const rr = details(r).relayResistance!;
    // time taken 40 (4.0 ms) − expected C-APDU 5 − min(device 10, terminal 5) = 30.
    expect(rr).toEqual({
      performed: true,
      measured: 30,
      attempts: 1,
      timeLimitsExceeded: false,
      thresholdExceeded: false,
    });
    expect(tvr(r)).toBe("0000000002");
    expect(details(r).cda?.result).toBe("passed");
    expect(r.trace.filter((e) => e.name === "EXCHANGE RELAY RESISTANCE DATA").length).toBe(1);
    expect(r.outcome.ops.status).toBe("Approved");
  });
  it("too slow: two retries (3 ERRD), time limits and threshold exceeded (TVR byte 5 = 0E) → TAC-Online → ARQC", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-rrp-slow", s.time), 1500);
    const rr = details(r).relayResistance!;
    expect(rr).toMatchObject({
      performed: true,
      measured: 110,
      attempts: 3,
      timeLimitsExceeded: true,
      thresholdExceeded: true,
    });
    expect(tvr(r)).toBe("000000000E");
    expect(r.trace.filter((e) => e.name === "EXCHANGE RELAY RESISTANCE DATA").length).toBe(3);
    expect(details(r).requested?.type).toBe("ARQC");
  });
  it("faster than the card's minimum less the grace period: card error → End Application", async () => {
    const s = setup();
    const fast = card("mc-paypass-rrp", s.time, {
      relayResistance: { minTime: 20, maxTime: 60, deviceEstimatedTransmissionTime: 10, processingTime: 15 },
    });
    const r = await s.tap(fast, 1500);
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.outcome.reason).toContain("below the card's minimum");
  });
  it("a transmission time mismatch beyond DF8137 sets only 'threshold exceeded' (TVR byte 5 = 0A)", async () => {
    const s = setup();
    const c = card("mc-paypass-rrp", s.time, {
      relayResistance: { minTime: 20, maxTime: 60, deviceEstimatedTransmissionTime: 1, processingTime: 40 },
    });
    const r = await s.tap(c, 1500);
    // 1 / 5 = 20 % < 50 %: mismatch; measured 40 − 5 − 1 = 34 within 65.
    expect(details(r).relayResistance?.measured).toBe(34);
    expect(tvr(r)).toBe("000000000A");
  });
  it("the card leaves the relay resistance data out of its signature → CDA failed → Declined", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-rrp-unsigned", s.time), 1500);
    expect(details(r).cda?.result).toBe("failed");
    expect(r.outcome.ops.status).toBe("Declined");
  });
  it("the reader without RRP (Kernel Configuration b5 off): no ERRD, TVR byte 5 = 01", async () => {
    const s = setup({ kernelConfiguration: "20" });
    const r = await s.tap(card("mc-paypass-rrp", s.time), 1500);
    expect(r.trace.some((e) => e.name === "EXCHANGE RELAY RESISTANCE DATA")).toBe(false);
    expect(tvr(r)).toBe("0000000001");
    expect(r.outcome.ops.status).toBe("Approved");
  });
});

describe("torn transactions against the emulated card (Book C-2 Torn Transaction Recovery)", () => {
  it("the card tears once: End Application (Start B), the next presentation sends RECOVER AC and is approved", async () => {
    const s = setup();
    const c = card("mc-paypass-tear-once");
    const r = await s.tap(c, 1500);
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["End Application", "Approved"]);
    expect(r.trace.map((e) => e.name)).toContain("RECOVER AC");
    expect(details(r).torn).toBe("torn transaction recovered with RECOVER AC");
    expect(details(r).cda?.result).toBe("passed");
    // One cryptogram only: the ATC moved once.
    expect(c.atc).toBe(profile("mc-paypass-tear-once").atc + 1);
  });
  it("RECOVER AC refused: the torn record is reported (FF8101) and a new GENERATE AC is sent", async () => {
    const s = setup();
    const r = await s.tap(card("mc-paypass-tear-no-recover"), 1500);
    expect(r.outcome.ops.status).toBe("Approved");
    expect(toHex(r.outcome.discretionaryData!)).toContain("FF8101");
    expect(r.trace.filter((e) => e.name === "GENERATE AC").length).toBe(2);
  });
});

describe("the shipped reader attended-pos-k2 (kernel/config/readers/)", () => {
  it("Mastercard on Kernel 2 beside Visa on Kernel 3: TC with CDA and RRP below the CVM limit → Approved", async () => {
    const { loadReaderConfig } = await import("../config/reader-load.js");
    const loaded = loadReaderConfig("attended-pos-k2");
    if (!loaded.ok) throw new Error(loaded.error);
    let micros = 0;
    const c = card("mc-paypass-rrp", { advanceMicros: (n) => (micros += n) });
    const r = await runTap({
      reader: loaded.config,
      params: {
        type: "purchase",
        amount: 1500,
        otherAmount: 0,
        date: "261203",
        time: "101500",
        sequenceCounter: 1,
        random: seededRandom("k2-shipped"),
      },
      field: fieldWithCard(c),
      kernels: new Map([[2, createKernel2({ clock: { wallMs: () => 0, monotonicMicros: () => micros } })]]),
      interaction: nonInteractive(),
    });
    expect(r.outcome.ops.status).toBe("Approved");
    expect(r.outcome.source).toBe("Kernel 2");
    expect(tvr(r)).toBe("0000000002");
  });
});

describe("the tap report shows Kernel 2's findings", () => {
  it("heading Book C-2; GENERATE AC, CDA and relay resistance lines; JSON notes", async () => {
    const { tapReport, tapToJson } = await import("../entry-point/report.js");
    const s = setup();
    const r = await s.tap(card("mc-paypass-rrp", s.time), 1500);
    const reader = k2Reader(terminalWith("attended-pos"), [
      { aid: "A0000000041010", c2: c2Config({ kernelConfiguration: "30", relayResistance: RRP }) },
    ]);
    const text = tapReport(r, reader, { trace: false, unmask: false });
    expect(text).toContain("3. Kernel 2 (Book C-2)");
    expect(text).toContain("GENERATE AC: TC with CDA (P1 50)");
    expect(text).toContain("CDA: passed");
    expect(text).toContain("relay resistance: performed in 1 attempt(s), measured 30 (100 µs)");
    const json = tapToJson(r, reader, { trace: false, unmask: false }) as { kernel: { notes: string[] } };
    expect(json.kernel.notes).toContain("CDA: passed");
    // The PAN is masked in the report.
    expect(text).not.toContain("5413330089020011");
  });
});

describe("a torn transaction recovered in a later, separate transaction (the card taken away in between)", () => {
  it("transaction 1 ends when the card does not come back; transaction 2 with the same log sends RECOVER AC", async () => {
    const { scriptedField } = await import("../entry-point/field.js");
    const log = new TornTransactionLog();
    const c = card("mc-paypass-tear-once");
    const terminal = terminalWith("attended-pos");
    const reader = k2Reader(terminal, [
      { aid: "A0000000041010", floorLimit: 10000, cvmRequiredLimit: 5000, c2: c2Config({ kernelConfiguration: "20" }) },
    ]);
    const kernel = createKernel2({ tornLog: log, clock: { wallMs: () => 1_000, monotonicMicros: () => 0 } });
    const params = (n: number): TransactionParams => ({
      type: "purchase",
      amount: 1500,
      otherAmount: 0,
      date: "261203",
      time: "101500",
      sequenceCounter: n,
      random: seededRandom(`separate-${n}`),
    });
    const first = await runTap({
      reader,
      params: params(1),
      field: scriptedField([
        { kind: "card", channel: c },
        { kind: "no-card", reason: "the card was taken away" },
      ]),
      kernels: new Map([[2, kernel]]),
      interaction: nonInteractive(),
    });
    expect(first.outcomes[0]!.ops.status).toBe("End Application");
    expect(first.outcomes[0]!.ops.start).toBe("B");
    expect(log.size).toBe(1);
    const second = await runTap({
      reader,
      params: params(2),
      field: fieldWithCard(c),
      kernels: new Map([[2, kernel]]),
      interaction: nonInteractive(),
    });
    expect(second.trace.map((e) => e.name)).toContain("RECOVER AC");
    expect(second.trace.map((e) => e.name)).not.toContain("GENERATE AC");
    expect(second.outcome.ops.status).toBe("Approved");
    expect(log.size).toBe(0);
  });
});
