// ISO/IEC 9797-1 padding methods 1 and 2 and MAC algorithms 1 and 3 (the "retail MAC") as EMV uses them for
// application cryptograms, ARPC method 2 and secure messaging (EMV Book 2 Annex A1.2).

import { allocBytes } from "../bytes.js";
import { DES_BLOCK, DesError, desDecryptEcb, desEncryptCbc, desEncryptEcb } from "./des.js";

export type Padding = 1 | 2;

/**
 * ISO 9797-1 padding. Method 1: zeros up to a block boundary (none when already aligned and not empty).
 * Method 2: 80 then zeros, always added.
 */
export function pad(data: Uint8Array, method: Padding): Uint8Array {
  const rem = data.length % DES_BLOCK;
  const n = method === 1 && data.length > 0 && rem === 0 ? 0 : DES_BLOCK - rem;
  // Pooled: the cipher reads its input's buffer (emv/bytes allocBytes).
  const out = allocBytes(data.length + n);
  out.set(data);
  if (method === 2) out[data.length] = 0x80;
  return out;
}

/** Remove method 2 padding; undefined when the data is not method-2 padded. */
export function unpad2(data: Uint8Array): Uint8Array | undefined {
  for (let i = data.length - 1; i >= 0 && i >= data.length - DES_BLOCK; i--) {
    if (data[i] === 0x80) return data.subarray(0, i);
    if (data[i] !== 0x00) return undefined;
  }
  return undefined;
}

/** Single-DES CBC-MAC of already padded data; returns the last block (a view of the encipherment). */
function cbcMac(k: Uint8Array, padded: Uint8Array): Uint8Array {
  // The last block of a CBC encipherment with IV 0, in one cipher call rather than one per block.
  const c = desEncryptCbc(k, padded);
  return c.subarray(c.length - DES_BLOCK);
}

/**
 * ISO 9797-1 MAC algorithm 3 with a double-length key K = KL ‖ KR: single-DES CBC-MAC under KL, then the last
 * block decrypted with KR and encrypted again with KL. Returns 8 bytes; callers truncate.
 */
export function retailMac(key: Uint8Array, data: Uint8Array, padding: Padding = 2): Uint8Array {
  if (key.length !== 16) throw new DesError(`retail MAC key must be 16 bytes, got ${key.length}`);
  return macAlgorithm3(key.subarray(0, 8), key.subarray(8, 16), data, padding);
}

/** MAC algorithm 3 with two keys of any DES length: CBC-MAC under K1, then E_K1(D_K2(h)). */
export function macAlgorithm3(k1: Uint8Array, k2: Uint8Array, data: Uint8Array, padding: Padding = 2): Uint8Array {
  const h = cbcMac(k1, pad(data, padding));
  return desEncryptEcb(k1, desDecryptEcb(k2, h));
}

/** ISO 9797-1 MAC algorithm 1 (CBC-MAC, the key length picks DES or 3DES). */
export function cbcMacAlgorithm1(key: Uint8Array, data: Uint8Array, padding: Padding = 2): Uint8Array {
  return cbcMac(key, pad(data, padding)).slice();
}
