// ISO 9797-1 padding and MAC algorithms 1 and 3 (Book 2 Annex A1.2): padding round trips, MAC sensitivity.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../bytes.js";
import { adjustParity, DesError, desEncryptCbc } from "./des.js";
import { cbcMacAlgorithm1, pad, retailMac, unpad2 } from "./mac.js";

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const anyKey = fc.constantFrom(8, 16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const data = fc.uint8Array({ minLength: 0, maxLength: 64 });

describe("ISO 9797-1 padding and MACs", () => {
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

  it("method 1 padding adds nothing to aligned non-empty data; unpad2 rejects what is not method 2", () => {
    expect(toHex(pad(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 1))).toBe("0102030405060708");
    expect(toHex(pad(Uint8Array.of(1, 2, 3), 1))).toBe("0102030000000000");
    expect(toHex(pad(new Uint8Array(0), 1))).toBe("0000000000000000");
    expect(unpad2(Uint8Array.of(1, 2, 3, 0, 0, 0, 0, 0))).toBeUndefined();
    expect(unpad2(Uint8Array.of(1, 2, 3, 0x80, 0, 0, 0, 1))).toBeUndefined();
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

  it("the retail MAC needs a 16-byte key", () => {
    expect(() => retailMac(new Uint8Array(8), new Uint8Array(8))).toThrow(DesError);
    expect(() => retailMac(new Uint8Array(24), new Uint8Array(8))).toThrow("retail MAC key must be 16 bytes, got 24");
  });
});
