// Terminal Transaction Qualifiers, tag 9F66 (EMV Book C-3 / Visa Contactless Payment Specification):
// the reader's contactless capabilities and requirements for this transaction.

import type { BitDef } from "../bits.js";

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** TTQ bits (Book C-3 Annex A; names from binaryfoo/emv-bertlv terminal-tx-qualifiers). */
export const TTQ = Object.freeze({
  MSD_SUPPORTED: b(1, 8, "MSD supported"),
  QVSDC_SUPPORTED: b(1, 6, "qVSDC supported"),
  EMV_CONTACT_SUPPORTED: b(1, 5, "EMV contact chip supported"),
  OFFLINE_ONLY_READER: b(1, 4, "Offline only reader"),
  ONLINE_PIN_SUPPORTED: b(1, 3, "Online PIN supported"),
  SIGNATURE_SUPPORTED: b(1, 2, "Signature supported"),
  ODA_FOR_ONLINE_SUPPORTED: b(1, 1, "Offline data auth for online transactions supported"),
  ONLINE_CRYPTOGRAM_REQUIRED: b(2, 8, "Online cryptogram required"),
  CVM_REQUIRED: b(2, 7, "CVM required"),
  CONTACT_OFFLINE_PIN_SUPPORTED: b(2, 6, "Contact chip offline pin supported"),
  ISSUER_UPDATE_SUPPORTED: b(3, 8, "Issuer update processing supported"),
  MOBILE_FUNCTIONALITY_SUPPORTED: b(3, 7, "Mobile device functionality supported"),
});

export const TTQ_BITS: readonly BitDef[] = Object.values(TTQ);
