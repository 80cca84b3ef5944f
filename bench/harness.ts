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

/** One phase's medians (ms) and ratios (each the median of the rounds' ratios). */
interface Phase {
  readonly k: number;
  readonly w: number;
  readonly r: number | undefined;
  readonly tf: number;
  readonly cf: number;
  readonly rounds: number;
  readonly ratio: { readonly r: number | undefined; readonly k: number; readonly w: number };
}

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
  // Every measured function is called the same number of times: `warmUpTo` before a phase, then `o.taps` in it.
  let tapsDone = 0;
  let replaysDone = 0;
  const floorCalls = new Map<() => number, number>();
  const warmFloor = (fn: () => number, warmUpTo: number) => {
    let done = floorCalls.get(fn) ?? 0;
    for (; done < warmUpTo; done++) blackhole ^= fn();
    floorCalls.set(fn, done);
  };
  const timeFloor = (fn: () => number, n: number, into: number[]) => {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      blackhole ^= fn();
      into.push(performance.now() - t0);
    }
    floorCalls.set(fn, (floorCalls.get(fn) ?? 0) + n);
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
    // Interleaved in rounds of ROUND calls of each (taps, card floor, replays, terminal floor): the machine is
    // shared, and a slow second (another process, a host's neighbour) then slows a round of each, not only the
    // replays or only the floor. Each ratio is the median of the rounds' ratios (median against median per round).
    const all = { k: [] as number[], w: [] as number[], r: [] as number[], tf: [] as number[], cf: [] as number[] };
    const ratios = { r: [] as number[], k: [] as number[], w: [] as number[] };
    // The taps (the card on the same thread) and the card's floor in one series of rounds, the replays (the kernel
    // alone) and the terminal's floor in another: a replay right after the card's code would run with the card's
    // code and data in the caches, not alone.
    const tfOfTaps: number[] = [];
    for (let done = 0; done < o.taps; done += ROUND) {
      const n = Math.min(ROUND, o.taps - done);
      const k: number[] = [];
      const w: number[] = [];
      const tf: number[] = [];
      const cf: number[] = [];
      for (let i = 0; i < n; i++, tapsDone++) {
        const t = await tap();
        k.push(t.kernelMs);
        w.push(t.totalMs);
      }
      timeFloor(cardFloor, n, cf);
      timeFloor(terminalFloor, n, tf);
      const mtf = median(tf);
      ratios.k.push(median(k) / mtf);
      ratios.w.push(median(w) / (mtf + median(cf)));
      all.k.push(...k);
      all.w.push(...w);
      tfOfTaps.push(...tf);
      all.cf.push(...cf);
    }
    if (replay)
      for (let done = 0; done < o.taps; done += ROUND) {
        const n = Math.min(ROUND, o.taps - done);
        const r: number[] = [];
        const tf: number[] = [];
        for (let i = 0; i < n; i++, replaysDone++) {
          const ms = await replay();
          if (typeof ms === "string") return ms;
          r.push(ms);
        }
        timeFloor(terminalFloor, n, tf);
        ratios.r.push(median(r) / median(tf));
        all.r.push(...r);
        all.tf.push(...tf);
      }
    if (!replay) all.tf.push(...tfOfTaps);
    return {
      k: median(all.k),
      w: median(all.w),
      r: replay ? median(all.r) : undefined,
      tf: median(all.tf),
      cf: median(all.cf),
      rounds: ratios.k.length,
      ratio: { r: replay ? median(ratios.r) : undefined, k: median(ratios.k), w: median(ratios.w) },
    };
  };
  const early = await phase(EARLY_WARM_UP);
  if (typeof early === "string") {
    out(`CHECK FAILED: replay: ${early}`);
    return false;
  }
  const steady = await phase(STEADY_WARM_UP);
  if (typeof steady === "string") {
    out(`CHECK FAILED: replay: ${steady}`);
    return false;
  }
  const verdict = (ratio: number) => `target <= ${o.targetRatio}x — ${ratio <= o.targetRatio ? "met" : "NOT met"}`;
  const rows = (p: Phase, check: boolean) => {
    const tail = (ratio: number) => (check ? `   ${verdict(ratio)}` : "");
    // With a replay, the kernel's CPU is judged on it (the kernel alone in the thread); the in-process card's
    // interleaved figure is then information.
    if (p.r !== undefined && p.ratio.r !== undefined)
      out(
        `  kernel CPU (Entry Point + ${o.kernel}) ${fmt(p.r, 8, 3)} ms   crypto floor ${fmt(p.tf, 8, 3)} ms   ratio ${fmt(p.ratio.r, 5, 2)}x${tail(p.ratio.r)}`,
      );
    out(
      `  ${p.r === undefined ? `kernel CPU (Entry Point + ${o.kernel})` : "kernel, card on the same thread   "} ${fmt(p.k, 8, 3)} ms   crypto floor ${fmt(p.tf, 8, 3)} ms   ratio ${fmt(p.ratio.k, 5, 2)}x${p.r === undefined ? tail(p.ratio.k) : "   information"}`,
    );
    out(
      `  whole tap (kernel + card)          ${fmt(p.w, 8, 3)} ms   crypto floor ${fmt(p.tf + p.cf, 8, 3)} ms   ratio ${fmt(p.ratio.w, 5, 2)}x${tail(p.ratio.w)}`,
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
