// Terminal action analysis (EMV Book 3 §10.7), card action analysis (§10.8), and the whole back half of the
// transaction: first GENERATE AC, online processing with issuer authentication and scripts (§10.9, §10.10), the
// second GENERATE AC and completion (§10.11). `completeTransaction` never throws: every path ends in a Decision.

import { toHex } from "../../emv/bytes.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TVR } from "../../emv/tvr.js";
import { cdaApplies, secondGenerateAc, TERMINAL_RESPONSE_CODES } from "./completion.js";
import type { TransactionContext } from "./context.js";
import type { CryptogramRecord, CryptogramType, Decision, OnlineRecord, Outcome } from "./decision.js";
import { buildCdolData, type CdaVerifier, describeCid, generateAc } from "./generate-ac.js";
import { processIssuerScripts } from "./issuer-scripts.js";
import { verifyCdaResponse } from "./oda/cda.js";
import {
  authorizationData,
  DEFAULT_HOST_TIMEOUT_MS,
  isApproval,
  isReferral,
  issuerAuthentication,
  requestAuthorization,
  responseCodeText,
} from "./online.js";
import { isOnlineOnlyTerminal } from "./terminal-values.js";

const STEP = "action-analysis";

/** Terminal or Issuer Action Codes, 5 bytes each, aligned with the TVR (Book 3 §10.7). */
export interface ActionCodes {
  readonly denial: Uint8Array;
  readonly online: Uint8Array;
  readonly default: Uint8Array;
}

/** Issuer Action Codes as read from the card (9F0E denial, 9F0F online, 9F0D default); any may be absent. */
export interface IssuerActionCodes {
  readonly denial?: Uint8Array | undefined;
  readonly online?: Uint8Array | undefined;
  readonly default?: Uint8Array | undefined;
}

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

function terminalActionCodes(ctx: TransactionContext): ActionCodes {
  const aid = ctx.aid;
  return aid
    ? { denial: aid.tacDenial, online: aid.tacOnline, default: aid.tacDefault }
    : { denial: ZEROS, online: ZEROS, default: ZEROS };
}

function issuerActionCodes(ctx: TransactionContext): IssuerActionCodes {
  const card = (tag: number) => ctx.data.from("card", tag);
  return { denial: card(0x9f0e), online: card(0x9f0f), default: card(0x9f0d) };
}

export interface CompleteOptions {
  /** The CDA signature check at GENERATE AC (Book 2 §6.6); `verifyCdaResponse` (oda/cda.ts) unless a test replaces it. */
  readonly verifyCda?: CdaVerifier;
  readonly hostTimeoutMs?: number;
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

/**
 * The back half of the transaction (Book 3 §10.7–§10.11): terminal action analysis, GENERATE AC 1, card action
 * analysis, online processing with issuer authentication and scripts 71, GENERATE AC 2, scripts 72.
 */
export async function completeTransaction(ctx: TransactionContext, options: CompleteOptions = {}): Promise<Decision> {
  try {
    return await runBackHalf(ctx, options);
  } catch (e) {
    // The kernel never throws out of a transaction: an internal fault still ends in a defined outcome.
    const reason = `internal error in the back half of the transaction: ${e instanceof Error ? e.message : String(e)}`;
    ctx.log(STEP, reason);
    return { outcome: "terminated", reason, cryptograms: [] };
  }
}

async function runBackHalf(ctx: TransactionContext, options: CompleteOptions): Promise<Decision> {
  const verifyCda = options.verifyCda ?? verifyCdaResponse;
  const cryptograms: CryptogramRecord[] = [];
  const end = (
    outcome: Outcome,
    reason: string,
    extra: { online?: OnlineRecord; authorizationData?: Uint8Array } = {},
  ): Decision => {
    ctx.log("completion", `${outcome}: ${reason}`);
    return { outcome, reason, cryptograms, ...extra };
  };
  prepareTransactionData(ctx);

  // Book 3 §10.7: terminal action analysis.
  const tacs = terminalActionCodes(ctx);
  const iacs = issuerActionCodes(ctx);
  const canGoOnline = ctx.config.onlineCapable && ctx.host !== undefined;
  const onlineOnly = isOnlineOnlyTerminal(ctx);
  if (ctx.params.forceOnline) ctx.tvr.set(TVR.MERCHANT_FORCED_ONLINE);
  const requested1 = actionAnalysisDecision(ctx.tvr.bytes, tacs, iacs, canGoOnline, onlineOnly);
  ctx.log(STEP, `TVR ${toHex(ctx.tvr.bytes)}: terminal action analysis requests ${requested1}`);

  // Book 3 §10.8: first GENERATE AC with CDOL1 data; CDA requested for TC/ARQC when CDA applies.
  const cdol1Data = buildCdolData(ctx, 0x8c);
  if ("error" in cdol1Data) return end("terminated", cdol1Data.error);
  const cda1 = cdaApplies(ctx) && requested1 !== "AAC";
  const first = await generateAc(ctx, requested1, cdol1Data, {
    requested: cda1,
    hashData: cdol1Data,
    verify: verifyCda,
  });
  if (!first.ok) return end("terminated", first.reason);
  cryptograms.push(first.record);
  // Book 3 §10.8: TSI "Card risk management was performed" once the card has answered GENERATE AC.
  ctx.tsi.set(TSI.CARD_RISK_MANAGEMENT_PERFORMED);
  ctx.log(
    STEP,
    `GENERATE AC 1: ${describeCid(first.record.cid)}${first.record.cdaRequested ? " (CDA requested)" : ""}`,
  );
  if (first.cdaFailed) ctx.log(STEP, `CDA failed: ${first.cdaReason}`);
  if (ctx.oda.method === "CDA" && ctx.oda.result === "pending" && first.record.cdaRequested && !first.cdaFailed) {
    ctx.oda.result = "passed";
  }

  switch (first.record.type) {
    case "AAC":
      ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, TERMINAL_RESPONSE_CODES.OFFLINE_DECLINED);
      return end(
        "declined",
        requested1 === "AAC"
          ? "declined offline by terminal action analysis (AAC)"
          : "declined offline by the card (AAC)",
      );
    case "TC":
      // Book 2 §6.6.2: a TC whose CDA signature fails is not accepted: decline.
      if (first.cdaFailed) {
        ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, TERMINAL_RESPONSE_CODES.OFFLINE_DECLINED);
        return end("declined", `CDA failed on the TC: ${first.cdaReason}`);
      }
      ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, TERMINAL_RESPONSE_CODES.OFFLINE_APPROVED);
      return end("approved", "approved offline (TC)");
    case "ARQC":
      break;
  }

  // Book 2 §6.6.2: CDA failed on the ARQC → no online request; complete with an AAC.
  if (first.cdaFailed) {
    const second = await secondGenerateAc(ctx, "AAC", cdol1Data, verifyCda, TERMINAL_RESPONSE_CODES.OFFLINE_DECLINED);
    if (!second.ok) return end("terminated", second.reason);
    cryptograms.push(second.record);
    return end("declined", `CDA failed on the ARQC (${first.cdaReason}); completed with AAC`);
  }

  // Book 3 §10.9: online processing.
  const iccData = authorizationData(ctx);
  const answer = await requestAuthorization(ctx, iccData, options.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS);
  if (!answer.reachable) {
    // Book 3 §10.7 / §10.11: unable to go online → default action codes; 8A = Y3 / Z3.
    ctx.log("online-processing", answer.reason);
    const requested2 = defaultActionAnalysis(ctx.tvr.bytes, tacs, iacs);
    const code =
      requested2 === "TC"
        ? TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_APPROVED
        : TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_DECLINED;
    const second = await secondGenerateAc(ctx, requested2, cdol1Data, verifyCda, code);
    const online: OnlineRecord = {
      attempted: ctx.host !== undefined && ctx.config.onlineCapable,
      reachable: false,
      issuerAuthentication: "not-performed",
      scriptResults: new Uint8Array(0),
    };
    if (!second.ok) return end("terminated", second.reason, { online, authorizationData: iccData });
    cryptograms.push(second.record);
    if (second.cdaFailed)
      return end(
        "declined",
        `unable to go online (${answer.reason}); CDA failed on the second GENERATE AC: ${second.cdaReason}`,
        { online, authorizationData: iccData },
      );
    return second.record.type === "TC"
      ? end("approved", `unable to go online (${answer.reason}); approved offline by the default action codes`, {
          online,
          authorizationData: iccData,
        })
      : end(
          "declined",
          `unable to go online (${answer.reason}); declined ${requested2 === "AAC" ? "by the default action codes" : "by the card"}`,
          { online, authorizationData: iccData },
        );
  }

  const response = answer.response;
  const arc = responseCodeText(response.authorisationResponseCode);
  ctx.data.set("issuer", TAG.AUTHORISATION_RESPONSE_CODE, response.authorisationResponseCode);
  if (response.issuerAuthenticationData)
    ctx.data.set("issuer", TAG.ISSUER_AUTHENTICATION_DATA, response.issuerAuthenticationData);
  ctx.log("online-processing", `issuer answered ${arc}: ${response.reason}`);

  // Book 3 §10.9: issuer authentication.
  const auth = await issuerAuthentication(ctx, response.issuerAuthenticationData);
  const onlineRecord = (scriptResults: Uint8Array): OnlineRecord => ({
    attempted: true,
    reachable: true,
    responseCode: arc,
    issuerAuthentication: auth.kind === "terminate" ? "not-performed" : auth.kind,
    scriptResults,
  });
  if (auth.kind === "terminate")
    return end("terminated", auth.reason, { online: onlineRecord(new Uint8Array(0)), authorizationData: iccData });
  ctx.log("online-processing", `issuer authentication ${auth.kind}: ${auth.note}`);

  // Book 3 §10.10: scripts 71 before the second GENERATE AC.
  const before = await processIssuerScripts(ctx, response.scripts71, "before-final-genac");
  let scriptResults = before.results;
  const setScriptResults = () => {
    if (scriptResults.length > 0) ctx.data.set("transaction", TAG.ISSUER_SCRIPT_RESULTS, scriptResults);
  };
  setScriptResults();
  if (before.transportError)
    return end("terminated", before.transportError, {
      online: onlineRecord(scriptResults),
      authorizationData: iccData,
    });

  // Book 3 §10.11: second GENERATE AC — TC when the issuer approved, AAC otherwise (referrals are declined here).
  const approved = isApproval(arc);
  const second = await secondGenerateAc(ctx, approved ? "TC" : "AAC", cdol1Data, verifyCda);
  if (!second.ok)
    return end("terminated", second.reason, { online: onlineRecord(scriptResults), authorizationData: iccData });
  cryptograms.push(second.record);
  ctx.log(
    STEP,
    `GENERATE AC 2: ${describeCid(second.record.cid)}${second.record.cdaRequested ? " (CDA requested)" : ""}`,
  );

  // Book 3 §10.10: scripts 72 after the second GENERATE AC.
  const after = await processIssuerScripts(ctx, response.scripts72, "after-final-genac");
  scriptResults = new Uint8Array([...scriptResults, ...after.results]);
  setScriptResults();
  const extra = { online: onlineRecord(scriptResults), authorizationData: iccData };
  const note = after.transportError ? `; scripts after GENERATE AC stopped: ${after.transportError}` : "";

  if (second.cdaFailed)
    return end("online-declined", `CDA failed on the second GENERATE AC: ${second.cdaReason}${note}`, extra);
  if (second.record.type === "TC")
    return end("online-approved", `issuer approved (${arc}); card accepted with TC${note}`, extra);
  return end(
    "online-declined",
    approved
      ? `issuer approved (${arc}) but the card declined with AAC${note}`
      : isReferral(arc)
        ? `issuer referral (${arc}) cannot be completed by voice here, declined: ${response.reason}${note}`
        : `issuer declined (${arc}): ${response.reason}${note}`,
    extra,
  );
}
