// PC/SC through the optional native binding @pokusew/pcsclite (libpcsclite on a worker thread), loaded on
// demand: the backend for platforms without pcscd's socket (macOS, Windows) or a pcscd protocol we do not speak.

import { toHex } from "../../emv/bytes.js";
import { TransportError } from "../../transport/channel.js";
import { noCardError, type PcscChannel, type PcscContext, type PcscProtocol, type PcscReaderInfo } from "./context.js";
import { pcscError } from "./errors.js";

/** The parts of @pokusew/pcsclite we use (its own typings use `any`). */
interface PcscStatus {
  state: number;
  atr?: Buffer;
}
interface PcscReader {
  name: string;
  state: number;
  connected: boolean;
  SCARD_SHARE_SHARED: number;
  SCARD_SHARE_EXCLUSIVE: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_EMPTY: number;
  SCARD_STATE_MUTE: number;
  SCARD_LEAVE_CARD: number;
  SCARD_RESET_CARD: number;
  SCARD_UNPOWER_CARD: number;
  on(event: "status", f: (s: PcscStatus) => void): void;
  on(event: "end", f: () => void): void;
  on(event: "error", f: (e: unknown) => void): void;
  connect(options: { share_mode?: number; protocol?: number }, cb: (err: unknown, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: unknown, response: Buffer) => void): void;
  close(): void;
}
interface PcscLite {
  on(event: "reader", f: (r: PcscReader) => void): void;
  on(event: "error", f: (e: unknown) => void): void;
  close(): void;
}
type PcscFactory = () => PcscLite;

/** Load the binding; a TransportError("unavailable") says what is missing and how to get it. */
export async function loadPcscBinding(): Promise<PcscFactory> {
  try {
    const mod = (await import("@pokusew/pcsclite" as string)) as { default: PcscFactory };
    return mod.default;
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new TransportError(
      "unavailable",
      `PC/SC binding @pokusew/pcsclite is not usable (${why}); install it with npm (needs libpcsclite-dev, g++, make, python3)`,
    );
  }
}

/** One pcsc-lite context: readers come and go; close() releases every reader, then the context. */
export class BindingPcscContext implements PcscContext {
  readonly backend = "binding";
  readonly via = "native binding @pokusew/pcsclite";
  private readonly readers = new Map<string, { reader: PcscReader; status: PcscStatus | undefined }>();
  private failure: TransportError | undefined;
  private closed = false;
  private changed: Array<() => void> = [];

  private constructor(private readonly pcsc: PcscLite) {
    pcsc.on("error", (e) => {
      this.failure = pcscError("PC/SC", e);
      this.notify();
    });
    pcsc.on("reader", (reader) => {
      const entry = { reader, status: undefined as PcscStatus | undefined };
      this.readers.set(reader.name, entry);
      // "Command cancelled" is emitted when a reader is closed: harmless (test-hardware notes).
      reader.on("error", () => {});
      reader.on("status", (s) => {
        entry.status = s;
        this.notify();
      });
      reader.on("end", () => {
        this.readers.delete(reader.name);
        this.notify();
      });
      this.notify();
    });
  }

  private notify(): void {
    for (const f of this.changed.splice(0)) f();
  }

  private waitChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.changed.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Establish a context and wait for the initial reader list (settleMs without news). */
  static async open(options: { settleMs?: number } = {}): Promise<BindingPcscContext> {
    const factory = await loadPcscBinding();
    let pcsc: PcscLite;
    try {
      pcsc = factory();
    } catch (e) {
      throw pcscError("PC/SC", e);
    }
    const ctx = new BindingPcscContext(pcsc);
    const settle = options.settleMs ?? 300;
    const deadline = Date.now() + 3000;
    for (;;) {
      await ctx.waitChange(settle);
      if (ctx.failure) {
        await ctx.close();
        throw ctx.failure;
      }
      const pending = [...ctx.readers.values()].some((r) => r.status === undefined);
      if (!pending || Date.now() > deadline) break;
    }
    return ctx;
  }

  async list(): Promise<PcscReaderInfo[]> {
    return this.snapshot();
  }

  private snapshot(): PcscReaderInfo[] {
    return [...this.readers.values()].map(({ reader, status }) => {
      const present = status ? (status.state & reader.SCARD_STATE_PRESENT) !== 0 : false;
      return {
        name: reader.name,
        cardPresent: present,
        atr: present && status?.atr && status.atr.length > 0 ? toHex(status.atr) : undefined,
      };
    });
  }

  /** Wait until a card is present in the named reader (or any reader when name is empty). */
  async waitForCard(name: string | undefined, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      const found = this.snapshot().find((r) => r.cardPresent && (!name || r.name === name));
      if (found) return found.name;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw noCardError(
          name,
          this.snapshot().map((r) => r.name),
          timeoutMs,
        );
      }
      await this.waitChange(Math.min(left, 200));
    }
  }

  /** Whether the card left the reader within ms (pcscd notices a removal in about 0.4 s with vpcd). */
  async cardGone(name: string, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      const r = this.snapshot().find((x) => x.name === name);
      if (!r?.cardPresent) return true;
      const left = until - Date.now();
      if (left <= 0) return false;
      await this.waitChange(Math.min(left, 100));
    }
  }

  /** Connect to the card in a reader (shared mode; T0|T1 by default, see test-hardware notes). */
  async connect(name: string, protocol: PcscProtocol = "T0|T1"): Promise<BindingPcscChannel> {
    const entry = this.readers.get(name);
    if (!entry) throw new TransportError("reader-gone", `pcsc: no reader named '${name}'`);
    const r = entry.reader;
    const want =
      protocol === "T0"
        ? r.SCARD_PROTOCOL_T0
        : protocol === "T1"
          ? r.SCARD_PROTOCOL_T1
          : r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1;
    const active = await new Promise<number>((resolve, reject) =>
      r.connect({ share_mode: r.SCARD_SHARE_SHARED, protocol: want }, (err, p) =>
        err ? reject(pcscError(`pcsc:${name}: connect`, err)) : resolve(p),
      ),
    );
    const atr = entry.status?.atr && entry.status.atr.length > 0 ? new Uint8Array(entry.status.atr) : undefined;
    return new BindingPcscChannel(this, r, active, atr, () => this.readers.has(name));
  }

  /**
   * Close every reader, then the context (otherwise the process never exits). Idempotent. Closing a reader
   * while pcsc-lite is in the middle of a status change (e.g. a card being powered) blocks the thread inside
   * the binding (measured with vpcd), so wait for a quiet moment (no news for 300 ms, at most 3 s) first.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const until = Date.now() + 3000;
    let quiet = false;
    while (!quiet && Date.now() < until) {
      let changed = false;
      this.changed.push(() => {
        changed = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      quiet = !changed;
    }
    for (const { reader } of this.readers.values()) {
      try {
        reader.close();
      } catch {
        // already gone
      }
    }
    this.readers.clear();
    try {
      this.pcsc.close();
    } catch {
      // already closed
    }
  }
}

/** A connected card; transmit passes APDUs through pcsc-lite unchanged (61xx/6Cxx resolved by the caller). */
export class BindingPcscChannel implements PcscChannel {
  readonly description: string;
  private closed = false;
  private readonly protocolName: string;

  constructor(
    private readonly context: BindingPcscContext | undefined,
    private readonly reader: PcscReader,
    private readonly protocol: number,
    readonly atr: Uint8Array | undefined,
    private readonly readerPresent: () => boolean,
  ) {
    this.protocolName = protocol === reader.SCARD_PROTOCOL_T1 ? "T=1" : "T=0";
    this.description = `pcsc:${reader.name}`;
  }

  /** Active protocol negotiated at connect. */
  get activeProtocol(): string {
    return this.protocolName;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TransportError("closed", `${this.description}: channel closed`));
    if (!this.readerPresent())
      return Promise.reject(new TransportError("reader-gone", `${this.description}: reader disappeared`));
    return new Promise<Uint8Array>((resolve, reject) => {
      this.reader.transmit(Buffer.from(command), 65538, this.protocol, (err, data) => {
        if (err) reject(pcscError(`${this.description}: transmit`, err));
        else resolve(new Uint8Array(data));
      });
    }).catch(async (e: TransportError) => {
      // A failed transaction on a card that has meanwhile left the reader is a card removal.
      if (e.kind === "io" && this.context && (await this.context.cardGone(this.reader.name, 800)))
        throw new TransportError("card-removed", `${this.description}: card was removed during the exchange`);
      throw e;
    });
  }

  /** Disconnect (card powered down) and close the PC/SC context. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reader.connected && this.readerPresent()) {
      await new Promise<void>((resolve) => this.reader.disconnect(this.reader.SCARD_UNPOWER_CARD, () => resolve()));
    }
    await this.context?.close();
  }
}
