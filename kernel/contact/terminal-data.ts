// Terminal and transaction data objects put into the data store before application selection (EMV Book 3 §5.4,
// Annex A; Book 4 §6.3): configuration (9F35, 9F33, 9F40, 9F1A, 5F2A, 5F36, terminal data) and transaction
// parameters (9A, 9F21, 9C, 9F02/81, 9F03/9F04, 9F41, 9F37); per-AID values (9F06, 9F09, 9F1B) after final selection.

import { fromHex, writeUint } from "../../emv/bytes.js";
import { encodeNumeric } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { AidConfig, TerminalConfig } from "../config/types.js";
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

/** The configuration's data objects in the order they are stored, up to the first that cannot be encoded. */
interface ConfigData {
  readonly entries: readonly (readonly [number, Uint8Array])[];
  readonly error?: TerminalDataError;
}

/**
 * Per terminal configuration (configurations are immutable): its data objects encoded once, not at every
 * transaction — they are the same for each.
 */
const configData = new WeakMap<TerminalConfig, ConfigData>();

function encodeConfigData(config: TerminalConfig): ConfigData {
  // Other terminal data objects first, so the explicit settings below take precedence.
  const out: (readonly [number, Uint8Array])[] = [...config.terminalData];
  out.push([TAG.TERMINAL_TYPE, Uint8Array.of(config.terminalType & 0xff)]);
  out.push([TAG.TERMINAL_CAPABILITIES, config.capabilities]);
  out.push([TAG.ADDITIONAL_TERMINAL_CAPABILITIES, config.additionalCapabilities]);
  const numeric = [
    [TAG.TERMINAL_COUNTRY_CODE, config.countryCode, 2, "Terminal Country Code (9F1A)"],
    [TAG.TRANSACTION_CURRENCY_CODE, config.currencyCode, 2, "Transaction Currency Code (5F2A)"],
    [TAG.TRANSACTION_CURRENCY_EXPONENT, config.currencyExponent, 1, "Transaction Currency Exponent (5F36)"],
  ] as const;
  for (const [tag, value, length, what] of numeric) {
    const encoded = digits(value, length, what);
    if ("error" in encoded) return { entries: out, error: encoded };
    out.push([tag, encoded]);
  }
  return { entries: out };
}

/** A numeric transaction parameter into the transaction layer (Book 3 Annex A, format n), or why it cannot be. */
function putDigits(
  ctx: TransactionContext,
  tag: number,
  value: number,
  length: number,
  what: string,
): TerminalDataError | undefined {
  const encoded = digits(value, length, what);
  if ("error" in encoded) return encoded;
  ctx.data.set("transaction", tag, encoded);
  return undefined;
}

const SIX_DIGITS = /^[0-9]{6}$/;

/**
 * Book 3 §5.4: the terminal-sourced data objects DOLs may ask for. Returns an error naming the first value that
 * cannot be encoded (the transaction is then terminated before anything is sent to the card).
 */
export function putTerminalData(ctx: TransactionContext): TerminalDataError | undefined {
  const { config, params, data } = ctx;
  let fromConfig = configData.get(config);
  if (!fromConfig) {
    fromConfig = encodeConfigData(config);
    configData.set(config, fromConfig);
  }
  for (const [tag, value] of fromConfig.entries) data.set("terminal", tag, value);
  if (fromConfig.error) return fromConfig.error;
  const numericError =
    putDigits(ctx, TAG.AMOUNT_AUTHORISED_NUMERIC, params.amount, 6, "Amount, Authorised (9F02)") ??
    putDigits(ctx, TAG.AMOUNT_OTHER_NUMERIC, params.otherAmount, 6, "Amount, Other (9F03)") ??
    putDigits(ctx, TAG.TRANSACTION_SEQUENCE_COUNTER, params.sequenceCounter, 4, "Transaction Sequence Counter (9F41)");
  if (numericError) return numericError;
  if (!SIX_DIGITS.test(params.date)) return { error: `Transaction Date (9A): "${params.date}" is not six digits` };
  data.set("transaction", TAG.TRANSACTION_DATE, fromHex(params.date));
  if (!SIX_DIGITS.test(params.time)) return { error: `Transaction Time (9F21): "${params.time}" is not six digits` };
  data.set("transaction", TAG.TRANSACTION_TIME, fromHex(params.time));
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
