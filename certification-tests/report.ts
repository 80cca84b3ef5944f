// The certification report (reports/certification.json and .md): per family passed/failed, each case's expected
// vs actual, TVR/TSI in words (EMV Book 3 Annex C5/C6). PANs masked (kernel/sensitive.ts).

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeBits } from "../emv/bits.js";
import { fromHex } from "../emv/bytes.js";
import { maskPansInText } from "../emv/sensitive.js";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { type CertCase, REPORT_FAMILIES, type ReportFamily } from "./catalog/types.js";
import type { Observed } from "./harness.js";

export interface CaseReport {
  readonly id: string;
  readonly family: ReportFamily;
  readonly title: string;
  readonly ref: string;
  readonly profile: string;
  readonly config: string;
  readonly why: string;
  /** The case's card / terminal overrides and transaction parameters, as the catalog gives them. */
  readonly setup: Pick<CertCase, "card" | "terminal" | "params">;
  readonly passed: boolean;
  readonly expected: CertCase["expected"];
  /**
   * Absent: every expected value comes from the books (the case's `why`). "regression guard": some were captured
   * from a reviewed run (`guardSource`), not derived.
   */
  readonly basis?: "regression guard";
  readonly guardSource?: string;
  readonly actual?: Observed;
  /** One line per difference (TVR/TSI in words). */
  readonly problems: readonly string[];
  /** Criteria not judged, with why (e.g. the outcome, which a card cannot see, in terminal-under-test mode). */
  readonly notes?: readonly string[];
  /** Wall time of the case, when run by the certify runner (JUnit `time`). */
  readonly durationMs?: number;
}

/** The case's setup with PINs (card reference PIN, PINs entered) replaced by "****": PINs never in a report. */
function withheldPins(c: CertCase): CaseReport["setup"] {
  const card = c.card?.pin ? { ...c.card, pin: { ...c.card.pin, value: "****" } } : c.card;
  const params = c.params?.pins
    ? { ...c.params, pins: c.params.pins.map((p) => (p === undefined ? p : "****")) }
    : c.params;
  return { card, terminal: c.terminal, params };
}

/** A case's report entry: passed when there is no problem. */
export function caseReport(c: CertCase, actual: Observed | undefined, problems: readonly string[]): CaseReport {
  return {
    id: c.id,
    family: c.family,
    title: c.title,
    ref: c.ref,
    profile: c.profile,
    config: c.config,
    why: c.why,
    setup: withheldPins(c),
    passed: problems.length === 0,
    expected: c.guard ? { ...c.guard.expected, ...c.expected } : c.expected,
    ...(c.guard ? { basis: "regression guard" as const, guardSource: c.guard.source } : {}),
    ...(actual ? { actual } : {}),
    problems,
  };
}

export function reportDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "reports");
}

function bitsInWords(hex: string, which: "TVR" | "TSI"): string {
  const names = describeBits(which === "TVR" ? TVR_BITS : TSI_BITS, fromHex(hex));
  return names.length ? names.join("; ") : "none";
}

function summary(cases: readonly CaseReport[]) {
  return REPORT_FAMILIES.map((family) => {
    const mine = cases.filter((c) => c.family === family);
    return { family, passed: mine.filter((c) => c.passed).length, failed: mine.filter((c) => !c.passed).length };
  }).filter((f) => f.passed + f.failed > 0);
}

export function renderMarkdown(cases: readonly CaseReport[]): string {
  const lines: string[] = ["# emvsim certification report", ""];
  const total = cases.filter((c) => c.passed).length;
  lines.push(`${total} of ${cases.length} cases passed.`, "", "| Family | Passed | Failed |", "|---|---|---|");
  for (const s of summary(cases)) lines.push(`| ${s.family} | ${s.passed} | ${s.failed} |`);
  for (const s of summary(cases)) {
    lines.push("", `## ${s.family}`, "");
    for (const c of cases.filter((x) => x.family === s.family)) {
      lines.push(`### ${c.passed ? "PASS" : "FAIL"} ${c.id} — ${c.title}`, "");
      lines.push(`- ${c.ref}; card ${c.profile}, terminal ${c.config}`, `- why: ${c.why}`);
      if (c.basis === "regression guard")
        lines.push(`- expected values: regression guard, captured from a reviewed run (${c.guardSource}), not derived`);
      const setup = Object.entries(c.setup).filter(([, v]) => v !== undefined);
      if (setup.length) lines.push(`- setup: ${setup.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join("; ")}`);
      const e = c.expected;
      lines.push(
        `- expected: ${e.outcome ?? (e.never ? `not ${e.never.join("/")}` : "the invariants")}${e.tvr ? `, TVR ${e.tvr} (${bitsInWords(e.tvr, "TVR")})` : ""}${e.tsi ? `, TSI ${e.tsi} (${bitsInWords(e.tsi, "TSI")})` : ""}${e.cvmResults !== undefined ? `, CVM results ${e.cvmResults ?? "not set"}` : ""}`,
      );
      const a = c.actual;
      if (a) {
        lines.push(
          `- actual: ${a.outcome} (${a.reason}), TVR ${a.tvr} (${bitsInWords(a.tvr, "TVR")}), TSI ${a.tsi} (${bitsInWords(a.tsi, "TSI")}), CVM results ${a.cvmResults ?? "not set"}, cryptograms ${a.cryptograms.map((x) => x.join("→")).join(", ") || "none"}, ODA ${a.oda.method} ${a.oda.result}`,
        );
      }
      for (const p of c.problems) lines.push(`- **${p}**`);
      for (const n of c.notes ?? []) lines.push(`- not judged: ${n}`);
      lines.push("");
    }
  }
  return maskPansInText(lines.join("\n"));
}

/** Write both files; returns their paths. */
export function writeReport(cases: readonly CaseReport[], dir = reportDir()): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "certification.json");
  const md = join(dir, "certification.md");
  const body = {
    generated: "emvsim certification-tests",
    total: cases.length,
    passed: cases.filter((c) => c.passed).length,
    families: summary(cases),
    cases,
  };
  writeFileSync(json, maskPansInText(JSON.stringify(body, null, 2)));
  writeFileSync(md, renderMarkdown(cases));
  return { json, md };
}
