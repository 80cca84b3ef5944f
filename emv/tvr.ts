// Terminal Verification Results (9F4E→95, EMV Book 3 Annex C5) and Transaction Status Information
// (9B, Book 3 Annex C6), bit by bit as the books name them.

import { BitRegister, type RegisterBit } from "./bits.js";

const tvrBit = (byte: number, bit: number, name: string): RegisterBit<"TVR"> =>
  Object.freeze({ byte, bit, name, register: "TVR" });
const tsiBit = (byte: number, bit: number, name: string): RegisterBit<"TSI"> =>
  Object.freeze({ byte, bit, name, register: "TSI" });

/** The Terminal Verification Results as a register that takes only TVR bits. */
export type TvrRegister = BitRegister<"TVR">;
/** The Transaction Status Information as a register that takes only TSI bits. */
export type TsiRegister = BitRegister<"TSI">;

/** TVR bits (Book 3 Annex C5, EMV 4.3; 4.4 keeps these meanings for contact). */
export const TVR = Object.freeze({
  // Byte 1
  ODA_NOT_PERFORMED: tvrBit(1, 8, "Offline data authentication was not performed"),
  SDA_FAILED: tvrBit(1, 7, "SDA failed"),
  ICC_DATA_MISSING: tvrBit(1, 6, "ICC data missing"),
  CARD_ON_EXCEPTION_FILE: tvrBit(1, 5, "Card appears on terminal exception file"),
  DDA_FAILED: tvrBit(1, 4, "DDA failed"),
  CDA_FAILED: tvrBit(1, 3, "CDA failed"),
  SDA_SELECTED: tvrBit(1, 2, "SDA selected"),
  // Byte 2
  DIFFERENT_APPLICATION_VERSIONS: tvrBit(2, 8, "ICC and terminal have different application versions"),
  EXPIRED_APPLICATION: tvrBit(2, 7, "Expired application"),
  APPLICATION_NOT_YET_EFFECTIVE: tvrBit(2, 6, "Application not yet effective"),
  SERVICE_NOT_ALLOWED: tvrBit(2, 5, "Requested service not allowed for card product"),
  NEW_CARD: tvrBit(2, 4, "New card"),
  // Byte 3
  CARDHOLDER_VERIFICATION_FAILED: tvrBit(3, 8, "Cardholder verification was not successful"),
  UNRECOGNISED_CVM: tvrBit(3, 7, "Unrecognised CVM"),
  PIN_TRY_LIMIT_EXCEEDED: tvrBit(3, 6, "PIN Try Limit exceeded"),
  PIN_PAD_NOT_PRESENT: tvrBit(3, 5, "PIN entry required and PIN pad not present or not working"),
  PIN_NOT_ENTERED: tvrBit(3, 4, "PIN entry required, PIN pad present, but PIN was not entered"),
  ONLINE_PIN_ENTERED: tvrBit(3, 3, "Online PIN entered"),
  // Byte 4
  FLOOR_LIMIT_EXCEEDED: tvrBit(4, 8, "Transaction exceeds floor limit"),
  LCOL_EXCEEDED: tvrBit(4, 7, "Lower consecutive offline limit exceeded"),
  UCOL_EXCEEDED: tvrBit(4, 6, "Upper consecutive offline limit exceeded"),
  RANDOMLY_SELECTED_ONLINE: tvrBit(4, 5, "Transaction selected randomly for online processing"),
  MERCHANT_FORCED_ONLINE: tvrBit(4, 4, "Merchant forced transaction online"),
  // Byte 5
  DEFAULT_TDOL_USED: tvrBit(5, 8, "Default TDOL used"),
  ISSUER_AUTHENTICATION_FAILED: tvrBit(5, 7, "Issuer authentication failed"),
  SCRIPT_FAILED_BEFORE_FINAL_GENAC: tvrBit(5, 6, "Script processing failed before final GENERATE AC"),
  SCRIPT_FAILED_AFTER_FINAL_GENAC: tvrBit(5, 5, "Script processing failed after final GENERATE AC"),
});

/** TSI bits (Book 3 Annex C6). */
export const TSI = Object.freeze({
  ODA_PERFORMED: tsiBit(1, 8, "Offline data authentication was performed"),
  CARDHOLDER_VERIFICATION_PERFORMED: tsiBit(1, 7, "Cardholder verification was performed"),
  CARD_RISK_MANAGEMENT_PERFORMED: tsiBit(1, 6, "Card risk management was performed"),
  ISSUER_AUTHENTICATION_PERFORMED: tsiBit(1, 5, "Issuer authentication was performed"),
  TERMINAL_RISK_MANAGEMENT_PERFORMED: tsiBit(1, 4, "Terminal risk management was performed"),
  SCRIPT_PROCESSING_PERFORMED: tsiBit(1, 3, "Script processing was performed"),
});

export const TVR_BITS: readonly RegisterBit<"TVR">[] = Object.values(TVR);
export const TSI_BITS: readonly RegisterBit<"TSI">[] = Object.values(TSI);

export function newTvr(initial?: Uint8Array): TvrRegister {
  return new BitRegister(5, TVR_BITS, initial);
}

export function newTsi(initial?: Uint8Array): TsiRegister {
  return new BitRegister(2, TSI_BITS, initial);
}
