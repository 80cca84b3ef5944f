import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { decodeMessage, encodeMessage, Iso8583Error, type Iso8583Message } from "./codec.js";
import { FIELDS, responseMti } from "./fields.js";
import { FrameReader, frame } from "./framing.js";

const msg = (mti: string, entries: [number, string | Uint8Array][]): Iso8583Message => ({
  mti,
  fields: new Map(entries),
});

describe("ISO 8583 codec", () => {
  it("encodes MTI as BCD, the primary bitmap with the bits of fields 3, 11 and 41 (ISO 8583:1987 §4.2)", () => {
    const bytes = encodeMessage(
      msg("0100", [
        [3, "000000"],
        [11, "000123"],
        [41, "TERM0001"],
      ]),
    );
    // bitmap: field 3 -> byte 0 bit 0x20; field 11 -> byte 1 bit 0x20; field 41 -> byte 5 bit 0x80
    expect(toHex(bytes)).toBe(`0100${"2020000000800000"}000000000123${toHex(new TextEncoder().encode("TERM0001"))}`);
  });

  it("keeps the MTI and the fields decoded before a fault in the error (the host echoes DE 11/41)", () => {
    const bytes = encodeMessage(
      msg("0100", [
        [11, "000123"],
        [41, "TERM0001"],
        [55, fromHex("9F2608A1B2C3D4E5F60708")],
      ]),
    );
    let error: unknown;
    try {
      decodeMessage(bytes.subarray(0, bytes.length - 3));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Iso8583Error);
    const e = error as Iso8583Error;
    expect([e.kind, e.field, e.partial?.mti]).toEqual(["truncated", 55, "0100"]);
    expect([...(e.partial?.fields ?? new Map())]).toEqual([
      [11, "000123"],
      [41, "TERM0001"],
    ]);
  });

  it("announces the secondary bitmap with bit 1 and sets bit 128 for the second MAC field", () => {
    const bytes = encodeMessage(msg("0200", [[128, fromHex("0102030405060708")]]));
    expect(toHex(bytes)).toBe("0200" + "8000000000000000" + "0000000000000001" + "0102030405060708");
    expect(toHex(decodeMessage(bytes).fields.get(128) as Uint8Array)).toBe("0102030405060708");
  });

  it("LLVAR PAN: 2-digit BCD length then the odd digit count left-padded with a 0 nibble", () => {
    const bytes = encodeMessage(msg("0100", [[2, "4761739001010119"]]));
    expect(toHex(bytes)).toBe("0100" + "4000000000000000" + "16" + "4761739001010119");
    const odd = encodeMessage(msg("0100", [[2, "476173900101011"]]));
    expect(toHex(odd)).toBe("0100" + "4000000000000000" + "15" + "0476173900101011");
    expect(decodeMessage(odd).fields.get(2)).toBe("476173900101011");
  });

  it("LLLVAR field 55 carries BER-TLV bytes behind a 4-digit BCD length", () => {
    const tlv = fromHex("9F2608A1B2C3D4E5F607089F270180");
    const bytes = encodeMessage(msg("0100", [[55, tlv]]));
    expect(toHex(bytes)).toBe("0100" + "0000000000000200" + "0015" + "9F2608A1B2C3D4E5F607089F270180");
  });

  it("track 2 (z) packs the separator as nibble D", () => {
    const bytes = encodeMessage(msg("0100", [[35, "4761739001010119D22122011"]]));
    expect(toHex(bytes)).toBe("0100" + "0000000020000000" + "25" + "04761739001010119D22122011");
    expect(decodeMessage(bytes).fields.get(35)).toBe("4761739001010119D22122011");
  });

  it("rejects a truncated message naming the field and offset", () => {
    const bytes = encodeMessage(
      msg("0100", [
        [11, "000123"],
        [39, "00"],
      ]),
    );
    const cut = bytes.subarray(0, bytes.length - 1);
    expect(() => decodeMessage(cut)).toThrowError(
      new Iso8583Error("truncated", "field 39 (Response code): needs 2 bytes at offset 13, message has 1 left", 39, {
        mti: "0100",
        fields: new Map([[11, "000123"]]),
      }),
    );
  });

  it("rejects a field the bitmap announces but the link does not define", () => {
    expect(() => decodeMessage(fromHex("01000100000000000000"))).toThrowError(/bitmap announces field 8/);
  });

  it("rejects a non-BCD MTI, a length over the maximum, trailing bytes", () => {
    expect(() => decodeMessage(fromHex("0A000000000000000000"))).toThrowError(/MTI bytes 0a00/);
    expect(() => decodeMessage(fromHex(`0100400000000000000020${"00".repeat(10)}`))).toThrowError(
      /length 20 exceeds the maximum 19/,
    );
    expect(() => decodeMessage(fromHex("0100000000000000000000"))).toThrowError(/1 bytes after the last field/);
  });

  it("refuses to encode a fixed field of the wrong length", () => {
    expect(() => encodeMessage(msg("0100", [[11, "123"]]))).toThrowError(/field 11 .*length 3, fixed length is 6/);
  });

  it("response MTI is the request MTI with the function digit plus one", () => {
    expect(["0100", "0120", "0200", "0400"].map(responseMti)).toEqual(["0110", "0130", "0210", "0410"]);
  });

  const arbitraryValue = (n: number): fc.Arbitrary<string | Uint8Array> => {
    const def = FIELDS.find((d) => d.number === n)!;
    const len = def.lengthKind === "fixed" ? fc.constant(def.length) : fc.integer({ min: 0, max: def.length });
    if (def.content === "b") return len.chain((l) => fc.uint8Array({ minLength: l, maxLength: l }));
    const chars = def.content === "n" ? "0123456789" : def.content === "z" ? "0123456789D" : "ABC xyz09-/.";
    return len.chain((l) => fc.string({ unit: fc.constantFrom(...chars), minLength: l, maxLength: l }));
  };

  it("round trips every combination of defined fields (property)", () => {
    const numbers = FIELDS.map((d) => d.number);
    fc.assert(
      fc.property(fc.subarray(numbers), fc.constantFrom("0100", "0110", "0400", "0130"), (chosen, mti) => {
        return fc.assert(
          fc.property(fc.tuple(...chosen.map(arbitraryValue)), (values) => {
            const m = msg(
              mti,
              chosen.map((n, i) => [n, values[i] as string | Uint8Array]),
            );
            const back = decodeMessage(encodeMessage(m));
            expect(back.mti).toBe(mti);
            expect([...back.fields.entries()]).toEqual([...m.fields.entries()].sort((a, b) => a[0] - b[0]));
          }),
          { numRuns: 3 },
        );
      }),
      { numRuns: 200 },
    );
  });

  it("the decoder on arbitrary bytes only ever throws Iso8583Error (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const m = decodeMessage(bytes);
          expect(toHex(encodeMessage(m))).toBe(toHex(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(Iso8583Error);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("mutated valid messages decode or fail with Iso8583Error only (fuzz)", () => {
    const base = encodeMessage(
      msg("0100", [
        [2, "4761739001010119"],
        [4, "000000001000"],
        [11, "000001"],
        [55, fromHex("9F02060000000010009F2701 80".replace(" ", ""))],
      ]),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: base.length }),
        (i, b, cut) => {
          const m = base.slice(0, cut);
          if (i < m.length) m[i] = b;
          try {
            decodeMessage(m);
          } catch (e) {
            expect(e).toBeInstanceOf(Iso8583Error);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("2-byte length framing", () => {
  it("prefixes the big-endian length", () => {
    expect(toHex(frame(fromHex("AABBCC")))).toBe("0003AABBCC");
  });

  it("reassembles messages split and joined across chunks", () => {
    const r = new FrameReader();
    const stream = new Uint8Array([...frame(fromHex("0102")), ...frame(fromHex("030405"))]);
    expect(r.push(stream.subarray(0, 3)).map((m) => toHex(m))).toEqual([]);
    expect(r.push(stream.subarray(3, 6)).map((m) => toHex(m))).toEqual(["0102"]);
    expect(r.pending).toBe(2);
    expect(r.push(stream.subarray(6)).map((m) => toHex(m))).toEqual(["030405"]);
    expect(r.pending).toBe(0);
  });
});
