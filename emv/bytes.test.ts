import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocBytes, concatBytes, copyBytes, fromHex, hexByte, hexWord, toHex, writeUint } from "./bytes.js";

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

describe("allocBytes (byte arrays from a shared slab)", () => {
  it("every array is zero-filled, of its length, and apart from the others", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 40 }), (lengths) => {
        const arrays = lengths.map((n) => allocBytes(n));
        for (const [i, a] of arrays.entries()) {
          expect(a.length).toBe(lengths[i]);
          expect(a.every((b) => b === 0)).toBe(true);
        }
        // Writing every byte of each array leaves the others as they were.
        for (const [i, a] of arrays.entries()) a.fill(i + 1);
        for (const [i, a] of arrays.entries()) expect(a.every((b) => b === i + 1)).toBe(true);
      }),
    );
  });

  it("slice copies, toHex reads only the array's own bytes, concatBytes joins exactly", () => {
    const a = allocBytes(100);
    const b = allocBytes(100);
    a.fill(0xab);
    b.fill(0xcd);
    const copy = a.slice();
    copy[0] = 0;
    expect(a[0]).toBe(0xab);
    expect(toHex(b)).toBe("CD".repeat(100));
    expect(toHex(concatBytes(a.subarray(0, 2), b.subarray(0, 70)))).toBe(`ABAB${"CD".repeat(70)}`);
  });

  it("small arrays from the slab too, each zero-filled and apart from the others", () => {
    const arrays = Array.from({ length: 600 }, (_, i) => allocBytes(1 + (i % 70)));
    expect(arrays.every((a, i) => a.length === 1 + (i % 70) && a.every((x) => x === 0))).toBe(true);
    // Small ones are views of a shared slab (not arrays of their own), and never overlap.
    expect(arrays[0]!.buffer.byteLength).toBeGreaterThan(64);
    for (const [i, a] of arrays.entries()) a.fill(i & 0xff);
    expect(arrays.every((a, i) => a.every((x) => x === (i & 0xff)))).toBe(true);
    expect(toHex(copyBytes(Uint8Array.of(1, 2, 3)))).toBe("010203");
  });
});

describe("fromHex", () => {
  it("reads plain, lower-case and separated hex alike; bad digits are reported by position", () => {
    expect(toHex(fromHex("9f02a0"))).toBe("9F02A0");
    expect(toHex(fromHex("9F 02:A0\n"))).toBe("9F02A0");
    expect(fromHex("").length).toBe(0);
    expect(() => fromHex("9F0G", "PAN")).toThrow("PAN: 'G' at position 3 is not a hex digit");
    expect(() => fromHex("9F 0G")).toThrow("hex: 'G' at position 4 is not a hex digit");
    expect(() => fromHex("9F0")).toThrow("hex: odd number of hex digits (3)");
    expect(() => fromHex("9F 0 ")).toThrow("hex: odd number of hex digits (3)");
  });

  it("gives back the bytes toHex wrote, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        expect(toHex(fromHex(toHex(b)))).toBe(toHex(b));
        expect(toHex(fromHex(toHex(b).toLowerCase()))).toBe(toHex(b));
        expect(toHex(fromHex(toHex(b, " ")))).toBe(toHex(b));
      }),
    );
  });
});
