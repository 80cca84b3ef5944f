// Combined DDA/application cryptogram generation (EMV Book 2 §6.6, Book 3 §10.3 and §10.8): the ICC key is
// recovered during ODA; each GENERATE AC response's signature is verified against the transaction data hash.

import { concatBytes } from "../../../emv/bytes.js";
import { cdaTransactionDataHash, verifyCdaSignature } from "../../../emv/crypto/signed-data.js";
import { decodeTlvs } from "../../../emv/tlv/ber.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";
import type { CdaVerifier } from "../generate-ac.js";
import { recoverIccKey } from "./icc-key.js";
import type { OdaOutcome } from "./sda.js";

/** ODA-time part of CDA: recover and keep the ICC public key. */
export function prepareCda(ctx: TransactionContext): OdaOutcome {
  const icc = recoverIccKey(ctx);
  if (!icc.ok) return icc;
  ctx.oda.iccPublicKey = icc.key;
  return { ok: true, detail: "ICC public key recovered; the signature is checked at GENERATE AC" };
}

/**
 * Book 2 §6.6.2: verify the SDAD of a GENERATE AC response (template 77 content). `cdolData` is CDOL1 data for the
 * first GENERATE AC and CDOL1 ‖ CDOL2 data for the second.
 */
export const verifyCdaResponse: CdaVerifier = (ctx, input) => {
  const fail = (reason: string) => {
    ctx.oda.result = "failed";
    ctx.oda.reason = reason;
    return { ok: false as const, reason };
  };
  const key = ctx.oda.iccPublicKey;
  if (!key) return fail("CDA: no ICC public key was recovered");
  let nodes: ReturnType<typeof decodeTlvs>;
  try {
    nodes = decodeTlvs(input.response);
  } catch (e) {
    return fail(`CDA: GENERATE AC response is not valid BER-TLV: ${(e as Error).message}`);
  }
  const sdad = nodes.find((n) => n.tag === TAG.SIGNED_DYNAMIC_APPLICATION_DATA)?.value;
  if (!sdad) return fail("CDA: GENERATE AC response has no Signed Dynamic Application Data (9F4B)");
  const cid = nodes.find((n) => n.tag === TAG.CRYPTOGRAM_INFORMATION_DATA)?.value;
  if (cid?.length !== 1) return fail("CDA: GENERATE AC response has no Cryptogram Information Data (9F27)");
  const responseTlvs = concatBytes(
    ...nodes
      .filter((n) => n.tag !== TAG.SIGNED_DYNAMIC_APPLICATION_DATA)
      .map((n) => n.source.subarray(n.offset, n.valueOffset + n.length)),
  );
  const un = ctx.data.get(TAG.UNPREDICTABLE_NUMBER);
  if (!un) return fail("CDA: the terminal's Unpredictable Number (9F37) is missing");
  const transactionDataHash = cdaTransactionDataHash({
    pdolData: ctx.pdolData ?? new Uint8Array(0),
    cdol1Data: input.cdolData,
    responseTlvs,
  });
  const v = verifyCdaSignature(key, sdad, { unpredictableNumber: un, cid: cid[0]!, transactionDataHash });
  if (!v.ok) return fail(v.reason);
  ctx.data.set("card", TAG.ICC_DYNAMIC_NUMBER, v.iccDynamicNumber);
  ctx.log("card-action-analysis", `CDA signature verified (ICC dynamic number ${v.iccDynamicNumber.length} bytes)`);
  return { ok: true, cid: v.cid, applicationCryptogram: v.cryptogram };
};
