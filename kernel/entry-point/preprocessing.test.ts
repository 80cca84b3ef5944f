// Entry Point pre-processing, Book B §3.1.1: one test per rule with exact TTQ bytes, and a property suite against an
// independent model of the rules over random limits and amounts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import type { ReaderCombination } from "../config/reader-types.js";
import { preProcess, preProcessCombination } from "./preprocessing.js";
import { readerWith, terminalWith } from "./reader-builders.js";

const combination = (c: Partial<ReaderCombination>): ReaderCombination => ({
  aid: fromHex("A0000000031010"),
  kernelId: Uint8Array.of(3),
  ttq: fromHex("36004000"),
  statusCheckSupport: false,
  zeroAmountAllowed: false,
  extendedSelectionSupport: false,
  ...c,
});
const USD = 100; // one unit of a currency with exponent 2

describe("Book B §3.1.1 rule by rule", () => {
  it("§3.1.1.2: the TTQ copy has byte 2 b8–b7 cleared whatever the configuration held", () => {
    const i = preProcessCombination(combination({ ttq: fromHex("36FF4000") }), 100, USD);
    expect(toHex(i.ttq!)).toBe("363F4000");
  });
  it("§3.1.1.3 and §3.1.1.10: status check at exactly one unit sets 'online cryptogram required'", () => {
    const on = preProcessCombination(combination({ statusCheckSupport: true }), 100, USD);
    expect([on.statusCheckRequested, toHex(on.ttq!)]).toEqual([true, "36804000"]);
    const off = preProcessCombination(combination({ statusCheckSupport: true }), 101, USD);
    expect([off.statusCheckRequested, toHex(off.ttq!)]).toEqual([false, "36004000"]);
    const unsupported = preProcessCombination(combination({ statusCheckSupport: false }), 100, USD);
    expect(unsupported.statusCheckRequested).toBe(false);
  });
  it("§3.1.1.4: zero amount not allowed → contactless not allowed", () => {
    const i = preProcessCombination(combination({ zeroAmountAllowed: false }), 0, USD);
    expect([i.contactlessApplicationNotAllowed, i.zeroAmount]).toEqual([true, false]);
  });
  it("§3.1.1.4 and §3.1.1.11: zero amount allowed on an online-capable reader → online cryptogram required", () => {
    const i = preProcessCombination(combination({ zeroAmountAllowed: true }), 0, USD);
    expect([i.contactlessApplicationNotAllowed, i.zeroAmount, toHex(i.ttq!)]).toEqual([false, true, "36804000"]);
  });
  it("§3.1.1.11: zero amount on an offline-only reader (TTQ b1b4) → contactless not allowed", () => {
    const i = preProcessCombination(combination({ zeroAmountAllowed: true, ttq: fromHex("28004000") }), 0, USD);
    expect([i.contactlessApplicationNotAllowed, toHex(i.ttq!)]).toEqual([true, "28004000"]);
  });
  it("§3.1.1.5: amount equal to the transaction limit is not allowed (>=), one below is", () => {
    expect(
      preProcessCombination(combination({ transactionLimit: 5000 }), 5000, USD).contactlessApplicationNotAllowed,
    ).toBe(true);
    expect(
      preProcessCombination(combination({ transactionLimit: 5000 }), 4999, USD).contactlessApplicationNotAllowed,
    ).toBe(false);
  });
  it("§3.1.1.6 and §3.1.1.9: floor limit exceeded only above it (>)", () => {
    const at = preProcessCombination(combination({ floorLimit: 8000 }), 8000, USD);
    expect([at.floorLimitExceeded, toHex(at.ttq!)]).toEqual([false, "36004000"]);
    const above = preProcessCombination(combination({ floorLimit: 8000 }), 8001, USD);
    expect([above.floorLimitExceeded, toHex(above.ttq!)]).toEqual([true, "36804000"]);
  });
  it("§3.1.1.7: without a reader floor limit the terminal floor limit (9F1B) is used; a reader limit wins", () => {
    expect(preProcessCombination(combination({ terminalFloorLimit: 5000 }), 5001, USD).floorLimitExceeded).toBe(true);
    expect(
      preProcessCombination(combination({ floorLimit: 9000, terminalFloorLimit: 5000 }), 5001, USD).floorLimitExceeded,
    ).toBe(false);
  });
  it("§3.1.1.8 and §3.1.1.12: CVM required limit reached (>=) sets 'CVM required'", () => {
    const at = preProcessCombination(combination({ cvmRequiredLimit: 8000 }), 8000, USD);
    expect([at.cvmRequiredLimitExceeded, toHex(at.ttq!)]).toEqual([true, "36404000"]);
    expect(preProcessCombination(combination({ cvmRequiredLimit: 8000 }), 7999, USD).cvmRequiredLimitExceeded).toBe(
      false,
    );
  });
  it("the public trace's limits: 90.00 over floor 80.00 and CVM 80.00 gives 24C04000", () => {
    const c = combination({
      ttq: fromHex("24004000"),
      transactionLimit: 20000,
      floorLimit: 8000,
      cvmRequiredLimit: 8000,
    });
    expect(toHex(preProcessCombination(c, 9000, USD).ttq!)).toBe("24C04000");
    expect(toHex(preProcessCombination(c, 200, USD).ttq!)).toBe("24004000");
  });
  it("§3.1.1.13: no combination allowed → Try Another Interface, 'Please Insert or Swipe Card', Processing Error", () => {
    const reader = readerWith(terminalWith("attended-pos"), [
      { aid: "A0000000031010", kernel: 3, ttq: "36004000", transactionLimit: 1000 },
      { aid: "A0000000032010", kernel: 3, ttq: "36004000", transactionLimit: 2000 },
    ]);
    const r = preProcess(reader, 2000);
    expect(r.outcome?.ops.status).toBe("Try Another Interface");
    expect(r.outcome?.uiOnOutcome).toMatchObject({ messageId: 0x18, status: "Processing Error" });
    expect(preProcess(reader, 1999).outcome).toBeUndefined();
  });
});

/** Book B §3.1.1 restated: each indicator on its own, then the TTQ byte 2 as the OR of its reasons. */
function model(c: ReaderCombination, amount: number, unit: number) {
  const status = c.statusCheckSupport && amount === unit;
  const zero = amount === 0 && c.zeroAmountAllowed;
  const floorLimit = c.floorLimit !== undefined ? c.floorLimit : c.terminalFloorLimit;
  const floor = floorLimit === undefined ? false : amount > floorLimit;
  const cvm = c.cvmRequiredLimit === undefined ? false : amount >= c.cvmRequiredLimit;
  const offlineOnly = c.ttq ? (c.ttq[0]! & 0x08) !== 0 : false;
  const notAllowed =
    (amount === 0 && !c.zeroAmountAllowed) ||
    (c.transactionLimit !== undefined && amount >= c.transactionLimit) ||
    (zero && offlineOnly && c.ttq !== undefined);
  if (!c.ttq) return { status, zero, floor, cvm, notAllowed, ttq: undefined };
  const online = floor || status || (zero && !offlineOnly);
  const b2 = (c.ttq[1]! & 0x3f) | (online ? 0x80 : 0) | (cvm ? 0x40 : 0);
  return { status, zero, floor, cvm, notAllowed, ttq: toHex(Uint8Array.of(c.ttq[0]!, b2, c.ttq[2]!, c.ttq[3]!)) };
}

describe("pre-processing against an independent model (property)", () => {
  const limit = fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined });
  it("indicators and the TTQ copy agree for random limits, flags and amounts", () => {
    fc.assert(
      fc.property(
        fc.record({
          ttq: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
          transactionLimit: limit,
          floorLimit: limit,
          terminalFloorLimit: limit,
          cvmRequiredLimit: limit,
          statusCheckSupport: fc.boolean(),
          zeroAmountAllowed: fc.boolean(),
        }),
        fc.oneof(fc.constant(0), fc.constant(100), fc.integer({ min: 0, max: 25_000 })),
        (raw, amount) => {
          const c = combination(
            Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as Partial<ReaderCombination>,
          );
          if (raw.ttq === undefined) delete (c as { ttq?: Uint8Array }).ttq;
          const got = preProcessCombination(c, amount, USD);
          const want = model(c, amount, USD);
          expect({
            status: got.statusCheckRequested,
            zero: got.zeroAmount,
            floor: got.floorLimitExceeded,
            cvm: got.cvmRequiredLimitExceeded,
            notAllowed: got.contactlessApplicationNotAllowed,
            ttq: got.ttq ? toHex(got.ttq) : undefined,
          }).toEqual(want);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
