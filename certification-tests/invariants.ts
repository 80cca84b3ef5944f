// Invariants every EMV contact transaction must satisfy whatever the card and terminal (EMV Book 3 §10, Annex C5/C6;
// Book 4 Annex A2): ODA method choice, TSI ⇔ steps performed, CVM results ⇔ TVR byte 3, cryptogram never upgraded,
// offline-only terminals never online, denial codes → AAC, expired application ⇔ 5F24 < 9A.

import { isBitSet } from "../emv/bits.js";
import { toHex } from "../emv/bytes.js";
import { AIP } from "../emv/fields/aip.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { TSI, TVR } from "../emv/tvr.js";
import type { TerminalConfig } from "../kernel/config/types.js";
import type { CryptogramType } from "../kernel/contact/decision.js";
import { dateValue } from "../kernel/contact/restrictions.js";
import type { TransactionRecord } from "../kernel/contact/transaction.js";

/** Book 3 §6.5.5.4: TC may become ARQC or AAC, ARQC may become AAC, AAC stays AAC. */
const RANK: Readonly<Record<CryptogramType, number>> = { AAC: 0, ARQC: 1, TC: 2 };

/** Book 3 §10.3: the highest method both the AIP and Terminal Capabilities byte 3 support (CDA > DDA > SDA). */
export function expectedOdaMethod(aip: Uint8Array, capabilities: Uint8Array): "CDA" | "DDA" | "SDA" | "none" {
  const t = capabilities[2] ?? 0;
  if (isBitSet(aip, AIP.CDA_SUPPORTED) && t & 0x08) return "CDA";
  if (isBitSet(aip, AIP.DDA_SUPPORTED) && t & 0x40) return "DDA";
  if (isBitSet(aip, AIP.SDA_SUPPORTED) && t & 0x80) return "SDA";
  return "none";
}

/** Every broken invariant, one line each; empty when the record is consistent with the books. */
export function checkInvariants(r: TransactionRecord, config: TerminalConfig): string[] {
  const out: string[] = [];
  const fail = (rule: string) => out.push(`invariant: ${rule}`);
  const tvr = r.tvr;
  const tsi = r.tsi;
  const requested = r.cryptograms.map((c) => c.requested);

  // Book 3 §6.5.5.4: the card never answers with a cryptogram higher than the one requested.
  for (const c of r.cryptograms) {
    if (RANK[c.type] > RANK[c.requested]) fail(`card answered ${c.type} to a ${c.requested} request (Book 3 §6.5.5.4)`);
  }
  // Book 3 §10.7: an offline-only terminal never requests an ARQC and never goes online.
  if (!config.onlineCapable) {
    if (requested.includes("ARQC")) fail("offline-only terminal requested an ARQC (Book 3 §10.7)");
    if (r.online?.attempted || r.outcome.startsWith("online")) fail("offline-only terminal went online");
  }
  // Outcome ⇔ last cryptogram (Book 3 §10.8, §10.11).
  const last = r.cryptograms.at(-1)?.type;
  if ((r.outcome === "approved" || r.outcome === "online-approved") && last !== "TC") {
    fail(`outcome ${r.outcome} but the last cryptogram is ${last ?? "none"}`);
  }
  // Book 2 §6.6.2 / Book 3 §10.8: a TC whose CDA signature fails is declined with no further GENERATE AC.
  const cdaFailedTc = last === "TC" && isBitSet(tvr, TVR.CDA_FAILED);
  if ((r.outcome === "declined" || r.outcome === "online-declined") && last !== "AAC" && !cdaFailedTc) {
    fail(`outcome ${r.outcome} but the last cryptogram is ${last ?? "none"}`);
  }
  // Book 3 Annex C6: card risk management performed ⇔ a GENERATE AC was answered.
  const answered = r.cryptograms.length > 0;
  if (isBitSet(tsi, TSI.CARD_RISK_MANAGEMENT_PERFORMED) !== answered) {
    fail(
      `TSI 'card risk management performed' is ${isBitSet(tsi, TSI.CARD_RISK_MANAGEMENT_PERFORMED)} with ${r.cryptograms.length} GENERATE AC`,
    );
  }
  // Book 3 §10.9: issuer authentication performed ⇒ the transaction went online.
  if (isBitSet(tsi, TSI.ISSUER_AUTHENTICATION_PERFORMED) && !r.online?.reachable) {
    fail("TSI 'issuer authentication performed' without an online response");
  }
  if (r.outcome === "terminated") return out;

  const aip = r.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE);
  if (aip) {
    // Book 3 §10.3: the method is the highest both sides support; none ⇔ TVR B1b8 and TSI b8 clear.
    const method = expectedOdaMethod(aip, config.capabilities);
    if (r.oda.method !== method)
      fail(`ODA method ${r.oda.method}, AIP ${toHex(aip)} ∧ 9F33 ${toHex(config.capabilities)} gives ${method}`);
    const none = r.oda.method === "none";
    if (isBitSet(tvr, TVR.ODA_NOT_PERFORMED) !== none)
      fail(`TVR 'ODA not performed' is ${!none ? "set" : "clear"} with ODA ${r.oda.method}`);
    if (isBitSet(tsi, TSI.ODA_PERFORMED) === none) fail(`TSI 'ODA performed' disagrees with ODA ${r.oda.method}`);
    if (isBitSet(tvr, TVR.SDA_SELECTED) !== (r.oda.method === "SDA"))
      fail(`TVR 'SDA selected' disagrees with ODA ${r.oda.method}`);
    // Book 3 §10.5: cardholder verification is performed only when the AIP says the card supports it.
    const cvm = isBitSet(aip, AIP.CARDHOLDER_VERIFICATION_SUPPORTED);
    if (isBitSet(tsi, TSI.CARDHOLDER_VERIFICATION_PERFORMED) && !cvm)
      fail(`TSI 'cardholder verification performed' with AIP ${toHex(aip)}`);
    // Book 3 §10.6: terminal risk management when the AIP asks for it.
    if (isBitSet(aip, AIP.TERMINAL_RISK_MANAGEMENT) && !isBitSet(tsi, TSI.TERMINAL_RISK_MANAGEMENT_PERFORMED)) {
      fail("AIP asks for terminal risk management but TSI does not show it performed");
    }
  }
  // Book 3 §10.5 / Annex A4: CVM Results byte 3 'failed' (01) ⇔ TVR 'cardholder verification was not successful'.
  const cvmr = r.cvmResults;
  if (cvmr && cvmr.length === 3) {
    const failed = cvmr[2] === 0x01;
    if (isBitSet(tvr, TVR.CARDHOLDER_VERIFICATION_FAILED) !== failed) {
      fail(`CVM results ${toHex(cvmr)} disagree with TVR 'cardholder verification was not successful'`);
    }
    if (![0x00, 0x01, 0x02].includes(cvmr[2] ?? 0xff)) fail(`CVM results ${toHex(cvmr)}: byte 3 is not 00/01/02`);
  }
  // Book 3 §10.4.3: expired application ⇔ Application Expiration Date < Transaction Date.
  const exp = r.data.from("card", TAG.APPLICATION_EXPIRATION_DATE);
  const date = r.data.get(TAG.TRANSACTION_DATE);
  if (exp && date) {
    const e = dateValue(toHex(exp));
    const d = dateValue(toHex(date));
    if (e !== undefined && d !== undefined && isBitSet(tvr, TVR.EXPIRED_APPLICATION) !== e < d) {
      fail(
        `TVR 'expired application' is ${isBitSet(tvr, TVR.EXPIRED_APPLICATION)} with 5F24 ${toHex(exp)} and 9A ${toHex(date)}`,
      );
    }
  }
  // Book 3 §10.7: TVR ∧ (TAC-denial ∨ IAC-denial) ≠ 0 → the first GENERATE AC asks for an AAC.
  // (The TVR compared is the one at the first GENERATE AC; bits set later — issuer authentication, scripts — are byte 5.)
  const sel = r.aid
    ? config.aids.find((a) => r.aid && toHex(a.aid) === toHex(r.aid).slice(0, a.aid.length * 2))
    : undefined;
  if (sel && requested.length > 0) {
    const iacDenial = r.data.from("card", TAG.ISSUER_ACTION_CODE_DENIAL) ?? new Uint8Array(5);
    let denied = false;
    // CDA failed (B1b3) can only be known after the first GENERATE AC: left out of the comparison.
    const before = Uint8Array.of((tvr[0] ?? 0) & ~0x04, tvr[1] ?? 0, tvr[2] ?? 0, tvr[3] ?? 0);
    for (let i = 0; i < 4; i++) denied ||= ((before[i] ?? 0) & ((sel.tacDenial[i] ?? 0) | (iacDenial[i] ?? 0))) !== 0;
    if (denied && requested[0] !== "AAC")
      fail(`TVR ${toHex(tvr)} matches a denial code but the first request was ${requested[0]}`);
  }
  return out;
}
