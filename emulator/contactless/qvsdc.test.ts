// The card's qVSDC decision from the TTQ bits (EMV Book C-3 Annex A TTQ/CTQ; card side as Book C-3 sees it): a
// decision table over the reader's qualifiers, and properties over random TTQs and amounts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import type { ContactlessProfile } from "../profile.js";
import { qvsdcDecision } from "./qvsdc.js";

const base: ContactlessProfile = {
  mode: "qvsdc",
  kernelIdentifier: undefined,
  extendedSelection: undefined,
  priorityIndicator: undefined,
  aip: fromHex("2000"),
  afl: fromHex("10010100"),
  pdol: undefined,
  ctq: fromHex("0000"),
  cid: true,
  fdda: { ctqInCardData: false },
  odaForOnline: false,
  cvm: ["online-pin", "signature"],
  cvmRequiredLimit: undefined,
  gpoFromRecords: [],
  gpoExtra: [],
  risk: {
    decision: "approve",
    offlineAmountLimit: 5000,
    cumulativeOfflineLimit: undefined,
    consecutiveOfflineLimit: undefined,
  },
};

const facts = { amount: 1000, consecutiveOffline: 0, offlineAmountTotal: 0, canSign: true };

// TTQ byte 1: b6 20 qVSDC, b4 08 offline only, b3 04 online PIN, b2 02 signature, b1 01 ODA for online;
// byte 2: b8 80 online cryptogram required, b7 40 CVM required; byte 3: b7 40 consumer device CVM.
const TABLE: readonly {
  readonly ttq: string;
  readonly change?: Partial<ContactlessProfile>;
  readonly amount?: number;
  readonly cannotSign?: boolean;
  readonly type: string;
  readonly cvm: string;
  readonly ctq: string;
  readonly oda: boolean;
}[] = [
  { ttq: "26004000", type: "TC", cvm: "not-required", ctq: "0000", oda: true },
  { ttq: "26804000", type: "ARQC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "26814000", type: "ARQC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "27804000", change: { odaForOnline: true }, type: "ARQC", cvm: "not-required", ctq: "0000", oda: true },
  { ttq: "26804000", change: { odaForOnline: true }, type: "ARQC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "26404000", type: "ARQC", cvm: "online-pin", ctq: "8000", oda: false },
  { ttq: "22404000", type: "TC", cvm: "signature", ctq: "4000", oda: true },
  { ttq: "2E404000", type: "TC", cvm: "signature", ctq: "4000", oda: true },
  { ttq: "20404000", type: "TC", cvm: "none", ctq: "0000", oda: true },
  { ttq: "28004000", type: "TC", cvm: "not-required", ctq: "0000", oda: true },
  { ttq: "28004000", amount: 5001, type: "AAC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "26004000", amount: 5001, type: "ARQC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "26004000", amount: 5000, type: "TC", cvm: "not-required", ctq: "0000", oda: true },
  { ttq: "26004000", cannotSign: true, type: "ARQC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "28004000", cannotSign: true, type: "AAC", cvm: "not-required", ctq: "0000", oda: false },
  { ttq: "26400000", change: { cvm: ["cdcvm", "signature"] }, type: "TC", cvm: "signature", ctq: "4000", oda: true },
  { ttq: "26404000", change: { cvm: ["cdcvm", "signature"] }, type: "TC", cvm: "cdcvm", ctq: "0080", oda: true },
  { ttq: "20400000", change: { cvm: ["cdcvm"] }, type: "TC", cvm: "none", ctq: "0000", oda: true },
  {
    ttq: "26004000",
    change: { cvmRequiredLimit: 1000, cvm: ["signature"] },
    type: "TC",
    cvm: "signature",
    ctq: "4000",
    oda: true,
  },
  {
    ttq: "26004000",
    change: { cvmRequiredLimit: 1001, cvm: ["signature"] },
    type: "TC",
    cvm: "not-required",
    ctq: "0000",
    oda: true,
  },
  { ttq: "26004000", change: { ctq: fromHex("3000") }, type: "TC", cvm: "not-required", ctq: "3000", oda: true },
  { ttq: "26404000", change: { ctq: fromHex("2040") }, type: "ARQC", cvm: "online-pin", ctq: "A040", oda: false },
  {
    ttq: "26004000",
    change: { risk: { ...base.risk, decision: "online" } },
    type: "ARQC",
    cvm: "not-required",
    ctq: "0000",
    oda: false,
  },
  {
    ttq: "28004000",
    change: { risk: { ...base.risk, decision: "online" } },
    type: "AAC",
    cvm: "not-required",
    ctq: "0000",
    oda: false,
  },
  {
    ttq: "26004000",
    change: { risk: { ...base.risk, decision: "decline" } },
    type: "AAC",
    cvm: "not-required",
    ctq: "0000",
    oda: false,
  },
];

describe("qVSDC decision table (TTQ → cryptogram, CVM, CTQ, ODA)", () => {
  for (const row of TABLE) {
    const what = `${row.ttq}${row.change ? ` ${JSON.stringify(row.change, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v))}` : ""}${row.amount ? ` amount ${row.amount}` : ""}${row.cannotSign ? " (card cannot sign)" : ""}`;
    it(`TTQ ${what} → ${row.type}, CVM ${row.cvm}, CTQ ${row.ctq}${row.oda ? ", signed" : ""}`, () => {
      const d = qvsdcDecision(
        { ...base, ...row.change },
        { ...facts, ttq: fromHex(row.ttq), amount: row.amount ?? 1000, canSign: !row.cannotSign },
      );
      expect([d.type, d.cvm, toHex(d.ctq), d.oda]).toEqual([row.type, row.cvm, row.ctq, row.oda]);
    });
  }

  it("the cumulative and consecutive limits (offline total 40.00 + 10.01 > 50.00; 3 of 3)", () => {
    const cl = { ...base, risk: { ...base.risk, cumulativeOfflineLimit: 5000, consecutiveOfflineLimit: 3 } };
    const ttq = fromHex("26004000");
    expect(qvsdcDecision(cl, { ...facts, ttq, offlineAmountTotal: 4000, amount: 1000 }).type).toBe("TC");
    expect(qvsdcDecision(cl, { ...facts, ttq, offlineAmountTotal: 4000, amount: 1001 }).type).toBe("ARQC");
    expect(qvsdcDecision(cl, { ...facts, ttq, consecutiveOffline: 2 }).type).toBe("TC");
    expect(qvsdcDecision(cl, { ...facts, ttq, consecutiveOffline: 3 }).type).toBe("ARQC");
  });
});

describe("qVSDC decision properties (random TTQ, amount, counters)", () => {
  const arb = fc.record({
    ttq: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    amount: fc.integer({ min: 0, max: 20000 }),
    consecutiveOffline: fc.integer({ min: 0, max: 10 }),
    offlineAmountTotal: fc.integer({ min: 0, max: 20000 }),
    canSign: fc.boolean(),
  });
  it("a TC is signed; an offline-only reader never gets an ARQC; online required never gets a TC; CTQ keeps the fixed bits", () => {
    const cl = { ...base, ctq: fromHex("3000"), risk: { ...base.risk, cumulativeOfflineLimit: 8000 } };
    fc.assert(
      fc.property(arb, (f) => {
        const d = qvsdcDecision(cl, f);
        const b1 = f.ttq[0]!;
        const b2 = f.ttq[1]!;
        if (d.type === "TC") expect(d.oda && f.canSign).toBe(true);
        if (b1 & 0x08) expect(d.type).not.toBe("ARQC");
        if (b2 & 0x80) expect(d.type).not.toBe("TC");
        if (d.type === "TC") expect(f.amount).toBeLessThanOrEqual(5000);
        if (d.type === "TC") expect(f.offlineAmountTotal + f.amount).toBeLessThanOrEqual(8000);
        expect(d.ctq[0]! & 0x30).toBe(0x30);
        // Exactly one CVM bit, and only when a CVM was chosen.
        const cvmBits = (d.ctq[0]! & 0xc0) | (d.ctq[1]! & 0x80);
        expect(cvmBits !== 0).toBe(d.cvm === "online-pin" || d.cvm === "signature" || d.cvm === "cdcvm");
        if (d.cvm === "online-pin") expect(d.type === "ARQC" || d.type === "AAC").toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
