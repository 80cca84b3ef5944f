// Minimal benchmark harness: run a function repeatedly for a fixed time, several rounds, keep the best round.
// Timing lives here and in bench modules only, never in tests.

import { performance } from "node:perf_hooks";
import { copyBytes } from "../emv/bytes.js";
import { type RandomSource, seededRandom } from "../emv/random.js";
import type { CardChannel } from "../transport/channel.js";

export interface Measurement {
  readonly name: string;
  /** Calls per second in the best round. */
  readonly opsPerSecond: number;
  /** Megabytes (10^6 bytes) of input per second in the best round, when the call has a byte size. */
  readonly megabytesPerSecond?: number;
}

export interface MeasureOptions {
  /** Input bytes one call processes (for MB/s). */
  readonly bytesPerCall?: number;
  /** Milliseconds per round (default 400) and number of rounds (default 5). */
  readonly roundMs?: number;
  readonly rounds?: number;
}

/** A sink for results so that the engine cannot drop the measured work. */
export let blackhole = 0;

/** Measure `fn` (returning a number to keep it observable): warm-up, then best of `rounds` timed rounds. */
export function measure(name: string, fn: () => number, options: MeasureOptions = {}): Measurement {
  const roundMs = options.roundMs ?? 400;
  const rounds = options.rounds ?? 5;
  const warmUntil = performance.now() + roundMs;
  while (performance.now() < warmUntil) blackhole ^= fn();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < roundMs) {
      for (let i = 0; i < 16; i++) blackhole ^= fn();
      calls += 16;
      now = performance.now();
    }
    best = Math.max(best, (calls * 1000) / (now - start));
  }
  return options.bytesPerCall === undefined
    ? { name, opsPerSecond: best }
    : { name, opsPerSecond: best, megabytesPerSecond: (best * options.bytesPerCall) / 1e6 };
}

/** Right-aligned number with fixed decimals. */
export function fmt(n: number, width: number, decimals = 1): string {
  return n.toFixed(decimals).padStart(width);
}

/** One benchmark of `npm run bench` (listed in run.ts BENCHES). */
export interface BenchModule {
  readonly name: string;
  readonly description: string;
  /** Runs the benchmark, writing its report to `out`. Returns false when a check inside failed. */
  run(out: (line: string) => void): Promise<boolean>;
}

/** The median of a list of numbers. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface TapFloorOptions {
  /** "Kernel 2", "Kernel 3": named in the report. */
  readonly kernel: string;
  /** Taps (and floor calls) measured in each phase. */
  readonly taps: number;
  readonly targetRatio: number;
  /** The card-in-field budget of a tap (Book A: about 500 ms); the kernel's share must stay under 1 %. */
  readonly fieldBudgetMs: number;
  /**
   * The same tap against the recorded answers of one tap (a replay channel), returning the kernel's time: the kernel
   * alone in the thread, as against a real card, whose work is done by another chip.
   */
  readonly replayTap?: () => Promise<number | string>;
}

/** Calls made before the first phase, and in all before the steady-state phase (taps and floor alike). */
const EARLY_WARM_UP = 50;
const STEADY_WARM_UP = 2_000;
/** Calls of each measured function per interleaved round. */
const ROUND = 25;

/** One phase's medians (ms) and ratios, each ratio the median of its rounds' ratios. */
interface Phase {
  /** Kernel time with the card on the same thread, whole tap, and the floors measured in the same rounds. */
  readonly taps: {
    readonly k: number;
    readonly w: number;
    readonly tf: number;
    readonly cf: number;
    readonly kRatio: number;
    readonly wRatio: number;
  };
  /** The kernel alone (replays) and the terminal's floor measured in the same rounds; undefined without a replay. */
  readonly replays: { readonly r: number; readonly tf: number; readonly ratio: number } | undefined;
  readonly rounds: number;
}

/**
 * A contactless tap against its crypto floor, measured in the same run: kernel time (the card's excluded; with a
 * replay, the kernel alone) and whole-tap time over `taps` taps, each as a ratio to the terminal's (and the card's)
 * crypto work. Measured in interleaved rounds of ROUND calls so that a slow second of the shared machine slows both
 * sides of a ratio: rounds of taps, the card's floor and the terminal's; then rounds of replays and the terminal's
 * floor (a replay right after the card's code would run with the card's code and data in the caches, not alone).
 * Each ratio is the median of its rounds' ratios. Two phases, each after the same warm-up for every measured
 * function: early (after 50 calls: the JIT has not optimised everything yet, as in a reader's first taps) and steady
 * state (after 2,000 calls: a reader that has been running); the target is checked on the steady state.
 */
export async function measureTapAgainstFloor(
  tap: () => Promise<{ readonly totalMs: number; readonly kernelMs: number }>,
  terminalFloor: () => number,
  cardFloor: () => number,
  o: TapFloorOptions,
  out: (line: string) => void,
): Promise<boolean> {
  // Calls made so far of each measured function: a phase first brings each to its warm-up count.
  let tapsDone = 0;
  let replaysDone = 0;
  const floorCalls = new Map<() => number, number>();
  const warmFloor = (fn: () => number, warmUpTo: number) => {
    let done = floorCalls.get(fn) ?? 0;
    for (; done < warmUpTo; done++) blackhole ^= fn();
    floorCalls.set(fn, done);
  };
  /** `n` timed calls of a floor function, their median. */
  const timeFloor = (fn: () => number, n: number, all: number[]): number => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      blackhole ^= fn();
      xs.push(performance.now() - t0);
    }
    floorCalls.set(fn, (floorCalls.get(fn) ?? 0) + n);
    all.push(...xs);
    return median(xs);
  };
  /** One phase: warm-up to `warmUpTo` calls of each, then `o.taps` of each in rounds; a failed replay in words. */
  const phase = async (warmUpTo: number): Promise<Phase | string> => {
    const replay = o.replayTap;
    for (; tapsDone < warmUpTo; tapsDone++) await tap();
    if (replay)
      for (; replaysDone < warmUpTo; replaysDone++) {
        const ms = await replay();
        if (typeof ms === "string") return ms;
      }
    warmFloor(terminalFloor, warmUpTo);
    warmFloor(cardFloor, warmUpTo);
    const t = { k: [] as number[], w: [] as number[], tf: [] as number[], cf: [] as number[] };
    const tRatios = { k: [] as number[], w: [] as number[] };
    let rounds = 0;
    for (let done = 0; done < o.taps; done += ROUND, rounds++) {
      const n = Math.min(ROUND, o.taps - done);
      const k: number[] = [];
      const w: number[] = [];
      for (let i = 0; i < n; i++, tapsDone++) {
        const one = await tap();
        k.push(one.kernelMs);
        w.push(one.totalMs);
      }
      const cf = timeFloor(cardFloor, n, t.cf);
      const tf = timeFloor(terminalFloor, n, t.tf);
      tRatios.k.push(median(k) / tf);
      tRatios.w.push(median(w) / (tf + cf));
      t.k.push(...k);
      t.w.push(...w);
    }
    const taps = {
      k: median(t.k),
      w: median(t.w),
      tf: median(t.tf),
      cf: median(t.cf),
      kRatio: median(tRatios.k),
      wRatio: median(tRatios.w),
    };
    if (!replay) return { taps, replays: undefined, rounds };
    const r = { ms: [] as number[], tf: [] as number[], ratios: [] as number[] };
    for (let done = 0; done < o.taps; done += ROUND) {
      const n = Math.min(ROUND, o.taps - done);
      const xs: number[] = [];
      for (let i = 0; i < n; i++, replaysDone++) {
        const ms = await replay();
        if (typeof ms === "string") return ms;
        xs.push(ms);
      }
      r.ratios.push(median(xs) / timeFloor(terminalFloor, n, r.tf));
      r.ms.push(...xs);
    }
    return { taps, replays: { r: median(r.ms), tf: median(r.tf), ratio: median(r.ratios) }, rounds };
  };
  const early = await phase(EARLY_WARM_UP);
  const steady = typeof early === "string" ? early : await phase(STEADY_WARM_UP);
  if (typeof early === "string" || typeof steady === "string") {
    out(`CHECK FAILED: replay: ${typeof early === "string" ? early : steady}`);
    return false;
  }
  const verdict = (ratio: number) => `target <= ${o.targetRatio}x — ${ratio <= o.targetRatio ? "met" : "NOT met"}`;
  const rows = (p: Phase, check: boolean) => {
    const tail = (ratio: number) => (check ? `   ${verdict(ratio)}` : "");
    const { taps, replays } = p;
    // With a replay, the kernel's CPU is judged on it (the kernel alone in the thread); the in-process card's
    // interleaved figure is then information.
    if (replays)
      out(
        `  kernel CPU (Entry Point + ${o.kernel}) ${fmt(replays.r, 8, 3)} ms   crypto floor ${fmt(replays.tf, 8, 3)} ms   ratio ${fmt(replays.ratio, 5, 2)}x${tail(replays.ratio)}`,
      );
    out(
      `  ${replays ? "kernel, card on the same thread   " : `kernel CPU (Entry Point + ${o.kernel})`} ${fmt(taps.k, 8, 3)} ms   crypto floor ${fmt(taps.tf, 8, 3)} ms   ratio ${fmt(taps.kRatio, 5, 2)}x${replays ? "   information" : tail(taps.kRatio)}`,
    );
    out(
      `  whole tap (kernel + card)          ${fmt(taps.w, 8, 3)} ms   crypto floor ${fmt(taps.tf + taps.cf, 8, 3)} ms   ratio ${fmt(taps.wRatio, 5, 2)}x${tail(taps.wRatio)}`,
    );
  };
  out(
    `per tap, early (medians of ${o.taps} after ${EARLY_WARM_UP} calls of warm-up, ratios the median of ${early.rounds} interleaved rounds; information):`,
  );
  rows(early, false);
  out(
    `per tap, steady state (medians of ${o.taps} after ${STEADY_WARM_UP} calls of warm-up, ratios the median of ${steady.rounds} interleaved rounds):`,
  );
  rows(steady, true);
  // The field budget is checked on the early taps: the slower of the two.
  const share = (early.taps.k / o.fieldBudgetMs) * 100;
  out(
    `  share of a ${o.fieldBudgetMs} ms card-in-field budget (early taps): kernel ${fmt(share, 5, 2)} % — target < 1 % — ${share < 1 ? "met" : "NOT met"}`,
  );
  return true;
}

/** The channel with every answer it gives kept in `answers`, in order. */
function recordingChannel(inner: CardChannel, answers: Uint8Array[]): CardChannel {
  return {
    description: inner.description,
    atr: inner.atr,
    async transmit(command) {
      const r = await inner.transmit(command);
      answers.push(r);
      return r;
    },
    close: () => inner.close(),
  };
}

/** A channel answering `answers` in order (6F00 past the end), and how many it gave. */
function replayChannel(answers: readonly Uint8Array[], like: CardChannel): { channel: CardChannel; used(): number } {
  let i = 0;
  return {
    channel: {
      description: like.description,
      atr: like.atr,
      transmit: async () => answers[i++] ?? Uint8Array.of(0x6f, 0x00),
      close: async () => {},
    },
    used: () => i,
  };
}

/** What a random source gave, call by call, for `replayedRandom`. */
type RandomDraws = ({ readonly bytes: Uint8Array } | { readonly percent: number })[];

/** `inner` with every draw kept in `draws`. */
function recordingRandom(inner: RandomSource, draws: RandomDraws): RandomSource {
  return {
    bytes(n) {
      const b = inner.bytes(n);
      draws.push({ bytes: b.slice() });
      return b;
    },
    percent() {
      const p = inner.percent();
      draws.push({ percent: p });
      return p;
    },
  };
}

/**
 * The recorded draws again, in order: the replay's terminal draws the same unpredictable numbers at the cost of a
 * pooled CSPRNG (what `emvsim run` uses), not of the seeded SHA-256 stream the recording came from. A draw of
 * another kind or length than recorded throws: the replay is not the recorded transaction.
 */
function replayedRandom(draws: RandomDraws): RandomSource {
  let i = 0;
  const next = () => {
    const d = draws[i++];
    if (!d) throw new Error(`the replay drew more than the ${draws.length} recorded random values`);
    return d;
  };
  return {
    bytes(n) {
      const d = next();
      if (!("bytes" in d) || d.bytes.length !== n) throw new Error(`replayed random draw ${i}: not ${n} bytes`);
      return copyBytes(d.bytes); // as systemRandomBytes gives them (a copy from the byte slab)
    },
    percent() {
      const d = next();
      if (!("percent" in d)) throw new Error(`replayed random draw ${i}: not a percent`);
      return d.percent;
    },
  };
}

/**
 * One run of `run` against `card` recorded — the card's answers and the random draws, from `seededRandom(seed)` —
 * and a replay of it: `run` again against those answers served from memory with the same draws (the same
 * unpredictable number, so the recorded signatures verify), timed: the kernel alone in the thread. `problem` names
 * what is wrong with a run's result (undefined for the run meant); a replay it finds wrong, or that leaves recorded
 * answers unused, gives that in words instead of a time.
 */
export async function recordReplay<R>(
  run: (channel: CardChannel, random: RandomSource) => Promise<R>,
  card: CardChannel,
  seed: string,
  problem: (result: R) => string | undefined,
): Promise<{ readonly replay: () => Promise<number | string> } | { readonly error: string }> {
  const answers: Uint8Array[] = [];
  const draws: RandomDraws = [];
  const recorded = problem(await run(recordingChannel(card, answers), recordingRandom(seededRandom(seed), draws)));
  if (recorded) return { error: `the recorded run: ${recorded}` };
  return {
    replay: async () => {
      const served = replayChannel(answers, card);
      const t0 = performance.now();
      const result = await run(served.channel, replayedRandom(draws));
      const ms = performance.now() - t0;
      const wrong =
        problem(result) ??
        (served.used() === answers.length ? undefined : `${served.used()} of ${answers.length} answers used`);
      return wrong ? `a replayed run: ${wrong}` : ms;
    },
  };
}
