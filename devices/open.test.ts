import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { openReader as openAnyReader } from "../serve/readers.js";
import { TracingChannel } from "../transport/trace.js";
import { openReader, parseReaderUri } from "./open.js";

const dir = mkdtempSync(join(tmpdir(), "emvsim-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reader URIs", () => {
  it("parses every kind", () => {
    expect(parseReaderUri("emulator:")).toEqual({ kind: "emulator", profile: undefined });
    expect(parseReaderUri("emulator:visa-online-only")).toEqual({ kind: "emulator", profile: "visa-online-only" });
    expect(parseReaderUri("pcsc:Virtual PCD 00 00")).toEqual({ kind: "pcsc", reader: "Virtual PCD 00 00" });
    expect(parseReaderUri("pcsc:")).toEqual({ kind: "pcsc", reader: undefined });
    expect(parseReaderUri("serial:/dev/ttyUSB0?baud=9600&mode=phoenix&echo=1")).toEqual({
      kind: "serial",
      path: "/dev/ttyUSB0",
      baudRate: 9600,
      mode: "phoenix",
      echo: true,
      reset: "rts",
    });
    expect(parseReaderUri("serial:/dev/ttyACM0")).toMatchObject({ mode: "framed", baudRate: 115200 });
    expect(parseReaderUri("hid:1234:abcd")).toEqual({ kind: "hid", target: "1234:abcd" });
    expect(parseReaderUri("replay:t.jsonl")).toEqual({ kind: "replay", file: "t.jsonl" });
  });

  it("gives one-line errors for bad URIs", () => {
    expect(() => parseReaderUri("usb")).toThrow(
      "reader URI 'usb': missing kind (use emulator:, pcsc:, serial:, hid:, replay:)",
    );
    expect(() => parseReaderUri("nfc:x")).toThrow("reader URI 'nfc:x': unknown kind 'nfc'");
    expect(() => parseReaderUri("serial:/dev/x?baud=fast")).toThrow(
      "reader URI 'serial:/dev/x?baud=fast': baud 'fast' is not a baud rate",
    );
    expect(() => parseReaderUri("serial:/dev/x?mode=t1")).toThrow("mode 't1' is not phoenix or framed");
    expect(() => parseReaderUri("serial:/dev/x?parity=odd")).toThrow("unknown serial option 'parity'");
    expect(() => parseReaderUri("serial:")).toThrow("serial needs a device path");
    expect(() => parseReaderUri("hid:")).toThrow("hid needs <vid>:<pid> (hex) or a device path");
  });

  it("opens the emulator, records a trace with it and replays it through replay:", async () => {
    const lines: string[] = [];
    const ch = new TracingChannel(await openAnyReader("emulator:visa-online-only"), {
      sink: (l) => lines.push(l),
      unmasked: true,
    });
    const select = fromHex("00A404000E315041592E5359532E444446303100");
    const r1 = await ch.transmit(select);
    const r2 = await ch.transmit(fromHex("00B2010C00"));
    await ch.close();
    const file = join(dir, "t.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const replay = await openReader(`replay:${file}`);
    expect(toHex(await replay.transmit(select))).toBe(toHex(r1));
    expect(toHex(await replay.transmit(fromHex("00B2010C00")))).toBe(toHex(r2));
    await replay.close();
  });

  it("reports an unopenable serial port and a missing replay file as TransportErrors", async () => {
    await expect(openReader("serial:/dev/emvsim-no-such-port")).rejects.toMatchObject({
      name: "TransportError",
      kind: "unavailable",
    });
    await expect(openReader(`replay:${join(dir, "none.jsonl")}`)).rejects.toMatchObject({ kind: "unavailable" });
  });
});

describe("emulator: without an emulator", () => {
  it("devices/ alone cannot open a software card and says so", async () => {
    await expect(openReader("emulator:visa-online-only")).rejects.toThrow(
      "reader URI 'emulator:visa-online-only': no emulator is available here",
    );
  });
});

describe("openReader bounds every channel (issue 13 defect 7)", () => {
  it("a card that never answers ends in a TransportError timeout above the reader's own timeout", async () => {
    const silent = {
      description: "emulator:silent",
      atr: undefined,
      transmit: () => new Promise<Uint8Array>(() => {}),
      close: async () => {},
    };
    const ch = await openReader("emulator:", { timeoutMs: 10, openEmulator: async () => silent });
    await expect(ch.transmit(Uint8Array.of(0x00, 0xb2, 0x01, 0x0c, 0x00))).rejects.toMatchObject({
      name: "TransportError",
      kind: "timeout",
      message: "emulator:silent: no response within 1010 ms",
    });
  });
});
