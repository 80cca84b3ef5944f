// Transport round trips: per-APDU time through pcscd + vpcd + a card process, side by side with `scriptor`
// (pcsc-tools) sending the same APDUs (target ≤ 1.2× scriptor), and the framed serial protocol over a socat pty.
// PC/SC is measured through both backends: our pcscd socket client (the default) and the native binding.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FramedChannel } from "../devices/framed-channel.js";
import { openPcscContext, type PcscChannel } from "../devices/pcsc.js";
import { openSerial, serialLink } from "../devices/serial.js";
import { FakeCard } from "../devices/testing/fake-card.js";
import { pcscdAvailability, runningPcscdPids, startPrivatePcscd } from "../devices/testing/pcscd.js";
import { socatAvailability, startPtyPair } from "../devices/testing/socat.js";
import { spawnCardProcess } from "../devices/testing/spawn-card.js";
import { fromHex } from "../emv/bytes.js";
import { serveFramedSerial } from "../serve/serial.js";
import type { BenchModule } from "./harness.js";

const APDU = "00B2010C00"; // READ RECORD, answered by the test card with 22 bytes + 9000
const N = 300;

const ROUNDS = 9;

interface Stats {
  mean: number;
  p50: number;
  p99: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { mean, p50: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

function ms(n: number): string {
  return `${n.toFixed(3)} ms`;
}

/** As root: the quickack route from test-hardware.md (removes ~44 ms Nagle/delayed-ACK stalls per APDU). */
function addQuickack(): (() => void) | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync("ip", ["route", "add", "local", "127.0.0.2", "dev", "lo", "table", "local", "quickack", "1"]);
  if (r.status !== 0) return undefined;
  return () => {
    spawnSync("ip", ["route", "del", "local", "127.0.0.2", "dev", "lo", "table", "local"]);
  };
}

/** Wall time of `scriptor` sending `count` APDUs (one process run). */
function scriptorRun(reader: string, count: number, dir: string): Promise<number> {
  const file = join(dir, `script-${count}.txt`);
  writeFileSync(file, `${Array.from({ length: count }, () => APDU.replace(/(..)/g, "$1 ").trim()).join("\n")}\n`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn("scriptor", ["-r", reader, file], { stdio: "ignore" });
    p.once("error", reject);
    p.once("exit", (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`scriptor exit ${code}`)),
    );
  });
}

async function pcscBench(out: (l: string) => void): Promise<boolean> {
  const a = pcscdAvailability();
  if (!a.ok) {
    out(`pcsc: skipped (${a.reason})`);
    return true;
  }
  if (runningPcscdPids().length > 0) {
    out("pcsc: skipped (a pcscd not started by the bench is running)");
    return true;
  }
  const pcscd = await startPrivatePcscd();
  const removeRoute = addQuickack();
  const host = removeRoute ? "127.0.0.2" : "127.0.0.1";
  const dir = mkdtempSync(join(tmpdir(), "emvsim-bench-"));
  let ok = true;
  let card: Awaited<ReturnType<typeof spawnCardProcess>> | undefined;
  try {
    card = await spawnCardProcess(["--vpcd", `${host}:${pcscd.port}`, "--card", "fake"]);
    out(`pcsc: pcscd + vpcd + card process, ${N} × ${APDU}; quickack route: ${removeRoute ? "yes" : "no (not root)"}`);
    const cmd = fromHex(APDU);
    /** N timed APDUs on an open channel. */
    const round = async (ch: PcscChannel) => {
      const samples: number[] = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        await ch.transmit(cmd);
        samples.push(performance.now() - t);
      }
      return stats(samples);
    };
    const haveScriptor = !spawnSync("scriptor", ["-h"], { stdio: "ignore" }).error;
    /** scriptor's per-APDU time: wall time for N + 1 APDUs minus wall time for 1 (process start excluded). */
    const scriptorRound = async () =>
      ((await scriptorRun(pcscd.readerName, N + 1, dir)) - (await scriptorRun(pcscd.readerName, 1, dir))) / N;
    /**
     * One backend: a channel held open (as a terminal holds one per card session) and warmed up, then rounds
     * interleaved with scriptor so both meet the same machine load. One backend at a time: with the binding's
     * context open as well (its status threads), the socket client's p50 in the same process went from 0.09 to 0.21 ms.
     */
    const phase = async (backend: "socket" | "binding") => {
      const ctx = await openPcscContext({ backend });
      const ch = await ctx.connect(await ctx.waitForCard(pcscd.readerName, 5000));
      try {
        for (let i = 0; i < 2000; i++) await ch.transmit(cmd); // both ends JIT-compile their path
        const ours: Stats[] = [];
        const theirs: number[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          // Settle after scriptor's process (measured: the first few hundred APDUs after it can run at half speed).
          for (let i = 0; i < N; i++) await ch.transmit(cmd);
          ours.push(await round(ch));
          if (haveScriptor) theirs.push(await scriptorRound());
        }
        return { ours, theirs };
      } finally {
        await ch.close();
      }
    };
    const report = (label: string, p: { ours: Stats[]; theirs: number[] }, note: string) => {
      const xs = p.ours;
      out(
        `  ${label.padEnd(20)} mean ${ms(median(xs.map((x) => x.mean)))}  p50 ${ms(median(xs.map((x) => x.p50)))}  p99 ${ms(median(xs.map((x) => x.p99)))}  best mean ${ms(Math.min(...xs.map((x) => x.mean)))}${note}`,
      );
      if (!haveScriptor) return undefined;
      const ratios = xs.map((x, i) => x.mean / p.theirs[i]!);
      out(
        `    scriptor alongside mean ${ms(median(p.theirs))}  best ${ms(Math.min(...p.theirs))}; ratio per round ${ratios.map((x) => x.toFixed(2)).join(" ")}`,
      );
      return median(ratios);
    };
    out(
      `  medians over ${ROUNDS} rounds of ${N} on one open channel (after 2,000 warm-up APDUs), each round followed by`,
    );
    out(`  a scriptor round: (wall(${N + 1}) − wall(1)) / ${N}`);
    const socket = await phase("socket");
    const ratio = report("emvsim pcscd socket", socket, "");
    try {
      const binding = await phase("binding");
      const r = report("emvsim via binding", binding, "  (@pokusew/pcsclite, for comparison)");
      if (r !== undefined) out(`    ratio via binding / scriptor median ${r.toFixed(3)}`);
    } catch (e) {
      out(`  emvsim via binding   not measured (${(e as Error).message})`);
    }
    if (ratio === undefined) {
      out("  scriptor: not installed (Debian: pcsc-tools), no comparison");
    } else {
      out(`  ratio emvsim/scriptor median ${ratio.toFixed(3)} (target ≤ 1.20) ${ratio <= 1.2 ? "ok" : "ABOVE TARGET"}`);
      ok = ratio <= 1.2;
    }
  } finally {
    await card?.stop();
    removeRoute?.();
    await pcscd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}

async function serialBench(out: (l: string) => void): Promise<boolean> {
  const s = socatAvailability();
  if (!s.ok) {
    out(`serial: skipped (${s.reason})`);
    return true;
  }
  const pty = await startPtyPair();
  try {
    const server = await serveFramedSerial(new FakeCard(), { path: pty.b });
    const port = await openSerial({ path: pty.a, baudRate: 115200 });
    const ch = await FramedChannel.open(serialLink(port), `serial:${pty.a}`);
    const cmd = fromHex(APDU);
    for (let i = 0; i < 50; i++) await ch.transmit(cmd);
    let r = { mean: Number.POSITIVE_INFINITY, p50: 0, p99: 0 };
    for (let round = 0; round < 3; round++) {
      const samples: number[] = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        await ch.transmit(cmd);
        samples.push(performance.now() - t);
      }
      const x = stats(samples);
      if (x.mean < r.mean) r = x;
    }
    out(`serial: framed protocol over a socat pty pair, ${N} × ${APDU}`);
    out(`  FramedChannel        mean ${ms(r.mean)}  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}`);
    await ch.close();
    await server.close();
  } finally {
    await pty.stop();
  }
  return true;
}

export const bench: BenchModule = {
  name: "transport",
  description: "per-APDU round trip: PC/SC (pcscd+vpcd) vs scriptor, and serial pty",
  async run(out) {
    const a = await pcscBench(out);
    const b = await serialBench(out);
    return a && b;
  },
};
