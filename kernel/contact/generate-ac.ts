// GENERATE AC (EMV Book 3 §6.5.5, §9.3, §10.8): build the CDOL data, send the command with the requested
// cryptogram type and CDA flag, parse format 1 (80) and format 2 (77) responses, check the CID against the request,
// and hand CDA responses to the CDA verifier (Book 2 §6.6).

import { copyBytes, hexByte, hexWord } from "../../emv/bytes.js";
import { sha1 } from "../../emv/crypto/hash.js";
import { describeCid as describeCidFields, parseCid } from "../../emv/fields/cid.js";
import { decodeTlv, findTlv, type Tlv, TlvError } from "../../emv/tlv/ber.js";
import { buildDolData, DolError, parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import { Commands, MAX_SHORT_COMMAND_DATA } from "../card-session.js";
import type { TransactionContext } from "./context.js";
import type { CryptogramRecord, CryptogramType } from "./decision.js";

/** Cryptogram Information Data (9F27) b8–b7 (Book 3 §6.5.5.4 Table 14); undefined for the RFU type 11. */
export function cryptogramTypeOf(cid: number): CryptogramType | undefined {
  const info = parseCid(Uint8Array.of(cid));
  return "error" in info || info.type === "RFU" ? undefined : info.type;
}

/** Which GENERATE AC of the transaction: the first (Book 3 §10.8) or the second, at completion (§10.11). */
export type GenerateAcNumber = "first" | "second";

/**
 * Book 3 §9.3 Table 12: at the first GENERATE AC the card may answer a TC request with TC, ARQC or AAC, an ARQC
 * request with ARQC or AAC, an AAC request only with AAC; at the second GENERATE AC (TC or AAC requested) it answers
 * TC or AAC, never an ARQC. Anything else is "a type higher than requested" (or an ARQC at completion).
 */
export function cryptogramAllowed(
  requested: CryptogramType,
  returned: CryptogramType,
  which: GenerateAcNumber = "first",
): boolean {
  if (which === "second" && returned === "ARQC") return false;
  const rank: Record<CryptogramType, number> = { AAC: 0, ARQC: 1, TC: 2 };
  return rank[returned] <= rank[requested];
}

/** The CID in words: type, advice, reason (Book 3 §6.5.5.4 Table 14). */
export function describeCid(cid: number): string {
  const info = parseCid(Uint8Array.of(cid));
  return "error" in info ? info.error : describeCidFields(info).join(", ");
}

/** The parsed GENERATE AC response (Book 3 §6.5.5.4). */
export interface GenerateAcResponse {
  readonly format: 1 | 2;
  readonly cid: number;
  readonly atc: Uint8Array;
  /** Absent in a format 2 CDA response, where the AC is inside the Signed Dynamic Application Data. */
  readonly applicationCryptogram?: Uint8Array;
  readonly issuerApplicationData?: Uint8Array;
  /** Signed Dynamic Application Data (9F4B), CDA only. */
  readonly signedDynamicData?: Uint8Array;
  /** The response data field (template content) for the CDA transaction data hash. */
  readonly template: Uint8Array;
}

/** Parse the GENERATE AC response data (Book 3 §6.5.5.4); an error in words names the field and offset. */
export function parseGenerateAcResponse(data: Uint8Array): GenerateAcResponse | { readonly error: string } {
  let top: Tlv;
  try {
    top = decodeTlv(data);
  } catch (e) {
    if (e instanceof TlvError) return { error: `GENERATE AC response: ${e.message}` };
    throw e;
  }
  if (top.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1) {
    // Format 1: CID (1) ‖ ATC (2) ‖ AC (8) ‖ IAD (0–32).
    const v = top.value;
    if (v.length < 11 || v.length > 43) {
      return { error: `GENERATE AC response: format 1 (tag 80) length ${v.length} is not 11–43 (CID, ATC, AC, IAD)` };
    }
    return {
      format: 1,
      cid: v[0]!,
      atc: v.slice(1, 3),
      applicationCryptogram: v.slice(3, 11),
      ...(v.length > 11 ? { issuerApplicationData: v.slice(11) } : {}),
      template: copyBytes(v),
    };
  }
  if (top.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2 && top.children) {
    const get = (tag: number) => {
      const v = findTlv(top.children!, tag)?.value;
      return v && copyBytes(v);
    };
    const cid = get(TAG.CRYPTOGRAM_INFORMATION_DATA);
    const atc = get(TAG.APPLICATION_TRANSACTION_COUNTER);
    if (cid?.length !== 1) return { error: "GENERATE AC response: format 2 (77) without a 1-byte CID (9F27)" };
    if (atc?.length !== 2) return { error: "GENERATE AC response: format 2 (77) without a 2-byte ATC (9F36)" };
    const ac = get(TAG.APPLICATION_CRYPTOGRAM);
    const iad = get(TAG.ISSUER_APPLICATION_DATA);
    const sdad = get(TAG.SIGNED_DYNAMIC_APPLICATION_DATA);
    if (!ac && !sdad)
      return { error: "GENERATE AC response: format 2 (77) has neither an AC (9F26) nor an SDAD (9F4B)" };
    if (ac && ac.length !== 8) return { error: `GENERATE AC response: AC (9F26) length ${ac.length} is not 8` };
    return {
      format: 2,
      cid: cid[0]!,
      atc,
      ...(ac ? { applicationCryptogram: ac } : {}),
      ...(iad ? { issuerApplicationData: iad } : {}),
      ...(sdad ? { signedDynamicData: sdad } : {}),
      template: copyBytes(top.value),
    };
  }
  return { error: `GENERATE AC response: tag ${top.tagHex} is neither format 1 (80) nor format 2 (77)` };
}

/** D1's CDA verification (kernel/steps/oda/cda.ts `verifyCdaResponse`), injected to keep the modules apart. */
export type CdaVerifier = (
  ctx: TransactionContext,
  input: { readonly cdolData: Uint8Array; readonly response: Uint8Array },
) =>
  | { readonly ok: true; readonly cid: number; readonly applicationCryptogram: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/** Build DOL data for CDOL1/CDOL2 (Book 3 §5.4); TC Hash Value (98) from the TDOL when the CDOL asks for it. */
export function buildCdolData(
  ctx: TransactionContext,
  cdolTag: typeof TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1 | typeof TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2,
): Uint8Array | { readonly error: string } {
  const name = cdolTag === TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1 ? "CDOL1 (8C)" : "CDOL2 (8D)";
  const cdol = ctx.data.from("card", cdolTag);
  if (!cdol) return { error: `${name} is missing` };
  try {
    const entries = parseDol(cdol);
    // Book 3 §5.4 / §10.7: TC Hash Value (98) = SHA-1 of the TDOL data; default TDOL used → TVR B5b8.
    if (entries.some((e) => e.tag === TAG.TC_HASH_VALUE)) {
      let tdol = ctx.data.from("card", TAG.TRANSACTION_CERTIFICATE_DATA_OBJECT_LIST);
      if (!tdol && ctx.aid && ctx.aid.defaultTdol.length > 0) {
        tdol = ctx.aid.defaultTdol;
        ctx.tvr.set(TVR.DEFAULT_TDOL_USED);
      }
      const tdolData = tdol ? buildDolData(parseDol(tdol), ctx.data) : new Uint8Array(0);
      ctx.data.set("transaction", TAG.TC_HASH_VALUE, sha1(tdolData));
    }
    const data = buildDolData(entries, ctx.data);
    // Book 3 §6.5.5: the CDOL data is the command data of GENERATE AC, which must fit a short APDU.
    if (data.length > MAX_SHORT_COMMAND_DATA)
      return {
        error: `${name} asks for ${data.length} bytes of data; GENERATE AC carries at most ${MAX_SHORT_COMMAND_DATA}`,
      };
    return data;
  } catch (e) {
    if (e instanceof DolError) return { error: `${name}: ${e.message}` };
    throw e;
  }
}

export type GenerateAcOutcome =
  | {
      readonly ok: true;
      readonly record: CryptogramRecord;
      readonly response: GenerateAcResponse;
      /** CDA was requested and the signature did not verify (TVR "CDA failed" set by the verifier). */
      readonly cdaFailed: boolean;
      /** CDA was requested and the signature was checked and verified (for an AAC only when the card signed it). */
      readonly cdaVerified: boolean;
      readonly cdaReason?: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Send GENERATE AC and check the answer (Book 3 §10.8): transport failure, an SW other than 9000, a malformed
 * response, an RFU cryptogram type or a type higher than requested end the transaction.
 */
export async function generateAc(
  ctx: TransactionContext,
  requested: CryptogramType,
  cdolData: Uint8Array,
  cda: { readonly requested: boolean; readonly hashData: Uint8Array; readonly verify: CdaVerifier },
  which: GenerateAcNumber,
): Promise<GenerateAcOutcome> {
  const ex = await ctx.card.exchange(Commands.generateAc(requested, cdolData, cda.requested));
  if (!ex.ok) return { ok: false, reason: ex.error };
  if (ex.response.sw !== 0x9000) {
    return {
      ok: false,
      reason: `GENERATE AC (${requested}): card answered SW ${hexWord(ex.response.sw)}`,
    };
  }
  const parsed = parseGenerateAcResponse(ex.response.data);
  if ("error" in parsed) return { ok: false, reason: parsed.error };
  const type = cryptogramTypeOf(parsed.cid);
  // Book 3 §10.8: an RFU cryptogram type in the CID is invalid → terminate.
  if (!type) return { ok: false, reason: `GENERATE AC: CID ${hexByte(parsed.cid)} has the RFU cryptogram type 11` };
  // Book 3 §9.3: a cryptogram type higher than requested, or an ARQC at the second GENERATE AC → terminate.
  if (!cryptogramAllowed(requested, type, which)) {
    return {
      ok: false,
      reason: `${which === "second" ? "second " : ""}GENERATE AC: card returned ${type} when ${requested} was requested`,
    };
  }
  for (const [tag, value] of [
    [TAG.CRYPTOGRAM_INFORMATION_DATA, Uint8Array.of(parsed.cid)],
    [TAG.APPLICATION_TRANSACTION_COUNTER, parsed.atc],
    [TAG.APPLICATION_CRYPTOGRAM, parsed.applicationCryptogram],
    [TAG.ISSUER_APPLICATION_DATA, parsed.issuerApplicationData],
    [TAG.SIGNED_DYNAMIC_APPLICATION_DATA, parsed.signedDynamicData],
  ] as const) {
    if (value) ctx.data.set("card", tag, value);
  }
  let applicationCryptogram = parsed.applicationCryptogram;
  let cdaFailed = false;
  let cdaVerified = false;
  let cdaReason: string | undefined;
  // Book 2 §6.6.2: CDA requested and a TC or ARQC returned → verify the signature. An AAC normally carries none
  // (nothing to check, CDA not failed); a card that signs its AAC anyway (9F4B present) has that signature checked.
  if (cda.requested && (type !== "AAC" || parsed.signedDynamicData !== undefined)) {
    const v = cda.verify(ctx, { cdolData: cda.hashData, response: parsed.template });
    if (v.ok) {
      applicationCryptogram = v.applicationCryptogram;
      cdaVerified = true;
      ctx.data.set("card", TAG.APPLICATION_CRYPTOGRAM, v.applicationCryptogram);
    } else {
      cdaFailed = true;
      cdaReason = v.reason;
      ctx.tvr.set(TVR.CDA_FAILED);
    }
  }
  const record: CryptogramRecord = {
    requested,
    type,
    cid: parsed.cid,
    value: applicationCryptogram ?? new Uint8Array(0),
    atc: parsed.atc,
    cdaRequested: cda.requested,
  };
  return { ok: true, record, response: parsed, cdaFailed, cdaVerified, ...(cdaReason ? { cdaReason } : {}) };
}
