// DOL-related data read back by the card (Book 3 §5.4): the values lie in DOL order, each as long as its entry.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { dolValue, dolValues } from "./dol-values.js";

describe("DOL values", () => {
  it("one tag's value is at the sum of the lengths before its entry (9F02 n12, 9F37 4 bytes)", () => {
    const cdol = [
      { tag: 0x9f02, length: 6 },
      { tag: 0x9f37, length: 4 },
    ];
    const data = fromHex("000000001234 D3BC5BB0");
    expect(toHex(dolValue(cdol, data, 0x9f37)!)).toBe("D3BC5BB0");
    expect(toHex(dolValue(cdol, data, 0x9f02)!)).toBe("000000001234");
    expect(dolValue(cdol, data, 0x95)).toBeUndefined();
  });

  it("dolValue gives what dolValues maps the tag to, duplicated entries included (the last one)", () => {
    const entry = fc.record({
      tag: fc.constantFrom(0x9f02, 0x9f37, 0x95, 0x8a),
      length: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }), (dol, data) => {
        const all = dolValues(dol, data);
        for (const tag of [0x9f02, 0x9f37, 0x95, 0x8a]) {
          const one = dolValue(dol, data, tag);
          expect(one === undefined ? undefined : toHex(one)).toBe(all.has(tag) ? toHex(all.get(tag)!) : undefined);
        }
      }),
    );
  });
});
