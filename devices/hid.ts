// HID readers (node-hid HIDAsync, optional dependency): the emvsim framed protocol (devices/framing.ts) carried
// in 64-byte reports through a pluggable report framing. Default framing: report byte 0 = number of frame
// bytes that follow (1..63), then those bytes, zero padding. Writes are prefixed with report ID 00.

import { TransportError } from "../transport/channel.js";
import { type ByteLink, FramedChannel, type FramedOptions } from "./framed-channel.js";

/** The parts of node-hid's HIDAsync we use (also implemented by in-memory fakes in tests). */
export interface HidDeviceLike {
  write(data: number[] | Buffer): Promise<number>;
  on(event: "data", f: (report: Buffer) => void): void;
  on(event: "error", f: (e: Error) => void): void;
  close(): Promise<void>;
}

/** How a byte stream is cut into reports and put back together. */
export interface ReportFraming {
  readonly reportSize: number;
  /** Reports (without report ID) carrying these bytes. */
  toReports(bytes: Uint8Array): Uint8Array[];
  /** Bytes carried by one received report (empty when the report carries none). */
  fromReport(report: Uint8Array): Uint8Array;
}

/** Length-prefixed reports: [n][n bytes][padding]. */
export function lengthPrefixedReports(reportSize = 64): ReportFraming {
  const max = reportSize - 1;
  return {
    reportSize,
    toReports(bytes) {
      const out: Uint8Array[] = [];
      for (let off = 0; off < bytes.length; off += max) {
        const chunk = bytes.subarray(off, off + max);
        const r = new Uint8Array(reportSize);
        r[0] = chunk.length;
        r.set(chunk, 1);
        out.push(r);
      }
      return out;
    },
    fromReport(report) {
      const n = Math.min(report[0] ?? 0, report.length - 1, max);
      return report.slice(1, 1 + n);
    },
  };
}

/** A HID device as a ByteLink. */
export function hidLink(device: HidDeviceLike, framing: ReportFraming = lengthPrefixedReports()): ByteLink {
  let onClose: ((e?: Error) => void) | undefined;
  let closed = false;
  device.on("error", (e) => {
    if (!closed) onClose?.(e);
  });
  return {
    async write(bytes) {
      for (const r of framing.toReports(bytes)) {
        try {
          await device.write([0x00, ...r]); // report ID 0 prefix
        } catch (e) {
          throw new TransportError("reader-gone", `HID write failed: ${(e as Error).message}`);
        }
      }
    },
    onData(f) {
      device.on("data", (report) => {
        const b = framing.fromReport(new Uint8Array(report));
        if (b.length > 0) f(b);
      });
    },
    onClose(f) {
      onClose = f;
    },
    async close() {
      closed = true;
      await device.close().catch(() => {});
    },
  };
}

interface NodeHidModule {
  HIDAsync: { open(pathOrVid: string | number, pid?: number): Promise<HidDeviceLike> };
  devicesAsync(): Promise<
    Array<{ vendorId: number; productId: number; path?: string; product?: string; manufacturer?: string }>
  >;
}

/** Load node-hid; TransportError("unavailable") says why (not installed, libusb missing). */
export async function loadNodeHid(): Promise<NodeHidModule> {
  try {
    const mod = (await import("node-hid" as string)) as NodeHidModule & { default?: NodeHidModule };
    const m = mod.HIDAsync ? mod : mod.default!;
    return m;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0] ?? "";
    const hint = /libusb/i.test(msg) ? "libusb-1.0 is missing (Debian: apt-get install libusb-1.0-0)" : msg;
    throw new TransportError("unavailable", `HID binding node-hid is not usable: ${hint}`);
  }
}

/** Open a HID reader by "vid:pid" (hex) or device path and power the card. */
export async function openHidReader(target: string, options: FramedOptions = {}): Promise<FramedChannel> {
  const hid = await loadNodeHid();
  const m = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/.exec(target);
  let device: HidDeviceLike;
  try {
    device = m
      ? await hid.HIDAsync.open(Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16))
      : await hid.HIDAsync.open(target);
  } catch (e) {
    throw new TransportError("unavailable", `hid:${target}: cannot open (${(e as Error).message})`);
  }
  return FramedChannel.open(hidLink(device), `hid:${target}`, options);
}
