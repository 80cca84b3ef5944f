// Card action analysis (EMV Book 3 §10.8): the first GENERATE AC with the CDOL1 data and the cryptogram terminal
// action analysis asked for (CDA requested for a TC or an ARQC when CDA applies, Book 2 §6.6), and what the card's
// answer decides: an AAC declines, a TC approves offline, an ARQC goes online.

import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI } from "../../emv/tvr.js";
import { type BackHalf, type BackStep, decide, NEXT, terminateBack } from "./back-half.js";
import { cdaApplies, secondGenerateAc, TERMINAL_RESPONSE_CODES } from "./completion.js";
import type { TransactionContext } from "./context.js";
import { buildCdolData, describeCid, generateAc } from "./generate-ac.js";

const STEP = "action-analysis";

export async function cardActionAnalysis(ctx: TransactionContext, back: BackHalf): Promise<BackStep> {
  const requested = back.requested;
  if (!requested) return terminateBack(ctx, back, "internal", "card action analysis before terminal action analysis");
  // Book 3 §10.8: first GENERATE AC with CDOL1 data; CDA requested for TC/ARQC when CDA applies.
  const cdol1Data = buildCdolData(ctx, TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1);
  if ("error" in cdol1Data) return terminateBack(ctx, back, "card-error", cdol1Data.error);
  back.cdol1Data = cdol1Data;
  const cda = cdaApplies(ctx) && requested !== "AAC";
  const first = await generateAc(
    ctx,
    requested,
    cdol1Data,
    { requested: cda, hashData: cdol1Data, verify: back.verifyCda },
    "first",
  );
  if (!first.ok) return terminateBack(ctx, back, "card-error", first.reason);
  back.cryptograms.push(first.record);
  // Book 3 §10.8: TSI "Card risk management was performed" once the card has answered GENERATE AC.
  ctx.tsi.set(TSI.CARD_RISK_MANAGEMENT_PERFORMED);
  ctx.log(
    STEP,
    `GENERATE AC 1: ${describeCid(first.record.cid)}${first.record.cdaRequested ? " (CDA requested)" : ""}`,
  );
  if (first.cdaFailed) ctx.log(STEP, `CDA failed: ${first.cdaReason}`);
  // Book 2 §6.6.2: CDA has passed only when a signature was checked; an AAC carries none (CDA stays not performed).
  if (ctx.oda.method === "CDA" && ctx.oda.result === "pending" && first.cdaVerified) ctx.oda.result = "passed";
  if (ctx.oda.method === "CDA" && ctx.oda.result === "pending" && first.record.type === "AAC" && cda)
    ctx.oda.reason = "the card answered the first GENERATE AC with an AAC, which carries no CDA signature";

  switch (first.record.type) {
    case "AAC":
      ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, TERMINAL_RESPONSE_CODES.OFFLINE_DECLINED);
      return decide(
        ctx,
        back,
        "declined",
        requested === "AAC"
          ? "declined offline by terminal action analysis (AAC)"
          : "declined offline by the card (AAC)",
      );
    case "TC":
      // Book 2 §6.6.2: a TC whose CDA signature fails is not accepted: decline.
      if (first.cdaFailed) {
        ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, TERMINAL_RESPONSE_CODES.OFFLINE_DECLINED);
        return decide(ctx, back, "declined", `CDA failed on the TC: ${first.cdaReason}`);
      }
      ctx.data.set("transaction", TAG.AUTHORISATION_RESPONSE_CODE, TERMINAL_RESPONSE_CODES.OFFLINE_APPROVED);
      return decide(ctx, back, "approved", "approved offline (TC)");
    case "ARQC":
      break;
  }

  // Book 2 §6.6.2: CDA failed on the ARQC → no online request; complete with an AAC.
  if (first.cdaFailed) {
    const second = await secondGenerateAc(
      ctx,
      "AAC",
      cdol1Data,
      back.verifyCda,
      TERMINAL_RESPONSE_CODES.OFFLINE_DECLINED,
    );
    if (!second.ok) return terminateBack(ctx, back, "card-error", second.reason);
    back.cryptograms.push(second.record);
    return decide(ctx, back, "declined", `CDA failed on the ARQC (${first.cdaReason}); completed with AAC`);
  }
  return NEXT;
}
