// Terminal Capabilities, tag 9F33 (EMV Book 4 Annex A2): card data input, CVM and security capabilities.

import type { BitDef } from "../bits.js";

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** 9F33 bits (Book 4 Annex A2). Byte 1 card data input, byte 2 CVM capability, byte 3 security capability. */
export const TERMINAL_CAPABILITIES = Object.freeze({
  MANUAL_KEY_ENTRY: b(1, 8, "Manual key entry"),
  MAGNETIC_STRIPE: b(1, 7, "Magnetic stripe"),
  IC_WITH_CONTACTS: b(1, 6, "IC with contacts"),
  PLAINTEXT_PIN_ICC: b(2, 8, "Plaintext PIN for ICC verification"),
  ENCIPHERED_PIN_ONLINE: b(2, 7, "Enciphered PIN for online verification"),
  SIGNATURE: b(2, 6, "Signature (paper)"),
  ENCIPHERED_PIN_OFFLINE: b(2, 5, "Enciphered PIN for offline verification"),
  NO_CVM_REQUIRED: b(2, 4, "No CVM Required"),
  SDA: b(3, 8, "SDA"),
  DDA: b(3, 7, "DDA"),
  CARD_CAPTURE: b(3, 6, "Card capture"),
  CDA: b(3, 4, "CDA"),
});

export const TERMINAL_CAPABILITIES_BITS: readonly BitDef[] = Object.values(TERMINAL_CAPABILITIES);
