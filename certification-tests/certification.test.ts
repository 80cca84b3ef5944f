// The certification suite: every catalog case (EMV Books 1–4, EMVCo Level 2 families) run on the software card,
// exact expectations and the books' invariants; writes reports/certification.json and .md after the run.

import { afterAll, describe, expect, it } from "vitest";
import { catalog } from "./catalog/index.js";
import { FAMILIES } from "./catalog/types.js";
import { type CaseReport, writeReport } from "./report.js";
import { evaluateCase } from "./runner.js";

const cases = catalog();
const reports: CaseReport[] = [];

describe("catalog", () => {
  it("has unique ids of our own form and at least 60 cases", () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z]{2,4}-[A-Z0-9-]+$/);
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
});

for (const family of FAMILIES) {
  const mine = cases.filter((c) => c.family === family);
  if (mine.length === 0) continue;
  describe(family, () => {
    for (const c of mine) {
      it(`${c.id} ${c.title}`, async () => {
        const report = await evaluateCase(c);
        reports.push(report);
        expect(report.problems).toEqual([]);
      });
    }
  });
}

afterAll(() => {
  const order = new Map(cases.map((c, i) => [c.id, i]));
  reports.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  writeReport(reports);
});
