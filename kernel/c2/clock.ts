// The kernel's clocks, injectable so tests set measured times exactly: wall time for the torn transaction log's
// record ages (Book C-2 DF811C), and a monotonic microsecond clock for the relay resistance timer (Book C-2 S3.63,
// SR1.10 "Start Timer" / "Stop Timer").

export interface KernelClock {
  /** Milliseconds since the epoch. */
  wallMs(): number;
  /** A monotonic reading in microseconds (only differences are used). */
  monotonicMicros(): number;
}

export const systemClock: KernelClock = {
  wallMs: () => Date.now(),
  monotonicMicros: () => Number(process.hrtime.bigint() / 1000n),
};
