// Loading terminal configurations: built-in ones by id (kernel/config/terminals/), files by path, validated with
// zod, with one-line errors naming the file and the JSON path; CA key sets and the conversion in terminal-data.ts.

import { basename, join, resolve } from "node:path";
import { formatZodIssues } from "../../emv/schema-errors.js";
import { semanticProblems, terminalConfigSchema } from "./schema.js";
import { builtInTerminalConfigIds, type ConfigResult, dataDir, readJson, toTerminalConfig } from "./terminal-data.js";

export * from "./terminal-data.js";

/** Validate a configuration given as parsed JSON; `where` names it in errors (file name or id). */
export function parseTerminalConfig(json: unknown, where: string): ConfigResult {
  const parsed = terminalConfigSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const lines = formatZodIssues(parsed.error.issues, "(config)");
    return { ok: false, error: `${where}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ""}` };
  }
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) return { ok: false, error: `${where}: ${problems[0]}` };
  return toTerminalConfig(parsed.data, where);
}

/** A built-in configuration by id, or a file by path (anything with a '/' or ending in .json). */
export function loadTerminalConfig(idOrPath: string): ConfigResult {
  const isPath = idOrPath.includes("/") || idOrPath.endsWith(".json");
  if (!isPath && !builtInTerminalConfigIds().includes(idOrPath))
    return {
      ok: false,
      error: `unknown terminal configuration '${idOrPath}' (built-in: ${builtInTerminalConfigIds().join(", ")}; or give a file path)`,
    };
  const file = isPath ? resolve(idOrPath) : join(dataDir("terminals"), `${idOrPath}.json`);
  const r = readJson(file, "terminal configuration");
  if (!r.ok) return r;
  return parseTerminalConfig(r.json, basename(file));
}
