// Issuer Application Data (9F10) the card returns with each cryptogram, per cryptogram version, with the Card
// Verification Results it carries (Visa VIS CVN 10/18 IAD format 0/1; Mastercard M/Chip CVN 16/17). The bit
// meanings follow the public field descriptions (vectors tags.json bitfields "Visa CVR", "Mastercard CVR").

import { concatBytes } from "../emv/bytes.js";
import type { AcType } from "./context.js";

/** What the card knows when it generates a cryptogram, for the CVR. */
export interface CvrFacts {
  /** Type returned in the first GENERATE AC; and in the second (undefined for a first GENERATE AC). */
  readonly firstType: AcType;
  readonly secondType: AcType | undefined;
  readonly offlinePin: "none" | "passed" | "failed";
  readonly enciphered: boolean;
  readonly externalAuthenticate: "none" | "passed" | "failed";
  readonly pinTryCounter: number;
  readonly pinTryLimitExceeded: boolean;
  readonly lastOnlineIssuerAuthenticationFailed: boolean;
  readonly scriptCommands: number;
  readonly scriptFailed: boolean;
  readonly unableToGoOnline: boolean;
  readonly cda: boolean;
}

/** AC type codes in the CVR: 00 AAC, 01 TC, 10 ARQC (first) / not requested (second). */
const TYPE_BITS: Readonly<Record<AcType, number>> = { AAC: 0b00, TC: 0b01, ARQC: 0b10 };
const NOT_REQUESTED = 0b10;

/** Visa CVR, 4 bytes including its length byte 03 (VIS Appendix: Card Verification Results). */
export function visaCvr(f: CvrFacts): Uint8Array {
  const second = f.secondType === undefined ? NOT_REQUESTED : TYPE_BITS[f.secondType];
  let b2 = (second << 6) | (TYPE_BITS[f.firstType] << 4);
  if (f.externalAuthenticate === "failed") b2 |= 0x08; // issuer authentication performed and failed
  if (f.offlinePin !== "none") b2 |= 0x04; // offline PIN verification performed
  if (f.offlinePin === "failed") b2 |= 0x02; // offline PIN verification failed
  if (f.unableToGoOnline) b2 |= 0x01;
  let b3 = 0;
  if (f.pinTryLimitExceeded) b3 |= 0x40;
  if (f.lastOnlineIssuerAuthenticationFailed) b3 |= 0x08;
  let b4 = Math.min(f.scriptCommands, 15) << 4;
  if (f.scriptFailed) b4 |= 0x08;
  return Uint8Array.of(0x03, b2, b3, b4);
}

/** Mastercard CVR, 6 bytes (M/Chip Card Verification Results). */
export function mastercardCvr(f: CvrFacts): Uint8Array {
  const second = f.secondType === undefined ? NOT_REQUESTED : TYPE_BITS[f.secondType];
  let b1 = (second << 6) | (TYPE_BITS[f.firstType] << 4);
  if (f.offlinePin !== "none") b1 |= 0x04; // offline PIN verification performed
  if (f.offlinePin !== "none" && f.enciphered) b1 |= 0x02; // offline enciphered PIN verification performed
  if (f.offlinePin === "passed") b1 |= 0x01; // offline PIN verification successful
  let b2 = 0;
  if (f.cda) b2 |= f.secondType === undefined ? 0x40 : 0x20; // CDA returned in first / second GENERATE AC
  if (f.externalAuthenticate !== "none") b2 |= 0x10; // issuer authentication performed
  const b3 = (Math.min(f.scriptCommands, 15) << 4) | (f.pinTryCounter & 0x0f);
  let b4 = 0;
  if (f.unableToGoOnline) b4 |= 0x40;
  if (f.offlinePin === "none") b4 |= 0x20; // offline PIN verification not performed
  if (f.offlinePin === "failed") b4 |= 0x10;
  if (f.pinTryLimitExceeded) b4 |= 0x08;
  let b5 = 0;
  if (f.externalAuthenticate === "failed") b5 |= 0x04; // issuer authentication failed
  if (f.scriptCommands > 0) b5 |= 0x02; // script received
  if (f.scriptFailed) b5 |= 0x01;
  return Uint8Array.of(b1, b2, b3, b4, b5, 0x00);
}

/**
 * The IAD and the CVR part the cryptogram covers, by CVN:
 * - Visa CVN 10 / 18 (and other Visa-style): 06 ‖ DKI ‖ CVN ‖ CVR(4) — 7 bytes;
 * - Mastercard CVN 16 / 17: DKI ‖ CVN ‖ CVR(6) ‖ DAC/IDN(2) ‖ counters(8) — 18 bytes.
 */
export function issuerApplicationData(
  cvn: number,
  dki: number,
  facts: CvrFacts,
): { readonly iad: Uint8Array; readonly cvr: Uint8Array; readonly counters: Uint8Array | undefined } {
  if (isMastercardCvn(cvn)) {
    const cvr = mastercardCvr(facts);
    // Plaintext counters (CVN 17 covers them): 5 bytes 00, then PIN try counter, script count, FF.
    const counters = Uint8Array.of(
      0,
      0,
      0,
      0,
      0,
      facts.pinTryCounter & 0xff,
      Math.min(facts.scriptCommands, 255),
      0xff,
    );
    return { iad: concatBytes(Uint8Array.of(dki, cvn), cvr, Uint8Array.of(0, 0), counters), cvr, counters };
  }
  const cvr = visaCvr(facts);
  return { iad: concatBytes(Uint8Array.of(0x06, dki, cvn), cvr), cvr, counters: undefined };
}

/** Mastercard M/Chip cryptogram versions 16, 17, 20, 21 (0x10, 0x11, 0x14, 0x15). */
export function isMastercardCvn(cvn: number): boolean {
  return cvn === 16 || cvn === 17 || cvn === 20 || cvn === 21;
}
