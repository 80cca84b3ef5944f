// Runs the parser targets for a count and a seed and tallies how each input ended (see targets.ts).

import { toHex } from "../emv/bytes.js";
import { maskPansInText } from "../emv/sensitive.js";
import { corpus } from "./corpus.js";
import { nextInput } from "./mutate.js";
import { Rng } from "./rng.js";
import { TARGETS, type Target } from "./targets.js";

/** An input taking longer than this is reported as slow. */
export const SLOW_MS = 50;

export interface TargetRow {
  readonly target: string;
  inputs: number;
  ok: number;
  documentedErrors: number;
  undocumentedThrows: number;
  slow: number;
  mismatches: number;
  /** Up to 5 inputs that threw, did not round-trip or were slow, with what happened (hex masked). */
  readonly findings: string[];
}

export interface CampaignOptions {
  readonly count: number;
  readonly seed: string;
  /** Only this target (by name); every target when absent. */
  readonly target?: string;
  readonly clock?: () => number;
}

export function targetNames(): string[] {
  return TARGETS.map((t) => t.name);
}

export async function runCampaign(options: CampaignOptions): Promise<TargetRow[]> {
  const chosen = options.target === undefined ? TARGETS : TARGETS.filter((t) => t.name === options.target);
  if (chosen.length === 0) throw new Error(`no fuzz target '${options.target}' (targets: ${targetNames().join(", ")})`);
  const c = await corpus();
  return chosen.map((t) => runTarget(t, t.seeds(c), options));
}

export function runTarget(target: Target, seeds: readonly Uint8Array[], options: CampaignOptions): TargetRow {
  const clock = options.clock ?? (() => performance.now());
  const rng = new Rng(`${options.seed}/${target.name}`);
  const row: TargetRow = {
    target: target.name,
    inputs: 0,
    ok: 0,
    documentedErrors: 0,
    undocumentedThrows: 0,
    slow: 0,
    mismatches: 0,
    findings: [],
  };
  const note = (input: Uint8Array, what: string) => {
    if (row.findings.length < 5) row.findings.push(maskPansInText(`#${row.inputs} ${toHex(input)}: ${what}`));
  };
  for (let i = 0; i < options.count; i++) {
    const inputRng = rng.fork(String(i));
    const input = nextInput(seeds, inputRng, target.maxRandom);
    const t0 = clock();
    row.inputs++;
    try {
      const r = target.run(input, inputRng);
      if (r.kind === "ok") row.ok++;
      else if (r.kind === "error") row.documentedErrors++;
      else {
        row.mismatches++;
        note(input, `round trip: ${r.detail}`);
      }
    } catch (e) {
      if (target.documented(e)) row.documentedErrors++;
      else {
        row.undocumentedThrows++;
        note(input, `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    }
    const ms = clock() - t0;
    if (ms > SLOW_MS) {
      row.slow++;
      note(input, `slow: ${ms.toFixed(0)} ms`);
    }
  }
  return row;
}

/** The figures as a table, one row per target and a total. */
export function formatTable(rows: readonly TargetRow[]): string {
  const head = [
    "target",
    "inputs",
    "ok",
    "documented errors",
    "undocumented throws",
    `slow (>${SLOW_MS} ms)`,
    "round-trip mismatches",
  ];
  const total = rows.reduce(
    (t, r) => ({
      inputs: t.inputs + r.inputs,
      ok: t.ok + r.ok,
      documentedErrors: t.documentedErrors + r.documentedErrors,
      undocumentedThrows: t.undocumentedThrows + r.undocumentedThrows,
      slow: t.slow + r.slow,
      mismatches: t.mismatches + r.mismatches,
    }),
    { inputs: 0, ok: 0, documentedErrors: 0, undocumentedThrows: 0, slow: 0, mismatches: 0 },
  );
  const line = (name: string, r: typeof total) =>
    [name, r.inputs, r.ok, r.documentedErrors, r.undocumentedThrows, r.slow, r.mismatches].map(String);
  return table(head, [...rows.map((r) => line(r.target, r)), line("total", total)]);
}

export function table(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [
    fmt(head),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...body.map(fmt),
  ].join("\n");
}
