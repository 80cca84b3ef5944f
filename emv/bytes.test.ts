import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, hexByte, hexWord, toHex, writeUint } from "./bytes.js";

describe("hex for messages", () => {
  it("hexByte and hexWord give upper-case fixed-width digits", () => {
    expect([hexByte(0), hexByte(0x9f), hexByte(0x1ff)]).toEqual(["00", "9F", "FF"]);
    expect([hexWord(0x9000), hexWord(0x6a82), hexWord(0x0061)]).toEqual(["9000", "6A82", "0061"]);
  });

  it("agree with toHex of the bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (v) => {
        expect(hexWord(v)).toBe(toHex(writeUint(v, 2)));
        expect(hexByte(v)).toBe(toHex(writeUint(v & 0xff, 1)));
        expect(fromHex(hexWord(v))).toEqual(writeUint(v, 2));
      }),
    );
  });
});
