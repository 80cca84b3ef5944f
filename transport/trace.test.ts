import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { type CardChannel, TransportError } from "./channel.js";
import { parseTrace, ReplayChannel } from "./replay.js";
import { maskedResponseHex, TracingChannel, traceToFile } from "./trace.js";

const PAN = "4761739001010119";
// READ RECORD response: 70 { 57 track2, 5A PAN, 5F24 expiry }
const RECORD = fromHex(`702557134761739001010119D22122011143804400000F5A08${PAN}5F24032212319000`);

function fakeCard(): CardChannel {
  return {
    description: "fake",
    atr: fromHex("3B6500002063CBA000"),
    async transmit(c) {
      const h = toHex(c);
      if (h === "00B2010C00") return RECORD;
      if (h.startsWith("0020008008")) return fromHex("9000");
      if (h === "80CA9F1700") throw new TransportError("card-removed", "card removed");
      return fromHex("6A82");
    },
    async close() {},
  };
}

const dir = mkdtempSync(join(tmpdir(), "emvsim-trace-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tick() {
  let t = 0;
  return () => (t += 1.5);
}

describe("trace recorder", () => {
  it("masks PAN and track 2 and hides VERIFY data by default", async () => {
    const lines: string[] = [];
    const ch = new TracingChannel(fakeCard(), { sink: (l) => lines.push(l), clock: tick() });
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe(toHex(RECORD));
    await ch.transmit(fromHex("00200080082412345FFFFFFFFF"));
    await expect(ch.transmit(fromHex("80CA9F1700"))).rejects.toThrow("card removed");
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs[0]).toMatchObject({ type: "header", masked: true, description: "fake", atr: "3B6500002063CBA000" });
    expect(recs[1]).toEqual({
      type: "exchange",
      step: 1,
      t: 1.5,
      ms: 1.5,
      command: "00B2010C00",
      response: "70255713[476173******0119D<hidden>]5A08[476173******0119]5F2403221231" + "9000",
      sw: "9000",
      meaning: "normal processing",
    });
    expect(recs[2].command).toBe("0020008008[PIN data 8 bytes hidden]");
    expect(recs[3].error).toEqual({ kind: "card-removed", message: "card removed" });
    const all = lines.join("\n");
    expect(all).not.toContain(PAN);
    expect(all).not.toContain("2412345");
    expect(all).not.toContain("D22122011143804400000F");
  });

  it("hides non-TLV data that could hold a PAN", () => {
    expect(maskedResponseHex(fromHex(`01${PAN}`))).toBe("[9 bytes hidden: not TLV, may hold a PAN]");
    expect(maskedResponseHex(fromHex("0102AABBCCDDEEFF"))).toBe("0102AABBCCDDEEFF");
  });

  it("masks a PAN under a flipped tag by content (issue 13 defect 1), in ASCII too", () => {
    expect(maskedResponseHex(fromHex(`700A5B08${PAN}`))).toBe(`700A5B08[${PAN.slice(0, 6)}******${PAN.slice(-4)}]`);
    const ascii = Buffer.from(PAN, "ascii").toString("hex").toUpperCase();
    expect(maskedResponseHex(fromHex(`01${ascii}`))).toBe("[17 bytes hidden: not TLV, may hold a PAN]");
  });

  it("records an unmasked trace to a file that replays exactly", async () => {
    const path = join(dir, "session.jsonl");
    const ch = traceToFile(fakeCard(), path, { unmasked: true });
    await ch.transmit(fromHex("00A4040007A0000000031010"));
    await ch.transmit(fromHex("00B2010C00"));
    await ch.transmit(fromHex("00200080082412345FFFFFFFFF"));
    const text = readFileSync(path, "utf8");
    expect(text.split("\n").filter(Boolean)).toHaveLength(4);
    expect(text).not.toContain("2412345");
    const replay = ReplayChannel.fromFile(path);
    expect(toHex(replay.atr!)).toBe("3B6500002063CBA000");
    expect(toHex(await replay.transmit(fromHex("00A4040007A0000000031010")))).toBe("6A82");
    expect(toHex(await replay.transmit(fromHex("00B2010C00")))).toBe(toHex(RECORD));
    expect(toHex(await replay.transmit(fromHex("00200080082499999FFFFFFFFF")))).toBe("9000"); // PIN not compared
    expect(replay.remaining).toBe(0);
    await expect(replay.transmit(fromHex("00B2020C00"))).rejects.toThrow(
      "replay: command 00B2020C00 at step 4 is beyond the end of the recording (3 exchanges)",
    );
  });

  it("names the step and both commands when the kernel diverges", async () => {
    const lines: string[] = [];
    const ch = new TracingChannel(fakeCard(), { sink: (l) => lines.push(l), unmasked: true });
    await ch.transmit(fromHex("00B2010C00"));
    const { header, exchanges } = parseTrace(lines.join("\n"));
    const replay = new ReplayChannel(header, exchanges, "t.jsonl");
    await expect(replay.transmit(fromHex("00B2020C00"))).rejects.toMatchObject({
      kind: "protocol",
      message: "replay step 1: command 00B2020C00 differs from the recorded command 00B2010C00",
    });
  });

  it("refuses masked traces and bad files with one-line errors", async () => {
    const lines: string[] = [];
    await new TracingChannel(fakeCard(), { sink: (l) => lines.push(l) }).transmit(fromHex("00A4040007A0000000031010"));
    const { header, exchanges } = parseTrace(lines.join("\n"));
    expect(() => new ReplayChannel(header, exchanges, "m.jsonl")).toThrow(
      "m.jsonl: the trace is masked (PAN/track data hidden) and cannot be replayed; record it with --unmask",
    );
    expect(() => parseTrace("{}\nnot json", "x")).toThrow("x line 1: unknown record type");
    // Issue 13 defect 7: a trace with only its header was accepted.
    const only = JSON.stringify({ type: "header", version: 1, masked: false, description: "d", started: "t" });
    expect(() => parseTrace(`${only}\n`, "h.jsonl")).toThrow("h.jsonl: no exchange recorded after the header");
    expect(() => ReplayChannel.fromFile(join(dir, "missing.jsonl"))).toThrow(
      /replay: cannot read .*missing.jsonl: ENOENT/,
    );
  });
});
