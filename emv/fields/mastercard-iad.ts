// Mastercard Issuer Application Data (9F10) and Card Verification Results (M/Chip 4 Issuer Guide, Annex A.19;
// M/Chip Advance). Layout: DKI | CVN | CVR (6) | DAC/ICC Dynamic Number (2) | counters (8, CVN 17/21) | more.

import type { BitDef } from "../bits.js";
import { describeBits } from "../bits.js";
import { toHex } from "../bytes.js";
import type { FieldError } from "./field-error.js";

/** Cryptogram versions: 10 (CVN 16), 11 (17), 14 (20), 15 (21). */
export const MASTERCARD_CVNS: ReadonlySet<number> = new Set([0x10, 0x11, 0x14, 0x15]);

export interface MastercardIad {
  readonly derivationKeyIndex: number;
  readonly cvn: number;
  readonly cvr: Uint8Array;
  /** Data Authentication Code or ICC Dynamic Number (2 bytes). */
  readonly dacIdn: Uint8Array;
  readonly counters?: Uint8Array;
  readonly additional?: Uint8Array;
}

const WHAT = "Mastercard IAD (9F10)";

export function parseMastercardIad(value: Uint8Array): MastercardIad | FieldError {
  if (value.length < 10)
    return { error: `${WHAT}: length ${value.length} is shorter than the 10 bytes up to the DAC/IDN` };
  const iad = {
    derivationKeyIndex: value[0]!,
    cvn: value[1]!,
    cvr: value.subarray(2, 8),
    dacIdn: value.subarray(8, 10),
  };
  if (value.length === 10) return iad;
  const counters = value.subarray(10, 18);
  return value.length > 18 ? { ...iad, counters, additional: value.subarray(18) } : { ...iad, counters };
}

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** Mastercard CVR single bits (M/Chip 4 Annex A.19, names from binaryfoo/emv-bertlv). */
export const MASTERCARD_CVR = Object.freeze({
  OFFLINE_PIN_PERFORMED: b(1, 3, "Offline PIN Verification Performed"),
  OFFLINE_ENCIPHERED_PIN_PERFORMED: b(1, 2, "Offline Encrypted PIN Verification Performed"),
  OFFLINE_PIN_SUCCESSFUL: b(1, 1, "Offline PIN Verification Successful"),
  DDA_RETURNED: b(2, 8, "DDA Returned"),
  CDA_FIRST_GENAC: b(2, 7, "Combined DDA/AC Generation Returned In First Generate AC"),
  CDA_SECOND_GENAC: b(2, 6, "Combined DDA/AC Generation Returned In Second Generate AC"),
  ISSUER_AUTHENTICATION_PERFORMED: b(2, 5, "Issuer Authentication Performed"),
  CIAC_DEFAULT_SKIPPED_CAT3: b(2, 4, "CIAC-Default Skipped On CAT3"),
  UNABLE_TO_GO_ONLINE: b(4, 7, "Unable To Go Online Indicated"),
  OFFLINE_PIN_NOT_PERFORMED: b(4, 6, "Offline PIN Verification Not Performed"),
  OFFLINE_PIN_FAILED: b(4, 5, "Offline PIN Verification Failed"),
  PTL_EXCEEDED: b(4, 4, "PTL Exceeded"),
  INTERNATIONAL: b(4, 3, "International Transaction"),
  DOMESTIC: b(4, 2, "Domestic Transaction"),
  TERMINAL_ERRONEOUSLY_PIN_OK: b(4, 1, "Terminal Erroneously Considers Offline PIN OK"),
  LCOL_EXCEEDED: b(5, 8, "Lower Consecutive Offline Limit Exceeded"),
  UCOL_EXCEEDED: b(5, 7, "Upper Consecutive Offline Limit Exceeded"),
  LCOA_EXCEEDED: b(5, 6, "Lower Cumulative Offline Limit Exceeded"),
  UCOA_EXCEEDED: b(5, 5, "Upper Cumulative Offline Limit Exceeded"),
  GO_ONLINE_NEXT: b(5, 4, "Go Online On Next Transaction Was Set"),
  ISSUER_AUTHENTICATION_FAILED: b(5, 3, "Issuer Authentication Failed"),
  SCRIPT_RECEIVED: b(5, 2, "Script Received"),
  SCRIPT_FAILED: b(5, 1, "Script Failed"),
  MATCH_ADDITIONAL_CHECK_TABLE: b(6, 2, "Match Found In Additional Check Table"),
  NO_MATCH_ADDITIONAL_CHECK_TABLE: b(6, 1, "No Match Found In Additional Check Table"),
});

export const MASTERCARD_CVR_BITS: readonly BitDef[] = Object.values(MASTERCARD_CVR);

const FIRST_AC = ["AAC", "TC", "ARQC", "RFU"];
const SECOND_AC = ["AAC", "TC", "Not requested", "RFU"];

/** CVR in words: byte 1 b8–b5 cryptogram types, byte 3 counters' right nibbles, then the set bits. */
export function describeMastercardCvr(cvr: Uint8Array): string[] {
  if (cvr.length !== 6) return [`CVR ${toHex(cvr)}`];
  const b1 = cvr[0]!;
  const b3 = cvr[2]!;
  return [
    `AC returned in first GENERATE AC: ${FIRST_AC[(b1 >> 4) & 3]}`,
    `AC returned in second GENERATE AC: ${SECOND_AC[b1 >> 6]}`,
    `Script counter (right nibble): ${b3 >> 4}`,
    `PIN try counter (right nibble): ${b3 & 0x0f}`,
    ...describeBits(MASTERCARD_CVR_BITS, cvr),
  ];
}

export function describeMastercardIad(iad: MastercardIad): string[] {
  const lines = [
    `Mastercard IAD, CVN ${toHex(Uint8Array.of(iad.cvn))}, derivation key index ${toHex(Uint8Array.of(iad.derivationKeyIndex))}`,
    `CVR: ${toHex(iad.cvr)}`,
    ...describeMastercardCvr(iad.cvr).map((l) => `  ${l}`),
    `DAC/ICC dynamic number: ${toHex(iad.dacIdn)}`,
  ];
  if (iad.counters) lines.push(`Counters: ${toHex(iad.counters)}`);
  if (iad.additional) lines.push(`Additional data: ${toHex(iad.additional)}`);
  return lines;
}
