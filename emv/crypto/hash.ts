// Hash algorithm for offline data authentication (EMV Book 2 Annex B3.1: indicator 01 = SHA-1, 20 bytes).

import { createHash } from "node:crypto";

/** Hash Algorithm Indicator of SHA-1 (Book 2 Annex B3.1), the only one EMV defines for RSA ODA. */
export const HASH_ALGORITHM_SHA1 = 0x01;
/** Public Key Algorithm Indicator of RSA (Book 2 Annex B2.1). */
export const PK_ALGORITHM_RSA = 0x01;
export const SHA1_LENGTH = 20;

/** SHA-1 over the concatenation of `parts`. */
export function sha1(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
