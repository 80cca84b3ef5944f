// Card Transaction Qualifiers, tag 9F6C (EMV Book C-3 / Visa Contactless Payment Specification):
// what the card asks of the reader (CVM, going online, switching interface).

import type { BitDef } from "../bits.js";

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** CTQ bits (Book C-3 Annex A; names from binaryfoo/emv-bertlv card-tx-qualifiers). */
export const CTQ = Object.freeze({
  ONLINE_PIN_REQUIRED: b(1, 8, "Online PIN required"),
  SIGNATURE_REQUIRED: b(1, 7, "Signature required"),
  GO_ONLINE_IF_ODA_FAILS: b(1, 6, "Go online if offline data auth fails and reader is online capable"),
  SWITCH_INTERFACE_IF_ODA_FAILS: b(1, 5, "Switch interface if offline data auth fails and reader supports VIS"),
  GO_ONLINE_IF_EXPIRED: b(1, 4, "Go online if application expired"),
  SWITCH_INTERFACE_FOR_CASH: b(1, 3, "Switch interface for cash"),
  SWITCH_INTERFACE_FOR_CASHBACK: b(1, 2, "Switch interface for cashback"),
  CONSUMER_DEVICE_CVM_PERFORMED: b(2, 8, "Consumer device CVM performed"),
  ISSUER_UPDATE_AT_POS: b(2, 7, "Card supports issuer update processing at the POS"),
});

export const CTQ_BITS: readonly BitDef[] = Object.values(CTQ);
