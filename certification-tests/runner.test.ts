// The certify runner's selection: families and id prefixes, ids, deterministic shards of a CI matrix.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { catalog } from "./catalog/index.js";
import { propertySuites } from "./properties/index.js";
import { same } from "./properties/suite.js";
import { evaluateProperty, evaluateTap, parseShard, runCatalog, selectCases, selectRunnables } from "./runner.js";

const all = catalog();

describe("selectCases", () => {
  it("selects a family by name (any case) or by id prefix, in catalog order", () => {
    const byName = selectCases({ families: ["Cardholder Verification"] });
    const byPrefix = selectCases({ families: ["CVM-"] });
    expect(byName.ok && byPrefix.ok).toBe(true);
    if (!byName.ok || !byPrefix.ok) return;
    expect(byName.value.length).toBeGreaterThan(0);
    expect(byName.value.every((c) => c.family === "cardholder verification")).toBe(true);
    expect(byPrefix.value.every((c) => c.id.startsWith("CVM-"))).toBe(true);
    const order = all.map((c) => c.id);
    const ids = byName.value.map((c) => c.id);
    expect(ids).toEqual(order.filter((id) => ids.includes(id)));
  });

  it("an unknown family or case id is an error naming it, never an empty run", () => {
    expect(selectCases({ families: ["contactles"] })).toEqual({
      ok: false,
      error: "--family: no case in family or with id prefix 'contactles'",
    });
    expect(selectCases({ ids: ["SEL-PSE-001", "NOPE-1"] })).toEqual({ ok: false, error: "--case: no case 'NOPE-1'" });
  });

  it("shards partition the catalog: disjoint, complete, the same on every run", () => {
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, i) => {
        const s = selectCases({ shard: { index: i + 1, count } });
        return s.ok ? s.value.map((c) => c.id) : [];
      });
      const union = shards.flat();
      expect(union.length).toBe(all.length);
      expect(new Set(union).size).toBe(all.length);
      const again = selectCases({ shard: { index: 1, count } });
      expect(again.ok && again.value.map((c) => c.id)).toEqual(shards[0]);
      // Round-robin: the sizes differ by at most one.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("a shard is taken over the whole catalog, whatever else is selected", () => {
    const shard = selectCases({ shard: { index: 2, count: 3 } });
    const sel = selectCases({ families: ["SEL"], shard: { index: 2, count: 3 } });
    expect(shard.ok && sel.ok).toBe(true);
    if (!shard.ok || !sel.ok) return;
    expect(sel.value.map((c) => c.id)).toEqual(shard.value.filter((c) => c.id.startsWith("SEL")).map((c) => c.id));
  });
});

describe("parseShard", () => {
  it("accepts i/n with 1 <= i <= n and refuses the rest with the option named", () => {
    expect(parseShard("2/4")).toEqual({ ok: true, value: { index: 2, count: 4 } });
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", ""])
      expect(parseShard(bad)).toEqual({
        ok: false,
        error: `--shard ${JSON.stringify(bad)}: expected i/n with 1 <= i <= n, e.g. 1/4`,
      });
  });
});

describe("runCatalog", () => {
  it("reports every case, counts as it goes, and a wrong expectation fails with the first difference", async () => {
    const sel = selectCases({ ids: ["SEL-PSE-001", "SEL-PRI-001"] });
    if (!sel.ok) throw new Error(sel.error);
    const wrong = { ...sel.value[1]!, expected: { ...sel.value[1]!.expected, tvr: "8000000000" } };
    const seen: string[] = [];
    const reports = await runCatalog([sel.value[0]!, wrong], (p) =>
      seen.push(`${p.done}/${p.total} ${p.passed}:${p.failed}`),
    );
    expect(seen).toEqual(["1/2 1:0", "2/2 1:1"]);
    expect(reports.map((r) => r.passed)).toEqual([true, false]);
    expect(reports[1]!.problems[0]).toMatch(
      /^TVR: expected "8000000000", got "[0-9A-F]{10}" \(expected but not set: Offline data authentication was not performed/,
    );
    expect(reports.every((r) => typeof r.durationMs === "number")).toBe(true);
  });
});

describe("property suites in a certify run", () => {
  it("are selected with the catalog (family, PROP prefix, shards over cases then suites)", () => {
    const props = selectRunnables({ families: ["PROP"] });
    expect(props.ok && props.value.length).toBe(propertySuites().length);
    const everything = selectRunnables({});
    const shards = [1, 2].map((index) => selectRunnables({ shard: { index, count: 2 } }));
    const ids = (r: typeof everything) =>
      r.ok ? r.value.map((x) => (x.kind === "property" ? x.suite.id : x.case.id)) : [];
    expect([...ids(shards[0]!), ...ids(shards[1]!)].sort()).toEqual(ids(everything).sort());
  });

  it("a failing property is a failed entry whose problems carry fast-check's counterexample", async () => {
    const failing = {
      id: "PROP-X-1",
      family: "terminal risk management" as const,
      title: "a property that fails at 7",
      ref: "Book 3 §10.6.1",
      run: async () => {
        fc.assert(
          fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
            same(n < 7, true, "below seven");
          }),
          { seed: 1, numRuns: 200 },
        );
      },
    };
    const report = await evaluateProperty(failing);
    expect(report.passed).toBe(false);
    expect(report.problems.some((p) => p.startsWith("Counterexample: [7]"))).toBe(true);
    expect(report.problems.some((p) => p.includes("below seven"))).toBe(true);
  });
});

describe("contactless taps in a certify run", () => {
  it("Entry Point, C-3 and C-2 cases are selected by family and judged by their harness; a wrong one fails", async () => {
    const c3 = selectRunnables({ families: ["C-3"] });
    const c2 = selectRunnables({ families: ["C-2 torn transactions"] });
    expect(c3.ok && c3.value.length).toBeGreaterThan(0);
    expect(c2.ok && c2.value.every((r) => r.kind === "c2")).toBe(true);
    if (!c3.ok) return;
    const first = c3.value[0]!;
    if (first.kind !== "contactless") throw new Error("expected a contactless tap");
    expect((await evaluateTap(first)).passed).toBe(true);
    const other = first.case.expected.outcome === "Approved" ? ("Declined" as const) : ("Approved" as const);
    const wrong = { ...first, case: { ...first.case, expected: { ...first.case.expected, outcome: other } } };
    const report = await evaluateTap(wrong);
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toBe(`outcome: expected "${other}", got "${first.case.expected.outcome}"`);
  });
});

describe("regression guards: matrix values captured, not derived, and labelled so", () => {
  const derived = new Set(["VISA-OFFLINE-ONLY", "VISA-CVN10-DDA", "VISA-ONLINE-ONLY", "MALFORMED", "VISA-BLOCKED"]);
  const matrix = all.filter((c) => c.family === "profile × configuration matrix");

  it("every matrix case is derived (three base cards, two that must terminate) or carries a guard naming its source", () => {
    for (const c of matrix) {
      const isDerived = [...derived].some((p) => c.id.startsWith(`MTX-${p}-`));
      expect(c.guard === undefined, c.id).toBe(isDerived);
      if (c.guard) {
        expect(c.guard.source).toBe("certification-tests/fixtures/matrix-golden.json");
        expect(c.guard.expected.tvr, c.id).toMatch(/^[0-9A-F]{10}$/);
        expect(c.guard.expected.tsi, c.id).toMatch(/^[0-9A-F]{4}$/);
      }
    }
  });

  it("a guard is checked against emvsim's kernel, its differences prefixed, and the report says what it is", async () => {
    const c = matrix.find((x) => x.guard)!;
    const [ok] = await runCatalog([c]);
    expect(ok!.passed).toBe(true);
    expect(ok!.basis).toBe("regression guard");
    expect(ok!.expected.tvr).toBe(c.guard!.expected.tvr);
    // A guard that no longer holds fails the case, naming it a regression guard.
    const changed = { ...c, guard: { ...c.guard!, expected: { ...c.guard!.expected, tsi: "0000" } } };
    const [bad] = await runCatalog([changed]);
    expect(bad!.passed).toBe(false);
    expect(bad!.problems[0]).toMatch(/^regression guard: TSI: expected "0000"/);
  });
});
