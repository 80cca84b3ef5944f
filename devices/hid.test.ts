// HID reader through an in-memory fake device: 64-byte reports, report-ID prefix on write, timeouts,
// partial frames, unplug.
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { TransportError } from "../transport/channel.js";
import { answerFrame, encodeFrame, FrameDecoder } from "../transport/framing.js";
import { GetResponseChannel } from "../transport/ttl.js";
import { FramedChannel } from "./framed-channel.js";
import { type HidDeviceLike, hidLink, lengthPrefixedReports } from "./hid.js";
import { FakeCard } from "./testing/fake-card.js";

type Listener = (x: never) => void;

/** A fake HID reader: decodes frames from written reports, answers with the card, in 64-byte reports. */
class FakeHidReader implements HidDeviceLike {
  private listeners = new Map<string, Listener[]>();
  readonly written: number[][] = [];
  private decoder = new FrameDecoder();
  private framing = lengthPrefixedReports(64);
  mute = false;
  /** Deliver the answer split in reports of this many frame bytes (partial frames). */
  chunk = 63;
  closed = false;
  constructor(readonly card = new FakeCard()) {}
  on(event: "data" | "error", f: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), f]);
  }
  private emit(event: string, v: unknown): void {
    for (const f of this.listeners.get(event) ?? []) (f as (x: unknown) => void)(v);
  }
  async write(data: number[] | Buffer): Promise<number> {
    if (this.closed) throw new Error("device has been closed");
    const arr = [...data];
    this.written.push(arr);
    if (arr.length !== 65 || arr[0] !== 0) throw new Error(`bad report of ${arr.length} bytes`);
    const frames = this.decoder.push(this.framing.fromReport(Uint8Array.from(arr.slice(1))));
    for (const f of frames) {
      if (this.mute) continue;
      const bytes = encodeFrame(answerFrame(this.card, f));
      setTimeout(() => {
        for (let off = 0; off < bytes.length; off += this.chunk) {
          const part = bytes.subarray(off, off + this.chunk);
          const r = Buffer.alloc(64);
          r[0] = part.length;
          r.set(part, 1);
          this.emit("data", r);
        }
      }, 1);
    }
    return arr.length;
  }
  unplug(): void {
    this.emit("error", new Error("could not read from HID device"));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe("HID reader (framed protocol in 64-byte reports)", () => {
  it("powers the card and exchanges APDUs with exact bytes", async () => {
    const dev = new FakeHidReader();
    const ch = new GetResponseChannel(await FramedChannel.open(hidLink(dev), "hid:test"));
    expect(toHex(ch.atr!)).toBe("3B6500002063CBA000");
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("70125A0847617390010101195F24032212319F0702FF009000");
    expect(dev.written.every((r) => r.length === 65 && r[0] === 0)).toBe(true);
    await ch.close();
    expect(dev.closed).toBe(true);
  });

  it("carries a long APDU over several reports and reassembles partial response frames", async () => {
    const dev = new FakeHidReader();
    dev.chunk = 5;
    const ch = await FramedChannel.open(hidLink(dev), "hid:test");
    const data = "11".repeat(200);
    const before = dev.written.length;
    expect(toHex(await ch.transmit(fromHex(`80CA0000C8${data}`)))).toBe(`${data}9000`);
    expect(dev.written.length - before).toBe(Math.ceil((7 + 205) / 63));
    await ch.close();
  });

  it("times out with a TransportError when the reader stays silent", async () => {
    const dev = new FakeHidReader();
    const ch = await FramedChannel.open(hidLink(dev), "hid:test", { timeoutMs: 50 });
    dev.mute = true;
    await expect(ch.transmit(fromHex("00B2010C00"))).rejects.toMatchObject({
      kind: "timeout",
      message: "hid:test: no answer to APDU within 50 ms",
    });
    dev.mute = false;
    expect(toHex(await ch.transmit(fromHex("0084000000")))).toBe("01020304050607089000"); // late frame ignored
    await ch.close();
  });

  it("turns an unplug into reader-gone, during and after an exchange", async () => {
    const dev = new FakeHidReader();
    const ch = await FramedChannel.open(hidLink(dev), "hid:test", { timeoutMs: 2000 });
    dev.mute = true;
    const pending = ch.transmit(fromHex("00B2010C00"));
    dev.unplug();
    await expect(pending).rejects.toBeInstanceOf(TransportError);
    await expect(pending).rejects.toMatchObject({
      kind: "reader-gone",
      message: "hid:test: reader disconnected (could not read from HID device)",
    });
    await expect(ch.transmit(fromHex("00B2010C00"))).rejects.toMatchObject({ kind: "reader-gone" });
    await ch.close();
  });

  it("maps reader error frames", async () => {
    const dev = new FakeHidReader();
    const ch = await FramedChannel.open(hidLink(dev), "hid:test");
    await expect(ch.transmit(fromHex("00"))).rejects.toMatchObject({
      kind: "protocol",
      message: "hid:test: APDU: reader error 3 (APDU of 1 bytes)",
    });
    await ch.close();
  });
});
