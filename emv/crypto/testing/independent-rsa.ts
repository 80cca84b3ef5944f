// Test support (EMV Book 2 Annex A2.1): raw RSA recomputed with BigInt square-and-multiply, independent of
// node:crypto, so tests compare the library's bytes with a second implementation.

import { toHex } from "../../bytes.js";

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return r;
}

/** Unsigned big-endian bytes as a BigInt. */
export const big = (b: Uint8Array): bigint => BigInt(`0x${toHex(b) || "00"}`);

/** S^e mod n as uppercase hex of the modulus length (leading zero bytes of the modulus not counted). */
export function independentRecover(key: { modulus: Uint8Array; exponent: Uint8Array }, s: Uint8Array): string {
  const n = big(key.modulus);
  const length = Math.ceil(n.toString(16).length / 2);
  return modPow(big(s), big(key.exponent), n)
    .toString(16)
    .toUpperCase()
    .padStart(length * 2, "0");
}
