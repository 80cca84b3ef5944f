// The contactless certification catalog (Book B Entry Point families 2EA–2EF, Book C-3): every case tapped through
// Entry Point and Kernel 3, its outcome, OPS fields, TTQ and APDU sequence compared with the expectation.

import { describe, expect, it } from "vitest";
import { kernel3Cases } from "./catalog/contactless-c3.js";
import { entryPointCases } from "./catalog/contactless-entry-point.js";
import { CONTACTLESS_FAMILIES } from "./catalog/contactless-types.js";
import { compareTap, runContactlessCase } from "./contactless-harness.js";

const cases = [...entryPointCases(), ...kernel3Cases()];

describe("contactless catalog", () => {
  it("has unique ids and at least 60 cases, each with a Book reference and an APDU sequence", () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of cases) {
      expect(c.id).toMatch(/^(EP[A-F]|C3)-\d{3}$/);
      expect(c.ref).toMatch(/Book ([ABC]|[1-4]\b)/);
    }
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  it("the comparison reports a wrong outcome, TTQ and APDU sequence (it can fail)", async () => {
    const c = cases.find((x) => x.id === "EPB-005")!;
    const run = await runContactlessCase(c);
    const wrong = {
      ...c,
      expected: { ...c.expected, outcome: "Approved" as const, ttq: "36004000", commands: ["SELECT PPSE"] },
    };
    expect(compareTap(wrong, run.record!)).toEqual([
      'outcome: expected "Approved", got "Online Request"',
      'TTQ: expected "36004000", got "36C04000"',
      'commands: expected ["SELECT PPSE"], got ["SELECT PPSE","SELECT","GET PROCESSING OPTIONS"]',
    ]);
  });
});

for (const family of CONTACTLESS_FAMILIES) {
  describe(family, () => {
    for (const c of cases.filter((x) => x.family === family)) {
      it(`${c.id} ${c.title}`, async () => {
        const run = await runContactlessCase(c);
        expect(run.error).toBeUndefined();
        expect(compareTap(c, run.record!)).toEqual([]);
      });
    }
  });
}
