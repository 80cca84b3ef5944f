// Every built-in card under every shipped terminal configuration, pinned exactly: outcome, TVR, TSI, CVM results,
// ODA method and result, cryptograms and the APDU command sequence (Book 3 §10 end to end). The 15 combinations of
// the three base cards are derived in catalog/matrix.ts; the golden file pins all 75 so any change in behaviour shows
// up as a diff to review. After a reviewed, intended change: EMVSIM_UPDATE_GOLDEN=1 npx vitest run certification-tests/matrix-golden.test.ts

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { matrixCases } from "./catalog/matrix.js";
import { observe, runCase } from "./harness.js";

interface Pinned {
  readonly outcome: string;
  readonly reason: string;
  readonly tvr: string;
  readonly tsi: string;
  readonly cvmResults: string | null;
  readonly oda: { method: string; result: string };
  readonly cryptograms: [string, string][];
  readonly commands: string[];
}

const FILE = new URL("./fixtures/matrix-golden.json", import.meta.url);
const update = process.env["EMVSIM_UPDATE_GOLDEN"] === "1";
const golden: Record<string, Pinned> = existsSync(FILE) ? JSON.parse(readFileSync(FILE, "utf8")) : {};
const seen: Record<string, Pinned> = {};

describe("profile × configuration matrix, pinned", () => {
  const cases = matrixCases();
  it("the golden file covers exactly the matrix", () => {
    if (update) return;
    expect(Object.keys(golden).sort()).toEqual(cases.map((c) => c.id).sort());
  });
  for (const c of cases) {
    it(`${c.id}`, async () => {
      const run = await runCase(c);
      expect(run.setupError).toBeUndefined();
      const o = observe(run.record!);
      const pinned: Pinned = {
        outcome: o.outcome,
        reason: o.reason,
        tvr: o.tvr,
        tsi: o.tsi,
        cvmResults: o.cvmResults,
        oda: o.oda,
        cryptograms: o.cryptograms,
        commands: o.commands,
      };
      seen[c.id] = pinned;
      // The derived expectations of catalog/matrix.ts and the golden file never disagree.
      for (const [k, v] of Object.entries(c.expected))
        if (k in pinned) expect(pinned[k as keyof Pinned], `${c.id} ${k} (derived)`).toEqual(v);
      if (!update) expect(pinned).toEqual(golden[c.id]);
    });
  }
  afterAll(() => {
    if (update) writeFileSync(FILE, `${JSON.stringify(Object.fromEntries(Object.entries(seen).sort()), null, 1)}\n`);
  });
});
