// Reader configurations built in code over a shipped terminal configuration with chosen CA keys, so that a test or
// a catalog case states every limit it depends on (used by the kernel tests and the contactless catalog).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectDir } from "../../emv/project-files.js";
import { parseTerminalConfig } from "../config/load.js";
import { parseReaderConfig } from "../config/reader-load.js";
import type { ReaderConfig } from "../config/reader-types.js";
import type { CaKeyJson } from "../config/schema.js";
import type { TerminalConfig } from "../config/types.js";

/** kernel/config/terminals, from the sources and from dist/ alike. */
const TERMINALS = projectDir(import.meta.url, "kernel/config/terminals", "attended-pos.json");

/** A shipped terminal configuration's JSON with changes, validated. */
export function terminalWith(id: string, changes: Record<string, unknown> = {}, caKeys?: CaKeyJson[]): TerminalConfig {
  const json = { ...JSON.parse(readFileSync(join(TERMINALS, `${id}.json`), "utf8")), ...changes };
  if (caKeys) {
    json.caKeys = caKeys;
    json.caKeySets = [];
  }
  const r = parseTerminalConfig(json, `${id} (test)`);
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

export interface CombinationJson {
  aid: string;
  kernel: number | string;
  ttq?: string;
  transactionLimit?: number;
  floorLimit?: number;
  cvmRequiredLimit?: number;
  statusCheckSupport?: boolean;
  zeroAmountAllowed?: boolean;
  extendedSelectionSupport?: boolean;
  label?: string;
}

/** A reader over `terminal` with these combinations (status check and zero amount off unless given). */
export function readerWith(
  terminal: TerminalConfig,
  combinations: CombinationJson[],
  kernels?: number[],
): ReaderConfig {
  const json = {
    id: "test-reader",
    description: "test",
    terminal: terminal.id,
    kernels: kernels ?? [...new Set(combinations.map((c) => c.kernel).filter((k) => typeof k === "number"))],
    combinations: combinations.map((c) => ({ statusCheckSupport: false, zeroAmountAllowed: false, ...c })),
  };
  const r = parseReaderConfig(json, "test-reader", () => ({ ok: true, config: terminal }));
  if (!r.ok) throw new Error(r.error);
  return r.config;
}
