// Secure messaging for issuer scripts (Book 2 §9): script data encipherment inverts in every style.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../bytes.js";
import { retailMac } from "./mac.js";
import { decipherScriptData, encipherScriptData, scriptMac } from "./secure-messaging.js";

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe("secure messaging", () => {
  it("script data deciphers back in every style", () => {
    fc.assert(
      fc.property(key16, fc.uint8Array({ minLength: 1, maxLength: 64 }), (k, d) => {
        for (const style of ["emv", "visa", "mastercard"] as const) {
          const enciphered = encipherScriptData(k, d, style);
          expect(enciphered.length % 8).toBe(0);
          expect(toHex(decipherScriptData(k, enciphered, style, d.length)!)).toBe(toHex(d));
        }
      }),
    );
  });

  it("data that is not whole blocks does not decipher", () => {
    const k = new Uint8Array(16).fill(0x11);
    for (const style of ["emv", "visa", "mastercard"] as const) {
      expect(decipherScriptData(k, new Uint8Array(0), style)).toBeUndefined();
      expect(decipherScriptData(k, new Uint8Array(12), style)).toBeUndefined();
    }
  });

  it("the command MAC is the retail MAC's leftmost bytes", () => {
    const k = Uint8Array.from({ length: 16 }, (_, i) => i);
    const input = Uint8Array.of(0x84, 0x1e, 0, 0, 8, 0, 0x1c);
    expect(toHex(scriptMac(k, input, 4))).toBe(toHex(retailMac(k, input, 2).subarray(0, 4)));
    expect(scriptMac(k, input)).toHaveLength(8);
  });
});
