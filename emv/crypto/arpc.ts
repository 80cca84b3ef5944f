// Authorisation Response Cryptogram, methods 1 and 2 (EMV Book 2 §8.2), and the Issuer Authentication Data (91).

import { concatBytes, copyBytes, xorBytes } from "../bytes.js";
import { DesError, desEncryptEcb } from "./des.js";
import { retailMac } from "./mac.js";

/** Method 1 (Book 2 §8.2.1): ARPC = 3DES(K, ARQC ⊕ (ARC ‖ 00…00)), ARC 2 bytes. */
export function arpcMethod1(key: Uint8Array, arqc: Uint8Array, arc: Uint8Array): Uint8Array {
  if (arqc.length !== 8 || arc.length !== 2) throw new DesError("ARPC method 1: 8-byte ARQC and 2-byte ARC");
  const y = new Uint8Array(8);
  y.set(arc, 0);
  // The cipher input pooled: node:crypto reads its buffer (emv/bytes allocBytes).
  return desEncryptEcb(key, copyBytes(xorBytes(arqc, y)));
}

/**
 * Method 2 (Book 2 §8.2.2): ARPC = the leftmost 4 bytes of the retail MAC (padding method 2) over
 * ARQC ‖ CSU ‖ Proprietary Authentication Data; CSU 4 bytes, proprietary data 0–8 bytes.
 */
export function arpcMethod2(
  key: Uint8Array,
  arqc: Uint8Array,
  csu: Uint8Array,
  proprietary: Uint8Array = new Uint8Array(0),
): Uint8Array {
  if (arqc.length !== 8 || csu.length !== 4 || proprietary.length > 8)
    throw new DesError("ARPC method 2: 8-byte ARQC, 4-byte CSU, at most 8 bytes of proprietary data");
  return retailMac(key, concatBytes(arqc, csu, proprietary), 2).subarray(0, 4);
}

/** Issuer Authentication Data (91): method 1 ARPC ‖ ARC (10 bytes); method 2 ARPC ‖ CSU ‖ proprietary data. */
export function issuerAuthenticationData(
  method: 1 | 2,
  key: Uint8Array,
  arqc: Uint8Array,
  p: { readonly arc: Uint8Array; readonly csu?: Uint8Array; readonly proprietary?: Uint8Array },
): Uint8Array {
  if (method === 1) return concatBytes(arpcMethod1(key, arqc, p.arc), p.arc);
  const csu = p.csu ?? new Uint8Array(4);
  const proprietary = p.proprietary ?? new Uint8Array(0);
  return concatBytes(arpcMethod2(key, arqc, csu, proprietary), csu, proprietary);
}
