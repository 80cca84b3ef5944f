// Terminal and transaction data objects as the back-half steps read them: the transaction data store first
// (where the orchestrator puts the terminal configuration and transaction parameters, Book 3 §5.4), else the
// configuration or parameter it comes from. Formats per Book 3 Annex A.

import { fromHex, readUint, toHex } from "../../emv/bytes.js";
import { isFieldError } from "../../emv/fields/field-error.js";
import { parseTerminalType } from "../../emv/fields/terminal-type.js";
import { decodeNumeric, FormatError } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TRANSACTION_TYPE_CODE } from "../transaction-params.js";
import type { TransactionContext } from "./context.js";

/** Numeric (n) data as an integer, e.g. 05 28 → 528 (Book 3 §4.3); NaN when a nibble is not a digit. */
export function numericValue(value: Uint8Array): number {
  try {
    return Number(decodeNumeric(value));
  } catch (e) {
    if (e instanceof FormatError) return Number.NaN;
    throw e;
  }
}

/** Terminal Type (9F35), n2, as its two digits, e.g. "22" (Book 4 Annex A1). */
export function terminalType(ctx: TransactionContext): string {
  const v = ctx.data.get(TAG.TERMINAL_TYPE);
  if (v?.length === 1) return toHex(v);
  return ctx.config.terminalType.toString(16).padStart(2, "0").toUpperCase();
}

/** Book 4 Annex A1: whether the terminal is online only (terminal types x1 attended and x4 unattended). */
export function isOnlineOnlyTerminal(ctx: TransactionContext): boolean {
  const parsed = parseTerminalType(fromHex(terminalType(ctx)));
  return !isFieldError(parsed) && parsed.connectivity === "online only";
}

/** Terminal Capabilities (9F33), 3 bytes (Book 4 Annex A2). */
export function terminalCapabilities(ctx: TransactionContext): Uint8Array {
  return ctx.data.get(TAG.TERMINAL_CAPABILITIES) ?? ctx.config.capabilities;
}

/** Additional Terminal Capabilities (9F40), 5 bytes (Book 4 Annex A3). */
export function additionalTerminalCapabilities(ctx: TransactionContext): Uint8Array {
  return ctx.data.get(TAG.ADDITIONAL_TERMINAL_CAPABILITIES) ?? ctx.config.additionalCapabilities;
}

/** Terminal Country Code (9F1A) as an integer (ISO 3166 numeric). */
export function terminalCountryCode(ctx: TransactionContext): number {
  const v = ctx.data.get(TAG.TERMINAL_COUNTRY_CODE);
  return v ? numericValue(v) : ctx.config.countryCode;
}

/** Transaction Currency Code (5F2A) as an integer (ISO 4217 numeric). */
export function transactionCurrencyCode(ctx: TransactionContext): number {
  const v = ctx.data.get(TAG.TRANSACTION_CURRENCY_CODE);
  return v ? numericValue(v) : ctx.config.currencyCode;
}

/** Transaction Type (9C), the first two digits of the ISO 8583 processing code. */
export function transactionTypeCode(ctx: TransactionContext): number {
  const v = ctx.data.get(TAG.TRANSACTION_TYPE);
  return v?.length === 1 ? v[0]! : TRANSACTION_TYPE_CODE[ctx.params.type];
}

/** Transaction Date (9A), YYMMDD digits. */
export function transactionDate(ctx: TransactionContext): string {
  const v = ctx.data.get(TAG.TRANSACTION_DATE);
  return v ? toHex(v) : ctx.params.date;
}

/** Amount, Authorised (9F02 n12, or 81 binary) in minor units. */
export function amountAuthorised(ctx: TransactionContext): number {
  const n = ctx.data.get(TAG.AMOUNT_AUTHORISED_NUMERIC);
  if (n) return numericValue(n);
  const b = ctx.data.get(TAG.AMOUNT_AUTHORISED_BINARY);
  return b && b.length <= 6 ? readUint(b) : ctx.params.amount;
}

/** Amount, Other (9F03 n12, or 9F04 binary) in minor units. */
export function amountOther(ctx: TransactionContext): number {
  const n = ctx.data.get(TAG.AMOUNT_OTHER_NUMERIC);
  if (n) return numericValue(n);
  const b = ctx.data.get(TAG.AMOUNT_OTHER_BINARY);
  return b && b.length <= 6 ? readUint(b) : ctx.params.otherAmount;
}

/** Terminal Floor Limit (9F1B, binary 4) in minor units; the selected AID's setting otherwise. */
export function terminalFloorLimit(ctx: TransactionContext): number {
  const v = ctx.data.get(TAG.TERMINAL_FLOOR_LIMIT);
  if (v && v.length <= 6) return readUint(v);
  return ctx.aid?.floorLimit ?? 0;
}

/** Application Version Number, terminal (9F09). */
export function terminalApplicationVersion(ctx: TransactionContext): Uint8Array | undefined {
  return ctx.data.get(TAG.APPLICATION_VERSION_NUMBER_TERMINAL) ?? ctx.aid?.applicationVersion;
}
