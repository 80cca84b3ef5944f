// Start serve/testing/card-process.ts as a separate Node process (bundled with esbuild, a devDependency)
// and stop it by pid.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { supervise } from "./child.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The project root (this file is devices/testing/ in the sources, dist-bench/devices/testing/ when compiled). */
const root = here.includes(`${sep}dist-bench${sep}`) ? join(here, "..", "..", "..") : join(here, "..", "..");
/** ".ts" under vitest, ".js" when running from the compiled dist-bench/ (bench). */
const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const EXTERNAL = ["@pokusew/pcsclite", "serialport", "node-hid", "@serialport/*"];

/** Bundle a TypeScript entry to one ESM file; returns its path and a cleanup. */
export async function bundle(entry: string): Promise<{ file: string; cleanup: () => void }> {
  // Imported lazily: esbuild is a devDependency, and the bench runs from dist/ after a production install too.
  const { build } = await import("esbuild");
  // Inside the project (node_modules/.cache) so that the external native packages resolve from the bundle.
  const cache = join(root, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "emvsim-bundle-"));
  const file = join(dir, "entry.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: file,
    external: EXTERNAL,
    logLevel: "silent",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CardProcess {
  readonly pid: number;
  stop(): Promise<void>;
  stderr(): string;
  exitCode(): number | null;
}

/** Bundle a TypeScript entry, run it with Node, resolve once `readyText` appears on stdout or stderr. */
export async function spawnBundled(
  entry: string,
  args: string[],
  readyText: string,
  timeoutMs = 15_000,
): Promise<CardProcess> {
  const b = await bundle(entry);
  const proc = supervise(spawn(process.execPath, [b.file, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd: root }));
  let out = "";
  let err = "";
  const stop = async () => {
    await proc.stop();
    b.cleanup();
  };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      void stop();
      reject(new Error(`${entry} not ready within ${timeoutMs} ms: ${err.trim()}`));
    }, timeoutMs);
    const check = () => {
      if (out.includes(readyText) || err.includes(readyText)) {
        clearTimeout(t);
        resolve();
      }
    };
    proc.child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      check();
    });
    proc.child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      check();
    });
    void proc.exit.then(() => {
      clearTimeout(t);
      reject(new Error(`${entry} exited: ${err.trim()}`));
    });
  });
  return { pid: proc.child.pid!, stop, stderr: () => err, exitCode: () => proc.child.exitCode };
}

/** The test card process (serve/testing/card-process.ts); resolves once it printed "ready". */
export function spawnCardProcess(args: string[], timeoutMs = 15_000): Promise<CardProcess> {
  return spawnBundled(join(here, "..", "..", "serve", "testing", `card-process${ext}`), args, "ready", timeoutMs);
}

/** The scripted pcscd (devices/testing/fake-pcscd-process.ts) on `path`, speaking protocol `version` ("4.4"). */
export function spawnFakePcscd(path: string, version: string, timeoutMs = 15_000): Promise<CardProcess> {
  return spawnBundled(join(here, `fake-pcscd-process${ext}`), [path, version], "listening", timeoutMs);
}

/** The real `emvsim` CLI as a separate process; resolves once its output contains `readyText`. */
export function spawnCli(args: string[], readyText: string, timeoutMs = 15_000): Promise<CardProcess> {
  return spawnBundled(join(here, "..", "..", "cli", `main${ext}`), args, readyText, timeoutMs);
}
