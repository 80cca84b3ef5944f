// The emulated card as the card of pcscd's virtual reader (vsmartcard vpcd): we connect to vpcd's TCP port and
// answer its messages. Wire format both ways: 2-byte big-endian length, then the payload. A 1-byte payload is a
// control message (00 power off, 01 power on, 02 reset, 04 get ATR); longer payloads are command APDUs, each
// answered by exactly one response APDU. Closing the socket is a card removal. Reconnects when pcscd restarts.

import { connect, type Socket } from "node:net";
import type { ServedCard } from "./served-card.js";

export const VPCD_POWER_OFF = 0x00;
export const VPCD_POWER_ON = 0x01;
export const VPCD_RESET = 0x02;
export const VPCD_GET_ATR = 0x04;

export interface VpcdOptions {
  host?: string;
  port: number;
  /** Delay between connection attempts while vpcd is not listening (default 500 ms). */
  retryMs?: number;
  /** Called with one-line status messages (connected, disconnected, retrying). */
  log?: (line: string) => void;
}

/** Frame one payload: 2-byte big-endian length + payload. */
export function vpcdFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + payload.length);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** Incremental vpcd deframer. */
export class VpcdDeframer {
  private buf = new Uint8Array(0);
  push(bytes: Uint8Array): Uint8Array[] {
    const merged = new Uint8Array(this.buf.length + bytes.length);
    merged.set(this.buf);
    merged.set(bytes, this.buf.length);
    const out: Uint8Array[] = [];
    let pos = 0;
    while (merged.length - pos >= 2) {
      const n = (merged[pos]! << 8) | merged[pos + 1]!;
      if (merged.length - pos - 2 < n) break;
      out.push(merged.slice(pos + 2, pos + 2 + n));
      pos += 2 + n;
    }
    this.buf = merged.slice(pos);
    return out;
  }
}

/** Answer one vpcd message; undefined = no reply (power off/on, reset). */
export function answerVpcd(card: ServedCard, payload: Uint8Array): Uint8Array | undefined {
  if (payload.length === 1) {
    switch (payload[0]) {
      case VPCD_POWER_OFF:
        card.powerOff();
        return undefined;
      case VPCD_POWER_ON:
        card.powerOn();
        return undefined;
      case VPCD_RESET:
        card.powerOff();
        card.powerOn();
        return undefined;
      case VPCD_GET_ATR:
        return card.atr;
      default:
        return undefined;
    }
  }
  return card.transmit(payload);
}

/** A card inserted in vpcd's reader for as long as it runs. */
export class VpcdCardServer {
  private socket: Socket | undefined;
  private stopped = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connectedOnce: Array<() => void> = [];
  /** Replies waiting out the card's processing time, in order, and how many are still waiting. */
  private replying: Promise<void> = Promise.resolve();
  private waitingReplies = 0;
  /** Ends a start() still waiting for the first connection (its timer cleared, its promise rejected). */
  private pendingStart: (() => void) | undefined;
  /** The socket of the connection attempt in progress, before it connects. */
  private connecting: Socket | undefined;
  /** Number of APDUs answered (for tests and the bench). */
  apdus = 0;
  connected = false;

  constructor(
    private readonly card: ServedCard,
    private readonly options: VpcdOptions,
  ) {}

  get address(): string {
    return `${this.options.host ?? "127.0.0.1"}:${this.options.port}`;
  }

  /** Start connecting (and reconnecting); resolves when connected the first time or rejects after timeoutMs. */
  start(timeoutMs = 10_000): Promise<void> {
    this.stopped = false;
    const ready = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.pendingStart = undefined;
        reject(new Error(`vpcd at ${this.address}: not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      // stop() before the first connection ends the wait too: its timer must not keep the process alive.
      this.pendingStart = () => {
        clearTimeout(t);
        reject(new Error(`vpcd at ${this.address}: stopped before it was reached`));
      };
      this.connectedOnce.push(() => {
        clearTimeout(t);
        this.pendingStart = undefined;
        resolve();
      });
    });
    this.attempt();
    return ready;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private attempt(): void {
    if (this.stopped) return;
    const s = connect({ host: this.options.host ?? "127.0.0.1", port: this.options.port });
    this.connecting = s;
    s.setNoDelay(true);
    const deframer = new VpcdDeframer();
    let wasConnected = false;
    s.on("connect", () => {
      if (this.connecting === s) this.connecting = undefined;
      wasConnected = true;
      this.socket = s;
      this.connected = true;
      this.log(`card inserted in vpcd reader at ${this.address}`);
      for (const f of this.connectedOnce.splice(0)) f();
    });
    s.on("data", (chunk: Buffer) => {
      for (const payload of deframer.push(new Uint8Array(chunk))) {
        const reply = answerVpcd(this.card, payload);
        if (payload.length > 1) this.apdus++;
        if (!reply) continue;
        // The card's processing time (a served card's, emulator/processing-time.ts): replies keep their order.
        const waitMs = payload.length > 1 ? (this.card.lastProcessingMs ?? 0) : 0;
        if (waitMs <= 0 && this.waitingReplies === 0) {
          s.write(vpcdFrame(reply));
          continue;
        }
        this.waitingReplies++;
        this.replying = this.replying
          .then(() => new Promise<void>((resolve) => setTimeout(resolve, waitMs)))
          .then(() => {
            this.waitingReplies--;
            if (!s.destroyed) s.write(vpcdFrame(reply));
          });
      }
    });
    s.on("error", () => {
      /* reported by close */
    });
    s.on("close", () => {
      if (this.socket === s) this.socket = undefined;
      if (this.connecting === s) this.connecting = undefined;
      this.connected = false;
      if (wasConnected) this.log(`vpcd at ${this.address} closed the connection`);
      this.card.powerOff();
      if (!this.stopped) this.timer = setTimeout(() => this.attempt(), this.options.retryMs ?? 500);
    });
  }

  /** Remove the card (close the socket) and stop reconnecting. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.connectedOnce = [];
    this.pendingStart?.();
    this.pendingStart = undefined;
    this.connecting?.destroy();
    this.connecting = undefined;
    const s = this.socket;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.once("close", () => resolve());
      s.destroy();
    });
  }
}
