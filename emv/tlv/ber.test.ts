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

// Padding (issue 13 defect 6). EMVCo Specification Update Bulletin 69 (2nd ed.) on Book 3 Annex B: 00 padding may occur
// before, between or after data objects inside a template only; "padding shall not be applied outside templates".
// decodeTlvs decodes a template's value field (padding skipped), decodeTlv one object standing alone (no padding
// around it). The public vectors agree: lumag/emv-tools' tlv_parse and emv-utils' READ RECORD Test 5 reject 70..FFFF.
describe("decodeTlv and decodeTlvs on 00/FF padding (SU 69)", () => {
  it("both skip padding inside a template, before, between and after its data objects", () => {
    const hex = "700B005A0212340000570112FF";
    const one = decodeTlv(fromHex(hex));
    expect(one.children!.map((n) => n.tagHex)).toEqual(["5A", "57"]);
    expect(decodeTlvs(fromHex(hex))[0]!.children!.map((n) => n.tagHex)).toEqual(["5A", "57"]);
    expect(decodeTlvs(fromHex("005A021234FF00570112")).map((n) => n.tagHex)).toEqual(["5A", "57"]);
  });

  it("decodeTlv rejects 00 before the object as padding outside a template, never as a tag 00", () => {
    for (const hex of ["0000", "00700357011200", "000070035701"]) {
      expect(() => decodeTlv(fromHex(hex))).toThrow(TlvError);
      expect(() => decodeTlv(fromHex(hex))).toThrow(/at offset 0: 00 padding before the data object/);
    }
  });

  it("decodeTlv rejects padding after the object (trailing data), as the vectors do", () => {
    expect(() => decodeTlv(fromHex("70035701120000"))).toThrow(/tag 70 at offset 5: 2 byte\(s\) after the data object/);
    expect(() => decodeTlv(fromHex("7003570112FF"))).toThrow(/tag 70 at offset 5: 1 byte\(s\) after the data object/);
  });

  it("the error kind names the padding", () => {
    try {
      decodeTlv(fromHex("00700100"));
      expect.unreachable();
    } catch (e) {
      expect((e as TlvError).kind).toBe("padding-outside-template");
    }
  });
});
