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

/**
 * A contactless tap against its crypto floor, measured in the same run: the median kernel time (card excluded) and
 * whole-tap time over `taps` taps, each as a ratio to the median of the terminal's (and the card's) crypto work.
 * Two phases, each with the same warm-up for the taps and the floor: early (after 50 calls: the JIT has not
 * optimised everything yet, as in a reader's first taps) and steady state (after 2,000 calls: a reader that has been
 * running); the target is checked on the steady state.
 */
export async function measureTapAgainstFloor(
  tap: () => Promise<{ readonly totalMs: number; readonly kernelMs: number }>,
  terminalFloor: () => number,
  cardFloor: () => number,
  o: TapFloorOptions,
  out: (line: string) => void,
): Promise<boolean> {
  let tapsDone = 0;
  const taps = async (warmUpTo: number) => {
    for (; tapsDone < warmUpTo; tapsDone++) await tap();
    const kernelMs: number[] = [];
    const totalMs: number[] = [];
    for (let i = 0; i < o.taps; i++, tapsDone++) {
      const t = await tap();
      kernelMs.push(t.kernelMs);
      totalMs.push(t.totalMs);
    }
    return { k: median(kernelMs), w: median(totalMs) };
  };
  const floorCalls = new Map<() => number, number>();
  const floorOf = (fn: () => number, warmUpTo: number) => {
    let done = floorCalls.get(fn) ?? 0;
    for (; done < warmUpTo; done++) blackhole ^= fn();
    const xs: number[] = [];
    for (let i = 0; i < o.taps; i++, done++) {
      const t0 = performance.now();
      blackhole ^= fn();
      xs.push(performance.now() - t0);
    }
    floorCalls.set(fn, done);
    return median(xs);
  };
  let replaysDone = 0;
  /** The median kernel time of `o.taps` replays after warm-up, undefined without a replay, an error in words. */
  const replays = async (warmUpTo: number): Promise<number | string | undefined> => {
    const replay = o.replayTap;
    if (!replay) return undefined;
    const xs: number[] = [];
    for (; replaysDone < warmUpTo + o.taps; replaysDone++) {
      const ms = await replay();
      if (typeof ms === "string") return ms;
      if (replaysDone >= warmUpTo) xs.push(ms);
    }
    return median(xs);
  };
  const phase = async (warmUpTo: number) => {
    const { k, w } = await taps(warmUpTo);
    const r = await replays(warmUpTo);
    return { k, w, r, tf: floorOf(terminalFloor, warmUpTo), cf: floorOf(cardFloor, warmUpTo) };
  };
  const early = await phase(EARLY_WARM_UP);
  const steady = await phase(STEADY_WARM_UP);
  for (const p of [early, steady])
    if (typeof p.r === "string") {
      out(`CHECK FAILED: replay: ${p.r}`);
      return false;
    }
  const verdict = (ratio: number) => `target <= ${o.targetRatio}x — ${ratio <= o.targetRatio ? "met" : "NOT met"}`;
  const rows = (
    p: { k: number; w: number; r: number | string | undefined; tf: number; cf: number },
    check: boolean,
  ) => {
    const tail = (ratio: number) => (check ? `   ${verdict(ratio)}` : "");
    // With a replay, the kernel's CPU is judged on it (the kernel alone in the thread); the in-process card's
    // interleaved figure is then information.
    if (typeof p.r === "number")
      out(
        `  kernel CPU (Entry Point + ${o.kernel}) ${fmt(p.r, 8, 3)} ms   crypto floor ${fmt(p.tf, 8, 3)} ms   ratio ${fmt(p.r / p.tf, 5, 2)}x${tail(p.r / p.tf)}`,
      );
    out(
      `  ${p.r === undefined ? `kernel CPU (Entry Point + ${o.kernel})` : "kernel, card on the same thread   "} ${fmt(p.k, 8, 3)} ms   crypto floor ${fmt(p.tf, 8, 3)} ms   ratio ${fmt(p.k / p.tf, 5, 2)}x${p.r === undefined ? tail(p.k / p.tf) : "   information"}`,
    );
    out(
      `  whole tap (kernel + card)          ${fmt(p.w, 8, 3)} ms   crypto floor ${fmt(p.tf + p.cf, 8, 3)} ms   ratio ${fmt(p.w / (p.tf + p.cf), 5, 2)}x${tail(p.w / (p.tf + p.cf))}`,
    );
  };
  out(`per tap, early (median of ${o.taps} after ${EARLY_WARM_UP} calls of warm-up; information):`);
  rows(early, false);
  out(`per tap, steady state (median of ${o.taps} after ${STEADY_WARM_UP} calls of warm-up):`);
  rows(steady, true);
  // The field budget is checked on the early taps: the slower of the two.
  const share = (early.k / o.fieldBudgetMs) * 100;
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
