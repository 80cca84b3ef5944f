// DES/3DES (Book 2 Annex A1.1): round trips for every key length, parity, check values and length errors.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../bytes.js";
import {
  adjustParity,
  DesError,
  desDecryptCbc,
  desDecryptEcb,
  desEncryptCbc,
  desEncryptEcb,
  keyCheckValue,
} from "./des.js";

/** Single DES, double- and triple-length 3DES keys. */
const anyKey = fc.constantFrom(8, 16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

describe("DES and 3DES", () => {
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

  it("single DES, K‖K and K‖K‖K give the same result; parity bits do not matter", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (k, d) => {
          const single = toHex(desEncryptEcb(k, d));
          expect(toHex(desEncryptEcb(Uint8Array.of(...k, ...k), d))).toBe(single);
          expect(toHex(desEncryptEcb(Uint8Array.of(...k, ...k, ...k), d))).toBe(single);
          expect(
            toHex(
              desEncryptEcb(
                k.map((b) => b ^ 0x01),
                d,
              ),
            ),
          ).toBe(single);
        },
      ),
    );
  });

  it("adjustParity gives every byte odd parity and changes only bit 1", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), (k) => {
        const p = adjustParity(k);
        p.forEach((b, i) => {
          let ones = 0;
          for (let v = b; v; v >>= 1) ones += v & 1;
          expect(ones % 2).toBe(1);
          expect(b & 0xfe).toBe(k[i]! & 0xfe);
        });
      }),
    );
  });

  it("key check value: the first bytes of the key encrypting zeros", () => {
    const k = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(toHex(keyCheckValue(k))).toBe(toHex(desEncryptEcb(k, new Uint8Array(8)).subarray(0, 3)));
    expect(keyCheckValue(k, 2)).toHaveLength(2);
  });

  it("wrong key or data lengths are DesErrors with the lengths named", () => {
    expect(() => desEncryptEcb(new Uint8Array(10), new Uint8Array(8))).toThrow(DesError);
    expect(() => desEncryptEcb(new Uint8Array(10), new Uint8Array(8))).toThrow(
      "DES key must be 8, 16 or 24 bytes, got 10",
    );
    expect(() => desEncryptEcb(new Uint8Array(16), new Uint8Array(7))).toThrow(/multiple of 8 bytes, got 7/);
  });
});
