// Kernel cost of full contact transactions (EMV Book 3 §10, CDA per Book 2 §6.6, online per Book 3 §10.9) against the
// in-process emulated card and issuer host: kernel time with the card's and host's time taken out, transactions per
// second end to end, and resident memory growth over 10,000 transactions in one process.

import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { caPublicKeysForProfile } from "../emulator/ca-keys.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { defaultIssuerHost } from "../emulator/host/index.js";
import { loadProfile } from "../emulator/profile.js";
import type { IssuerHost } from "../emv/authorisation.js";
import { seededRandom } from "../emv/random.js";
import { loadTerminalConfig, withCaKeys } from "../kernel/config/load.js";
import { runTransaction } from "../kernel/contact/transaction.js";
import type { TransactionParams } from "../kernel/transaction-params.js";
import type { CardChannel } from "../transport/channel.js";
import type { BenchModule } from "./harness.js";
import { fmt } from "./harness.js";

const PROFILE = "visa-cvn18-cda";
const TERMINAL = "attended-pos";
/** Targets from the task: kernel time per transaction, transactions per second on one core, RSS growth. */
const TARGET_KERNEL_MS = 0.5;
const TARGET_TPS = 300;
const TARGET_RSS_MB = 10;

/** Time spent outside the kernel (card and issuer), accumulated by the wrappers below. */
interface Stopwatch {
  outsideMs: number;
}

function timedChannel(channel: CardChannel, sw: Stopwatch): CardChannel {
  return {
    description: channel.description,
    atr: channel.atr,
    async transmit(command) {
      const t0 = performance.now();
      try {
        return await channel.transmit(command);
      } finally {
        sw.outsideMs += performance.now() - t0;
      }
    },
    ...(channel.reset ? { reset: channel.reset.bind(channel) } : {}),
    close: () => channel.close(),
  };
}

function timedHost(host: IssuerHost, sw: Stopwatch): IssuerHost {
  return {
    async authorize(request) {
      const t0 = performance.now();
      try {
        return await host.authorize(request);
      } finally {
        sw.outsideMs += performance.now() - t0;
      }
    },
  };
}

/** A gc() function: the global one under --expose-gc, else enabled at run time through V8 flags. */
function gcFunction(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString("--expose-gc");
    const fn: unknown = runInNewContext("gc");
    return typeof fn === "function" ? () => (fn as () => void)() : undefined;
  } catch {
    return undefined;
  }
}

interface Sample {
  readonly totalMs: number;
  readonly kernelMs: number;
  readonly outcome: string;
}

export const bench: BenchModule = {
  name: "kernel",
  description: `full CDA online transactions, ${PROFILE} card under ${TERMINAL}, in-process emulator and issuer host`,
  async run(out) {
    const config = loadTerminalConfig(TERMINAL);
    if (!config.ok) {
      out(`CHECK FAILED: terminal configuration: ${config.error}`);
      return false;
    }
    const profile = loadProfile(PROFILE);
    if (!profile.ok) {
      out(`CHECK FAILED: ${profile.error.message}`);
      return false;
    }
    // The card's certificates come from the emulator's test CA: the terminal holds its key under the card's RID.
    const terminal = withCaKeys(config.config, caPublicKeysForProfile(profile.value));
    const host = defaultIssuerHost();
    const random = seededRandom("kernel-bench");
    let n = 0;

    /** One transaction on a freshly inserted card; card construction is not timed. */
    const once = async (): Promise<Sample> => {
      const sw: Stopwatch = { outsideMs: 0 };
      const card = openEmulatorChannel(profile.value);
      const params: TransactionParams = {
        type: "purchase",
        amount: 1234,
        otherAmount: 0,
        date: "250511",
        time: "120000",
        sequenceCounter: ++n,
        random,
      };
      const t0 = performance.now();
      const record = await runTransaction({
        config: terminal,
        params,
        channel: timedChannel(card, sw),
        host: timedHost(host, sw),
      });
      const totalMs = performance.now() - t0;
      await card.close();
      return { totalMs, kernelMs: totalMs - sw.outsideMs, outcome: record.outcome };
    };

    // The run must be the transaction we mean to measure: CDA, online, approved.
    const first = await once();
    if (first.outcome !== "online-approved") {
      out(`CHECK FAILED: the ${PROFILE} purchase ended '${first.outcome}', expected online-approved`);
      return false;
    }
    for (let i = 0; i < 300; i++) await once();

    const rounds = 5;
    const perRound = 400;
    let bestTps = 0;
    const kernel: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < perRound; i++) kernel.push((await once()).kernelMs);
      bestTps = Math.max(bestTps, (perRound * 1000) / (performance.now() - t0));
    }
    kernel.sort((a, b) => a - b);
    const mean = kernel.reduce((a, b) => a + b, 0) / kernel.length;
    const p50 = kernel[Math.floor(kernel.length * 0.5)]!;
    const p99 = kernel[Math.floor(kernel.length * 0.99)]!;
    out(`kernel time per transaction (card and host excluded), ${kernel.length} transactions:`);
    out(`  mean ${fmt(mean, 7, 3)} ms   p50 ${fmt(p50, 7, 3)} ms   p99 ${fmt(p99, 7, 3)} ms`);
    out(`  target < ${TARGET_KERNEL_MS} ms (p50) — ${p50 < TARGET_KERNEL_MS ? "met" : "NOT met"}`);
    out(`full transactions per second, kernel + emulated card + host, one thread (best of ${rounds} rounds):`);
    out(`  ${fmt(bestTps, 7, 0)} /s   target >= ${TARGET_TPS} — ${bestTps >= TARGET_TPS ? "met" : "NOT met"}`);

    const gc = gcFunction();
    const settle = () => {
      if (gc) for (let i = 0; i < 3; i++) gc();
    };
    settle();
    const before = process.memoryUsage().rss;
    let bad = 0;
    for (let i = 0; i < 10_000; i++) if ((await once()).outcome !== "online-approved") bad++;
    settle();
    const growth = (process.memoryUsage().rss - before) / 1e6;
    out(
      `RSS growth after 10,000 more transactions: ${fmt(growth, 6, 1)} MB (${gc ? "after gc" : "no gc available"}) ` +
        `— target < ${TARGET_RSS_MB} MB — ${growth < TARGET_RSS_MB ? "met" : "NOT met"}`,
    );
    if (bad) out(`CHECK FAILED: ${bad} of the 10,000 transactions did not end online-approved`);
    return bad === 0;
  },
};
