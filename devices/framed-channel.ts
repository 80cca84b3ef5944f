// Reader side of the emvsim framed protocol (devices/framing.ts) over any byte link (serial port, HID reports).

import { toHex } from "../emv/bytes.js";
import { type CardChannel, TransportError } from "../transport/channel.js";
import { encodeFrame, type Frame, FrameDecoder, FrameError, FrameType } from "../transport/framing.js";

/** A bidirectional byte stream (serial port, HID report pipe, socket). */
export interface ByteLink {
  write(bytes: Uint8Array): Promise<void>;
  /** Register the receiver of incoming bytes (one receiver). */
  onData(receiver: (bytes: Uint8Array) => void): void;
  /** Register what to do when the link ends (unplugged, port closed); error when known. */
  onClose(handler: (error?: Error) => void): void;
  close(): Promise<void>;
}

export interface FramedOptions {
  /** Time allowed for each response frame (default 5000 ms). */
  timeoutMs?: number;
}

/** A CardChannel speaking the framed protocol; one request at a time, matched by sequence number. */
export class FramedChannel implements CardChannel {
  private readonly decoder = new FrameDecoder();
  private seq = 0;
  private waiting: { seq: number; resolve: (f: Frame) => void; reject: (e: Error) => void } | undefined;
  private ended: TransportError | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timeoutMs: number;
  atr: Uint8Array | undefined;

  constructor(
    private readonly link: ByteLink,
    readonly description: string,
    options: FramedOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    link.onData((bytes) => {
      for (const f of this.decoder.push(bytes)) {
        const w = this.waiting;
        if (w && f.seq === w.seq) {
          this.waiting = undefined;
          w.resolve(f);
        }
        // frames with another sequence number are late answers to timed-out requests: dropped
      }
    });
    link.onClose((e) => {
      this.ended = new TransportError(
        "reader-gone",
        `${description}: reader disconnected${e ? ` (${e.message.split("\n")[0]})` : ""}`,
      );
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(this.ended);
    });
  }

  /** Power the card and read its ATR (the reader answers POWER_ON with the ATR). */
  static async open(link: ByteLink, description: string, options: FramedOptions = {}): Promise<FramedChannel> {
    const ch = new FramedChannel(link, description, options);
    try {
      ch.atr = await ch.request(FrameType.POWER_ON, new Uint8Array(0), "power on");
    } catch (e) {
      await link.close().catch(() => {});
      throw e;
    }
    return ch;
  }

  private request(type: number, payload: Uint8Array, what: string): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (this.closed) throw new TransportError("closed", `${this.description}: channel closed`);
      if (this.ended) throw this.ended;
      this.seq = (this.seq + 1) & 0xff;
      const seq = this.seq;
      const reply = new Promise<Frame>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting = undefined;
          reject(
            new TransportError("timeout", `${this.description}: no answer to ${what} within ${this.timeoutMs} ms`),
          );
        }, this.timeoutMs);
        this.waiting = {
          seq,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
      });
      reply.catch(() => {}); // observed below; never an unhandled rejection
      // The write is not awaited on its own: a write that never completes (a vanished pty) is covered by the
      // response timeout, and a failed write ends the wait at once.
      this.link.write(encodeFrame({ type, seq, payload })).catch((e: unknown) => {
        const w = this.waiting;
        if (w?.seq !== seq) return;
        this.waiting = undefined;
        w.reject(new TransportError("io", `${this.description}: write failed: ${(e as Error).message}`));
      });
      const f = await reply;
      if (f.type === FrameType.ERROR) {
        const code = f.payload[0] ?? 0;
        const msg = new TextDecoder().decode(f.payload.subarray(1));
        const kind =
          code === FrameError.NO_CARD ? "no-card" : code === FrameError.CARD_MUTE ? "card-removed" : "protocol";
        throw new TransportError(kind, `${this.description}: ${what}: reader error ${code}${msg ? ` (${msg})` : ""}`);
      }
      if (f.type !== (type | FrameType.RESPONSE))
        throw new TransportError(
          "protocol",
          `${this.description}: ${what}: unexpected frame type ${toHex(Uint8Array.of(f.type))}`,
        );
      return f.payload;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const r = await this.request(FrameType.APDU, command, "APDU");
    if (r.length < 2) throw new TransportError("protocol", `${this.description}: response of ${r.length} byte(s)`);
    return r;
  }

  async reset(): Promise<Uint8Array> {
    await this.request(FrameType.POWER_OFF, new Uint8Array(0), "power off");
    this.atr = await this.request(FrameType.POWER_ON, new Uint8Array(0), "power on");
    return this.atr;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.ended) await this.request(FrameType.POWER_OFF, new Uint8Array(0), "power off").catch(() => {});
    this.closed = true;
    await this.link.close().catch(() => {});
  }
}
