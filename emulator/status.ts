// Status words the emulated card answers (ISO/IEC 7816-4 §5.1.3; EMV Book 1 §11, Book 3 §6.3.5 and §6.5).

import { allocBytes } from "../emv/bytes.js";

export const SW = {
  OK: 0x9000,
  /** SELECT of a blocked application: FCI returned with this warning (Book 1 §12.4). */
  SELECTED_FILE_INVALIDATED: 0x6283,
  /** EXTERNAL AUTHENTICATE: ARPC does not verify (Book 3 §6.5.4.4). */
  AUTHENTICATION_FAILED: 0x6300,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  /** VERIFY with the PIN try counter at 0 (Book 3 §6.5.12.4). */
  AUTHENTICATION_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_INVALIDATED: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  SM_DATA_MISSING: 0x6987,
  /** Issuer script command whose MAC does not verify. */
  SM_DATA_INCORRECT: 0x6988,
  WRONG_DATA: 0x6a80,
  /** SELECT when the card is blocked (Book 3 §6.5.3.4; CARD BLOCK). */
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  WRONG_P1P2: 0x6a86,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** PIN try counter warning 63Cx: x tries left (Book 3 §6.5.12.4). */
export function swTriesLeft(tries: number): number {
  return 0x63c0 | (tries & 0x0f);
}

/**
 * A response APDU: data followed by SW1 SW2 (a new array; `data` is copied). Pooled memory (allocBytes), as a
 * reader's Buffers are: the kernel's TLV views of a response then cost no move of the array off V8's heap.
 */
export function respond(sw: number, data?: Uint8Array): Uint8Array {
  const n = data ? data.length : 0;
  const out = allocBytes(n + 2);
  if (data) out.set(data);
  out[n] = (sw >> 8) & 0xff;
  out[n + 1] = sw & 0xff;
  return out;
}
