// Online processing (EMV Book 3 §10.9, Book 4 §6.3.6): the authorisation request ICC data (DE 55), the issuer host
// with a timeout, and issuer authentication by EXTERNAL AUTHENTICATE or by the ARPC carried in CDOL2 data.

import type { AuthorizationResponse } from "../../emv/authorisation.js";
import { isBitSet } from "../../emv/bits.js";
import { toHex } from "../../emv/bytes.js";
import { AIP } from "../../emv/fields/aip.js";
import { encodeTlvs, TlvError, type TlvInput } from "../../emv/tlv/ber.js";
import { DolError, parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TVR } from "../../emv/tvr.js";
import { settleWithin } from "../../transport/channel.js";
import { Commands } from "../card-session.js";
import type { Terminate } from "../termination.js";
import type { TransactionContext } from "./context.js";
import { onlinePinBlock } from "./cvm/pin.js";

const STEP = "online-processing";

/** How long the kernel waits for the issuer before treating it as unreachable (Book 4 §6.3.6). */
export const DEFAULT_HOST_TIMEOUT_MS = 15_000;

/**
 * Tags of the authorisation request ICC data, in order (Book 4 §6.3.6, Annex on DE 55 content): cryptogram data,
 * terminal data and card identification. 84 (DF Name) is used, 4F (AID) only when 84 is absent.
 */
export const AUTHORIZATION_TAGS: readonly number[] = [
  TAG.APPLICATION_CRYPTOGRAM,
  TAG.CRYPTOGRAM_INFORMATION_DATA,
  TAG.ISSUER_APPLICATION_DATA,
  TAG.UNPREDICTABLE_NUMBER,
  TAG.APPLICATION_TRANSACTION_COUNTER,
  TAG.TERMINAL_VERIFICATION_RESULTS,
  TAG.TRANSACTION_DATE,
  TAG.TRANSACTION_TYPE,
  TAG.AMOUNT_AUTHORISED_NUMERIC,
  TAG.TRANSACTION_CURRENCY_CODE,
  TAG.APPLICATION_INTERCHANGE_PROFILE,
  TAG.TERMINAL_COUNTRY_CODE,
  TAG.AMOUNT_OTHER_NUMERIC,
  TAG.TERMINAL_CAPABILITIES,
  TAG.CVM_RESULTS,
  TAG.TERMINAL_TYPE,
  TAG.DEDICATED_FILE_NAME,
  TAG.PAN_SEQUENCE_NUMBER,
  TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER,
];

/** Authorisation request ICC data as BER-TLV, with the real values (masking belongs to logs and reports). */
export function authorizationData(ctx: TransactionContext): Uint8Array {
  const nodes: TlvInput[] = [];
  for (const tag of AUTHORIZATION_TAGS) {
    let value = ctx.data.get(tag);
    let t = tag;
    if (tag === TAG.DEDICATED_FILE_NAME && !value) {
      value = ctx.data.get(TAG.APPLICATION_DEDICATED_FILE_NAME);
      t = 0x4f;
    }
    if (value) nodes.push({ tag: t, value });
  }
  return encodeTlvs(nodes);
}

export type HostAnswer =
  | { readonly reachable: true; readonly response: AuthorizationResponse }
  | { readonly reachable: false; readonly reason: string };

/** Ask the issuer; no host, a rejection or no answer within the timeout → unreachable (Book 3 §10.9). */
export async function requestAuthorization(
  ctx: TransactionContext,
  iccData: Uint8Array,
  timeoutMs = DEFAULT_HOST_TIMEOUT_MS,
): Promise<HostAnswer> {
  const host = ctx.host;
  if (!host || !ctx.config.onlineCapable) {
    return { reachable: false, reason: host ? "terminal is not online capable" : "no issuer host configured" };
  }
  const pin = onlinePinBlock(ctx);
  let asked: Promise<AuthorizationResponse>;
  try {
    asked = host.authorize({ iccData, ...(pin ? { onlinePinBlock: pin } : {}) });
  } catch (e) {
    asked = Promise.reject(e);
  }
  const answer = asked.then(
    (response): HostAnswer => ({ reachable: true, response }),
    (e: unknown): HostAnswer => ({
      reachable: false,
      reason: `issuer host unreachable: ${e instanceof Error ? e.message : String(e)}`,
    }),
  );
  // The wait bounded by the channels' shared watchdog, not a timer per authorisation.
  return settleWithin(answer, timeoutMs, () => ({
    reachable: false,
    reason: `issuer host did not answer within ${timeoutMs} ms`,
  }));
}

/** Authorisation Response Code (8A) as text, e.g. "00"; non-printable codes as hex. */
export function responseCodeText(code: Uint8Array): string {
  return /^[\x20-\x7E]*$/.test(String.fromCharCode(...code)) ? String.fromCharCode(...code) : toHex(code);
}

/** Book 4 §6.3.6 / Annex A (8A): "00", "08", "10", "11" approve; everything else (referrals included) declines. */
export function isApproval(responseCode: string): boolean {
  return ["00", "08", "10", "11"].includes(responseCode);
}

/** Book 4 §6.3.6: "01" / "02" are issuer referrals (voice authorisation). */
export function isReferral(responseCode: string): boolean {
  return responseCode === "01" || responseCode === "02";
}

/** Whether CDOL2 asks for the Issuer Authentication Data (91): the ARPC goes to the card in GENERATE AC 2. */
export function cdol2CarriesIssuerAuthentication(ctx: TransactionContext): boolean {
  const cdol2 = ctx.data.from("card", TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2);
  if (!cdol2) return false;
  try {
    return parseDol(cdol2).some((e) => e.tag === TAG.ISSUER_AUTHENTICATION_DATA);
  } catch (e) {
    if (e instanceof DolError || e instanceof TlvError) return false;
    throw e;
  }
}

export type IssuerAuthenticationOutcome =
  | { readonly kind: "passed" | "failed" | "not-performed"; readonly note: string }
  | Terminate;

/**
 * Book 3 §10.9: with Issuer Authentication Data (91) and the AIP saying issuer authentication is supported (B1b3),
 * send EXTERNAL AUTHENTICATE unless CDOL2 carries 91; SW other than 9000 → TVR "Issuer authentication failed".
 * TSI "Issuer authentication was performed" once EXTERNAL AUTHENTICATE is sent.
 */
export async function issuerAuthentication(
  ctx: TransactionContext,
  issuerAuthenticationData: Uint8Array | undefined,
): Promise<IssuerAuthenticationOutcome> {
  if (!issuerAuthenticationData) return { kind: "not-performed", note: "no Issuer Authentication Data (91) received" };
  const aip = ctx.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE);
  if (!aip || !isBitSet(aip, AIP.ISSUER_AUTHENTICATION_SUPPORTED)) {
    return { kind: "not-performed", note: "the AIP does not indicate issuer authentication (B1b3)" };
  }
  if (cdol2CarriesIssuerAuthentication(ctx)) {
    return { kind: "not-performed", note: "Issuer Authentication Data goes to the card in the CDOL2 data" };
  }
  const ex = await ctx.card.exchange(Commands.externalAuthenticate(issuerAuthenticationData));
  if (!ex.ok) return { kind: "terminate", cause: "card-error", reason: ex.error };
  ctx.tsi.set(TSI.ISSUER_AUTHENTICATION_PERFORMED);
  if (ex.response.sw === 0x9000) return { kind: "passed", note: "EXTERNAL AUTHENTICATE: 9000" };
  ctx.tvr.set(TVR.ISSUER_AUTHENTICATION_FAILED);
  return { kind: "failed", note: `EXTERNAL AUTHENTICATE: SW ${ex.response.sw.toString(16).toUpperCase()}` };
}

export { STEP as ONLINE_STEP };
