// Runs the certification catalog outside vitest (`emvsim certify`): a selection of cases (family, id, a
// deterministic shard of a CI matrix), one case at a time, with progress after each; every case ends in a report
// entry, never a throw.

import { catalog } from "./catalog/index.js";
import type { CertCase } from "./catalog/types.js";
import { compare, observe, runCase } from "./harness.js";
import { checkInvariants } from "./invariants.js";
import { type CaseReport, caseReport } from "./report.js";

/** Shard i of n (1-based), e.g. "2/4": case k (0-based, catalog order) belongs to shard (k mod n) + 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface Selection {
  /** Family names (exact, case-insensitive) or id prefixes such as "SEL" or "CVM-". */
  readonly families?: readonly string[];
  /** Case ids (exact). */
  readonly ids?: readonly string[];
  readonly shard?: Shard;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** "i/n" with 1 <= i <= n. */
export function parseShard(text: string): Parsed<Shard> {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count)
    return { ok: false, error: `--shard ${JSON.stringify(text)}: expected i/n with 1 <= i <= n, e.g. 1/4` };
  return { ok: true, value: { index, count } };
}

/**
 * The catalog cases a selection names, in catalog order. Unknown families or ids are an error naming them, so a
 * typo never runs an empty suite that passes.
 */
export function selectCases(selection: Selection, all: readonly CertCase[] = catalog()): Parsed<CertCase[]> {
  let cases = [...all];
  if (selection.families?.length) {
    const wanted = selection.families.map((f) => f.toLowerCase());
    const matches = (c: CertCase, f: string) => c.family.toLowerCase() === f || c.id.toLowerCase().startsWith(f);
    const unknown = wanted.filter((f) => !all.some((c) => matches(c, f)));
    if (unknown.length)
      return {
        ok: false,
        error: `--family: no case in family or with id prefix ${unknown.map((u) => `'${u}'`).join(", ")}`,
      };
    cases = cases.filter((c) => wanted.some((f) => matches(c, f)));
  }
  if (selection.ids?.length) {
    const unknown = selection.ids.filter((id) => !all.some((c) => c.id === id));
    if (unknown.length) return { ok: false, error: `--case: no case ${unknown.map((u) => `'${u}'`).join(", ")}` };
    cases = cases.filter((c) => selection.ids?.includes(c.id));
  }
  const shard = selection.shard;
  if (shard) {
    // Shards are taken over the whole catalog, so a case belongs to the same shard whatever else is selected.
    const position = new Map(all.map((c, i) => [c.id, i]));
    cases = cases.filter((c) => (position.get(c.id) ?? 0) % shard.count === shard.index - 1);
  }
  return { ok: true, value: cases };
}

/** One case on emvsim's own kernel against the software card: expectations, then the books' invariants. */
export async function evaluateCase(c: CertCase): Promise<CaseReport> {
  try {
    const run = await runCase(c);
    const problems: string[] = [];
    if (run.setupError || !run.record) problems.push(`setup: ${run.setupError ?? "no record"}`);
    const actual = run.record ? observe(run.record) : undefined;
    if (actual) problems.push(...compare(c.expected, actual));
    if (run.record && run.config) problems.push(...checkInvariants(run.record, run.config));
    return caseReport(c, actual, problems);
  } catch (e) {
    return caseReport(c, undefined, [`internal: the case threw: ${e instanceof Error ? e.message : String(e)}`]);
  }
}

export interface Progress {
  /** 1-based position of the case just finished, and the number selected. */
  readonly done: number;
  readonly total: number;
  readonly report: CaseReport;
  readonly passed: number;
  readonly failed: number;
}

/** Every selected case in order; `onProgress` after each. */
export async function runCatalog(
  cases: readonly CertCase[],
  onProgress: (p: Progress) => void = () => {},
): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  let passed = 0;
  for (const c of cases) {
    const started = performance.now();
    // Rounded to 0.1 ms: a long run of digits would read (and be masked) as a PAN in the reports.
    const report = { ...(await evaluateCase(c)), durationMs: Math.round((performance.now() - started) * 10) / 10 };
    reports.push(report);
    if (report.passed) passed++;
    onProgress({ done: reports.length, total: cases.length, report, passed, failed: reports.length - passed });
  }
  return reports;
}
