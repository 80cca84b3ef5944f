// `npm run bench`: runs the benchmark modules in one process. Optional argument: a name filter ("tlv").
// To add a benchmark, write bench/<name>.bench.ts exporting `bench: BenchModule` and add one line to BENCHES.

import type { CliIo } from "../cli/command.js";
import type { BenchModule } from "./harness.js";

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  tlv: async () => (await import("./tlv.bench.js")).bench,
  transport: async () => (await import("./transport.bench.js")).bench,
  kernel: async () => (await import("./kernel.bench.js")).bench,
  host: async () => (await import("./host.bench.js")).bench,
  c2: async () => (await import("./c2.bench.js")).bench,
  c3: async () => (await import("./c3.bench.js")).bench,
  catalog: async () => (await import("./catalog.bench.js")).bench,
  startup: async () => (await import("./startup.bench.js")).bench,
};

export async function runBenches(filter: string | undefined, io: Pick<CliIo, "out" | "err">): Promise<number> {
  const names = Object.keys(BENCHES).filter((n) => !filter || n.includes(filter));
  if (names.length === 0) {
    io.err(`bench: no benchmark matches '${filter}' (have: ${Object.keys(BENCHES).join(", ")})`);
    return 1;
  }
  let ok = true;
  for (const name of names) {
    const bench = await BENCHES[name]!();
    io.out(`== ${bench.name}: ${bench.description}`);
    ok = (await bench.run((line) => io.out(line))) && ok;
    io.out("");
  }
  return ok ? 0 : 1;
}

const write = (stream: NodeJS.WriteStream) => (t: string) => stream.write(`${t}\n`);
runBenches(process.argv[2], { out: write(process.stdout), err: write(process.stderr) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
