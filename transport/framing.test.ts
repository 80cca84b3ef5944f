import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeCard } from "../devices/testing/fake-card.js";
import { concatBytes, fromHex, toHex } from "../emv/bytes.js";
import { answerFrame, crc16Ccitt, encodeFrame, FrameDecoder, FrameType } from "./framing.js";

describe("emvsim framed protocol", () => {
  it("encodes a frame with CRC-16/CCITT-FALSE", () => {
    expect(crc16Ccitt(new TextEncoder().encode("123456789"))).toBe(0x29b1);
    const f = encodeFrame({ type: FrameType.APDU, seq: 7, payload: fromHex("00A4040000") });
    expect(toHex(f.subarray(0, 10))).toBe("A503070005" + "00A4040000");
    expect(f.length).toBe(12);
    const crc = crc16Ccitt(f.subarray(1, 10));
    expect(toHex(f.subarray(10))).toBe(crc.toString(16).toUpperCase().padStart(4, "0"));
  });

  it("decodes across arbitrary chunking, skipping garbage and corrupt frames (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (payloads, garbage, cuts) => {
          const clean = garbage.map((g) => g.map((b) => (b === 0xa5 ? 0 : b)));
          const corrupt = encodeFrame({ type: 3, seq: 99, payload: fromHex("0102") });
          corrupt[corrupt.length - 1]! ^= 0xff;
          const parts: Uint8Array[] = [clean[0]!];
          payloads.forEach((p, i) => {
            parts.push(encodeFrame({ type: FrameType.APDU, seq: i, payload: p }), clean[i + 1]!);
            if (i === 0) parts.push(corrupt);
          });
          const stream = concatBytes(...parts);
          const d = new FrameDecoder();
          const got: string[] = [];
          let pos = 0;
          let k = 0;
          while (pos < stream.length) {
            const n = cuts[k++ % cuts.length]!;
            for (const f of d.push(stream.subarray(pos, pos + n))) got.push(`${f.seq}:${toHex(f.payload)}`);
            pos += n;
          }
          expect(got).toEqual(payloads.map((p, i) => `${i}:${toHex(p)}`));
        },
      ),
    );
  });

  it("answers requests as a card", () => {
    const card = new FakeCard();
    expect(toHex(answerFrame(card, { type: FrameType.POWER_ON, seq: 1, payload: new Uint8Array(0) }).payload)).toBe(
      toHex(card.atr),
    );
    const r = answerFrame(card, { type: FrameType.APDU, seq: 2, payload: fromHex("00B2010C00") });
    expect(r.type).toBe(0x83);
    expect(r.seq).toBe(2);
    expect(toHex(r.payload)).toBe("70125A0847617390010101195F24032212319F0702FF009000");
    expect(answerFrame(card, { type: 0x33, seq: 3, payload: new Uint8Array(0) }).type).toBe(FrameType.ERROR);
  });
});
