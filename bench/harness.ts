// Minimal benchmark harness: run a function repeatedly for a fixed time, several rounds, keep the best round.
// Timing lives here and in bench modules only, never in tests.

import { performance } from "node:perf_hooks";

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
  /** Taps (and floor calls) measured, after 50 of warm-up. */
  readonly taps: number;
  readonly targetRatio: number;
  /** The card-in-field budget of a tap (Book A: about 500 ms); the kernel's share must stay under 1 %. */
  readonly fieldBudgetMs: number;
}

/**
 * A contactless tap against its crypto floor, measured in the same run: the median kernel time (card excluded) and
 * whole-tap time over `taps` taps, each as a ratio to the median of the terminal's (and the card's) crypto work.
 */
export async function measureTapAgainstFloor(
  tap: () => Promise<{ readonly totalMs: number; readonly kernelMs: number }>,
  terminalFloor: () => number,
  cardFloor: () => number,
  o: TapFloorOptions,
  out: (line: string) => void,
): Promise<boolean> {
  for (let i = 0; i < 50; i++) await tap();
  const kernelMs: number[] = [];
  const totalMs: number[] = [];
  for (let i = 0; i < o.taps; i++) {
    const t = await tap();
    kernelMs.push(t.kernelMs);
    totalMs.push(t.totalMs);
  }
  const floorOf = (fn: () => number) => {
    for (let i = 0; i < 50; i++) blackhole ^= fn();
    const xs: number[] = [];
    for (let i = 0; i < o.taps; i++) {
      const t0 = performance.now();
      blackhole ^= fn();
      xs.push(performance.now() - t0);
    }
    return median(xs);
  };
  const tf = floorOf(terminalFloor);
  const cf = floorOf(cardFloor);
  const k = median(kernelMs);
  const w = median(totalMs);
  const verdict = (ratio: number) => `target <= ${o.targetRatio}x — ${ratio <= o.targetRatio ? "met" : "NOT met"}`;
  const share = (k / o.fieldBudgetMs) * 100;
  out(`per tap (median of ${o.taps}):`);
  out(
    `  kernel CPU (Entry Point + ${o.kernel}) ${fmt(k, 8, 3)} ms   crypto floor ${fmt(tf, 8, 3)} ms   ratio ${fmt(k / tf, 5, 2)}x   ${verdict(k / tf)}`,
  );
  out(
    `  whole tap (kernel + card)          ${fmt(w, 8, 3)} ms   crypto floor ${fmt(tf + cf, 8, 3)} ms   ratio ${fmt(w / (tf + cf), 5, 2)}x   ${verdict(w / (tf + cf))}`,
  );
  out(
    `  share of a ${o.fieldBudgetMs} ms card-in-field budget: kernel ${fmt(share, 5, 2)} % — target < 1 % — ${share < 1 ? "met" : "NOT met"}`,
  );
  return true;
}
