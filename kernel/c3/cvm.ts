// Kernel 3 cardholder verification (EMV Contactless Book C-3 §5, CVM processing; bits of Annex A): the CVM from the
// card's CTQ and the reader's TTQ; "CVM required but none possible" declines.

import { isBitSet } from "../../emv/bits.js";
import { bytesEqual, toHex } from "../../emv/bytes.js";
import { CTQ } from "../../emv/fields/ctq.js";
import type { OutcomeCvm } from "../../emv/fields/outcome-parameter-set.js";
import { TTQ } from "../../emv/fields/ttq.js";

export type CvmDecision =
  | { readonly ok: true; readonly cvm: OutcomeCvm; readonly note: string }
  | { readonly ok: false; readonly reason: string };

export interface CvmInputs {
  readonly ttq: Uint8Array;
  readonly ctq?: Uint8Array;
  /** Card Authentication Related Data (9F69): for fDDA version 01, bytes 6–7 are the CTQ the card signed. */
  readonly cardAuthenticationData?: Uint8Array;
  /** Whether fDDA passed (then the CTQ copy in 9F69 is covered by the signature). */
  readonly fddaPassed: boolean;
  /** The outcome so far goes online (online PIN needs it). */
  readonly online: boolean;
}

/** C-3 CVM selection in its order: online PIN, consumer device CVM, signature; then "no CVM" only when none is required. */
export function selectCvm(i: CvmInputs): CvmDecision {
  const required = isBitSet(i.ttq, TTQ.CVM_REQUIRED);
  const readerPin = isBitSet(i.ttq, TTQ.ONLINE_PIN_SUPPORTED);
  const readerSignature = isBitSet(i.ttq, TTQ.SIGNATURE_SUPPORTED);
  const ctq = i.ctq;
  if (ctq) {
    if (isBitSet(ctq, CTQ.ONLINE_PIN_REQUIRED) && readerPin) {
      if (!i.online) return { ok: false, reason: "the card asks for online PIN (CTQ b1b8) on an offline approval" };
      return { ok: true, cvm: "Online PIN", note: "CTQ online PIN required (b1b8), TTQ online PIN supported (b1b3)" };
    }
    if (isBitSet(ctq, CTQ.CONSUMER_DEVICE_CVM_PERFORMED)) {
      const signed = i.cardAuthenticationData;
      // With fDDA version 01 the card signs its CTQ in 9F69 bytes 6–7: a different CTQ is a forged CDCVM claim.
      if (i.fddaPassed && signed && signed.length >= 7 && !bytesEqual(signed.subarray(5, 7), ctq))
        return {
          ok: false,
          reason: `consumer device CVM: CTQ ${toHex(ctq)} differs from the signed CTQ ${toHex(signed.subarray(5, 7))} in 9F69`,
        };
      return { ok: true, cvm: "Confirmation Code Verified", note: "consumer device CVM performed (CTQ b2b8)" };
    }
    if (isBitSet(ctq, CTQ.SIGNATURE_REQUIRED) && readerSignature)
      return {
        ok: true,
        cvm: "Obtain Signature",
        note: "CTQ signature required (b1b7), TTQ signature supported (b1b2)",
      };
  }
  // The card names no CVM: the reader's own, when it requires one (signature, else online PIN on an online request).
  if (!required)
    return { ok: true, cvm: "No CVM", note: ctq ? "no CVM required" : "no CVM required; the card gave no CTQ" };
  if (readerSignature) return { ok: true, cvm: "Obtain Signature", note: "CVM required (TTQ b2b7): signature" };
  if (readerPin && i.online) return { ok: true, cvm: "Online PIN", note: "CVM required (TTQ b2b7): online PIN" };
  return {
    ok: false,
    reason: "CVM required (TTQ b2b7) and neither the card nor the reader has a CVM for this transaction",
  };
}
