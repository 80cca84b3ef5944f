// Terminal and transaction data objects put into the data store before application selection (EMV Book 3 §5.4,
// Annex A; Book 4 §6.3): configuration (9F35, 9F33, 9F40, 9F1A, 5F2A, 5F36, terminal data) and transaction
// parameters (9A, 9F21, 9C, 9F02/81, 9F03/9F04, 9F41, 9F37); per-AID values (9F06, 9F09, 9F1B) after final selection.

import { fromHex, writeUint } from "../../emv/bytes.js";
import { encodeNumeric } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { AidConfig } from "../config/types.js";
import type { DataSource } from "../data/store.js";
import { TRANSACTION_TYPE_CODE } from "../transaction-params.js";
import type { TransactionContext } from "./context.js";

/** A problem with the configuration or the parameters, naming the data object. */
export interface TerminalDataError {
  readonly error: string;
}

function digits(value: number, length: number, what: string): Uint8Array | TerminalDataError {
  const max = 10 ** (2 * length) - 1;
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    return { error: `${what}: ${value} is not a whole number from 0 to ${max}` };
  }
  return encodeNumeric(String(value), length, what);
}

/**
 * Book 3 §5.4: the terminal-sourced data objects DOLs may ask for. Returns an error naming the first value that
 * cannot be encoded (the transaction is then terminated before anything is sent to the card).
 */
export function putTerminalData(ctx: TransactionContext): TerminalDataError | undefined {
  const { config, params, data } = ctx;
  // Other terminal data objects first, so the explicit settings below take precedence.
  for (const [tag, value] of config.terminalData) data.set("terminal", tag, value);
  data.set("terminal", TAG.TERMINAL_TYPE, Uint8Array.of(config.terminalType & 0xff));
  data.set("terminal", TAG.TERMINAL_CAPABILITIES, config.capabilities);
  data.set("terminal", TAG.ADDITIONAL_TERMINAL_CAPABILITIES, config.additionalCapabilities);
  const numeric: readonly (readonly [DataSource, number, number, number, string])[] = [
    ["terminal", TAG.TERMINAL_COUNTRY_CODE, config.countryCode, 2, "Terminal Country Code (9F1A)"],
    ["terminal", TAG.TRANSACTION_CURRENCY_CODE, config.currencyCode, 2, "Transaction Currency Code (5F2A)"],
    ["terminal", TAG.TRANSACTION_CURRENCY_EXPONENT, config.currencyExponent, 1, "Transaction Currency Exponent (5F36)"],
    ["transaction", TAG.AMOUNT_AUTHORISED_NUMERIC, params.amount, 6, "Amount, Authorised (9F02)"],
    ["transaction", TAG.AMOUNT_OTHER_NUMERIC, params.otherAmount, 6, "Amount, Other (9F03)"],
    ["transaction", TAG.TRANSACTION_SEQUENCE_COUNTER, params.sequenceCounter, 4, "Transaction Sequence Counter (9F41)"],
  ];
  for (const [source, tag, value, length, what] of numeric) {
    const encoded = digits(value, length, what);
    if ("error" in encoded) return encoded;
    data.set(source, tag, encoded);
  }
  for (const [tag, text, what] of [
    [TAG.TRANSACTION_DATE, params.date, "Transaction Date (9A)"],
    [TAG.TRANSACTION_TIME, params.time, "Transaction Time (9F21)"],
  ] as const) {
    if (!/^[0-9]{6}$/.test(text)) return { error: `${what}: "${text}" is not six digits` };
    data.set("transaction", tag, fromHex(text));
  }
  data.set("transaction", TAG.TRANSACTION_TYPE, Uint8Array.of(TRANSACTION_TYPE_CODE[params.type]));
  // Binary forms (81, 9F04) are 4 bytes: only amounts that fit are given (Book 3 Annex A).
  if (params.amount <= 0xffffffff) data.set("transaction", TAG.AMOUNT_AUTHORISED_BINARY, writeUint(params.amount, 4));
  if (params.otherAmount <= 0xffffffff)
    data.set("transaction", TAG.AMOUNT_OTHER_BINARY, writeUint(params.otherAmount, 4));
  data.set("transaction", TAG.UNPREDICTABLE_NUMBER, params.random.bytes(4));
  // TVR and TSI as they are when read (Book 3 Annex A: 95, 9B).
  data.compute(TAG.TERMINAL_VERIFICATION_RESULTS, () => ctx.tvr.bytes);
  data.compute(TAG.TRANSACTION_STATUS_INFORMATION, () => ctx.tsi.bytes);
  return undefined;
}

/** After final selection (Book 3 §10.1): the terminal's settings for the selected application. */
export function putApplicationData(ctx: TransactionContext, aid: AidConfig): void {
  ctx.data.set("terminal", TAG.AID_TERMINAL, aid.aid);
  ctx.data.set("terminal", TAG.APPLICATION_VERSION_NUMBER_TERMINAL, aid.applicationVersion);
  ctx.data.set(
    "terminal",
    TAG.TERMINAL_FLOOR_LIMIT,
    writeUint(Math.min(Math.max(0, Math.trunc(aid.floorLimit)), 0xffffffff), 4),
  );
}
