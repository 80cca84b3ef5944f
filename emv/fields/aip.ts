// Application Interchange Profile, tag 82 (EMV Book 3 Annex C1): what the card supports in this application.

import type { BitDef } from "../bits.js";

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** AIP bits (Book 3 Annex C1; byte 2 bits 8–7 are contactless-kernel uses, names from binaryfoo/emv-bertlv). */
export const AIP = Object.freeze({
  SDA_SUPPORTED: b(1, 7, "SDA supported"),
  DDA_SUPPORTED: b(1, 6, "DDA supported"),
  CARDHOLDER_VERIFICATION_SUPPORTED: b(1, 5, "Cardholder verification is supported"),
  TERMINAL_RISK_MANAGEMENT: b(1, 4, "Terminal risk management is to be performed"),
  ISSUER_AUTHENTICATION_SUPPORTED: b(1, 3, "Issuer authentication is supported"),
  CDA_SUPPORTED: b(1, 1, "CDA supported"),
  EMV_MODE_SUPPORTED: b(2, 8, "EMV and Magstripe Modes Supported"),
  EXPRESSPAY_MOBILE: b(2, 7, "Expresspay Mobile supported"),
});

export const AIP_BITS: readonly BitDef[] = Object.values(AIP);
