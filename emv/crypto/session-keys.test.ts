// Session keys (Book 2 Annex A1.3): the common session key's two halves, the Visa SM key's ATC mixing, errors.

import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex, xorBytes } from "../bytes.js";
import { adjustParity, DesError, desEncryptEcb } from "./des.js";
import { commonSessionKey, visaSecureMessagingSessionKey } from "./session-keys.js";

const MK = fromHex("154F349D8585CB7F6B0798E9839B10C1");

describe("session keys", () => {
  it("common session key: parity(3DES(MK, R with byte 3 = F0) ‖ 3DES(MK, R with byte 3 = 0F))", () => {
    const r = fromHex("001C0000ABCDEF12");
    const expected = adjustParity(
      concatBytes(desEncryptEcb(MK, fromHex("001CF000ABCDEF12")), desEncryptEcb(MK, fromHex("001C0F00ABCDEF12"))),
    );
    expect(toHex(commonSessionKey(MK, r))).toBe(toHex(expected));
    expect(() => commonSessionKey(MK, r.subarray(0, 7))).toThrow(
      "session key diversification value must be 8 bytes, got 7",
    );
  });

  it("Visa SM key: the ATC XORed into the right of each half (the right half's ATC inverted), then parity", () => {
    const atc = Uint8Array.of(0x00, 0x1c);
    const expected = adjustParity(xorBytes(MK, fromHex("000000000000001C000000000000FFE3")));
    expect(toHex(visaSecureMessagingSessionKey(MK, atc))).toBe(toHex(expected));
    // ATC values differing only in bit 1 give the same key (bit 1 is a parity bit).
    expect(toHex(visaSecureMessagingSessionKey(MK, Uint8Array.of(0x00, 0x1d)))).toBe(toHex(expected));
    expect(() => visaSecureMessagingSessionKey(MK, Uint8Array.of(1))).toThrow(DesError);
  });
});
