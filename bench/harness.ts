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
