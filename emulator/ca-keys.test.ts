import { describe, expect, it } from "vitest";
import { toHex } from "../emv/bytes.js";
import { caPublicKeysForProfile } from "./ca-keys.js";
import { caKey } from "./keystore.js";
import { loadProfile } from "./profile.js";

function profile(id: string) {
  const p = loadProfile(id);
  if (!p.ok) throw p.error;
  return p.value;
}

describe("caPublicKeysForProfile", () => {
  it("gives the test CA key 01 under the Visa RID for the default card, with the Book 2 §11.2 checksum", () => {
    const keys = caPublicKeysForProfile(profile("visa-cvn18-cda"));
    expect(keys).toHaveLength(1);
    const k = keys[0]!;
    expect(toHex(k.rid)).toBe("A000000003");
    expect(k.index).toBe(1);
    expect(toHex(k.modulus)).toBe(toHex(caKey(1)!.modulus));
    expect(toHex(k.exponent)).toBe("03");
    expect(k.expiry).toBe("351231");
    // SHA-1(A000000003 ‖ 01 ‖ modulus ‖ 03), computed with Python hashlib.
    expect(toHex(k.checksum!)).toBe("BF14DDCD786AB4D18059912F8F9EEEEE6150FA76");
  });

  it("uses the index the profile names (Mastercard SDA card: 02)", () => {
    const keys = caPublicKeysForProfile(profile("mastercard-cvn16-sda"));
    expect(keys.map((k) => [toHex(k.rid), k.index])).toEqual([["A000000004", 2]]);
  });

  it("gives one key per RID and index (two Visa applications share it)", () => {
    const keys = caPublicKeysForProfile(profile("multi-app"));
    expect(keys.map((k) => [toHex(k.rid), k.index])).toEqual([["A000000003", 1]]);
  });
});
