// Build step (`npm run build`, after tsc and built-ins-generate.ts): bundle the compiled CLI (dist/cli/main.js) into
// dist/bin/ — the `emvsim` bin — with every module that `emvsim run` imports statically (cli/commands/run.ts: the
// contact transaction, the emulated card, the built-in data, the in-process host) in one chunk. Node 20's ESM
// loader costs ≈ 0.5 ms a module here, about the whole of `node -e 0` for the run's 133 modules (bench/README.md
// "Startup"); the other commands and the options' paths stay in chunks of their own, loaded when imported. Each
// module is in exactly one chunk, so there is one copy of every class and module state, as unbundled.

import { realpathSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ManualChunksOption, type ModuleInfo, rollup } from "rollup";

/** The modules `entry` reaches through static imports only (itself included). */
export function staticClosure(entry: string, info: (id: string) => ModuleInfo | null): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of info(id)?.importedIds ?? []) if (isAbsolute(next)) stack.push(next);
  }
  return seen;
}

/** Bundle `<dist>/cli/main.js` into `<dist>/bin/`; the run command's static closure is the chunk "run". */
export async function bundleCli(dist: string): Promise<string[]> {
  const runCommand = join(dist, "cli/commands/run.js");
  const warnings: string[] = [];
  const build = await rollup({
    input: join(dist, "cli/main.js"),
    // npm packages and Node built-ins are loaded from node_modules / Node as before.
    external: (id) => id.startsWith("node:") || builtinModules.includes(id) || !(id.startsWith(".") || isAbsolute(id)),
    onwarn: (w) => {
      warnings.push(`${w.code ?? "warning"}: ${w.message}`);
    },
  });
  let run: Set<string> | undefined;
  const manualChunks: ManualChunksOption = (id, { getModuleInfo }) => {
    run ??= staticClosure(runCommand, getModuleInfo);
    return run.has(id) ? "run" : undefined;
  };
  // Chunk names carry a content hash: the chunks of an earlier build are removed, not left beside the new ones.
  rmSync(join(dist, "bin"), { recursive: true, force: true });
  await build.write({
    dir: join(dist, "bin"),
    format: "es",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
    manualChunks,
    sourcemap: false,
  });
  await build.close();
  return warnings;
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..");
  bundleCli(dist).then(
    (warnings) => {
      // A warning (a circular chunk, an unresolved import) may mean changed behaviour: the build fails on it.
      if (warnings.length > 0) {
        process.stderr.write(`bundle: ${warnings.join("\n")}\n`);
        process.exitCode = 1;
      }
    },
    (e: unknown) => {
      process.stderr.write(`bundle: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
