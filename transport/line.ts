// A byte-stream line between a reader and a card (the I/O contact of ISO 7816-3, or a UART/pty carrying it):
// T=0 and T=1 run on top of it. Includes an in-memory pair for tests and for the emulator's card line.

import { type CardChannel, TransportError } from "./channel.js";

export interface LineIo {
  /** Send bytes on the line. */
  write(bytes: Uint8Array): Promise<void>;
  /** Receive exactly n bytes or reject with TransportError("timeout") after timeoutMs without them. */
  read(n: number, timeoutMs: number): Promise<Uint8Array>;
  /** Drop any bytes received but not yet read (used before a retransmission or resynchronisation). */
  discard?(): void;
  close?(): Promise<void>;
}

interface PendingRead {
  n: number;
  resolve: (b: Uint8Array) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Receive side of a line: bytes pushed in (from a socket, serial port or peer) are handed to read() in order.
 * One read at a time; a read that gets fewer than n bytes before its timeout rejects and leaves them queued.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private pending: PendingRead | undefined;
  private failure: TransportError | undefined;

  constructor(private readonly what = "line") {}

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes.slice());
    this.size += bytes.length;
    this.serve();
  }

  /** Make every current and future read fail with this error (card removed, port closed…). */
  fail(error: TransportError): void {
    this.failure = error;
    const p = this.pending;
    if (p) {
      this.pending = undefined;
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  get available(): number {
    return this.size;
  }

  discard(): void {
    this.chunks = [];
    this.size = 0;
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.pending) return Promise.reject(new TransportError("protocol", `${this.what}: concurrent read`));
    if (this.size >= n) return Promise.resolve(this.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(
          new TransportError(
            "timeout",
            `${this.what}: no ${n === 1 ? "byte" : `${n} bytes`} within ${timeoutMs} ms (${this.size} received)`,
          ),
        );
      }, timeoutMs);
      this.pending = { n, resolve, reject, timer };
    });
  }

  private serve(): void {
    const p = this.pending;
    if (!p || this.size < p.n) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(this.take(p.n));
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return out;
  }
}

/** Optional fault injection on one direction of an in-memory line (tests: corruption, loss). */
export type LineTap = (bytes: Uint8Array) => Uint8Array | undefined;

/** Two connected in-memory line ends: what one writes, the other reads. A tap may alter or drop writes. */
export function linePair(taps: { aToB?: LineTap; bToA?: LineTap } = {}): [LineIo, LineIo] {
  const qa = new ByteQueue("line (reader side)");
  const qb = new ByteQueue("line (card side)");
  const end = (rx: ByteQueue, tx: ByteQueue, tap: LineTap | undefined): LineIo => ({
    write: async (bytes) => {
      const out = tap ? tap(bytes) : bytes;
      if (out) tx.push(out);
    },
    read: (n, t) => rx.read(n, t),
    discard: () => rx.discard(),
    close: async () => {
      const e = new TransportError("card-removed", "line closed");
      qa.fail(e);
      qb.fail(e);
    },
  });
  return [end(qa, qb, taps.aToB), end(qb, qa, taps.bToA)];
}

/** A CardChannel over a line: one transmission at a time, closing the line on close (shared by T=0 and T=1). */
export abstract class LineChannel implements CardChannel {
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  constructor(
    protected readonly line: LineIo,
    readonly description: string,
    readonly atr: Uint8Array | undefined,
  ) {}
  protected abstract exchange(command: Uint8Array): Promise<Uint8Array>;
  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TransportError("closed", `${this.description}: channel closed`));
    const run = this.queue.then(
      () => this.exchange(command),
      () => this.exchange(command),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.line.close?.();
  }
}
