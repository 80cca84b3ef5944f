// Startup of `emvsim run` (the built CLI as the bin runs it, bundled by cli/bundle.ts: dist-bench/bin/main.js; a
// contact transaction with the default card, terminal and in-process host, report to stdout) against `node -e 0`,
// hyperfine-like: the median wall time of N spawns of each, alternated, in the same run; target <= 2x (issue 13).

import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { type BenchModule, fmt, median } from "./harness.js";

const MAIN = fileURLToPath(new URL("../bin/main.js", import.meta.url));
const SPAWNS = 15;
const WARM_UP = 2;
const TARGET_RATIO = 2;

/** Wall milliseconds of one spawn; undefined when it did not exit 0. */
function spawnMs(args: readonly string[]): number | undefined {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  return r.status === 0 ? ms : undefined;
}

export const bench: BenchModule = {
  name: "startup",
  description: `\`emvsim run\` (bundled bin, default card and host) vs \`node -e 0\`, median of ${SPAWNS} spawns each`,
  async run(out) {
    const run = [MAIN, "run"];
    const empty = ["-e", "0"];
    const runs: number[] = [];
    const empties: number[] = [];
    for (let i = 0; i < WARM_UP + SPAWNS; i++) {
      const a = spawnMs(run);
      const b = spawnMs(empty);
      if (a === undefined || b === undefined) {
        out(`CHECK FAILED: ${a === undefined ? "emvsim run" : "node -e 0"} did not exit 0`);
        return false;
      }
      if (i < WARM_UP) continue;
      runs.push(a);
      empties.push(b);
    }
    const r = median(runs);
    const e = median(empties);
    const ratio = r / e;
    out(`  emvsim run ${fmt(r, 7, 1)} ms   node -e 0 ${fmt(e, 7, 1)} ms   ratio ${fmt(ratio, 5, 2)}x`);
    out(`  target <= ${TARGET_RATIO}x — ${ratio <= TARGET_RATIO ? "met" : "NOT met"}`);
    return true;
  },
};
