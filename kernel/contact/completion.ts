// Completion (EMV Book 3 §10.11, Book 4 §6.3.7): the second GENERATE AC with CDOL2 data — the Authorisation
// Response Code from the issuer, or the terminal's own codes when it could not go online — CDA where it applies,
// and the final outcome in words.

import { concatBytes } from "../../emv/bytes.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import type { TransactionContext } from "./context.js";
import { buildCdolData, type CdaVerifier, type GenerateAcOutcome, generateAc } from "./generate-ac.js";

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
  const cdol2Data = buildCdolData(ctx, 0x8d);
  if ("error" in cdol2Data) return { ok: false, reason: cdol2Data.error };
  const cda = requested === "TC" && cdaApplies(ctx);
  return generateAc(ctx, requested, cdol2Data, {
    requested: cda,
    hashData: concatBytes(cdol1Data, cdol2Data),
    verify: verifyCda,
  });
}
