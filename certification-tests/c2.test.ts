// The Kernel 2 certification catalog (Book C-2): every case tapped through Entry Point and Kernel 2 against the
// Mastercard-style emulated card; outcome, CVM, CVM Results, TVR, Terminal Capabilities, P1, CDA, ERRD count and
// the APDU sequence compared with the expectation.

import { describe, expect, it } from "vitest";
import { compareC2, runC2Case } from "./c2-harness.js";
import { kernel2Cases } from "./catalog/c2.js";
import { C2_FAMILIES } from "./catalog/c2-types.js";

const cases = kernel2Cases();

describe("Kernel 2 catalog", () => {
  it("has unique ids and at least 40 cases, each with its Book C-2 reference", () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of cases) {
      expect(c.id).toMatch(/^C2-\d{3}$/);
      expect(c.ref).toMatch(/^Book C-2 /);
    }
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
  it("the comparison reports a wrong outcome, TVR and P1 (it can fail)", async () => {
    const c = cases.find((x) => x.id === "C2-001")!;
    const run = await runC2Case(c);
    const wrong = { ...c, expected: { ...c.expected, outcome: "Declined" as const, tvr: "0000000002", p1: "90" } };
    expect(compareC2(wrong, run.record!)).toEqual([
      'outcome: expected "Declined", got "Approved"',
      'TVR: expected "0000000002", got "0000000001"',
      'GENERATE AC P1: expected "90", got "50"',
    ]);
  });
});

for (const family of C2_FAMILIES) {
  describe(family, () => {
    for (const c of cases.filter((x) => x.family === family)) {
      it(`${c.id} ${c.title}`, async () => {
        const run = await runC2Case(c);
        expect(run.error).toBeUndefined();
        expect(compareC2(c, run.record!)).toEqual([]);
      });
    }
  });
}
