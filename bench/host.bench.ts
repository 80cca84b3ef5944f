// The network issuer host under load over loopback mutual TLS: `emvsim host` in its own process, 100 terminal
// connections (online/client.ts, one TLS connection each, one request at a time per terminal), 20,000
// authorisations with valid ARQCs (visa-cvn18-cda keys): throughput, p50/p99 latency, host RSS, and the journal
// checked afterwards — 0 lost (every approval the journal holds was answered to its terminal or reversed), 0
// duplicated. Then the same load with the host killed (SIGKILL) midway and restarted on the same port and
// journal: every authorisation is either answered and journalled, or reversed, or never authorised.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { defaultIssuerHost } from "../emulator/host/index.js";
import { NetworkIssuerHost } from "../online/client.js";
import { memoryStan, type StanSource } from "../online/stan.js";
import { AuditLog } from "../serve/host/audit.js";
import { Journal, type JournalRecord, journalKeys, readJournal } from "../serve/host/journal.js";
import { issuePki, type Pki, writePki } from "../serve/host/pki.js";
import { HostService } from "../serve/host/service.js";
import { arqcIccData } from "../serve/host/testing/requests.js";
import { type BenchModule, fmt } from "./harness.js";

const TERMINALS = 100;
const AUTHORISATIONS = 20_000;
/** Bounds: the whole load, one answer, the host's start. */
const LOAD_BOUND_MS = 180_000;
const ANSWER_TIMEOUT_MS = 5_000;
const START_BOUND_MS = 20_000;
/** The slow-answer run: how many authorisations, the terminals' timeout, the delay of 1 answer in 100. */
const SLOW_COUNT = 10_000;
const SLOW_TIMEOUT_MS = 400;
const SLOW_ANSWER_MS = 800;
const MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));

interface HostProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
  output(): string;
}

function startHost(dir: string, journal: string, port: number): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    [MAIN, "host", "--listen", `127.0.0.1:${port}`, "--tls-dir", dir, "--journal", journal, "--quiet"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`host did not start within ${START_BOUND_MS} ms: ${out.trim()}`));
    }, START_BOUND_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on tls:\/\/127\.0\.0\.1:(\d+) /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), exited, output: () => out });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code}) before listening: ${out.trim()}`));
    });
  });
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc (Linux). */
function rssOf(pid: number | undefined): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

interface LoadResult {
  readonly wallMs: number;
  /** Per answered request, ms; the first of each terminal (TLS handshake included) apart. */
  readonly latencies: number[];
  readonly firstLatencies: number[];
  /** `${tid}|${stan}` → DE 39 of the answer the terminal got. */
  readonly answered: Map<string, string>;
  /** Requests the terminal sent (or tried to) without getting an answer. */
  readonly unanswered: Set<string>;
  readonly reversalsOwed: number;
  readonly reversalsQueued: number;
}

interface LoadOptions {
  readonly count?: number;
  readonly timeoutMs?: number;
  readonly onProgress?: (answered: number) => void;
}

async function runLoad(pki: Pki, port: () => number, options: LoadOptions = {}): Promise<LoadResult> {
  const { onProgress } = options;
  const perTerminal = (options.count ?? AUTHORISATIONS) / TERMINALS;
  // Requests prepared before timing: each with its own ATC, so each ARQC differs.
  const iccs = Array.from({ length: TERMINALS }, (_, t) =>
    Array.from({ length: perTerminal }, (_, i) => arqcIccData(100 + i, (t * perTerminal + i + 1) % 65_536).icc),
  );
  const answered = new Map<string, string>();
  const unanswered = new Set<string>();
  const latencies: number[] = [];
  const firstLatencies: number[] = [];
  const deadline = Date.now() + LOAD_BOUND_MS;
  let owed = 0;
  let queued = 0;
  const start = performance.now();
  await Promise.all(
    iccs.map(async (requests, t) => {
      const tid = `T${String(t + 1).padStart(7, "0")}`;
      let last = "";
      const inner = memoryStan(1);
      const stan: StanSource = {
        next: () => {
          last = inner.next();
          return last;
        },
      };
      const make = () =>
        new NetworkIssuerHost({
          url: `tls://127.0.0.1:${port()}`,
          ca: pki.caPem,
          cert: pki.clientPem,
          key: pki.clientKeyPem,
          terminalId: tid,
          merchantId: "EMVSIM BENCH   ",
          timeoutMs: options.timeoutMs ?? ANSWER_TIMEOUT_MS,
          connectTimeoutMs: ANSWER_TIMEOUT_MS,
          stan,
        });
      const terminal = make();
      let first = true;
      for (const iccData of requests) {
        if (Date.now() > deadline) break;
        const t0 = performance.now();
        try {
          const answer = await terminal.authorize({ iccData });
          (first ? firstLatencies : latencies).push(performance.now() - t0);
          first = false;
          answered.set(`${tid}|${last}`, new TextDecoder().decode(answer.authorisationResponseCode));
          onProgress?.(answered.size);
        } catch {
          unanswered.add(`${tid}|${last}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      // Reversals still owed (host down when they were due) are resent until answered, bounded.
      for (let i = 0; i < 100 && (await terminal.flushReversals()) > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      owed += terminal.reversalsOwed;
      queued += terminal.reversed.length;
      terminal.close();
    }),
  );
  return {
    wallMs: performance.now() - start,
    latencies,
    firstLatencies,
    answered,
    unanswered,
    reversalsOwed: owed,
    reversalsQueued: queued,
  };
}

interface Audit {
  readonly lost: number;
  readonly duplicated: number;
  readonly mismatched: number;
  readonly approvedJournalled: number;
  readonly reversedApplied: number;
  readonly neverAuthorised: number;
}

/** Checks the journal against what the terminals saw. */
function auditJournal(records: readonly JournalRecord[], load: LoadResult): Audit {
  const auths = new Map<string, JournalRecord[]>();
  const reversed = new Set<number>();
  for (const r of records) {
    if (r.kind === "authorisation") {
      const key = `${r.terminalId}|${r.stan}`;
      auths.set(key, [...(auths.get(key) ?? []), r]);
    } else if (r.kind === "reversal" && r.applied && r.original?.seq !== undefined) reversed.add(r.original.seq);
  }
  let lost = 0;
  let duplicated = 0;
  let mismatched = 0;
  let neverAuthorised = 0;
  for (const list of auths.values()) if (list.length > 1) duplicated += list.length - 1;
  for (const [key, code] of load.answered) {
    const r = auths.get(key)?.[0];
    if (!r) lost++;
    else if (r.responseCode !== code) mismatched++;
  }
  for (const key of load.unanswered) {
    const r = auths.get(key)?.[0];
    if (!r) neverAuthorised++;
    else if (r.responseCode === "00" && !reversed.has(r.seq)) lost++;
  }
  for (const key of auths.keys()) if (!load.answered.has(key) && !load.unanswered.has(key)) lost++;
  const approvedJournalled = records.filter((r) => r.kind === "authorisation" && r.responseCode === "00").length;
  return { lost, duplicated, mismatched, approvedJournalled, reversedApplied: reversed.size, neverAuthorised };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
}

async function stopHost(h: HostProcess): Promise<number | null | string> {
  h.child.kill("SIGTERM");
  return Promise.race([h.exited, new Promise<string>((r) => setTimeout(() => r("no exit within 10 s"), 10_000))]);
}

export const bench: BenchModule = {
  name: "host",
  description: `emvsim host over loopback mTLS: ${TERMINALS} terminal connections, ${AUTHORISATIONS} authorisations; then a kill -9 and restart midway; then late answers reversed`,
  async run(out) {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-host-bench-"));
    const pki = issuePki();
    writePki(dir, pki);
    const keys = journalKeys(pki.journalKeyHex);
    let ok = true;
    try {
      // 1. Steady load.
      const journal1 = join(dir, "steady.journal");
      const host = await startHost(dir, journal1, 0);
      const idle = rssOf(host.child.pid);
      const load = await runLoad(pki, () => host.port);
      const mem = rssOf(host.child.pid);
      const exit = await stopHost(host);
      const audit = auditJournal(readJournal(journal1, keys), load);
      const sorted = [...load.latencies].sort((a, b) => a - b);
      out(
        `steady: ${load.answered.size} answered of ${AUTHORISATIONS} in ${fmt(load.wallMs / 1000, 6, 2)} s = ${fmt((load.answered.size * 1000) / load.wallMs, 7, 0)} authorisations/s`,
      );
      const firsts = [...load.firstLatencies].sort((a, b) => a - b);
      out(
        `  latency p50 ${fmt(percentile(sorted, 0.5), 6, 2)} ms, p99 ${fmt(percentile(sorted, 0.99), 6, 2)} ms, max ${fmt(sorted.at(-1) ?? Number.NaN, 6, 2)} ms (${sorted.length} requests on open connections)`,
      );
      out(
        `  first request of each terminal, TLS handshake included (${TERMINALS} at once): p50 ${fmt(percentile(firsts, 0.5), 6, 0)} ms, max ${fmt(firsts.at(-1) ?? Number.NaN, 6, 0)} ms`,
      );
      out(
        `  host RSS idle ${fmt(idle?.rss ?? Number.NaN, 6, 1)} MB, at the end ${fmt(mem?.rss ?? Number.NaN, 6, 1)} MB, peak ${fmt(mem?.peak ?? Number.NaN, 6, 1)} MB; SIGTERM exit code ${exit}`,
      );
      out(
        `  journal: ${audit.approvedJournalled} approvals; lost ${audit.lost}, duplicated ${audit.duplicated}, answer ≠ journal ${audit.mismatched}, unanswered ${load.unanswered.size}`,
      );
      const steadyOk =
        load.answered.size === AUTHORISATIONS &&
        audit.lost === 0 &&
        audit.duplicated === 0 &&
        audit.mismatched === 0 &&
        audit.approvedJournalled === AUTHORISATIONS &&
        exit === 0;
      out(`  ${steadyOk ? "ok" : "FAILED"}: every authorisation answered, journalled once, approved`);
      ok &&= steadyOk;

      // 2. The host killed (SIGKILL) when half the authorisations are answered, restarted on the same journal.
      const journal2 = join(dir, "killed.journal");
      let current = await startHost(dir, journal2, 0);
      const port = current.port;
      let killedAt = 0;
      let restartMs = 0;
      let restarting: Promise<void> | undefined;
      const load2 = await runLoad(pki, () => port, {
        onProgress: (n) => {
          if (restarting || n < AUTHORISATIONS / 2) return;
          killedAt = n;
          current.child.kill("SIGKILL");
          const t0 = performance.now();
          restarting = current.exited.then(async () => {
            current = await startHost(dir, journal2, port);
            restartMs = performance.now() - t0;
          });
        },
      });
      await restarting;
      const exit2 = await stopHost(current);
      const replayed = /\((\d+) records replayed(, \d+ bytes of an incomplete last record dropped)?\)/.exec(
        current.output(),
      );
      const audit2 = auditJournal(readJournal(journal2, keys), load2);
      out(
        `killed: SIGKILL after ${killedAt} answers, restarted in ${fmt(restartMs, 6, 0)} ms (${replayed?.[1] ?? "?"} records replayed${replayed?.[2] ?? ""})`,
      );
      out(
        `  ${load2.answered.size} answered, ${load2.unanswered.size} unanswered (${audit2.neverAuthorised} never authorised, ${audit2.reversedApplied} reversals applied, ${load2.reversalsQueued} queued, ${load2.reversalsOwed} still owed) in ${fmt(load2.wallMs / 1000, 6, 2)} s`,
      );
      out(
        `  journal: lost ${audit2.lost}, duplicated ${audit2.duplicated}, answer ≠ journal ${audit2.mismatched}; SIGTERM exit code ${exit2}`,
      );
      const killedOk =
        killedAt > 0 &&
        audit2.lost === 0 &&
        audit2.duplicated === 0 &&
        audit2.mismatched === 0 &&
        load2.reversalsOwed === 0 &&
        exit2 === 0;
      out(
        `  ${killedOk ? "ok" : "FAILED"}: every authorisation answered and journalled, reversed, or never authorised`,
      );
      ok &&= killedOk;

      // 3. Slow answers: 1 request in 100 answered after the terminal's timeout (the host in this process, its
      // answer delayed after journalling): each is reversed by its terminal and the reversal applied.
      const journal3 = join(dir, "slow.journal");
      const slow = await HostService.start({
        host: "127.0.0.1",
        port: 0,
        tls: { clientCa: pki.caPem, cert: pki.serverPem, key: pki.serverKeyPem },
        issuer: defaultIssuerHost(),
        journal: Journal.open(journal3, keys),
        audit: new AuditLog(undefined),
        answerDelayMs: (m) => (m.mti === "0100" && Number(m.fields.get(11)) % 100 === 50 ? SLOW_ANSWER_MS : 0),
      });
      const load3 = await runLoad(pki, () => slow.port, { count: SLOW_COUNT, timeoutMs: SLOW_TIMEOUT_MS });
      await slow.stop();
      const audit3 = auditJournal(readJournal(journal3, keys), load3);
      const late = SLOW_COUNT / 100;
      const lateUnanswered = [...load3.unanswered].filter((k) => Number(k.split("|")[1]) % 100 === 50).length;
      out(
        `slow: ${late} of ${SLOW_COUNT} answers held ${SLOW_ANSWER_MS} ms (terminal timeout ${SLOW_TIMEOUT_MS} ms): ${load3.unanswered.size} unanswered (${lateUnanswered} of them held; the others slow under load), ${load3.reversalsQueued} reversed, ${audit3.reversedApplied} reversals applied in the journal, ${load3.reversalsOwed} still owed`,
      );
      out(`  journal: lost ${audit3.lost}, duplicated ${audit3.duplicated}, answer ≠ journal ${audit3.mismatched}`);
      const slowOk =
        lateUnanswered === late &&
        audit3.reversedApplied >= late &&
        audit3.lost === 0 &&
        audit3.duplicated === 0 &&
        audit3.mismatched === 0 &&
        load3.reversalsOwed === 0;
      out(
        `  ${slowOk ? "ok" : "FAILED"}: every unanswered authorisation reversed and the reversal applied, or never authorised`,
      );
      ok &&= slowOk;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return ok;
  },
};
