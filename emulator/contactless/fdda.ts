// fDDA on the card side (EMV Book C-3, Kernel 3; public trace facts in /work/shared/vectors/contactless_traces.json):
// the GPO response carries an SDAD (9F4B, format 05) signed with the ICC private key. Its ICC dynamic data is the
// ICC Dynamic Number length 02 and the ATC; the hash covers the signed data from the format byte through the BB
// padding, then 9F37 ‖ 9F02 ‖ 5F2A from the PDOL data and the whole Card Authentication Related Data (9F69).

import { concatBytes, writeUint } from "../../emv/bytes.js";
import type { RsaPrivateKey } from "../../emv/crypto/rsa.js";
import { signDynamicData } from "../../emv/crypto/signed-data.js";
import type { ContactlessProfile } from "../profile-data.js";

/** The record placeholder for 9F69: the card puts this transaction's value there (emulator/README.md). */
export const CARD_AUTHENTICATION_DATA = "<card-authentication-data>";

/** fDDA version number in 9F69 (Book C-3: version 01). */
export const FDDA_VERSION = 0x01;

/** Card Unpredictable Number length in 9F69 (Book C-3 Annex A: 4 bytes). */
export const CARD_UN_LENGTH = 4;

/** Length of this card's 9F69: version ‖ card UN (‖ CTQ when the profile adds it). */
export function cardAuthenticationDataLength(cl: Pick<ContactlessProfile, "fdda">): number {
  return 1 + CARD_UN_LENGTH + (cl.fdda?.ctqInCardData ? 2 : 0);
}

/** Card Authentication Related Data (9F69): fDDA version 01 ‖ card UN ‖ (CTQ). */
export function cardAuthenticationData(cardUn: Uint8Array, ctq: Uint8Array | undefined): Uint8Array {
  return concatBytes(Uint8Array.of(FDDA_VERSION), cardUn, ctq ?? new Uint8Array(0));
}

export interface FddaInput {
  /** The ATC signed as ICC Dynamic Number (the ATC the response returns, unless a fault says otherwise). */
  readonly atc: number;
  /** Terminal data from the PDOL: Unpredictable Number 9F37 (4), Amount Authorised 9F02 (6), currency 5F2A (2). */
  readonly unpredictableNumber: Uint8Array;
  readonly amountAuthorised: Uint8Array;
  readonly currencyCode: Uint8Array;
  /** The whole 9F69 value the card returns. */
  readonly cardAuthenticationData: Uint8Array;
}

/** The data hashed after the signed part (Book C-3 fDDA): 9F37 ‖ 9F02 ‖ 5F2A ‖ 9F69. */
export function fddaTerminalData(i: FddaInput): Uint8Array {
  return concatBytes(i.unpredictableNumber, i.amountAuthorised, i.currencyCode, i.cardAuthenticationData);
}

/** SDAD (9F4B) of a qVSDC GPO response: ICC dynamic data 02 ‖ ATC (Book 2 §6.5 Table 17 layout, Book C-3 data). */
export function signFdda(icc: RsaPrivateKey, i: FddaInput): Uint8Array {
  const iccDynamicData = concatBytes(Uint8Array.of(2), writeUint(i.atc & 0xffff, 2));
  return signDynamicData(icc, { iccDynamicData, ddolData: fddaTerminalData(i) });
}
