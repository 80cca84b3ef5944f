// User Interface Request (EMV Contactless Book A §7.1 and Table 9-x standard messages; encoded as User Interface
// Request Data DF8116, Book C-2 Annex A): what the reader shows the cardholder, for how long, with which status.

import { toHex } from "../bytes.js";
import { decodeNumeric, encodeNumeric, FormatError } from "../tlv/formats.js";
import type { FieldError } from "./field-error.js";

/** Book A standard message identifiers. */
export const UI_MESSAGES: Readonly<Record<number, string>> = {
  3: "Approved",
  7: "Not Authorised",
  9: "Please Enter Your PIN",
  15: "Processing Error",
  16: "Please Remove Card",
  20: "Welcome",
  21: "Present Card",
  22: "Processing",
  23: "Card Read OK, Please Remove Card",
  24: "Please Insert or Swipe Card",
  25: "Please Present One Card Only",
  26: "Approved, Please Sign",
  27: "Authorising, Please Wait",
  28: "Insert, Swipe or Try Another Card",
  29: "Please Insert Card",
  30: "(Clear Display)",
  32: "See Phone for Instructions",
  33: "Present Card Again",
};

export const UI_MESSAGE = Object.freeze({
  APPROVED: 0x03,
  NOT_AUTHORISED: 0x07,
  ENTER_PIN: 0x09,
  PROCESSING_ERROR: 0x0f,
  REMOVE_CARD: 0x10,
  PRESENT_CARD: 0x15,
  PROCESSING: 0x16,
  CARD_READ_OK: 0x17,
  INSERT_OR_SWIPE: 0x18,
  ONE_CARD_ONLY: 0x19,
  APPROVED_SIGN: 0x1a,
  AUTHORISING: 0x1b,
  TRY_ANOTHER_CARD: 0x1c,
  INSERT_CARD: 0x1d,
  SEE_PHONE: 0x20,
  PRESENT_CARD_AGAIN: 0x21,
});

/** Book A §7.1 statuses with their DF8116 byte 2 codes (Book C-2 Annex A). */
export const UI_STATUSES = [
  "Not Ready",
  "Idle",
  "Ready to Read",
  "Processing",
  "Card Read Successfully",
  "Processing Error",
] as const;
export type UiStatus = (typeof UI_STATUSES)[number];

export type ValueQualifier = "none" | "amount" | "balance";

export interface UiRequest {
  readonly messageId: number;
  readonly status: UiStatus;
  /** Hold time in units of 100 ms. */
  readonly holdTime: number;
  readonly languagePreference?: string;
  readonly valueQualifier: ValueQualifier;
  /** Value (amount or balance) in minor units, with its currency code (numeric ISO 4217). */
  readonly value?: number;
  readonly currencyCode?: number;
}

export function uiRequest(messageId: number, status: UiStatus, holdTime = 0): UiRequest {
  return { messageId, status, holdTime, valueQualifier: "none" };
}

export function messageName(id: number): string {
  return UI_MESSAGES[id] ?? `message ${toHex(Uint8Array.of(id))} (not a Book A standard message)`;
}

/** The request in words, e.g. "Approved (status Card Read Successfully, hold 1.5 s)". */
export function describeUiRequest(r: UiRequest): string {
  const parts = [`status ${r.status}`];
  if (r.holdTime > 0) parts.push(`hold ${(r.holdTime / 10).toFixed(1)} s`);
  if (r.valueQualifier !== "none" && r.value !== undefined) parts.push(`${r.valueQualifier} ${r.value}`);
  if (r.languagePreference) parts.push(`language ${r.languagePreference}`);
  return `${messageName(r.messageId)} (${parts.join(", ")})`;
}

const QUALIFIER_CODE: Readonly<Record<ValueQualifier, number>> = { none: 0x00, amount: 0x10, balance: 0x20 };

/** DF8116, 22 bytes: message, status, hold time n6, language an8, qualifier, value n12, currency n4. */
export function encodeUiRequest(r: UiRequest): Uint8Array {
  const out = new Uint8Array(22);
  out[0] = r.messageId & 0xff;
  out[1] = UI_STATUSES.indexOf(r.status);
  out.set(encodeNumeric(String(Math.min(Math.max(0, Math.trunc(r.holdTime)), 999_999)), 3), 2);
  const lang = (r.languagePreference ?? "").slice(0, 8);
  for (let i = 0; i < lang.length; i++) out[5 + i] = lang.charCodeAt(i) & 0x7f;
  out[13] = QUALIFIER_CODE[r.valueQualifier];
  out.set(encodeNumeric(String(Math.min(Math.max(0, Math.trunc(r.value ?? 0)), 999_999_999_999)), 6), 14);
  out.set(encodeNumeric(String(Math.min(Math.max(0, Math.trunc(r.currencyCode ?? 0)), 9999)), 2), 20);
  return out;
}

export function decodeUiRequest(value: Uint8Array): UiRequest | FieldError {
  if (value.length !== 22)
    return { error: `User Interface Request Data (DF8116): length ${value.length}, expected 22` };
  const status = UI_STATUSES[value[1]!];
  if (!status) return { error: `User Interface Request Data (DF8116): status ${toHex(value.subarray(1, 2))} is RFU` };
  const qualifier = (Object.keys(QUALIFIER_CODE) as ValueQualifier[]).find((q) => QUALIFIER_CODE[q] === value[13]);
  if (!qualifier)
    return { error: `User Interface Request Data (DF8116): value qualifier ${toHex(value.subarray(13, 14))} is RFU` };
  try {
    const lang = String.fromCharCode(...value.subarray(5, 13).filter((c) => c !== 0));
    const holdTime = Number(decodeNumeric(value.subarray(2, 5)));
    const amount = Number(decodeNumeric(value.subarray(14, 20)));
    const currency = Number(decodeNumeric(value.subarray(20, 22)));
    return {
      messageId: value[0]!,
      status,
      holdTime,
      valueQualifier: qualifier,
      ...(lang ? { languagePreference: lang } : {}),
      ...(qualifier !== "none" ? { value: amount, currencyCode: currency } : {}),
    };
  } catch (e) {
    if (e instanceof FormatError) return { error: `User Interface Request Data (DF8116): ${e.message}` };
    throw e;
  }
}
