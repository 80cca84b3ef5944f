// Test harness: a private pcscd with one vsmartcard vpcd reader, started only when no pcscd runs, stopped by
// pid (only the process we started). Used by the integration tests and the transport benchmark.

import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { supervise } from "./child.js";

export const PCSCD_BIN = ["/usr/sbin/pcscd", "/usr/bin/pcscd", "/usr/local/sbin/pcscd"];
export const VPCD_DRIVER = [
  "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
  "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so",
];
export const PCSCD_SOCKET = "/run/pcscd/pcscd.comm";

/** Why a component is missing and how to get it; undefined when present. */
export interface Availability {
  ok: boolean;
  reason?: string;
}

function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** Pids of running processes named pcscd (read from /proc; nothing is signalled). */
export function runningPcscdPids(): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/comm`, "utf8").trim() !== "pcscd") continue;
      // A zombie (state Z, exited but not reaped) holds no socket: not running.
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      pids.push(Number(e));
    } catch {
      // process ended meanwhile
    }
  }
  return pids;
}

export function pcscdAvailability(): Availability {
  if (process.platform !== "linux") return { ok: false, reason: "the pcscd harness runs on Linux only" };
  if (!firstExisting(PCSCD_BIN))
    return { ok: false, reason: "pcscd is not installed (Debian: apt-get install --no-install-recommends pcscd)" };
  if (!firstExisting(VPCD_DRIVER))
    return {
      ok: false,
      reason: "vpcd driver missing (Debian: apt-get install --no-install-recommends vsmartcard-vpcd)",
    };
  return { ok: true };
}

/** A free TCP port on localhost for vpcd (and the next one for its slot 1). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const a = srv.address();
        const p = typeof a === "object" && a ? a.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port > 0 && port < 65000) return port;
  }
  throw new Error("no free TCP port found");
}

/** True when something listens on TCP port (from /proc/net/tcp, without connecting). */
export function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      for (const line of readFileSync(f, "utf8").split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") return true;
      }
    } catch {
      // not available
    }
  }
  return false;
}

export interface PrivatePcscd {
  /** TCP port vpcd listens on for the virtual card. */
  readonly port: number;
  /** Reader name pcscd gives the vpcd slot. */
  readonly readerName: string;
  readonly pid: number;
  /** stderr of pcscd so far (errors only). */
  log(): string;
  /** Stop this pcscd (SIGTERM by pid, SIGKILL after 3 s) and remove its config. Idempotent. */
  stop(): Promise<void>;
}

export class HarnessError extends Error {
  override readonly name = "HarnessError";
}

/**
 * One pcscd per machine: test files run in parallel workers, so the harness takes a machine-wide lock (a directory
 * created atomically, holding the owner's pid) before starting pcscd and gives it back when pcscd has stopped.
 */
export const PCSCD_LOCK = join(tmpdir(), "emvsim-pcscd.lock");

function lockOwner(): number | undefined {
  try {
    const pid = Number(readFileSync(join(PCSCD_LOCK, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** A pcscd runs that no harness started (a system service): the PC/SC tests cannot run beside it. */
export function foreignPcscdRunning(): boolean {
  return runningPcscdPids().length > 0 && lockOwner() === undefined;
}

async function acquirePcscdLock(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(PCSCD_LOCK);
      writeFileSync(join(PCSCD_LOCK, "pid"), String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(PCSCD_LOCK, { recursive: true, force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    // A lock whose owner died (or that never got its pid written) is taken over after a grace period.
    if (lockOwner() === undefined) {
      await new Promise((r) => setTimeout(r, 200));
      if (lockOwner() === undefined) rmSync(PCSCD_LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new HarnessError(
        `another test's pcscd (pid ${lockOwner()}) held ${PCSCD_LOCK} for more than ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Start `pcscd --foreground --error -c <dir>` with one vpcd reader, after taking the machine-wide pcscd lock (waits
 * up to `lockTimeoutMs` for another test's pcscd); refuses when a pcscd no harness started is running.
 */
export async function startPrivatePcscd(
  options: { port?: number; timeoutMs?: number; lockTimeoutMs?: number } = {},
): Promise<PrivatePcscd> {
  const avail = pcscdAvailability();
  if (!avail.ok) throw new HarnessError(avail.reason);
  const release = await acquirePcscdLock(options.lockTimeoutMs ?? 120_000);
  // On a loaded machine a pcscd can miss its start deadline (seen once in CI: the vpcd port not open after 10 s):
  // stop it and start a fresh one, once, before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocked(options, release);
    } catch (e) {
      if (attempt >= 2 || !(e instanceof HarnessError) || !/did not open vpcd port/.test(e.message)) {
        release();
        throw e;
      }
    }
  }
}

async function startLocked(options: { port?: number; timeoutMs?: number }, release: () => void): Promise<PrivatePcscd> {
  const others = runningPcscdPids();
  if (others.length > 0)
    throw new HarnessError(
      `a pcscd is already running (pid ${others.join(", ")}), not started by this harness; only one pcscd can run per machine (its socket is ${PCSCD_SOCKET}). Stop it (e.g. systemctl stop pcscd.socket pcscd) to run these tests`,
    );
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "emvsim-pcscd-"));
  // pcscd reads every file in the config folder: keep only the reader entry there.
  const confDir = join(dir, "reader.conf.d");
  mkdirSync(confDir);
  writeFileSync(
    join(confDir, "vpcd"),
    [
      'FRIENDLYNAME "Virtual PCD"',
      `DEVICENAME   /dev/null:${port}`,
      `LIBPATH      ${firstExisting(VPCD_DRIVER)}`,
      `CHANNELID    ${port}`,
      "",
    ].join("\n"),
  );
  const bin = firstExisting(PCSCD_BIN)!;
  // stderr goes to a file, not a pipe: a pipe nobody drains (event loop busy) could block pcscd.
  const logPath = join(dir, "pcscd.log");
  const logFd = openSync(logPath, "w");
  // pcscd logs to stdout and stderr in the foreground; EMVSIM_PCSCD_DEBUG=1 raises the level.
  const level = process.env["EMVSIM_PCSCD_DEBUG"] ? "--debug" : "--error";
  const child = spawn(bin, ["--foreground", level, "-c", confDir], { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  const readLog = () => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
  const proc = supervise(child);
  // A start that fails cleans up but keeps the lock (the caller retries or releases it); a started pcscd's stop
  // releases it.
  const cleanup = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const stop = async () => {
    await cleanup();
    release();
  };
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(isListening(port) && existsSync(PCSCD_SOCKET))) {
    if (proc.exited()) {
      await cleanup();
      throw new HarnessError(`pcscd exited during start: ${readLog().trim().split("\n").slice(-3).join(" | ")}`);
    }
    if (Date.now() > deadline) {
      await cleanup();
      const tail = readLog().trim().split("\n").slice(-3).join(" | ");
      throw new HarnessError(
        `pcscd did not open vpcd port ${port} within ${options.timeoutMs ?? 15_000} ms${tail ? ` (pcscd: ${tail})` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    readerName: "Virtual PCD 00 00",
    pid: child.pid!,
    log: readLog,
    stop,
  };
}

/** Why the pcscd integration tests cannot run here (pcscd or vpcd missing, a system pcscd running); undefined: they can. */
export function pcscdSkipReason(): string | undefined {
  const a = pcscdAvailability();
  if (!a.ok) return a.reason;
  if (foreignPcscdRunning()) return "a pcscd not started by this harness is running (only one per machine)";
  return undefined;
}

/** Integration-test gate: skip with a reason, or fail when EMVSIM_REQUIRE_HARDWARE=1 (CI). */
export function requireHardware(): boolean {
  return process.env["EMVSIM_REQUIRE_HARDWARE"] === "1";
}
