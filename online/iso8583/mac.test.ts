// DE 64/128 message authentication: ISO/IEC 9797-1 MAC algorithm 3, padding method 1, over the bytes before the
// MAC field; DE 64 with a primary bitmap only, DE 128 with a secondary one.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { retailMac } from "../../emv/crypto/mac.js";
import { decodeMessage, type Iso8583Message } from "./codec.js";
import { checkMac, encodeWithMac, macField, macProblem } from "./mac.js";

const KEY = fromHex("0123456789ABCDEFFEDCBA9876543210");
const OTHER = fromHex("FEDCBA98765432100123456789ABCDEF");
const request: Iso8583Message = {
  mti: "0100",
  fields: new Map<number, string | Uint8Array>([
    [3, "000000"],
    [4, "000000001234"],
    [11, "000042"],
    [41, "TERM0001"],
    [55, fromHex("9F2608A1B2C3D4E5F60708")],
  ]),
};
const reversal: Iso8583Message = {
  mti: "0400",
  fields: new Map<number, string | Uint8Array>([
    [11, "000042"],
    [41, "TERM0001"],
    [90, `0100000042120309450000${"0".repeat(20)}`],
  ]),
};

describe("DE 64/128 MAC", () => {
  it("is the retail MAC of ISO/IEC 9797-1 (Annex B.4 example: MAC algorithm 3, padding method 1)", () => {
    expect(toHex(retailMac(KEY, new TextEncoder().encode("Now is the time for all "), 1))).toBe("A1C72E74EA3FA9B6");
  });

  it("puts the MAC in DE 64 over every byte before it", () => {
    const bytes = encodeWithMac(request, KEY);
    const decoded = decodeMessage(bytes);
    expect(macField(decoded)).toBe(64);
    expect(((bytes[2 + 7] as number) & 0x01) === 1).toBe(true); // bitmap bit 64
    expect(toHex(decoded.fields.get(64) as Uint8Array)).toBe(
      toHex(retailMac(KEY, bytes.subarray(0, bytes.length - 8), 1)),
    );
    expect(checkMac(bytes, decoded, KEY)).toBe("ok");
    expect(checkMac(bytes, decoded, OTHER)).toBe("mismatch");
  });

  it("puts the MAC in DE 128 when there is a secondary bitmap (DE 90), and DE 64 is then absent", () => {
    const bytes = encodeWithMac(reversal, KEY);
    const decoded = decodeMessage(bytes);
    expect([decoded.fields.has(64), decoded.fields.has(128)]).toEqual([false, true]);
    expect(checkMac(bytes, decoded, KEY)).toBe("ok");
    // A MAC in DE 64 of a message with a secondary bitmap is in the wrong field.
    const wrong = { mti: "0400", fields: new Map([...reversal.fields, [64, new Uint8Array(8)]]) };
    const wrongBytes = encodeWithMac(wrong, KEY);
    const withBoth = decodeMessage(wrongBytes);
    expect(withBoth.fields.has(64)).toBe(false); // encodeWithMac drops any MAC it is given
    const forged = new Map(withBoth.fields);
    forged.delete(128);
    forged.set(64, new Uint8Array(8));
    expect(checkMac(wrongBytes, { mti: "0400", fields: forged }, KEY)).toBe("wrong-field");
  });

  it("reports a message without a MAC", () => {
    expect(checkMac(new Uint8Array(10), request, KEY)).toBe("missing");
    expect(macProblem("missing", request)).toBe("0100 carries no MAC (field 64)");
    expect(macProblem("mismatch", reversal)).toBe("0400: MAC (field 128) does not verify");
  });

  it("detects any single altered byte", () => {
    const bytes = encodeWithMac(request, KEY);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const altered = bytes.slice();
        altered[i]! ^= x;
        try {
          return checkMac(altered, decodeMessage(altered), KEY) !== "ok";
        } catch {
          return true; // no longer decodes: rejected before the MAC
        }
      }),
    );
  });
});
