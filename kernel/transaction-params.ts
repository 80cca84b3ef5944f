// The transaction as the terminal application starts it, for any kernel (EMV Book 3 §10, Book 4 §6; EMV Contactless
// Book A §5): type, amounts, date and time, sequence counter, the unpredictable-number source; and the kernel's event log.

import type { RandomSource } from "../emv/random.js";
import { maskPansInText } from "../emv/sensitive.js";

/** Transaction type (9C), Book 3 Annex A / ISO 8583 processing code first two digits. */
export type TransactionType = "purchase" | "cash" | "cashback" | "refund";

export const TRANSACTION_TYPE_CODE: Readonly<Record<TransactionType, number>> = {
  purchase: 0x00,
  cash: 0x01,
  cashback: 0x09,
  refund: 0x20,
};

export interface TransactionParams {
  readonly type: TransactionType;
  /** Amount authorised (9F02) in minor units. */
  readonly amount: number;
  /** Amount other (9F03) in minor units (cashback). */
  readonly otherAmount: number;
  /** Transaction date YYMMDD and time HHMMSS, fixed for repeatable runs. */
  readonly date: string;
  readonly time: string;
  /** Transaction sequence counter (9F41). */
  readonly sequenceCounter: number;
  /** Source of unpredictable numbers (9F37) and random selection; injectable for repeatable tests. */
  readonly random: RandomSource;
  /** Merchant forced the transaction online (TVR B4b4). */
  readonly forceOnline?: boolean;
}

/** One entry of the step-by-step account of the transaction. */
export interface KernelEvent {
  /** The Book 3 step, e.g. "application-selection", "offline-data-authentication". */
  readonly step: string;
  readonly message: string;
}

/**
 * An event whose message is PAN-masked when first read (by the report, the JSON, a test) rather than when logged:
 * most transactions' events are never read. An own enumerable getter, so JSON and spreads see the masked text.
 */
export function maskedEvent(step: string, raw: string): KernelEvent {
  let masked: string | undefined;
  return {
    step,
    get message() {
      masked ??= maskPansInText(raw);
      return masked;
    },
  };
}
