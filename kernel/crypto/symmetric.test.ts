// Properties of the symmetric primitives (Book 2 Annex A1): padding, encipherment and MACs invert or detect change.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../bytes.js";
import {
  cryptogramScheme,
  cryptogramSchemeOf,
  decipherPinChange,
  encipherPinChange,
  supportedCryptogramVersions,
} from "./cryptogram.js";
import { adjustParity, DesError, desDecryptCbc, desDecryptEcb, desEncryptCbc, desEncryptEcb } from "./des.js";
import { cbcMacAlgorithm1, pad, retailMac, unpad2 } from "./mac.js";
import { parsePinBlockFormat2, pinBlockFormat0, pinBlockFormat2 } from "./pin-block.js";
import { decipherScriptData, encipherScriptData } from "./secure-messaging.js";

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
/** Single DES, double- and triple-length 3DES keys. */
const anyKey = fc.constantFrom(8, 16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const data = fc.uint8Array({ minLength: 0, maxLength: 64 });
const pin = fc.stringMatching(/^\d{4,12}$/);

describe("symmetric primitives", () => {
  it("method 2 padding always adds 1–8 bytes and unpads back", () => {
    fc.assert(
      fc.property(data, (d) => {
        const p = pad(d, 2);
        expect(p.length % 8).toBe(0);
        expect(p.length - d.length).toBeGreaterThanOrEqual(1);
        expect(toHex(unpad2(p)!)).toBe(toHex(d));
      }),
    );
  });

  it("method 1 padding adds nothing to aligned non-empty data", () => {
    expect(toHex(pad(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 1))).toBe("0102030405060708");
    expect(toHex(pad(new Uint8Array(0), 1))).toBe("0000000000000000");
  });

  it("ECB and CBC decrypt what they encrypt", () => {
    fc.assert(
      fc.property(
        anyKey,
        fc.integer({ min: 0, max: 6 }),
        fc.uint8Array({ minLength: 48, maxLength: 48 }),
        (k, n, d) => {
          const x = d.subarray(0, n * 8);
          expect(toHex(desDecryptEcb(k, desEncryptEcb(k, x)))).toBe(toHex(x));
          expect(toHex(desDecryptCbc(k, desEncryptCbc(k, x)))).toBe(toHex(x));
        },
      ),
    );
  });

  it("a retail MAC changes when any data byte changes", () => {
    fc.assert(
      fc.property(key16, fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), (k, d, at) => {
        const i = at % d.length;
        const changed = Uint8Array.from(d);
        changed[i]! ^= 0x01;
        expect(toHex(retailMac(adjustParity(k), changed))).not.toBe(toHex(retailMac(adjustParity(k), d)));
      }),
    );
  });

  it("MAC algorithm 1 is the last block of CBC encryption; algorithm 3 with KL = KR is algorithm 1 with KL", () => {
    fc.assert(
      fc.property(anyKey, data, fc.constantFrom(1 as const, 2 as const), (k, d, method) => {
        const padded = pad(d, method);
        expect(toHex(cbcMacAlgorithm1(k, d, method))).toBe(toHex(desEncryptCbc(k, padded).subarray(-8)));
        const single = k.subarray(0, 8);
        expect(toHex(retailMac(Uint8Array.of(...single, ...single), d, method))).toBe(
          toHex(cbcMacAlgorithm1(single, d, method)),
        );
      }),
    );
  });

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

  it("PIN blocks: format 2 round trip, format 0 layout, bad PINs rejected", () => {
    fc.assert(
      fc.property(pin, (p) => {
        expect(parsePinBlockFormat2(pinBlockFormat2(p))).toBe(p);
      }),
    );
    expect(toHex(pinBlockFormat2("1234"))).toBe("241234FFFFFFFFFF");
    // ISO 9564 format 0: 041234FFFFFFFFFF ⊕ 0000173900101001 (12 PAN digits before the check digit).
    expect(toHex(pinBlockFormat0("1234", "4761739001010010"))).toBe("041223C6FFEFEFFE");
    expect(() => pinBlockFormat2("12a4")).toThrow(/4 to 12 digits/);
    expect(parsePinBlockFormat2(Uint8Array.of(0x24, 0x12, 0x34, 0xff, 0xff, 0xff, 0xff, 0xfe))).toBeUndefined();
  });

  it("PIN change data deciphers to the new PIN for every cryptogram version", () => {
    fc.assert(
      fc.property(key16, key16, pin, fc.option(pin, { nil: undefined }), (mk, smc, newPin, current) => {
        for (const cvn of supportedCryptogramVersions()) {
          const scheme = cryptogramScheme(cvn)!;
          const data = encipherPinChange(scheme, mk, smc, newPin, current);
          expect(decipherPinChange(scheme, mk, smc, data, current)).toBe(newPin);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("each cryptogram version name ends with its CVN and names the same scheme", () => {
    const names = supportedCryptogramVersions().map((cvn) => cryptogramScheme(cvn)!.version);
    expect(names).toEqual([
      "visa-cvn10",
      "visa-cvn18",
      "visa-cvn22",
      "mastercard-cvn16",
      "mastercard-cvn17",
      "mastercard-cvn20",
      "mastercard-cvn21",
      "interac-cvn133",
    ]);
    for (const v of names) expect(`-cvn${cryptogramSchemeOf(v).cvn}`).toBe(v.slice(v.indexOf("-")));
    expect(cryptogramScheme(7)).toBeUndefined();
  });

  it("wrong key or data lengths are DesErrors with the lengths named", () => {
    expect(() => desEncryptEcb(new Uint8Array(10), new Uint8Array(8))).toThrow(DesError);
    expect(() => desEncryptEcb(new Uint8Array(16), new Uint8Array(7))).toThrow(/multiple of 8 bytes, got 7/);
  });
});
