// A PC/SC client that speaks pcscd's socket protocol itself (devices/pcsc/wire.ts), from the event loop: no
// native build, no worker-thread hop per APDU, and every wait bounded by a timeout. Same messages, same order
// as libpcsclite; one socket per context, requests strictly one at a time.

import { existsSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { toHex } from "../../emv/bytes.js";
import { TransportError } from "../../transport/channel.js";
import { noCardError, type PcscChannel, type PcscContext, type PcscProtocol, type PcscReaderInfo } from "./context.js";
import { scardError } from "./errors.js";
import {
  decodeConnect,
  decodeEstablish,
  decodeReadersState,
  decodeRv,
  decodeTransmit,
  decodeVersion,
  encodeConnect,
  encodeDisconnect,
  encodeEstablish,
  encodeGetReadersState,
  encodeReconnect,
  encodeRelease,
  encodeTransmit,
  encodeVersion,
  MAX_BUFFER_SIZE_EXTENDED,
  type PcscdReaderState,
  READERS_STATE_SIZE,
  ReaderStateBits,
  ResponseSize,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_RESET_CARD,
  SCARD_S_SUCCESS,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
  SUPPORTED_PROTOCOLS,
} from "./wire.js";

/** Where libpcsclite finds pcscd: $PCSCLITE_CSOCK_NAME, else the Debian/Fedora default. */
export function pcscdSocketPath(): string {
  return process.env["PCSCLITE_CSOCK_NAME"] || "/run/pcscd/pcscd.comm";
}

export interface PcscdClientOptions {
  socketPath?: string;
  /** Bound on every control exchange (version, context, reader list, connect): default 5000 ms. */
  requestTimeoutMs?: number;
  /** Bound on one APDU exchange, card time included (WTX can be long): default 60000 ms. */
  transmitTimeoutMs?: number;
  /** Interval of reader-table polls while waiting for a card: default 50 ms. */
  pollMs?: number;
}

/** pcscd answered the version handshake with a protocol this client does not implement. */
export class PcscdProtocolMismatch extends TransportError {
  constructor(
    readonly major: number,
    readonly minor: number,
    path: string,
  ) {
    super(
      "unavailable",
      `pcscd at ${path} speaks protocol ${major}.${minor}; emvsim's pcscd client knows ${SUPPORTED_PROTOCOLS.map((v) => v.join(".")).join(" and ")}`,
    );
  }
}

interface PendingRead {
  n: number;
  resolve: (b: Buffer) => void;
  reject: (e: TransportError) => void;
  what: string;
  timeoutMs: number;
}

/**
 * One stream to pcscd: exact-length reads, one exchange at a time, and a failure ends the stream for good.
 * Lean on purpose (one APDU round trip is ~0.1 ms and garbage collections showed up as its outliers): socket
 * reads land in one reused buffer (net's `onread`, no stream machinery), one timer per connection is re-armed
 * for every read, and an exchange on an idle connection runs without queueing.
 */
export class PcscdConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: PendingRead | undefined;
  private failure: TransportError | undefined;
  private socketError: string | undefined;
  private busy = false;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;
  private socket!: Socket;

  private constructor(readonly path: string) {}

  /** Copy what the socket read out of the shared receive buffer; resolve a waiting read when complete. */
  private received(n: number, buf: Uint8Array): boolean {
    const c = Buffer.allocUnsafe(n);
    c.set(buf.subarray(0, n));
    this.chunks.push(c);
    this.buffered += n;
    this.pump();
    return true;
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on("error", (e: NodeJS.ErrnoException) => {
      this.socketError = e.code ?? e.message;
    });
    socket.on("close", () => {
      this.fail(
        new TransportError(
          "unavailable",
          `pcscd closed the connection (${this.socketError ? `${this.socketError}; ` : ""}stopped or restarted)`,
        ),
      );
    });
  }

  static open(path: string, timeoutMs: number): Promise<PcscdConnection> {
    if (!existsSync(path))
      return Promise.reject(
        new TransportError(
          "unavailable",
          `pcscd is not running (no socket at ${path}; start it with 'systemctl start pcscd' or 'sudo pcscd')`,
        ),
      );
    const conn = new PcscdConnection(path);
    return new Promise((resolve, reject) => {
      const socket = createConnection({
        path,
        onread: { buffer: Buffer.allocUnsafe(64 * 1024), callback: (n, buf) => conn.received(n, buf) },
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError("timeout", `pcscd did not accept a connection on ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why =
          e.code === "EACCES"
            ? "permission denied (pcscd's socket is not accessible to this user)"
            : e.code === "ECONNREFUSED"
              ? "connection refused (pcscd is not running)"
              : (e.code ?? e.message);
        reject(new TransportError("unavailable", `pcscd at ${path}: ${why}`));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        conn.attach(socket);
        resolve(conn);
      });
    });
  }

  get broken(): TransportError | undefined {
    return this.failure;
  }

  /** Run one request/response exchange after the previous one has finished. */
  async exchange<T>(f: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    }
  }

  /** One exchange: send a request, read a reply of known size. */
  request(bytes: Buffer, replySize: number, timeoutMs: number, what: string): Promise<Buffer> {
    return this.exchange(() => {
      this.write(bytes);
      return this.read(replySize, timeoutMs, what);
    });
  }

  /** A closing message (disconnect, release): sent when the stream still works, its outcome ignored. */
  async farewell(bytes: Buffer, replySize: number, what: string): Promise<void> {
    if (!this.failure) await this.request(bytes, replySize, 2000, what).catch(() => undefined);
  }

  write(bytes: Buffer): void {
    if (this.failure) throw this.failure;
    this.socket.write(bytes);
  }

  read(n: number, timeoutMs: number, what: string): Promise<Buffer> {
    if (this.buffered >= n) return Promise.resolve(this.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { n, resolve, reject, what, timeoutMs };
      this.arm(timeoutMs);
    });
  }

  /** (Re)start the connection's one timer; when it fires with no read waiting it does nothing. */
  private arm(ms: number): void {
    if (this.timer && this.timerMs === ms) {
      this.timer.refresh();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => this.expired(), ms);
    this.timer.unref(); // the socket keeps the process alive while a read waits
  }

  private expired(): void {
    const p = this.pending;
    // The stream is out of step from here on: end it (pcscd then releases our context and handles).
    if (p) this.fail(new TransportError("timeout", `${p.what}: no answer from pcscd within ${p.timeoutMs} ms`));
  }

  /** End the stream; pending and later reads reject with `e`. Idempotent (the first failure is kept). */
  fail(e: TransportError): void {
    if (!this.failure) this.failure = e;
    if (this.timer) clearTimeout(this.timer);
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.failure);
    this.socket?.destroy();
  }

  private pump(): void {
    const p = this.pending;
    if (!p || this.buffered < p.n) return;
    this.pending = undefined;
    p.resolve(this.take(p.n));
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}

function info(r: PcscdReaderState): PcscReaderInfo {
  const present = (r.state & ReaderStateBits.PRESENT) !== 0;
  return {
    name: r.name,
    cardPresent: present,
    atr: present && r.atr.length > 0 ? toHex(r.atr) : undefined,
  };
}

/**
 * Whether pcscd answers on `path`, and with which protocol version: a version handshake on a fresh connection,
 * closed right after. Rejects with a TransportError (not running, refused, no answer in time).
 */
export async function probePcscd(path: string, timeoutMs = 2000): Promise<{ major: number; minor: number }> {
  const conn = await PcscdConnection.open(path, timeoutMs);
  try {
    const [major, minor] = SUPPORTED_PROTOCOLS[0]!;
    const v = decodeVersion(
      await conn.request(encodeVersion(major, minor), ResponseSize.version, timeoutMs, `pcscd at ${path}: version`),
    );
    return { major: v.major, minor: v.minor };
  } finally {
    conn.fail(new TransportError("closed", "probe done"));
  }
}

/** A PC/SC context held on its own pcscd connection. */
export class SocketPcscContext implements PcscContext {
  readonly backend = "pcscd-socket";
  readonly via: string;
  private closed = false;
  private readonly requestMs: number;
  private readonly pollMs: number;

  private constructor(
    private readonly conn: PcscdConnection,
    private readonly context: number,
    readonly protocolVersion: string,
    readonly options: PcscdClientOptions,
  ) {
    this.via = `pcscd socket client, protocol ${protocolVersion}`;
    this.requestMs = options.requestTimeoutMs ?? 5000;
    this.pollMs = options.pollMs ?? 50;
  }

  /** Connect, agree on the protocol version, establish a system-scope context. */
  static async open(options: PcscdClientOptions = {}): Promise<SocketPcscContext> {
    const path = options.socketPath ?? pcscdSocketPath();
    const ms = options.requestTimeoutMs ?? 5000;
    const conn = await PcscdConnection.open(path, ms);
    try {
      const ask = async (major: number, minor: number) => {
        conn.write(encodeVersion(major, minor));
        return decodeVersion(await conn.read(ResponseSize.version, ms, "pcscd version"));
      };
      let [major, minor] = SUPPORTED_PROTOCOLS[0]!;
      let v = await ask(major, minor);
      if (v.rv !== SCARD_S_SUCCESS) {
        // pcscd refuses another version and says its own: use it when its layouts are the ones we know.
        if (!SUPPORTED_PROTOCOLS.some(([a, b]) => a === v.major && b === v.minor))
          throw new PcscdProtocolMismatch(v.major, v.minor, path);
        [major, minor] = [v.major, v.minor];
        v = await ask(major, minor);
        if (v.rv !== SCARD_S_SUCCESS) throw scardError(`pcscd at ${path}: version ${major}.${minor}`, v.rv);
      }
      conn.write(encodeEstablish());
      const est = decodeEstablish(await conn.read(ResponseSize.establish, ms, "pcscd establish context"));
      if (est.rv !== SCARD_S_SUCCESS) throw scardError(`pcscd at ${path}: establish context`, est.rv);
      return new SocketPcscContext(conn, est.context, `${major}.${minor}`, options);
    } catch (e) {
      conn.fail(e instanceof TransportError ? e : new TransportError("io", String(e)));
      throw e;
    }
  }

  private check(): void {
    if (this.closed) throw new TransportError("closed", "pcsc: context closed");
  }

  /** pcscd's reader table as it is now. */
  async readerStates(): Promise<PcscdReaderState[]> {
    this.check();
    return decodeReadersState(
      await this.conn.request(encodeGetReadersState(), READERS_STATE_SIZE, this.requestMs, "pcscd reader list"),
    );
  }

  async list(): Promise<PcscReaderInfo[]> {
    return (await this.readerStates()).map(info);
  }

  async waitForCard(name: string | undefined, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const readers = await this.list();
      const found = readers.find((r) => r.cardPresent && (!name || r.name === name));
      if (found) return found.name;
      if (Date.now() >= deadline) {
        throw noCardError(
          name,
          readers.map((r) => r.name),
          timeoutMs,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(this.pollMs, Math.max(1, deadline - Date.now()))));
    }
  }

  async cardGone(name: string, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      let r: PcscReaderInfo | undefined;
      try {
        r = (await this.list()).find((x) => x.name === name);
      } catch {
        return true; // pcscd itself is gone
      }
      if (!r?.cardPresent) return true;
      if (Date.now() >= until) return false;
      await new Promise((res) => setTimeout(res, this.pollMs));
    }
  }

  async connect(name: string, protocol: PcscProtocol = "T0|T1"): Promise<PcscChannel> {
    this.check();
    const want =
      protocol === "T0"
        ? SCARD_PROTOCOL_T0
        : protocol === "T1"
          ? SCARD_PROTOCOL_T1
          : SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
    let request: Buffer;
    try {
      request = encodeConnect(this.context, name, SCARD_SHARE_SHARED, want);
    } catch (e) {
      throw new TransportError("reader-gone", `pcsc: reader name '${name}': ${(e as Error).message}`);
    }
    const reply = decodeConnect(
      await this.conn.request(request, ResponseSize.connect, this.requestMs, `pcsc:${name}: connect`),
    );
    if (reply.rv !== SCARD_S_SUCCESS) throw scardError(`pcsc:${name}: connect`, reply.rv);
    const state = (await this.readerStates()).find((r) => r.name === name);
    const atr = state && state.atr.length > 0 ? state.atr : undefined;
    return new SocketPcscChannel(this, this.conn, name, reply.card, reply.protocol, atr, this.options);
  }

  /** Release the context and end the connection (pcscd frees whatever is left). Idempotent, bounded. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.farewell(encodeRelease(this.context), ResponseSize.release, "pcscd release");
    this.conn.fail(new TransportError("closed", "pcsc: context closed"));
  }
}

/** A card connected through pcscd; APDUs pass unchanged (61xx/6Cxx are resolved above, by GetResponseChannel). */
export class SocketPcscChannel implements PcscChannel {
  readonly description: string;
  private closed = false;
  private readonly transmitMs: number;

  constructor(
    private readonly context: SocketPcscContext,
    private readonly conn: PcscdConnection,
    private readonly reader: string,
    private card: number,
    private protocol: number,
    private currentAtr: Uint8Array | undefined,
    options: PcscdClientOptions,
  ) {
    this.description = `pcsc:${reader}`;
    this.transmitMs = options.transmitTimeoutMs ?? 60_000;
  }

  get atr(): Uint8Array | undefined {
    return this.currentAtr;
  }

  get activeProtocol(): string {
    return this.protocol === SCARD_PROTOCOL_T1 ? "T=1" : "T=0";
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new TransportError("closed", `${this.description}: channel closed`);
    if (command.length > MAX_BUFFER_SIZE_EXTENDED)
      throw new TransportError(
        "protocol",
        `${this.description}: command of ${command.length} bytes is too long for PC/SC`,
      );
    const what = `${this.description}: transmit`;
    let error: TransportError;
    try {
      const result = await this.conn.exchange(() => this.roundTrip(command, what));
      if (typeof result !== "number") return result;
      error = scardError(what, result);
    } catch (e) {
      error = e instanceof TransportError ? e : new TransportError("io", `${what}: ${String(e)}`);
    }
    // A failed exchange with a card that has meanwhile left the reader is a card removal.
    if (error.kind === "io" && !this.conn.broken && (await this.context.cardGone(this.reader, 800)))
      throw new TransportError("card-removed", `${this.description}: card was removed during the exchange`);
    throw error;
  }

  /** SCARD_TRANSMIT: the response APDU, or pcscd's return code when it failed. */
  private async roundTrip(command: Uint8Array, what: string): Promise<Uint8Array | number> {
    const conn = this.conn;
    conn.write(encodeTransmit(this.card, this.protocol, command, MAX_BUFFER_SIZE_EXTENDED));
    const head = decodeTransmit(await conn.read(ResponseSize.transmit, this.transmitMs, what));
    if (head.rv !== SCARD_S_SUCCESS) return head.rv;
    const data = await conn.read(head.length, this.transmitMs, what);
    return new Uint8Array(data); // a copy: `data` may be a view into a larger received chunk
  }

  /** Warm reset (SCardReconnect with SCARD_RESET_CARD); resolves to the ATR after the reset. */
  async reset(): Promise<Uint8Array> {
    if (this.closed) throw new TransportError("closed", `${this.description}: channel closed`);
    const what = `${this.description}: reset`;
    const reply = await this.conn.request(
      encodeReconnect(this.card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD),
      ResponseSize.reconnect,
      this.transmitMs,
      what,
    );
    const rv = decodeRv(reply);
    if (rv !== SCARD_S_SUCCESS) throw scardError(what, rv);
    this.protocol = reply.readUInt32LE(16);
    const state = (await this.context.readerStates()).find((r) => r.name === this.reader);
    if (!state || state.atr.length === 0) throw new TransportError("no-card", `${what}: no ATR after the reset`);
    this.currentAtr = state.atr;
    return state.atr;
  }

  /** Power the card down and release the context. Idempotent; bounded when pcscd is gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.farewell(
      encodeDisconnect(this.card, SCARD_UNPOWER_CARD),
      ResponseSize.disconnect,
      `${this.description}: disconnect`,
    );
    await this.context.close();
  }
}
