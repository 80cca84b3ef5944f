import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes.js";
import { decodeTlv, decodeTlvs, encodeTlvs, findAllTlvs, findPath, TlvError, toTlvInput } from "./ber.js";

describe("BER-TLV codec", () => {
  it("decodes a PSE FCI with nested templates as views over the input", () => {
    const buf = fromHex("6F1A840E315041592E5359532E4444463031A5088801025F2D02656E");
    const root = decodeTlv(buf);
    expect(root.tagHex).toBe("6F");
    expect(root.length).toBe(0x1a);
    const sfi = findPath([root], [0x6f, 0xa5, 0x88]);
    expect(sfi && toHex(sfi.value)).toBe("02");
    expect(sfi?.value.buffer).toBe(buf.buffer);
    expect(toHex(encodeTlvs([toTlvInput(root)]))).toBe(toHex(buf));
  });

  it("skips 00 and FF padding before, between and after data objects", () => {
    const nodes = decodeTlvs(fromHex("00009F0201FF00FF7003880101FF00"));
    expect(nodes.map((n) => n.tagHex)).toEqual(["9F02", "70"]);
    expect(findAllTlvs(nodes, 0x88)).toHaveLength(1);
  });

  it.each([
    ["9F", "truncated-tag", 0],
    ["9C", "truncated-length", 1],
    ["9C8200", "truncated-length", 2],
    ["9C01", "value-beyond-buffer", 2],
    ["9C80", "indefinite-length", 1],
    ["9C8500000000", "length-too-long", 1],
    ["9C84FFFFFFFF", "value-beyond-buffer", 6],
    ["DF81818101FF", "tag-too-long", 0],
    ["E0019F0001FF", "truncated-tag", 2],
  ])("rejects %s as %s at offset %i", (hex, kind, offset) => {
    try {
      decodeTlvs(fromHex(hex));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TlvError);
      expect((e as TlvError).kind).toBe(kind);
      expect((e as TlvError).offset).toBe(offset);
    }
  });

  it("rejects trailing bytes when exactly one data object is expected", () => {
    expect(() => decodeTlv(fromHex("8801029000"))).toThrow(/offset 3: 2 byte\(s\) after/);
  });
});
