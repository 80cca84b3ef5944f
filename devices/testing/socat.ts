// Test harness: a pair of connected pseudo-terminals from socat, stopped by pid.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Availability } from "./pcscd.js";

export function socatAvailability(): Availability {
  const r = spawnSync("socat", ["-V"], { stdio: "ignore" });
  if (r.error || r.status !== 0)
    return { ok: false, reason: "socat is not installed (Debian: apt-get install --no-install-recommends socat)" };
  return { ok: true };
}

export interface PtyPair {
  readonly a: string;
  readonly b: string;
  readonly pid: number;
  /** Kill socat (SIGTERM by pid): both ends disappear, like an unplugged cable. Idempotent. */
  stop(): Promise<void>;
}

export async function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "emvsim-pty-"));
  const a = join(dir, "ttyA");
  const b = join(dir, "ttyB");
  const child: ChildProcess = spawn("socat", [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: "ignore",
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(a) && existsSync(b))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error("socat did not create the pty pair");
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { a, b, pid: child.pid!, stop };
}
