// The qVSDC card's decision at GET PROCESSING OPTIONS (EMV Book C-3 Kernel 3, card side; Visa Contactless Payment
// Specification behaviour as the public Book C-3 describes the reader's view of it): from the reader's Terminal
// Transaction Qualifiers (9F66) and its own risk parameters the card chooses the cryptogram (TC / ARQC / AAC), the
// CVM it asks for in the Card Transaction Qualifiers (9F6C), and whether it signs (fDDA) and gives its AFL.

import { type BitDef, bitMask, isBitSet } from "../../emv/bits.js";
import { CTQ } from "../../emv/fields/ctq.js";
import { TTQ } from "../../emv/fields/ttq.js";
import type { AcType } from "../context.js";
import type { ContactlessCvm, ContactlessProfile } from "../profile-data.js";

export interface QvsdcFacts {
  /** Terminal Transaction Qualifiers from the PDOL data (4 bytes). */
  readonly ttq: Uint8Array;
  /** Amount Authorised (9F02) in minor units; undefined when the PDOL does not carry it or it is not BCD. */
  readonly amount: number | undefined;
  /** ATC − Last Online ATC − 1 before this GPO: transactions since the last online one. */
  readonly consecutiveOffline: number;
  /** Amount approved offline since the last online transaction. */
  readonly offlineAmountTotal: number;
  /** The card can sign (fDDA with an ICC key): without it the card never approves offline. */
  readonly canSign: boolean;
}

export interface QvsdcDecision {
  readonly type: AcType;
  /** The CVM the card asks for; "none" when one is needed but none the reader supports fits; "not-required". */
  readonly cvm: ContactlessCvm | "none" | "not-required";
  /** The CTQ the card returns: the profile's fixed bits and the CVM bit. */
  readonly ctq: Uint8Array;
  /** Sign the response (9F4B) and give the AFL. */
  readonly oda: boolean;
  /** Why, in words (for tests and traces). */
  readonly reasons: readonly string[];
}

/** CTQ bit for each CVM the card can ask for (Book C-3 Annex A, CTQ). */
const CVM_BIT: Readonly<Record<ContactlessCvm, BitDef>> = {
  "online-pin": CTQ.ONLINE_PIN_REQUIRED,
  signature: CTQ.SIGNATURE_REQUIRED,
  cdcvm: CTQ.CONSUMER_DEVICE_CVM_PERFORMED,
};

/** Whether the reader can take this CVM (TTQ B1b3 online PIN, B1b2 signature, B3b7 consumer device CVM). */
function readerSupports(ttq: Uint8Array, cvm: ContactlessCvm): boolean {
  switch (cvm) {
    case "online-pin":
      return isBitSet(ttq, TTQ.ONLINE_PIN_SUPPORTED) && !isBitSet(ttq, TTQ.OFFLINE_ONLY_READER);
    case "signature":
      return isBitSet(ttq, TTQ.SIGNATURE_SUPPORTED);
    case "cdcvm":
      return isBitSet(ttq, TTQ.MOBILE_FUNCTIONALITY_SUPPORTED);
  }
}

/** Whether the reader supports qVSDC (TTQ B1b6); a card without MSD refuses the GPO otherwise. */
export function readerSupportsQvsdc(ttq: Uint8Array): boolean {
  return isBitSet(ttq, TTQ.QVSDC_SUPPORTED);
}

export function qvsdcDecision(cl: ContactlessProfile, f: QvsdcFacts): QvsdcDecision {
  const ttq = f.ttq;
  const reasons: string[] = [];
  const ctq = Uint8Array.from(cl.ctq);

  // CVM: the reader asks for one (TTQ B2b7), or the amount reaches the card's own CVM limit.
  const cardWantsCvm = cl.cvmRequiredLimit !== undefined && f.amount !== undefined && f.amount >= cl.cvmRequiredLimit;
  const cvmNeeded = isBitSet(ttq, TTQ.CVM_REQUIRED) || cardWantsCvm;
  let cvm: QvsdcDecision["cvm"] = "not-required";
  if (cvmNeeded) {
    cvm = cl.cvm.find((m) => readerSupports(ttq, m)) ?? "none";
    if (cvm === "none") reasons.push("a CVM is needed but the reader supports none the card offers");
    else {
      const bit = CVM_BIT[cvm];
      ctq[bit.byte - 1]! |= bitMask(bit);
      reasons.push(`CVM: ${cvm}`);
    }
  }

  const offlineOnly = isBitSet(ttq, TTQ.OFFLINE_ONLY_READER);
  const online: string[] = [];
  if (cl.risk.decision === "decline") {
    return { type: "AAC", cvm, ctq, oda: false, reasons: [...reasons, "the card declines"] };
  }
  if (isBitSet(ttq, TTQ.ONLINE_CRYPTOGRAM_REQUIRED)) online.push("the reader requires an online cryptogram");
  if (cvm === "online-pin") online.push("online PIN needs an online authorisation");
  if (cl.risk.decision === "online") online.push("the card always goes online");
  if (!f.canSign) online.push("the card cannot sign (no fDDA), so it never approves offline");
  const amount = f.amount ?? 0;
  const r = cl.risk;
  if (r.offlineAmountLimit !== undefined && amount > r.offlineAmountLimit)
    online.push(`amount ${amount} above the card's offline limit ${r.offlineAmountLimit}`);
  if (r.cumulativeOfflineLimit !== undefined && f.offlineAmountTotal + amount > r.cumulativeOfflineLimit)
    online.push(
      `offline total ${f.offlineAmountTotal} + ${amount} above the card's cumulative offline limit ${r.cumulativeOfflineLimit}`,
    );
  if (r.consecutiveOfflineLimit !== undefined && f.consecutiveOffline >= r.consecutiveOfflineLimit)
    online.push(
      `${f.consecutiveOffline} transactions since the last online one reach the card's limit ${r.consecutiveOfflineLimit}`,
    );

  if (online.length === 0) return { type: "TC", cvm, ctq, oda: true, reasons: [...reasons, "approved offline"] };
  if (offlineOnly)
    return { type: "AAC", cvm, ctq, oda: false, reasons: [...reasons, ...online, "and the reader is offline only"] };
  // ODA for online (TTQ B1b1): the card signs an ARQC too when its profile says so.
  const oda = f.canSign && cl.odaForOnline && isBitSet(ttq, TTQ.ODA_FOR_ONLINE_SUPPORTED);
  return { type: "ARQC", cvm, ctq, oda, reasons: [...reasons, ...online] };
}
