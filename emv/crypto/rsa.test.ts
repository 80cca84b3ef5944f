// RSA raw operations (EMV Book 2 Annex A2.1): exact bytes against an independent BigInt modPow, input checks.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes.js";
import { generateRsaKey, modulusLength, type RsaPublicKey, rsaRecover, rsaSign } from "./rsa.js";
import { big, modPow } from "./testing/independent-rsa.js";

const bytes = (n: bigint, len: number): Uint8Array => fromHex(n.toString(16).padStart(len * 2, "0"));

const key3 = generateRsaKey(768, 3);
const key65537 = generateRsaKey(1024, 65537);

describe("generateRsaKey", () => {
  it("gives a modulus of exactly the asked size, the asked exponent and consistent CRT parameters", () => {
    expect(modulusLength(key3)).toBe(96);
    expect(key3.modulus[0]! & 0x80).toBe(0x80);
    expect(toHex(key3.exponent)).toBe("03");
    expect(toHex(key65537.exponent)).toBe("010001");
    expect(big(key3.p) * big(key3.q)).toBe(big(key3.modulus));
    expect(big(key3.dp)).toBe(big(key3.privateExponent) % (big(key3.p) - 1n));
  });
});

describe("rsaSign / rsaRecover against BigInt modPow", () => {
  for (const key of [key3, key65537]) {
    it(`e=${toHex(key.exponent)}: sign = X^d mod n and recover = S^e mod n, byte for byte`, () => {
      const n = modulusLength(key);
      const x = new Uint8Array(n).map((_, i) => (i * 37 + 11) & 0xff);
      x[0] = 0x6a;
      const s = rsaSign(key, x);
      if (!s.ok) throw new Error(s.reason);
      expect(toHex(s.value)).toBe(toHex(bytes(modPow(big(x), big(key.privateExponent), big(key.modulus)), n)));
      const r = rsaRecover(key, s.value);
      if (!r.ok) throw new Error(r.reason);
      expect(toHex(r.value)).toBe(toHex(x));
      expect(toHex(r.value)).toBe(toHex(bytes(modPow(big(s.value), big(key.exponent), big(key.modulus)), n)));
    });
  }

  it("keeps leading zero bytes of a small result (output is always N bytes)", () => {
    const n = modulusLength(key3);
    const x = new Uint8Array(n);
    x[n - 1] = 2; // 2^3 = 8
    const r = rsaRecover(key3, x);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.length).toBe(n);
    expect(toHex(r.value)).toBe(`${"00".repeat(n - 1)}08`);
  });
});

describe("input checks (error values, never exceptions)", () => {
  const n = modulusLength(key3);
  it("rejects input shorter than the modulus", () => {
    const r = rsaRecover(key3, new Uint8Array(n - 1).fill(1));
    expect(r).toEqual({
      ok: false,
      reason: `RSA recovery: input is ${n - 1} bytes, the modulus is ${n} bytes (they must be equal)`,
    });
  });
  it("rejects input longer than the modulus", () => {
    const r = rsaRecover(key3, new Uint8Array(n + 1));
    expect(r.ok).toBe(false);
  });
  it("rejects input equal to the modulus and above it", () => {
    expect(rsaRecover(key3, key3.modulus)).toEqual({
      ok: false,
      reason: "RSA recovery: input is not smaller than the modulus",
    });
    expect(rsaSign(key3, new Uint8Array(n).fill(0xff))).toEqual({
      ok: false,
      reason: "RSA signature: input is not smaller than the modulus",
    });
  });
  it("accepts modulus − 1", () => {
    const m = big(key3.modulus) - 1n;
    const r = rsaRecover(key3, bytes(m, n));
    expect(r.ok).toBe(true);
  });
  it("rejects an even modulus", () => {
    const even: RsaPublicKey = { modulus: fromHex("C0FFEE00"), exponent: fromHex("03") };
    expect(rsaRecover(even, fromHex("00000001")).ok).toBe(false);
  });

  it("property: arbitrary bytes of any length up to N+2 never throw, recovery matches modPow when it succeeds", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: n + 2 }), (input) => {
        const r = rsaRecover(key3, input);
        if (input.length !== n || big(input) >= big(key3.modulus)) return !r.ok;
        return r.ok && toHex(r.value) === toHex(bytes(modPow(big(input), 3n, big(key3.modulus)), n));
      }),
      { numRuns: 200 },
    );
  });

  it("property: arbitrary modulus-length bytes never throw (half of them ≥ modulus with a high first byte)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: n, maxLength: n }), (input) => {
        const r = rsaRecover(key3, input);
        return r.ok === big(input) < big(key3.modulus);
      }),
      { numRuns: 200 },
    );
  });
});

describe("rsaRecover's KeyObject cache by value", () => {
  it("keys with the same length and last bytes are told apart: each recovery uses its own modulus", () => {
    // Two moduli that differ only in their first bytes (the cache is looked up by length and tail), each given as a
    // new object every time, like a recovered key in each transaction; the result is checked against BigInt modPow.
    const tail = key3.modulus.subarray(8);
    const a = (): RsaPublicKey => ({
      modulus: Uint8Array.of(...key3.modulus.subarray(0, 8), ...tail),
      exponent: Uint8Array.of(3),
    });
    const other = key3.modulus.slice();
    other[1] = other[1]! ^ 0x40;
    const b = (): RsaPublicKey => ({ modulus: other.slice(), exponent: Uint8Array.of(3) });
    const input = new Uint8Array(96).fill(0x11);
    for (const make of [a, b, a, b]) {
      const key = make();
      const r = rsaRecover(key, input);
      expect(r.ok && toHex(r.value)).toBe(toHex(bytes(modPow(big(input), 3n, big(key.modulus)), 96)));
    }
  });
});
