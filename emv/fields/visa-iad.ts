// Visa Issuer Application Data (9F10) and Card Verification Results (Visa Integrated Circuit Card
// Specification 1.5/1.6 Appendix A; VCPS 2.1 Annex D). Layouts by IAD format:
//   format 0/1 (CVN 0A "10", 12 "18"):  length(06) | DKI | CVN | CVR (4, first byte 03) | [IDD length | IDD]
//   format 2 (CVN 22):                  length(1F) | CVN | DKI | CVR (5) | IDD (24)

import type { BitDef } from "../bits.js";
import { describeBits } from "../bits.js";
import { toHex } from "../bytes.js";
import type { FieldError } from "./field-error.js";

export interface VisaIad {
  readonly format: "0/1" | "2";
  readonly cvn: number;
  readonly derivationKeyIndex: number;
  readonly cvr: Uint8Array;
  readonly issuerDiscretionaryData?: Uint8Array;
  /** Bytes after the layout (some cards pad the IAD to 32 bytes). */
  readonly trailing?: Uint8Array;
}

const WHAT = "Visa IAD (9F10)";

export function parseVisaIad(value: Uint8Array): VisaIad | FieldError {
  const len = value[0];
  if (len === 0x1f) {
    if (value.length !== 32) return { error: `${WHAT}: format 2 is 32 bytes, got ${value.length}` };
    return {
      format: "2",
      cvn: value[1]!,
      derivationKeyIndex: value[2]!,
      cvr: value.subarray(3, 8),
      issuerDiscretionaryData: value.subarray(8),
    };
  }
  if (len === undefined || len < 6 || len > 7) {
    return {
      error: `${WHAT}: byte 1 is ${len === undefined ? "missing" : toHex(Uint8Array.of(len))}, expected 06/07 or 1F`,
    };
  }
  if (value.length < 1 + len) return { error: `${WHAT}: length ${value.length} is shorter than ${1 + len} announced` };
  if (value[3] !== 0x03) return { error: `${WHAT}: CVR length byte (byte 4) is not 03` };
  const iad: VisaIad = { format: "0/1", derivationKeyIndex: value[1]!, cvn: value[2]!, cvr: value.subarray(3, 7) };
  let pos = 1 + len;
  if (pos >= value.length) return iad;
  const iddLength = value[pos]!;
  if (pos + 1 + iddLength > value.length) {
    return { error: `${WHAT}: issuer discretionary data of ${iddLength} byte(s) at offset ${pos} runs past the end` };
  }
  const idd = value.subarray(pos + 1, pos + 1 + iddLength);
  pos += 1 + iddLength;
  return pos < value.length
    ? { ...iad, issuerDiscretionaryData: idd, trailing: value.subarray(pos) }
    : { ...iad, issuerDiscretionaryData: idd };
}

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** Visa CVR bits, format 0/1 (4 bytes, byte 1 = length 03; names from VCPS 2.1 via binaryfoo/emv-bertlv). */
export const VISA_CVR = Object.freeze({
  ISSUER_AUTHENTICATION_FAILED: b(2, 4, "Issuer authentication performed and failed"),
  OFFLINE_PIN_PERFORMED: b(2, 3, "Offline PIN Verification Performed"),
  OFFLINE_ENCIPHERED_PIN_PERFORMED: b(2, 2, "Offline Encrypted PIN Verification Performed"),
  OFFLINE_PIN_SUCCESSFUL: b(2, 1, "Offline PIN Verification Successful"),
  LAST_ONLINE_NOT_COMPLETED: b(3, 8, "Last online transaction not completed"),
  PIN_TRY_LIMIT_EXCEEDED: b(3, 7, "Pin try limit exceeded"),
  VELOCITY_EXCEEDED: b(3, 6, "Exceeded velocity checking counters"),
  NEW_CARD: b(3, 5, "New card"),
  ISSUER_AUTHENTICATION_FAILED_LAST: b(3, 4, "Issuer Authentication failure on last online transaction"),
  ISSUER_AUTHENTICATION_NOT_PERFORMED: b(3, 3, "Issuer Authentication not performed after online authorization"),
  BLOCKED_PIN_TRY_LIMIT: b(3, 2, "Application blocked by card because PIN Try Limit exceeded"),
  SDA_FAILED_LAST: b(
    3,
    1,
    "Offline static data authentication failed on last transaction and transaction declined offline",
  ),
  SCRIPT_FAILED_LAST: b(4, 4, "Issuer Script processing failed on last transaction"),
  DDA_FAILED_LAST: b(
    4,
    3,
    "Offline dynamic data authentication failed on last transaction and transaction declined offline",
  ),
  DDA_PERFORMED: b(4, 2, "Offline dynamic data authentication performed"),
});

export const VISA_CVR_BITS: readonly BitDef[] = Object.values(VISA_CVR);

const FIRST_AC = ["AAC", "TC", "ARQC", "RFU"];
const SECOND_AC = ["AAC", "TC", "Second GENERATE AC not requested", "RFU"];

/** Visa CVR (format 0/1) in words: cryptogram types (byte 2 b8–b5), set bits, script command count (byte 4 b8–b5). */
export function describeVisaCvr(cvr: Uint8Array): string[] {
  if (cvr.length !== 4 || cvr[0] !== 0x03) return [`CVR ${toHex(cvr)}`];
  const b2 = cvr[1]!;
  return [
    `AC returned in first GENERATE AC: ${FIRST_AC[(b2 >> 4) & 3]}`,
    `AC returned in second GENERATE AC: ${SECOND_AC[b2 >> 6]}`,
    ...describeBits(VISA_CVR_BITS, cvr),
    ...(cvr[3]! >> 4 ? [`Issuer script commands processed on last transaction: ${cvr[3]! >> 4}`] : []),
  ];
}

export function describeVisaIad(iad: VisaIad): string[] {
  const lines = [
    `Visa IAD format ${iad.format}, CVN ${toHex(Uint8Array.of(iad.cvn))}, derivation key index ${toHex(Uint8Array.of(iad.derivationKeyIndex))}`,
    `CVR: ${toHex(iad.cvr)}`,
  ];
  if (iad.format === "0/1") lines.push(...describeVisaCvr(iad.cvr).map((l) => `  ${l}`));
  if (iad.issuerDiscretionaryData) lines.push(`Issuer discretionary data: ${toHex(iad.issuerDiscretionaryData)}`);
  if (iad.trailing) lines.push(`Trailing bytes: ${toHex(iad.trailing)}`);
  return lines;
}
