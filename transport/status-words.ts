// Status words SW1 SW2 in words (ISO/IEC 7816-4 §5.1.3 Tables 5–6, EMV Book 3 §6.3.5 and Annex A).

/** Exact status words. */
const EXACT: ReadonlyMap<number, string> = new Map([
  [0x9000, "normal processing"],
  [0x6200, "warning: state of non-volatile memory unchanged"],
  [0x6281, "warning: part of returned data may be corrupted"],
  [0x6282, "warning: end of file or record reached before reading Ne bytes"],
  [0x6283, "warning: selected file invalidated (application blocked)"],
  [0x6284, "warning: FCI not formatted according to ISO 7816-4"],
  [0x6285, "warning: selected file in termination state"],
  [0x6286, "warning: no input data available from a sensor on the card"],
  [0x6300, "warning: non-volatile memory changed, no information given (e.g. authentication failed)"],
  [0x6381, "warning: file filled up by the last write"],
  [0x6400, "execution error: state of non-volatile memory unchanged"],
  [0x6500, "execution error: non-volatile memory changed"],
  [0x6581, "execution error: memory failure"],
  [0x6700, "checking error: wrong length"],
  [0x6800, "checking error: functions in CLA not supported"],
  [0x6881, "checking error: logical channel not supported"],
  [0x6882, "checking error: secure messaging not supported"],
  [0x6883, "checking error: last command of the chain expected"],
  [0x6884, "checking error: command chaining not supported"],
  [0x6900, "checking error: command not allowed"],
  [0x6981, "command not allowed: command incompatible with file structure"],
  [0x6982, "command not allowed: security status not satisfied"],
  [0x6983, "command not allowed: authentication method blocked (PIN try limit exceeded)"],
  [0x6984, "command not allowed: referenced data invalidated (reference data not usable)"],
  [0x6985, "command not allowed: conditions of use not satisfied"],
  [0x6986, "command not allowed: no current EF"],
  [0x6987, "command not allowed: expected secure messaging data objects missing"],
  [0x6988, "command not allowed: incorrect secure messaging data objects"],
  [0x6a00, "wrong parameters P1-P2"],
  [0x6a80, "wrong parameters: incorrect parameters in the command data field"],
  [0x6a81, "wrong parameters: function not supported"],
  [0x6a82, "wrong parameters: file or application not found"],
  [0x6a83, "wrong parameters: record not found"],
  [0x6a84, "wrong parameters: not enough memory space in the file"],
  [0x6a85, "wrong parameters: Nc inconsistent with TLV structure"],
  [0x6a86, "wrong parameters: incorrect parameters P1-P2"],
  [0x6a87, "wrong parameters: Nc inconsistent with parameters P1-P2"],
  [0x6a88, "wrong parameters: referenced data or reference data not found"],
  [0x6b00, "wrong parameters P1-P2 (offset outside the EF)"],
  [0x6d00, "instruction code not supported or invalid"],
  [0x6e00, "class not supported"],
  [0x6f00, "no precise diagnosis"],
]);

/** The meaning of a status word in words, e.g. 0x6A82 → "wrong parameters: file or application not found". */
import { hexWord } from "../emv/bytes.js";

export function statusWordMeaning(sw: number): string {
  const exact = EXACT.get(sw);
  if (exact) return exact;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return `normal processing: ${sw2 === 0 ? 256 : sw2} response bytes still available (GET RESPONSE)`;
  if (sw1 === 0x6c) return `wrong Le: exact length is ${sw2 === 0 ? 256 : sw2} (re-issue the command with this Le)`;
  // ISO 7816-4 Table 6: 63Cx counter; EMV Book 3 §6.5.12: VERIFY 63Cx = x PIN tries left.
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return `warning: counter is ${sw2 & 0x0f} (PIN tries remaining)`;
  if (sw1 === 0x62) return "warning: state of non-volatile memory unchanged";
  if (sw1 === 0x63) return "warning: state of non-volatile memory changed";
  if (sw1 === 0x64) return "execution error: state of non-volatile memory unchanged";
  if (sw1 === 0x65) return "execution error: state of non-volatile memory changed";
  if (sw1 === 0x66) return "execution error: security-related issue";
  if (sw1 === 0x67) return "checking error: wrong length";
  if (sw1 === 0x68) return "checking error: functions in CLA not supported";
  if (sw1 === 0x69) return "checking error: command not allowed";
  if (sw1 === 0x6a) return "checking error: wrong parameters P1-P2";
  if (sw1 === 0x90 || (sw1 & 0xf0) === 0x90) return "proprietary status";
  return "unknown status word";
}

/** "6A82 (wrong parameters: file or application not found)". */
export function describeStatusWord(sw: number): string {
  return `${hexWord(sw)} (${statusWordMeaning(sw)})`;
}

/** ISO 7816-4 §5.1.3: 9000 and 61xx are normal processing. */
export function isNormalProcessing(sw: number): boolean {
  return sw === 0x9000 || sw >> 8 === 0x61;
}

/** ISO 7816-4 §5.1.3: 62xx and 63xx are warnings (EMV Book 1 §9.3.1.3 treats them specially in case 4). */
export function isWarning(sw: number): boolean {
  return sw >> 8 === 0x62 || sw >> 8 === 0x63;
}
