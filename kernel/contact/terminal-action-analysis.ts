// Terminal action analysis (EMV Book 3 §10.7): the TVR against the Terminal and Issuer Action Codes decides the
// cryptogram the terminal asks for at the first GENERATE AC (AAC, ARQC or TC), and the default codes decide when
// the terminal cannot go online.

import { toHex } from "../../emv/bytes.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import { type BackHalf, type BackStep, NEXT } from "./back-half.js";
import type { TransactionContext } from "./context.js";
import type { ActionCodes, CryptogramType, IssuerActionCodes } from "./decision.js";
import { isOnlineOnlyTerminal } from "./terminal-values.js";

const STEP = "action-analysis";

export type { ActionCodes, IssuerActionCodes };

const ZEROS = new Uint8Array(5);
const ONES = new Uint8Array(5).fill(0xff);

/** Book 3 §10.7: absent IAC-denial counts as 0000000000; absent IAC-online and IAC-default as FFFFFFFFFF. */
export function effectiveIacs(iacs: IssuerActionCodes): ActionCodes {
  return { denial: iacs.denial ?? ZEROS, online: iacs.online ?? ONES, default: iacs.default ?? ONES };
}

/** Whether any TVR bit is also set in the TAC or the IAC. */
export function matches(tvr: Uint8Array, tac: Uint8Array, iac: Uint8Array): boolean {
  for (let i = 0; i < 5; i++) if (((tvr[i] ?? 0) & ((tac[i] ?? 0) | (iac[i] ?? 0))) !== 0) return true;
  return false;
}

/** Book 3 §10.7 default action: used by offline-only terminals and when the terminal is unable to go online. */
export function defaultActionAnalysis(tvr: Uint8Array, tacs: ActionCodes, iacs: IssuerActionCodes): "AAC" | "TC" {
  return matches(tvr, tacs.default, effectiveIacs(iacs).default) ? "AAC" : "TC";
}

/**
 * Book 3 §10.7, the pure core of terminal action analysis: denial codes → AAC; a terminal that can go online
 * checks the online codes (→ ARQC, else TC); an offline-only terminal applies the default codes (→ AAC, else TC).
 * An online-only terminal (Book 4 Annex A1) asks for an ARQC unless denied.
 */
export function actionAnalysisDecision(
  tvr: Uint8Array,
  tacs: ActionCodes,
  iacs: IssuerActionCodes,
  terminalCanGoOnline: boolean,
  onlineOnly = false,
): CryptogramType {
  const iac = effectiveIacs(iacs);
  // Book 3 §10.7: TVR ∧ (TAC-denial ∨ IAC-denial) ≠ 0 → decline offline (AAC).
  if (matches(tvr, tacs.denial, iac.denial)) return "AAC";
  if (terminalCanGoOnline) {
    if (onlineOnly) return "ARQC";
    // Book 3 §10.7: TVR ∧ (TAC-online ∨ IAC-online) ≠ 0 → go online (ARQC), else approve offline (TC).
    return matches(tvr, tacs.online, iac.online) ? "ARQC" : "TC";
  }
  // Book 3 §10.7: offline-only terminal → TVR ∧ (TAC-default ∨ IAC-default) ≠ 0 → AAC, else TC.
  return defaultActionAnalysis(tvr, tacs, iacs);
}

/** The selected application's Terminal Action Codes (all zero without an application). */
export function terminalActionCodes(ctx: TransactionContext): ActionCodes {
  const aid = ctx.aid;
  return aid
    ? { denial: aid.tacDenial, online: aid.tacOnline, default: aid.tacDefault }
    : { denial: ZEROS, online: ZEROS, default: ZEROS };
}

/** The card's Issuer Action Codes (9F0E denial, 9F0F online, 9F0D default), as read. */
export function issuerActionCodes(ctx: TransactionContext): IssuerActionCodes {
  const card = (tag: number) => ctx.data.from("card", tag);
  return {
    denial: card(TAG.ISSUER_ACTION_CODE_DENIAL),
    online: card(TAG.ISSUER_ACTION_CODE_ONLINE),
    default: card(TAG.ISSUER_ACTION_CODE_DEFAULT),
  };
}

/** Make sure the values every CDOL may ask for are in the data store (Book 3 §5.4). */
function prepareTransactionData(ctx: TransactionContext): void {
  if (!ctx.data.has(TAG.TERMINAL_VERIFICATION_RESULTS))
    ctx.data.compute(TAG.TERMINAL_VERIFICATION_RESULTS, () => ctx.tvr.bytes);
  if (!ctx.data.has(TAG.TRANSACTION_STATUS_INFORMATION))
    ctx.data.compute(TAG.TRANSACTION_STATUS_INFORMATION, () => ctx.tsi.bytes);
  if (!ctx.data.has(TAG.UNPREDICTABLE_NUMBER))
    ctx.data.set("transaction", TAG.UNPREDICTABLE_NUMBER, ctx.params.random.bytes(4));
}

/** Book 3 §10.7 as a step: merchant-forced online sets its TVR bit, then the codes decide the first request. */
export function terminalActionAnalysis(ctx: TransactionContext, back: BackHalf): BackStep {
  prepareTransactionData(ctx);
  back.tacs = terminalActionCodes(ctx);
  back.iacs = issuerActionCodes(ctx);
  const canGoOnline = ctx.config.onlineCapable && ctx.host !== undefined;
  if (ctx.params.forceOnline) ctx.tvr.set(TVR.MERCHANT_FORCED_ONLINE);
  back.requested = actionAnalysisDecision(ctx.tvr.bytes, back.tacs, back.iacs, canGoOnline, isOnlineOnlyTerminal(ctx));
  const tvr = ctx.tvr.bytes; // a copy: the line shows the TVR of this moment
  ctx.log(STEP, () => `TVR ${toHex(tvr)}: terminal action analysis requests ${back.requested}`);
  return NEXT;
}
