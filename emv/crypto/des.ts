// DES and Triple DES for EMV symmetric cryptography (EMV Book 2 Annex A1.1; ISO/IEC 18033-3), via node:crypto.
// Single DES is 3DES with K‖K‖K (OpenSSL 3 moved plain DES to the legacy provider).

import { createCipheriv, createDecipheriv } from "node:crypto";
import { allocBytes, concatBytes } from "../bytes.js";

export const DES_BLOCK = 8;

/** A symmetric key of the wrong length or data not a multiple of the block size: a programming error. */
export class DesError extends Error {
  override readonly name = "DesError";
}

function cipherName(key: Uint8Array, cbc: boolean): { name: string; key: Uint8Array } {
  switch (key.length) {
    case 8: {
      // Pooled: node:crypto reads its key's buffer, which a fresh ≤ 64-byte array would first have moved off-heap.
      const k3 = allocBytes(24);
      k3.set(key, 0);
      k3.set(key, 8);
      k3.set(key, 16);
      return { name: cbc ? "des-ede3-cbc" : "des-ede3", key: k3 };
    }
    case 16:
      return { name: cbc ? "des-ede-cbc" : "des-ede", key };
    case 24:
      return { name: cbc ? "des-ede3-cbc" : "des-ede3", key };
    default:
      throw new DesError(`DES key must be 8, 16 or 24 bytes, got ${key.length}`);
  }
}

function run(encrypt: boolean, key: Uint8Array, data: Uint8Array, iv: Uint8Array | undefined): Uint8Array {
  if (data.length % DES_BLOCK !== 0) throw new DesError(`DES data must be a multiple of 8 bytes, got ${data.length}`);
  const c = cipherName(key, iv !== undefined);
  const cipher = encrypt ? createCipheriv(c.name, c.key, iv ?? null) : createDecipheriv(c.name, c.key, iv ?? null);
  cipher.setAutoPadding(false);
  const out = cipher.update(data);
  // Whole blocks without padding: final() adds nothing and the update's own buffer is the result (no copies).
  const tail = cipher.final();
  return tail.length === 0 ? new Uint8Array(out.buffer, out.byteOffset, out.length) : concatBytes(out, tail);
}

const ZERO_IV = new Uint8Array(DES_BLOCK);

/** ECB encryption; the key length chooses single DES (8), double-length (16) or triple-length (24) 3DES. */
export function desEncryptEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  return run(true, key, data, undefined);
}

export function desDecryptEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  return run(false, key, data, undefined);
}

/** CBC encryption, IV zero unless given. */
export function desEncryptCbc(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array {
  return run(true, key, data, iv);
}

export function desDecryptCbc(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array {
  return run(false, key, data, iv);
}

/** Each byte with its least significant bit set so that the byte has odd parity, by byte value. */
const ODD_PARITY = Uint8Array.from({ length: 256 }, (_, i) => {
  const b = i & 0xfe;
  let ones = 0;
  for (let v = b; v; v >>= 1) ones += v & 1;
  return ones % 2 === 0 ? b | 1 : b;
});

/** Set each byte's least significant bit so the byte has odd parity (DES key parity). The key is pooled bytes. */
export function adjustParity(key: Uint8Array): Uint8Array {
  const out = allocBytes(key.length);
  for (let i = 0; i < key.length; i++) out[i] = ODD_PARITY[key[i]!]!;
  return out;
}

/** Key check value: the first `length` bytes of the key encrypting eight zero bytes. */
export function keyCheckValue(key: Uint8Array, length = 3): Uint8Array {
  return desEncryptEcb(key, new Uint8Array(DES_BLOCK)).subarray(0, length);
}
