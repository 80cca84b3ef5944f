// Completion (EMV Book 3 §10.11, Book 4 §6.3.7): the second GENERATE AC with CDOL2 data — the Authorisation
// Response Code from the issuer, or the terminal's own codes and the default action codes when it could not go
// online — CDA where it applies, and the final outcome in words.

import { concatBytes } from "../../emv/bytes.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import { type BackHalf, type BackStep, decide, NEXT, terminateBack } from "./back-half.js";
import type { TransactionContext } from "./context.js";
import { buildCdolData, type CdaVerifier, describeCid, type GenerateAcOutcome, generateAc } from "./generate-ac.js";
import { isApproval, isReferral } from "./online.js";
import { defaultActionAnalysis } from "./terminal-action-analysis.js";

const STEP = "action-analysis";
const ZERO_CODES = Object.freeze({ denial: new Uint8Array(5), online: new Uint8Array(5), default: new Uint8Array(5) });

/** Authorisation Response Codes the terminal sets itself (Book 4 Annex A, 8A): offline and unable-to-go-online. */
export const TERMINAL_RESPONSE_CODES = Object.freeze({
  /** Y1: offline approved. */
  OFFLINE_APPROVED: Uint8Array.of(0x59, 0x31),
  /** Z1: offline declined. */
  OFFLINE_DECLINED: Uint8Array.of(0x5a, 0x31),
  /** Y3: unable to go online, offline approved. */
  UNABLE_ONLINE_APPROVED: Uint8Array.of(0x59, 0x33),
  /** Z3: unable to go online, offline declined. */
  UNABLE_ONLINE_DECLINED: Uint8Array.of(0x5a, 0x33),
});

/** Whether CDA applies: CDA chosen by ODA and not failed so far (Book 2 §6.6, Book 4 §6.3.2.1). */
export function cdaApplies(ctx: TransactionContext): boolean {
  return ctx.oda.method === "CDA" && ctx.oda.result !== "failed" && !ctx.tvr.isSet(TVR.CDA_FAILED);
}

/**
 * Book 3 §10.11: the second GENERATE AC. `authorisationResponseCode` goes into the data store for CDOL2 (8A) when
 * the terminal sets it (offline codes); the issuer's 8A is already in the store. CDA is requested with a TC
 * request when CDA applies; the hash covers CDOL1 ‖ CDOL2 data (Book 2 §6.6.2).
 */
export async function secondGenerateAc(
  ctx: TransactionContext,
  requested: "TC" | "AAC",
  cdol1Data: Uint8Array,
  verifyCda: CdaVerifier,
  terminalResponseCode?: Uint8Array,
): Promise<GenerateAcOutcome> {
  if (terminalResponseCode) ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, terminalResponseCode);
  const cdol2Data = buildCdolData(ctx, TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2);
  if ("error" in cdol2Data) return { ok: false, reason: cdol2Data.error };
  const cda = requested === "TC" && cdaApplies(ctx);
  return generateAc(
    ctx,
    requested,
    cdol2Data,
    { requested: cda, hashData: concatBytes(cdol1Data, cdol2Data), verify: verifyCda },
    "second",
  );
}

/**
 * Book 3 §10.11 as a step: the second GENERATE AC — after the issuer's answer, TC when it approved and AAC otherwise
 * (referrals are declined here); unable to go online, the default action codes decide (8A = Y3 / Z3).
 */
export async function completion(ctx: TransactionContext, back: BackHalf): Promise<BackStep> {
  const online = back.online;
  const cdol1Data = back.cdol1Data;
  if (!online || !cdol1Data) return terminateBack(ctx, back, "internal", "completion before online processing");
  let requested: "TC" | "AAC";
  let code: Uint8Array | undefined;
  if (online.kind === "unable") {
    requested = defaultActionAnalysis(ctx.tvr.bytes, back.tacs ?? ZERO_CODES, back.iacs ?? {});
    code =
      requested === "TC"
        ? TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_APPROVED
        : TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_DECLINED;
  } else {
    requested = isApproval(online.arc) ? "TC" : "AAC";
  }
  const second = await secondGenerateAc(ctx, requested, cdol1Data, back.verifyCda, code);
  if (!second.ok) return terminateBack(ctx, back, "card-error", second.reason);
  back.cryptograms.push(second.record);
  back.second = second;
  back.secondRequested = requested;
  if (online.kind === "answered")
    ctx.log(
      STEP,
      `GENERATE AC 2: ${describeCid(second.record.cid)}${second.record.cdaRequested ? " (CDA requested)" : ""}`,
    );
  return NEXT;
}

/** Book 3 §10.11 / Book 4 §6.3.7: the outcome once the second GENERATE AC and the scripts after it are done. */
export function completionDecision(ctx: TransactionContext, back: BackHalf): BackStep {
  const online = back.online;
  const second = back.second;
  if (!online || !second) return terminateBack(ctx, back, "internal", "no second GENERATE AC to decide on");
  if (online.kind === "unable") {
    const why = `unable to go online (${online.reason})`;
    if (second.cdaFailed)
      return decide(ctx, back, "declined", `${why}; CDA failed on the second GENERATE AC: ${second.cdaReason}`);
    return second.record.type === "TC"
      ? decide(ctx, back, "approved", `${why}; approved offline by the default action codes`)
      : decide(
          ctx,
          back,
          "declined",
          `${why}; declined ${back.secondRequested === "AAC" ? "by the default action codes" : "by the card"}`,
        );
  }
  const arc = online.arc;
  const note = back.scriptsAfterError ? `; scripts after GENERATE AC stopped: ${back.scriptsAfterError}` : "";
  if (second.cdaFailed)
    return decide(ctx, back, "online-declined", `CDA failed on the second GENERATE AC: ${second.cdaReason}${note}`);
  if (second.record.type === "TC")
    return decide(ctx, back, "online-approved", `issuer approved (${arc}); card accepted with TC${note}`);
  return decide(
    ctx,
    back,
    "online-declined",
    isApproval(arc)
      ? `issuer approved (${arc}) but the card declined with AAC${note}`
      : isReferral(arc)
        ? `issuer referral (${arc}) cannot be completed by voice here, declined: ${online.response.reason}${note}`
        : `issuer declined (${arc}): ${online.response.reason}${note}`,
  );
}
