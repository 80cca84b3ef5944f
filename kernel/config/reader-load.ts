// Loading reader configurations: built-in ones by id (kernel/config/readers/), files by path, with one-line errors
// naming the file and the JSON path, like terminal configurations (load.ts).

import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { bytesEqual, fromHex } from "../../emv/bytes.js";
import { projectDir } from "../../emv/project-files.js";
import { formatZodIssues } from "../../emv/schema-errors.js";
import { loadTerminalConfig, readJson } from "./load.js";
import { toC2Config } from "./reader-c2-schema.js";
import { type ReaderConfigJson, readerConfigSchema, readerSemanticProblems } from "./reader-schema.js";
import type { ReaderCombination, ReaderConfig } from "./reader-types.js";
import type { TerminalConfig } from "./types.js";

export type ReaderConfigResult =
  | { readonly ok: true; readonly config: ReaderConfig }
  | { readonly ok: false; readonly error: string };

export const DEFAULT_READER_CONFIG = "attended-pos";

function readersDir(): string {
  return projectDir(import.meta.url, "kernel/config/readers", `${DEFAULT_READER_CONFIG}.json`);
}

export function builtInReaderConfigIds(): string[] {
  return readdirSync(readersDir())
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * Validate a reader configuration given as parsed JSON; `where` names it in errors. `terminals` resolves the
 * `terminal` field (default: the shipped terminal configurations and files).
 */
export function parseReaderConfig(
  json: unknown,
  where: string,
  terminals: (idOrPath: string) => ReturnType<typeof loadTerminalConfig> = loadTerminalConfig,
): ReaderConfigResult {
  const parsed = readerConfigSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const lines = formatZodIssues(parsed.error.issues, "(reader config)");
    return { ok: false, error: `${where}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ""}` };
  }
  const problems = readerSemanticProblems(parsed.data);
  if (problems.length > 0) return { ok: false, error: `${where}: ${problems[0]}` };
  const terminal = terminals(parsed.data.terminal);
  if (!terminal.ok) return { ok: false, error: `${where}: terminal: ${terminal.error}` };
  return { ok: true, config: toReaderConfig(parsed.data, terminal.config) };
}

/** The Terminal Floor Limit (9F1B) of the terminal AID the reader AID matches exactly, else one it begins with. */
function terminalFloorLimit(terminal: TerminalConfig, aid: Uint8Array): number | undefined {
  const exact = terminal.aids.find((a) => bytesEqual(a.aid, aid));
  const prefix = terminal.aids.find(
    (a) => a.aid.length <= aid.length && bytesEqual(a.aid, aid.subarray(0, a.aid.length)),
  );
  return (exact ?? prefix)?.floorLimit;
}

function toReaderConfig(c: ReaderConfigJson, terminal: TerminalConfig): ReaderConfig {
  const combinations: ReaderCombination[] = c.combinations.map((k) => {
    const aid = fromHex(k.aid);
    const tfl = terminalFloorLimit(terminal, aid);
    return {
      aid,
      kernelId: typeof k.kernel === "number" ? Uint8Array.of(k.kernel) : fromHex(k.kernel),
      ...(k.label ? { label: k.label } : {}),
      ...(k.ttq ? { ttq: fromHex(k.ttq) } : {}),
      ...(k.transactionLimit === undefined ? {} : { transactionLimit: k.transactionLimit }),
      ...(k.floorLimit === undefined ? {} : { floorLimit: k.floorLimit }),
      ...(tfl === undefined ? {} : { terminalFloorLimit: tfl }),
      ...(k.cvmRequiredLimit === undefined ? {} : { cvmRequiredLimit: k.cvmRequiredLimit }),
      statusCheckSupport: k.statusCheckSupport,
      zeroAmountAllowed: k.zeroAmountAllowed,
      extendedSelectionSupport: k.extendedSelectionSupport ?? false,
      ...(k.c2 ? { c2: toC2Config(k.c2) } : {}),
    };
  });
  return { id: c.id, description: c.description, terminal, kernels: [...c.kernels], combinations };
}

/** A built-in reader configuration by id, or a file by path (anything with a '/' or ending in .json). */
export function loadReaderConfig(idOrPath: string): ReaderConfigResult {
  const isPath = idOrPath.includes("/") || idOrPath.endsWith(".json");
  if (!isPath && !builtInReaderConfigIds().includes(idOrPath))
    return {
      ok: false,
      error: `unknown reader configuration '${idOrPath}' (built-in: ${builtInReaderConfigIds().join(", ")}; or give a file path)`,
    };
  const file = isPath ? resolve(idOrPath) : join(readersDir(), `${idOrPath}.json`);
  const r = readJson(file, "reader configuration");
  if (!r.ok) return r;
  return parseReaderConfig(r.json, basename(file));
}
