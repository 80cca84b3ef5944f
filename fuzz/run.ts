// `npm run fuzz`: the robustness campaign (issue 13). Parser targets for a count and a seed, and the mutated-session
// runner; prints the figures as tables and exits 1 when any figure that must be zero is not.
//   npm run fuzz -- [--count N] [--seed S] [--target NAME] [--sessions N] [--only parsers|sessions] [--session N] [--parallel N]

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatTable, runCampaign, targetNames } from "./campaign.js";
import { formatSessionTable, mustBeZero, runSessions } from "./sessions.js";

interface Args {
  count: number;
  seed: string;
  target: string | undefined;
  sessions: number;
  only: "parsers" | "sessions" | undefined;
  /** --session N: run only session N of the seed's run and print its outputs. */
  session: number | undefined;
  /** --parallel N: sessions at once. */
  parallel: number;
}

export function parseFuzzArgs(argv: readonly string[]): Args {
  const a: Args = {
    count: 10_000,
    seed: "emvsim-fuzz",
    target: undefined,
    sessions: 1000,
    only: undefined,
    session: undefined,
    parallel: 1,
  };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (seen.has(name)) throw new Error(`${name} given twice`);
    seen.add(name);
    const count = () => {
      if (!/^[0-9]+$/.test(value)) throw new Error(`${name} '${value}' is not a count`);
      return Number(value);
    };
    if (name === "--count") a.count = count();
    else if (name === "--sessions") a.sessions = count();
    else if (name === "--seed") a.seed = value;
    else if (name === "--parallel") a.parallel = Math.max(1, count());
    else if (name === "--session") {
      a.session = count();
      a.only = "sessions";
    } else if (name === "--target") {
      if (!targetNames().includes(value)) throw new Error(`no target '${value}' (${targetNames().join(", ")})`);
      a.target = value;
      a.only = "parsers";
    } else if (name === "--only") {
      if (value !== "parsers" && value !== "sessions") throw new Error("--only is parsers or sessions");
      a.only = value;
    } else throw new Error(`unknown option '${name}'`);
  }
  if (seen.has("--sessions") && !seen.has("--count") && !seen.has("--only")) a.only = "sessions";
  return a;
}

export async function main(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseFuzzArgs(argv);
  let failed = false;
  if (args.only !== "sessions") {
    const t0 = performance.now();
    const rows = await runCampaign({ count: args.count, seed: args.seed, target: args.target });
    out(
      `Parser targets: ${args.count} inputs each, seed '${args.seed}' (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    out(formatTable(rows));
    for (const r of rows) for (const f of r.findings) out(`  ${r.target}: ${f}`);
    failed ||= rows.some((r) => r.undocumentedThrows > 0 || r.mismatches > 0);
  }
  if (args.only !== "parsers") {
    const t0 = performance.now();
    const figures = await runSessions({
      sessions: args.session === undefined ? args.sessions : args.session + 1,
      seed: args.seed,
      concurrency: args.parallel,
      ...(args.session === undefined
        ? {}
        : {
            only: args.session,
            onOutputs: (_i: number, outputs: readonly [string, string][]) => {
              for (const [form, text] of outputs) out(`--- ${form}\n${text}`);
            },
          }),
    });
    out("");
    out(
      `Mutated sessions: ${args.sessions}, seed '${args.seed}', ${args.parallel} at once (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    out(formatSessionTable(figures));
    for (const f of figures.findings) out(`  ${f}`);
    failed ||= mustBeZero(figures).some(([, n]) => n > 0);
  }
  return failed ? 1 : 0;
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2), (l) => process.stdout.write(`${l}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
