// ICC master key derivation (Book 2 Annex A1.4): Option A's Y, PSN defaults, Option B's fallback, input errors.

import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex, xorBytes } from "../bytes.js";
import { adjustParity, DesError, desEncryptEcb } from "./des.js";
import { iccMasterKey, iccMasterKeyOptionA, iccMasterKeyOptionB } from "./key-derivation.js";

const IMK = fromHex("0123456789ABCDEFFEDCBA9876543210");

/** Option A written out: parity(3DES(IMK, Y) ‖ 3DES(IMK, Y ⊕ FF…FF)). */
function optionA(y: string): string {
  const yb = fromHex(y);
  return toHex(
    adjustParity(concatBytes(desEncryptEcb(IMK, yb), desEncryptEcb(IMK, xorBytes(yb, new Uint8Array(8).fill(0xff))))),
  );
}

describe("ICC master key derivation", () => {
  it("Option A: Y is the rightmost 16 digits of PAN ‖ PSN, PSN 00 when absent, zero-padded on the left", () => {
    expect(toHex(iccMasterKeyOptionA(IMK, "4761739001010010", "01"))).toBe(optionA("6173900101001001"));
    expect(toHex(iccMasterKeyOptionA(IMK, "4761739001010010"))).toBe(optionA("6173900101001000"));
    expect(toHex(iccMasterKeyOptionA(IMK, "476173900101", "02"))).toBe(optionA("0047617390010102"));
  });

  it("Option B is Option A for PANs of 16 digits or fewer, and differs beyond", () => {
    expect(toHex(iccMasterKeyOptionB(IMK, "4761739001010010", "01"))).toBe(
      toHex(iccMasterKeyOptionA(IMK, "4761739001010010", "01")),
    );
    expect(toHex(iccMasterKey(IMK, "4761739001010010123", "01", "B"))).not.toBe(
      toHex(iccMasterKey(IMK, "4761739001010010123", "01", "A")),
    );
  });

  it("a PAN or PSN with other characters than digits is a DesError naming it", () => {
    expect(() => iccMasterKeyOptionA(IMK, "47617390010100AB")).toThrow(DesError);
    expect(() => iccMasterKeyOptionA(IMK, "4761739001010010", "0A")).toThrow("PSN must be decimal digits");
    expect(() => iccMasterKeyOptionB(IMK, "47617390010100101X")).toThrow("PAN must be decimal digits");
  });
});
