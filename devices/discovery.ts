// What readers are attached, per kind, and why a kind is unavailable — never failing (`emvsim readers`).

import { TransportError } from "../transport/channel.js";

export interface DiscoveredReader {
  /** Reader URI to pass to --reader. */
  uri: string;
  name: string;
  detail?: string;
}

export interface ReaderKindReport {
  kind: "emulator" | "pcsc" | "serial" | "hid";
  available: boolean;
  /** Why the kind is unavailable (and how to enable it). */
  reason?: string;
  readers: DiscoveredReader[];
  /** How the kind is reached, when there is a choice (PC/SC: our pcscd client or the native binding). */
  via?: string;
}

export function why(e: unknown): string {
  if (e instanceof TransportError) return e.message;
  return e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export async function pcscReport(socketPath?: string): Promise<ReaderKindReport> {
  try {
    const { openPcscContext } = await import("./pcsc.js");
    const ctx = await withTimeout(openPcscContext({ socketPath }), 5000, "pcscd");
    try {
      return {
        kind: "pcsc",
        available: true,
        via: ctx.via,
        readers: (await ctx.list()).map((r) => ({
          uri: `pcsc:${r.name}`,
          name: r.name,
          detail: r.cardPresent ? `card present, ATR ${r.atr ?? "?"}` : "no card",
        })),
      };
    } finally {
      await ctx.close();
    }
  } catch (e) {
    return { kind: "pcsc", available: false, reason: why(e), readers: [] };
  }
}

async function serialReport(): Promise<ReaderKindReport> {
  try {
    const mod = (await import("serialport" as string)) as {
      SerialPort: {
        list(): Promise<Array<{ path: string; manufacturer?: string; vendorId?: string; productId?: string }>>;
      };
    };
    let ports: Awaited<ReturnType<typeof mod.SerialPort.list>>;
    try {
      ports = await withTimeout(mod.SerialPort.list(), 5000, "serial port listing");
    } catch (e) {
      return {
        kind: "serial",
        available: false,
        reason: `listing serial ports failed (${why(e)}); it needs udevadm (Debian: apt-get install udev). Ports can still be opened by path: serial:/dev/ttyUSB0`,
        readers: [],
      };
    }
    return {
      kind: "serial",
      available: true,
      readers: ports.map((p) => ({
        uri: `serial:${p.path}`,
        name: p.path,
        detail: [p.manufacturer, p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : undefined]
          .filter(Boolean)
          .join(" "),
      })),
    };
  } catch (e) {
    return {
      kind: "serial",
      available: false,
      reason: `serial binding 'serialport' is not installed (${why(e)})`,
      readers: [],
    };
  }
}

async function hidReport(): Promise<ReaderKindReport> {
  try {
    const { loadNodeHid } = await import("./hid.js");
    const hid = await loadNodeHid();
    const devices = await withTimeout(hid.devicesAsync(), 5000, "HID enumeration");
    const hex = (n: number) => n.toString(16).padStart(4, "0");
    return {
      kind: "hid",
      available: true,
      readers: devices.map((d) => ({
        uri: `hid:${hex(d.vendorId)}:${hex(d.productId)}`,
        name: [d.manufacturer, d.product].filter(Boolean).join(" ") || `${hex(d.vendorId)}:${hex(d.productId)}`,
        detail: d.path,
      })),
    };
  } catch (e) {
    return { kind: "hid", available: false, reason: why(e), readers: [] };
  }
}

/** Every hardware kind, each answering on its own; a failing kind becomes an explanation. */
export async function discoverDeviceReaders(): Promise<ReaderKindReport[]> {
  return Promise.all([pcscReport(), serialReport(), hidReport()]);
}
