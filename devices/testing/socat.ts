// Test harness: a pair of connected pseudo-terminals from socat, stopped by pid.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { supervise } from "./child.js";
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
  const proc = supervise(spawn("socat", [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: "ignore" }));
  const stop = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(a) && existsSync(b))) {
    if (proc.exited() || Date.now() > deadline) {
      await stop();
      throw new Error("socat did not create the pty pair");
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { a, b, pid: proc.child.pid!, stop };
}
