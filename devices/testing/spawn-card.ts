// Start devices/testing/card-process.ts as a separate Node process (bundled with esbuild, a dev tool that
// comes with vitest/vite) and stop it by pid.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { supervise } from "./child.js";

const here = dirname(fileURLToPath(import.meta.url));
const EXTERNAL = ["@pokusew/pcsclite", "serialport", "node-hid", "@serialport/*"];

/** Bundle a TypeScript entry to one ESM file; returns its path and a cleanup. */
export async function bundle(entry: string): Promise<{ file: string; cleanup: () => void }> {
  const { build } = (await import("esbuild" as string)) as {
    build: (o: Record<string, unknown>) => Promise<unknown>;
  };
  const dir = mkdtempSync(join(tmpdir(), "emvsim-bundle-"));
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
}

/** Run the card process with these arguments; resolves once it printed "ready". */
export async function spawnCardProcess(args: string[], timeoutMs = 15_000): Promise<CardProcess> {
  const b = await bundle(join(here, "card-process.ts"));
  const proc = supervise(
    spawn(process.execPath, [b.file, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd: join(here, "..", "..") }),
  );
  const child = proc.child;
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exit = proc.exit;
  const stop = async () => {
    await proc.stop();
    b.cleanup();
  };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      void stop();
      reject(new Error(`card process not ready within ${timeoutMs} ms: ${err.trim()}`));
    }, timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(t);
        resolve();
      }
    });
    void exit.then(() => {
      clearTimeout(t);
      reject(new Error(`card process exited: ${err.trim()}`));
    });
  });
  return { pid: child.pid!, stop, stderr: () => err };
}

/** Run the real `emvsim` CLI (bundled) as a separate process; resolves once stderr contains `readyText`. */
export async function spawnCli(
  args: string[],
  readyText: string,
  timeoutMs = 15_000,
): Promise<CardProcess & { exitCode(): number | null }> {
  const b = await bundle(join(here, "..", "..", "cli", "main.ts"));
  const proc = supervise(
    spawn(process.execPath, [b.file, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd: join(here, "..", "..") }),
  );
  let err = "";
  const stop = async () => {
    await proc.stop();
    b.cleanup();
  };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      void stop();
      reject(new Error(`emvsim ${args[0]} not ready within ${timeoutMs} ms: ${err.trim()}`));
    }, timeoutMs);
    proc.child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.includes(readyText)) {
        clearTimeout(t);
        resolve();
      }
    });
    void proc.exit.then(() => {
      clearTimeout(t);
      reject(new Error(`emvsim ${args[0]} exited: ${err.trim()}`));
    });
  });
  return { pid: proc.child.pid!, stop, stderr: () => err, exitCode: () => proc.child.exitCode };
}
