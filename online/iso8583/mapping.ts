// Mapping between emvsim's AuthorizationRequest/Response (emv/authorisation.ts) and ISO 8583:1987 messages:
// the ICC data goes whole in DE 55 (EMV Book 4 §6.3.6: the terminal sends the chip data to the issuer), the
// card's PAN, amount, currency, date and sequence number are copied from it to DE 2, 4, 49, 13 and 23, the
// online PIN block to DE 52. The answer carries DE 39 (8A), DE 55 with 91 and the 71/72 script templates,
// and the host's reason in DE 63.

import type { AuthorizationRequest, AuthorizationResponse } from "../../emv/authorisation.js";
import { toHex } from "../../emv/bytes.js";
import { decodeTlvs, encodeTlv, type Tlv, TlvError, walkTlvs } from "../../emv/tlv/ber.js";
import { panDigits } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { Iso8583Error, type Iso8583Message } from "./codec.js";

/** Terminal-side context of one request: who sends it and its trace number. */
export interface RequestContext {
  /** DE 11 systems trace audit number, 6 digits. */
  readonly stan: string;
  /** DE 41 terminal id, 8 characters. */
  readonly terminalId: string;
  /** DE 42 card acceptor id, 15 characters. */
  readonly merchantId: string;
  /** DE 7 transmission date and time MMDDhhmmss (UTC). */
  readonly transmission: string;
  /** DE 22 entry mode: "051" chip, "071" contactless chip (ISO 8583:1987 positions 1-2, 3 = PIN capability 1). */
  readonly entryMode?: string;
}

function primitives(iccData: Uint8Array): Map<number, Uint8Array> {
  const values = new Map<number, Uint8Array>();
  walkTlvs(decodeTlvs(iccData), (n: Tlv) => {
    if (!n.children && !values.has(n.tag)) values.set(n.tag, n.value);
  });
  return values;
}

/** Builds the 0100 (or 0200 financial) request for an authorisation. */
export function requestMessage(
  mti: "0100" | "0200" | "0120",
  request: AuthorizationRequest,
  context: RequestContext,
): Iso8583Message {
  const v = primitives(request.iccData);
  const fields = new Map<number, string | Uint8Array>();
  const pan = v.get(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  if (pan) fields.set(2, panDigits(pan));
  const type = v.get(TAG.TRANSACTION_TYPE);
  fields.set(3, `${type ? toHex(type) : "00"}0000`);
  const amount = v.get(TAG.AMOUNT_AUTHORISED_NUMERIC);
  fields.set(4, amount ? toHex(amount).padStart(12, "0").slice(-12) : "000000000000");
  fields.set(7, context.transmission);
  fields.set(11, context.stan);
  fields.set(12, context.transmission.slice(4, 10));
  const date = v.get(TAG.TRANSACTION_DATE);
  if (date) fields.set(13, toHex(date).slice(2, 6));
  const expiry = v.get(TAG.APPLICATION_EXPIRATION_DATE);
  if (expiry) fields.set(14, toHex(expiry).slice(0, 4));
  fields.set(22, context.entryMode ?? "051");
  const psn = v.get(TAG.PAN_SEQUENCE_NUMBER);
  if (psn) fields.set(23, toHex(psn).padStart(3, "0"));
  const track2 = v.get(TAG.TRACK_2_EQUIVALENT_DATA);
  if (track2) fields.set(35, toHex(track2).replace(/F+$/, ""));
  fields.set(41, context.terminalId.padEnd(8).slice(0, 8));
  fields.set(42, context.merchantId.padEnd(15).slice(0, 15));
  const currency = v.get(TAG.TRANSACTION_CURRENCY_CODE);
  if (currency) fields.set(49, toHex(currency).slice(-3));
  if (request.onlinePinBlock) fields.set(52, request.onlinePinBlock);
  fields.set(55, request.iccData);
  return { mti, fields };
}

/** The AuthorizationRequest a host reads from a request message (DE 55 and DE 52). */
export function authorizationRequestOf(message: Iso8583Message): AuthorizationRequest {
  const icc = message.fields.get(55);
  if (!(icc instanceof Uint8Array))
    throw new Iso8583Error("bad-value", `${message.mti}: field 55 (ICC data) is missing`, 55);
  try {
    decodeTlvs(icc);
  } catch (e) {
    const why = e instanceof TlvError ? e.message : String(e);
    throw new Iso8583Error("bad-value", `${message.mti}: field 55 is not BER-TLV: ${why}`, 55);
  }
  const pin = message.fields.get(52);
  return { iccData: icc, ...(pin instanceof Uint8Array ? { onlinePinBlock: pin } : {}) };
}

/** Echoed request fields in every answer (ISO 8583:1987: the response repeats the request's keys). */
export const ECHOED_FIELDS: readonly number[] = [2, 3, 4, 7, 11, 12, 13, 22, 23, 41, 42, 49];

/** Builds the answer to a request: DE 39, DE 38 approval code, DE 55 with 91/71/72, DE 63 reason. */
export function responseMessage(
  request: Iso8583Message,
  responseMti: string,
  response: AuthorizationResponse,
  approvalCode?: string,
): Iso8583Message {
  const fields = new Map<number, string | Uint8Array>();
  for (const n of ECHOED_FIELDS) {
    const value = request.fields.get(n);
    if (value !== undefined) fields.set(n, value);
  }
  if (approvalCode) fields.set(38, approvalCode);
  fields.set(39, new TextDecoder().decode(response.authorisationResponseCode));
  const parts: Uint8Array[] = [];
  if (response.issuerAuthenticationData)
    parts.push(encodeTlv(TAG.ISSUER_AUTHENTICATION_DATA, response.issuerAuthenticationData));
  parts.push(...response.scripts71, ...response.scripts72);
  if (parts.length > 0) {
    const total = parts.reduce((s, p) => s + p.length, 0);
    const icc = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) {
      icc.set(p, pos);
      pos += p.length;
    }
    fields.set(55, icc);
  }
  fields.set(63, response.reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 999));
  return { mti: responseMti, fields };
}

/** The AuthorizationResponse a terminal reads from an answer message. */
export function authorizationResponseOf(message: Iso8583Message): AuthorizationResponse {
  const code = message.fields.get(39);
  if (typeof code !== "string")
    throw new Iso8583Error("bad-value", `${message.mti}: field 39 (response code) is missing`, 39);
  const icc = message.fields.get(55);
  let issuerAuthenticationData: Uint8Array | undefined;
  const scripts71: Uint8Array[] = [];
  const scripts72: Uint8Array[] = [];
  if (icc instanceof Uint8Array) {
    let nodes: Tlv[];
    try {
      nodes = decodeTlvs(icc);
    } catch (e) {
      const why = e instanceof TlvError ? e.message : String(e);
      throw new Iso8583Error("bad-value", `${message.mti}: field 55 is not BER-TLV: ${why}`, 55);
    }
    for (const n of nodes) {
      if (n.tag === TAG.ISSUER_AUTHENTICATION_DATA) issuerAuthenticationData = n.value.slice();
      else if (n.tag === TAG.ISSUER_SCRIPT_TEMPLATE_1) scripts71.push(n.encoded.slice());
      else if (n.tag === TAG.ISSUER_SCRIPT_TEMPLATE_2) scripts72.push(n.encoded.slice());
    }
  }
  const reason = message.fields.get(63);
  return {
    authorisationResponseCode: new TextEncoder().encode(code),
    ...(issuerAuthenticationData ? { issuerAuthenticationData } : {}),
    scripts71,
    scripts72,
    reason: typeof reason === "string" ? reason : `response code ${code}`,
  };
}
