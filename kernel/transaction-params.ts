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
 * The kernel's event log. Messages are kept as logged and PAN-masked when the log is first read (the report, the
 * JSON, a test), each line once: most logs are never read, and masking every line as it was logged (or making it an
 * object with a masking getter) cost more than all the rest of logging.
 */
export class EventLog {
  private readonly logged: { readonly step: string; readonly message: LogMessage }[] = [];
  private readonly masked: KernelEvent[] = [];

  add(step: string, message: LogMessage): void {
    this.logged.push({ step, message });
  }

  /** The events so far with PANs masked; lines logged since the last read are written and masked now. */
  get events(): readonly KernelEvent[] {
    for (let i = this.masked.length; i < this.logged.length; i++) {
      const e = this.logged[i]!;
      const text = typeof e.message === "string" ? e.message : e.message();
      this.masked.push({ step: e.step, message: maskPansInText(text) });
    }
    return this.masked;
  }
}

/**
 * A log line, or how to write it when the log is read: for lines that format data (hex, descriptions), which most
 * transactions never show. The function must read only values that do not change afterwards.
 */
export type LogMessage = string | (() => string);

const EVENT_LOG = Symbol("eventLog");

/** Reads the log a record was given by `withEvents` (one function for every record). */
const EVENTS_ACCESSOR: PropertyDescriptor = {
  enumerable: true,
  get(this: { readonly [EVENT_LOG]: EventLog }): readonly KernelEvent[] {
    return this[EVENT_LOG].events;
  },
};

/**
 * Gives `record` an enumerable `events` read from `log` when read (masked then, see EventLog), placed after the keys
 * it already has. One accessor shared by every record rather than a getter closure per record: V8 gives an object
 * with its own getter function its own hidden class, kept in the old generation, and through that class the
 * closure, the log and the whole transaction outlived every young-generation collection (about a fifth of what a
 * tap allocated was promoted; the collector was ~20 % of the kernel's time).
 */
export function withEvents<T extends object>(
  record: T,
  log: EventLog,
): T & { readonly events: readonly KernelEvent[] } {
  Object.defineProperty(record, EVENT_LOG, { value: log });
  Object.defineProperty(record, "events", EVENTS_ACCESSOR);
  return record as T & { readonly events: readonly KernelEvent[] };
}
