// `npm run mutations`: plants each bug of mutations.ts, one at a time, into a copy of the sources, bundles the
// catalog runner (esbuild) and runs it; prints which bugs the catalog alone catches (at least one case fails).
// Options: --only M01,M07 (a selection), --keep (leave the copy for inspection).

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { MUTATIONS, type Mutation } from "./mutations.js";

const SOURCES = ["emv", "transport", "online", "kernel", "emulator", "certification-tests", "package.json"];

function projectRoot(): string {
  // dist-bench/mutation/detect.mjs or certification-tests/mutation/detect.ts: the root holds package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "emvsim") return dir;
    } catch {
      // not here
    }
  }
  throw new Error("mutations: cannot find the project root (package.json named emvsim)");
}

interface Outcome {
  readonly total: number;
  readonly failed: readonly string[];
}

async function runCatalogIn(copy: string): Promise<Outcome> {
  const entry = join(copy, "certification-tests", "mutation", "catalog-entry.ts");
  const out = join(copy, "certification-tests", "mutation", "catalog-entry.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: out,
    logLevel: "silent",
  });
  const stdout = execFileSync(process.execPath, [out], { cwd: copy, encoding: "utf8", timeout: 120_000 });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const parsed = JSON.parse(line) as Outcome & { error?: string };
  if (parsed.error) throw new Error(parsed.error);
  return parsed;
}

function plant(copy: string, m: Mutation): string {
  const file = join(copy, m.file);
  const original = readFileSync(file, "utf8");
  const at = original.indexOf(m.find);
  if (at < 0 || original.indexOf(m.find, at + 1) >= 0)
    throw new Error(`${m.id}: the text to change is not found exactly once in ${m.file}`);
  writeFileSync(file, original.slice(0, at) + m.replace + original.slice(at + m.find.length));
  return original;
}

async function main(argv: readonly string[]): Promise<number> {
  const onlyArg = argv[argv.indexOf("--only") + 1];
  const only = argv.includes("--only") && onlyArg ? new Set(onlyArg.split(",")) : undefined;
  const keep = argv.includes("--keep");
  const root = projectRoot();
  const copy = mkdtempSync(join(tmpdir(), "emvsim-mutations-"));
  for (const s of SOURCES) cpSync(join(root, s), join(copy, s), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  const started = Date.now();
  const baseline = await runCatalogIn(copy);
  if (baseline.failed.length) {
    process.stderr.write(`mutations: the unmutated catalog already fails: ${baseline.failed.join(", ")}\n`);
    return 1;
  }
  process.stdout.write(`baseline: ${baseline.total} cases, all pass\n\n`);
  const selected = MUTATIONS.filter((m) => !only || only.has(m.id));
  let caught = 0;
  const missed: Mutation[] = [];
  for (const m of selected) {
    const original = plant(copy, m);
    let line: string;
    try {
      const r = await runCatalogIn(copy);
      if (r.failed.length) {
        caught++;
        line = `${m.id} CAUGHT by ${r.failed.length} case(s), e.g. ${r.failed.slice(0, 3).join(", ")}`;
      } else {
        missed.push(m);
        line = `${m.id} MISSED`;
      }
    } catch (e) {
      // A bug that breaks the build or crashes the runner is caught too (loudly).
      caught++;
      line = `${m.id} CAUGHT (the run failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
    } finally {
      writeFileSync(join(copy, m.file), original);
    }
    process.stdout.write(`${line} — ${m.bug} (${m.ref})\n`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\ncatalog alone caught ${caught} of ${selected.length} planted bugs in ${seconds} s\n`);
  for (const m of missed) process.stdout.write(`  missed ${m.id}: ${m.bug} — ${m.file}\n`);
  if (keep) process.stdout.write(`copy kept at ${resolve(copy)}\n`);
  else rmSync(copy, { recursive: true, force: true });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mutations: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
