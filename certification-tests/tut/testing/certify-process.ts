// Test support: `emvsim certify` run on a private pcscd (certify-on-pcscd.ts, bundled) as a child process, bounded:
// the child is killed after timeoutMs. Shared by the terminal-under-test integration tests.

import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { bundle } from "../../../devices/testing/spawn-card.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface CertifyOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node args…` as a child process, its output collected; killed (SIGTERM) when it runs past `timeoutMs`. */
export function runNode(
  args: readonly string[],
  timeoutMs: number,
  onStderr?: (text: string) => void,
): Promise<CertifyOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    const t = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

export function certifyOnPcscd(
  harness: string,
  cli: string,
  args: readonly string[],
  timeoutMs: number,
  onStderr?: (text: string) => void,
): Promise<CertifyOutcome> {
  return runNode([harness, cli, ...args], timeoutMs, onStderr);
}

/**
 * Inside a describe: bundles the CLI and the pcscd harness before the tests (and removes them and `dir` after); the
 * returned object runs certify and names emvsim's CLI for a --run template.
 */
export function certifyHarness(dir: string): {
  readonly cliFile: () => string;
  certify(args: readonly string[], timeoutMs: number, onStderr?: (text: string) => void): Promise<CertifyOutcome>;
} {
  let cli: { file: string; cleanup: () => void } | undefined;
  let harness: { file: string; cleanup: () => void } | undefined;
  beforeAll(async () => {
    cli = await bundle(join(root, "cli", "main.ts"));
    harness = await bundle(join(root, "certification-tests", "tut", "testing", "certify-on-pcscd.ts"));
  }, 60_000);
  afterAll(() => {
    cli?.cleanup();
    harness?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const need = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error("certify harness: bundles not built (beforeAll failed)");
    return x;
  };
  return {
    cliFile: () => need(cli).file,
    certify: (args, timeoutMs, onStderr) =>
      certifyOnPcscd(need(harness).file, need(cli).file, args, timeoutMs, onStderr),
  };
}
