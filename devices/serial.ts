// Serial readers: (a) Phoenix/Smartmouse readers that wire the card's I/O line to the UART (ISO 7816-3 §6:
// reset by a control line, ATR, then T=0 or T=1 on the line); (b) the emvsim framed protocol (devices/README.md).
// `serialport` is an optional dependency loaded on demand.

import { parseAtr } from "../transport/atr.js";
import type { CardChannel } from "../transport/channel.js";
import { TransportError } from "../transport/channel.js";
import { ByteQueue, type LineIo } from "../transport/line.js";
import { T0Channel } from "../transport/t0.js";
import { T1Channel } from "../transport/t1.js";
import { type ByteLink, FramedChannel, type FramedOptions } from "./framed-channel.js";

/** The parts of serialport's SerialPort we use. */
export interface SerialLike {
  readonly path: string;
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  write(data: Buffer, cb: (err: Error | null | undefined) => void): boolean;
  drain(cb: (err: Error | null) => void): void;
  set(options: { rts: boolean; dtr: boolean }, cb: (err: Error | null) => void): void;
  close(cb: (err: Error | null) => void): void;
  on(event: "data", f: (b: Buffer) => void): this;
  on(event: "close", f: (err?: Error) => void): this;
  on(event: "error", f: (err: Error) => void): this;
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  dataBits?: 8 | 7;
  parity?: "none" | "even" | "odd";
  stopBits?: 1 | 2;
}

export type SerialFactory = (options: SerialOpenOptions & { autoOpen: false }) => SerialLike;

/** Load serialport; TransportError("unavailable") when it is not installed. */
export async function loadSerialFactory(): Promise<SerialFactory> {
  try {
    const mod = (await import("serialport" as string)) as { SerialPort: new (o: object) => SerialLike };
    return (o) => new mod.SerialPort(o);
  } catch (e) {
    throw new TransportError(
      "unavailable",
      `serial binding 'serialport' is not usable (${(e as Error).message.split("\n")[0]}); install it with npm`,
    );
  }
}

export async function openSerial(options: SerialOpenOptions, factory?: SerialFactory): Promise<SerialLike> {
  const make = factory ?? (await loadSerialFactory());
  const port = make({ ...options, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err
        ? reject(new TransportError("unavailable", `serial:${options.path}: cannot open (${err.message})`))
        : resolve(),
    ),
  );
  return port;
}

function closePort(port: SerialLike): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** Write and drain; a drain that never completes (e.g. the far end of a pty vanished) times out. */
function writePort(port: SerialLike, bytes: Uint8Array, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new TransportError("timeout", `serial:${port.path}: write not drained within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (e: TransportError) => {
      clearTimeout(t);
      reject(e);
    };
    port.write(Buffer.from(bytes), (err) => {
      if (err) return fail(new TransportError("io", `serial:${port.path}: write failed (${err.message})`));
      port.drain((e2) => {
        if (e2) return fail(new TransportError("io", `serial:${port.path}: ${e2.message}`));
        clearTimeout(t);
        resolve();
      });
    });
  });
}

/** A serial port as a ByteLink (framed protocol). */
export function serialLink(port: SerialLike): ByteLink {
  let closeHandler: ((e?: Error) => void) | undefined;
  let closing = false;
  port.on("close", (err) => {
    if (!closing) closeHandler?.(err ?? new Error("port closed"));
  });
  port.on("error", (err) => closeHandler?.(err));
  return {
    write: (b) => writePort(port, b),
    onData: (f) => {
      port.on("data", (b) => f(new Uint8Array(b)));
    },
    onClose: (f) => {
      closeHandler = f;
    },
    close: async () => {
      closing = true;
      await closePort(port);
    },
  };
}

/** A serial port as the card's I/O line; `echo` drops the bytes a Phoenix reader echoes back. */
export function serialLine(port: SerialLike, options: { echo?: boolean } = {}): LineIo {
  const q = new ByteQueue(`serial:${port.path}`);
  port.on("data", (b) => q.push(new Uint8Array(b)));
  port.on("close", () => q.fail(new TransportError("reader-gone", `serial:${port.path}: port closed`)));
  port.on("error", (e) => q.fail(new TransportError("reader-gone", `serial:${port.path}: ${e.message}`)));
  return {
    write: async (bytes) => {
      await writePort(port, bytes);
      if (options.echo) await q.read(bytes.length, 1000);
    },
    read: (n, t) => q.read(n, t),
    discard: () => q.discard(),
    close: () => closePort(port),
  };
}

/** Set RTS and DTR together (SerialPort.set fills missing lines with defaults: always pass both). */
export function setLines(port: SerialLike, rts: boolean, dtr: boolean): Promise<void> {
  return new Promise((resolve, reject) =>
    port.set({ rts, dtr }, (err) =>
      err ? reject(new TransportError("io", `serial:${port.path}: cannot set RTS/DTR (${err.message})`)) : resolve(),
    ),
  );
}

/** ISO 7816-3 §8.1 inverse convention: a UART reading direct convention sees each byte inverted, LSB first. */
export function fromInverse(b: number): number {
  let x = ~b & 0xff;
  let r = 0;
  for (let i = 0; i < 8; i++) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

/** A line carrying inverse-convention characters, seen in direct convention (the mapping is its own inverse). */
export function inverseLine(line: LineIo): LineIo {
  const map = (b: Uint8Array) => b.map(fromInverse);
  return {
    write: (bytes) => line.write(map(bytes)),
    read: async (n, t) => map(await line.read(n, t)),
    discard: line.discard ? () => line.discard!() : undefined,
    close: line.close ? () => line.close!() : undefined,
  };
}

/**
 * Read an ATR and detect the convention from TS (ISO 7816-3 §8.1): 3B direct; 03 on the wire = 3F inverse.
 * Returns the ATR in direct convention and the line to use from now on.
 */
export async function readAtrWithConvention(
  line: LineIo,
  firstByteTimeoutMs = 1000,
  charTimeoutMs = 200,
): Promise<{ atr: Uint8Array; line: LineIo; convention: "direct" | "inverse" }> {
  const ts = (await line.read(1, firstByteTimeoutMs))[0]!;
  const inverse = ts === 0x03;
  const l = inverse ? inverseLine(line) : line;
  const rest = await readAtr(l, charTimeoutMs, charTimeoutMs, inverse ? 0x3f : ts);
  return { atr: rest, line: l, convention: inverse ? "inverse" : "direct" };
}

/** Read an ATR from a line byte by byte, following T0/TDi (ISO 7816-3 §8.2). `ts` when already read. */
export async function readAtr(
  line: LineIo,
  firstByteTimeoutMs = 1000,
  charTimeoutMs = 200,
  ts?: number,
): Promise<Uint8Array> {
  const bytes: number[] = [];
  const next = async (t: number) => {
    const b = (await line.read(1, t))[0]!;
    bytes.push(b);
    return b;
  };
  if (ts === undefined) await next(firstByteTimeoutMs);
  else bytes.push(ts);
  const t0 = await next(charTimeoutMs);
  let y = t0 >> 4;
  let tck = false;
  for (;;) {
    if (y & 1) await next(charTimeoutMs);
    if (y & 2) await next(charTimeoutMs);
    if (y & 4) await next(charTimeoutMs);
    if (!(y & 8)) break;
    const td = await next(charTimeoutMs);
    if ((td & 0x0f) !== 0) tck = true;
    y = td >> 4;
  }
  for (let i = 0; i < (t0 & 0x0f); i++) await next(charTimeoutMs);
  if (tck) await next(charTimeoutMs);
  return Uint8Array.from(bytes);
}

export interface PhoenixOptions {
  baudRate?: number;
  /** The reader echoes what is sent (most Phoenix designs do). */
  echo?: boolean;
  /** Which control line drives RST: "rts" (Phoenix) or "dtr"; "none" skips the reset (pty tests). */
  resetLine?: "rts" | "dtr" | "none";
  /** Reset line level that holds the card in reset (default high). */
  resetActiveHigh?: boolean;
  waitingTimeMs?: number;
}

/** Cold reset by the control line, read the ATR, open T=0 or T=1 as the ATR says (first offered protocol). */
export async function phoenixChannel(port: SerialLike, options: PhoenixOptions = {}): Promise<CardChannel> {
  const line = serialLine(port, { echo: options.echo });
  const resetLine = options.resetLine ?? "rts";
  try {
    if (resetLine !== "none") {
      const active = options.resetActiveHigh ?? true;
      const level = (on: boolean) => (active ? on : !on);
      // EMV Book 1 §6.1.3.1 cold reset: RST low (active) for at least 400 clock cycles, then released.
      await setLines(port, resetLine === "rts" ? level(true) : false, resetLine === "dtr" ? level(true) : false);
      await new Promise((r) => setTimeout(r, 20));
      line.discard?.();
      await setLines(port, resetLine === "rts" ? level(false) : false, resetLine === "dtr" ? level(false) : false);
    }
    const read = await readAtrWithConvention(line);
    const atrBytes = read.atr;
    const atr = parseAtr(atrBytes);
    const description = `serial:${port.path} (phoenix${read.convention === "inverse" ? ", inverse convention" : ""})`;
    if (atr.protocols[0] === 1) {
      const ch = new T1Channel(read.line, description, atrBytes, { ifsc: atr.ifsc, edc: atr.edc });
      await ch.protocol.negotiateIfsd();
      return ch;
    }
    return new T0Channel(read.line, description, atrBytes, { waitingTimeMs: options.waitingTimeMs });
  } catch (e) {
    await closePort(port);
    if (e instanceof TransportError) throw e;
    throw new TransportError("protocol", `serial:${port.path}: ${(e as Error).message}`);
  }
}

/** Open a framed-protocol reader on a serial port (power on, ATR). */
export async function framedSerialChannel(port: SerialLike, options: FramedOptions = {}): Promise<FramedChannel> {
  return FramedChannel.open(serialLink(port), `serial:${port.path}`, options);
}
