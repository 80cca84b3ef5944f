// Runs the certification catalog outside vitest (`emvsim certify`): a selection of cases (family, id, a
// deterministic shard of a CI matrix), one case at a time, with progress after each; every case ends in a report
// entry, never a throw.

import { maskPansInText } from "../emv/sensitive.js";
import { compareC2, runC2Case } from "./c2-harness.js";
import { kernel2Cases } from "./catalog/c2.js";
import type { C2Case } from "./catalog/c2-types.js";
import { kernel3Cases } from "./catalog/contactless-c3.js";
import { entryPointCases } from "./catalog/contactless-entry-point.js";
import type { ContactlessCase } from "./catalog/contactless-types.js";
import { catalog } from "./catalog/index.js";
import type { CertCase } from "./catalog/types.js";
import { compareTap, runContactlessCase } from "./contactless-harness.js";
import { compare, observe, runCase } from "./harness.js";
import { checkInvariants } from "./invariants.js";
import { type PropertySuite, propertySuites } from "./properties/index.js";
import { type CaseReport, caseReport } from "./report.js";
import { cardExchanges, judgeFromCard } from "./tut/criteria.js";

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

/** The catalog cases a selection names, in catalog order (selectRunnables over the cases alone). */
export function selectCases(selection: Selection, all: readonly CertCase[] = catalog()): Parsed<CertCase[]> {
  const selected = selectRunnables(
    selection,
    all.map((c) => ({ kind: "case" as const, case: c })),
  );
  if (!selected.ok) return selected;
  return { ok: true, value: selected.value.flatMap((r) => (r.kind === "case" ? [r.case] : [])) };
}

/** One case on emvsim's own kernel against the software card: expectations, then the books' invariants. */
export async function evaluateCase(c: CertCase): Promise<CaseReport> {
  try {
    const run = await runCase(c);
    const problems: string[] = [];
    if (run.setupError || !run.record) problems.push(`setup: ${run.setupError ?? "no record"}`);
    const actual = run.record ? observe(run.record) : undefined;
    if (actual) problems.push(...compare(c.expected, actual));
    if (actual && c.guard) problems.push(...compare(c.guard.expected, actual).map((p) => `regression guard: ${p}`));
    if (run.record && run.config) problems.push(...checkInvariants(run.record, run.config));
    // The card-side criteria (tut/criteria.ts), the same a terminal under test is judged by.
    if (run.record) problems.push(...judgeFromCard(c, cardExchanges(run.record.trace), "kernel").problems);
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
export function runCatalog(cases: readonly CertCase[], onProgress?: (p: Progress) => void): Promise<CaseReport[]> {
  return runAll(
    cases.map((c) => ({ kind: "case" as const, case: c })),
    onProgress,
  );
}

/** One entry of a certify run: a contact catalog case, a contactless tap (Entry Point + C-3, or C-2), a property suite. */
export type Runnable =
  | { readonly kind: "case"; readonly case: CertCase }
  | { readonly kind: "contactless"; readonly case: ContactlessCase }
  | { readonly kind: "c2"; readonly case: C2Case }
  | { readonly kind: "property"; readonly suite: PropertySuite };

const entryOf = (r: Runnable) => (r.kind === "property" ? r.suite : r.case);
const idOf = (r: Runnable) => entryOf(r).id;
const familyOf = (r: Runnable) => entryOf(r).family;

/** Every entry `emvsim certify` knows, in run order: contact cases, contactless taps, C-2 taps, property suites. */
export function allRunnables(): Runnable[] {
  return [
    ...catalog().map((c) => ({ kind: "case" as const, case: c })),
    ...[...entryPointCases(), ...kernel3Cases()].map((c) => ({ kind: "contactless" as const, case: c })),
    ...kernel2Cases().map((c) => ({ kind: "c2" as const, case: c })),
    ...propertySuites().map((s) => ({ kind: "property" as const, suite: s })),
  ];
}

/** A tap case's report entry before its verdict: what it is, on which card and reader. */
export function tapEntry(r: Extract<Runnable, { kind: "contactless" | "c2" }>) {
  const c = r.case;
  return {
    id: c.id,
    family: c.family,
    title: c.title,
    ref: c.ref,
    profile: "profile" in c.card ? c.card.profile : "scripted card",
    config:
      r.kind === "c2"
        ? "catalog Kernel 2 reader"
        : typeof r.case.reader === "string"
          ? r.case.reader
          : "catalog reader",
    why: c.why,
    setup: {},
    expected: {},
  };
}

/** A contactless catalog case tapped in-process, compared with its expectation (outcome, OPS, TTQ, APDUs, …). */
export async function evaluateTap(r: Extract<Runnable, { kind: "contactless" | "c2" }>): Promise<CaseReport> {
  const entry = tapEntry(r);
  try {
    const run = r.kind === "c2" ? await runC2Case(r.case) : await runContactlessCase(r.case);
    const problems = run.error
      ? [`setup: ${run.error}`]
      : !run.record
        ? ["setup: no record"]
        : r.kind === "c2"
          ? compareC2(r.case, run.record)
          : compareTap(r.case, run.record);
    return { ...entry, passed: problems.length === 0, problems: problems.map((p) => maskPansInText(p)) };
  } catch (e) {
    return {
      ...entry,
      passed: false,
      problems: [`internal: the case threw: ${e instanceof Error ? e.message : String(e)}`],
    };
  }
}

/**
 * The catalog cases and property suites a selection names, cases first, each list in its own order. Family and id
 * filters apply to both; shards are taken round-robin over the whole list (cases, then suites), so every entry
 * belongs to exactly one shard whatever else is selected.
 */
export function selectRunnables(selection: Selection, all: readonly Runnable[] = allRunnables()): Parsed<Runnable[]> {
  let out = [...all];
  if (selection.families?.length) {
    const wanted = selection.families.map((f) => f.toLowerCase());
    const matches = (r: Runnable, f: string) => familyOf(r).toLowerCase() === f || idOf(r).toLowerCase().startsWith(f);
    const unknown = wanted.filter((f) => !all.some((r) => matches(r, f)));
    if (unknown.length)
      return {
        ok: false,
        error: `--family: no case in family or with id prefix ${unknown.map((u) => `'${u}'`).join(", ")}`,
      };
    out = out.filter((r) => wanted.some((f) => matches(r, f)));
  }
  if (selection.ids?.length) {
    const unknown = selection.ids.filter((id) => !all.some((r) => idOf(r) === id));
    if (unknown.length) return { ok: false, error: `--case: no case ${unknown.map((u) => `'${u}'`).join(", ")}` };
    out = out.filter((r) => selection.ids?.includes(idOf(r)));
  }
  const shard = selection.shard;
  if (shard) {
    const position = new Map(all.map((r, i) => [idOf(r), i]));
    out = out.filter((r) => (position.get(idOf(r)) ?? 0) % shard.count === shard.index - 1);
  }
  return { ok: true, value: out };
}

/** A property suite as a report entry: its failure is fast-check's counterexample and the assertion, masked. */
export async function evaluateProperty(suite: PropertySuite): Promise<CaseReport> {
  const entry = {
    id: suite.id,
    family: suite.family,
    title: suite.title,
    ref: suite.ref,
    profile: "random",
    config: "random",
    why: "fast-check on random inputs against an independent model of the book",
    setup: {},
    expected: {},
  };
  try {
    await suite.run();
    return { ...entry, passed: true, problems: [] };
  } catch (e) {
    const lines = (e instanceof Error ? e.message : String(e)).split("\n").filter((l) => l.trim() !== "");
    const key = lines.filter((l) => /Counterexample|Got |AssertionError|Expected|expected|Property failed/.test(l));
    // fast-check (v4) keeps the failing assertion as the error's cause.
    const cause =
      e instanceof Error && e.cause instanceof Error ? [`failed check: ${e.cause.message.split("\n")[0]}`] : [];
    const problems = [...(key.length ? key : lines).slice(0, 5), ...cause].map((l) => maskPansInText(l.trim()));
    return { ...entry, passed: false, problems };
  }
}

/** Who runs each kind of entry; absent: emvsim's kernel in-process. */
export interface Evaluators {
  readonly case?: (c: CertCase) => Promise<CaseReport>;
  /** An Entry Point / C-3 tap (tut/contactless.ts on a terminal under test). */
  readonly contactless?: (c: ContactlessCase) => Promise<CaseReport>;
  /** A Kernel 2 tap (tut/c2.ts on a terminal under test). */
  readonly c2?: (c: C2Case) => Promise<CaseReport>;
}

/** Every selected entry in order; `onProgress` after each. */
export async function runAll(
  entries: readonly Runnable[],
  onProgress: (p: Progress) => void = () => {},
  /** How entries are run: emvsim's kernel in-process by default, or a terminal under test (tut/). */
  on: Evaluators = {},
): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  let passed = 0;
  for (const e of entries) {
    const started = performance.now();
    const report =
      e.kind === "case"
        ? await (on.case ?? evaluateCase)(e.case)
        : e.kind === "property"
          ? await evaluateProperty(e.suite)
          : e.kind === "contactless" && on.contactless
            ? await on.contactless(e.case)
            : e.kind === "c2" && on.c2
              ? await on.c2(e.case)
              : await evaluateTap(e);
    const timed = { ...report, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    reports.push(timed);
    if (timed.passed) passed++;
    onProgress({ done: reports.length, total: entries.length, report: timed, passed, failed: reports.length - passed });
  }
  return reports;
}
