// CVC3 (dynamic card verification code of Mastercard contactless magstripe mode; as public references such as
// pyemv describe it): IVCVC3 from the track data, then 3DES over IVCVC3 ‖ UN ‖ ATC.

import { concatBytes } from "../bytes.js";
import { desEncryptEcb } from "./des.js";
import { retailMac } from "./mac.js";

/** IVCVC3: the last 2 bytes of the retail MAC (padding method 2) of the track data under the ICC CVC3 key. */
export function ivCvc3(iccCvc3Key: Uint8Array, trackData: Uint8Array): Uint8Array {
  return retailMac(iccCvc3Key, trackData, 2).subarray(6, 8);
}

/** CVC3 as a number: the last 2 bytes of 3DES(K, IVCVC3 ‖ UN(4) ‖ ATC(2)). Callers keep the digits they need. */
export function cvc3(iccCvc3Key: Uint8Array, trackData: Uint8Array, un: Uint8Array, atc: Uint8Array): number {
  const block = desEncryptEcb(iccCvc3Key, concatBytes(ivCvc3(iccCvc3Key, trackData), un, atc));
  return (block[6]! << 8) | block[7]!;
}
