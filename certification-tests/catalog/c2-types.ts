// The Kernel 2 catalog's case shape (EMV Contactless Book C-2, EMV mode): a Mastercard-style card profile
// (emulator/profiles/paypass/) with changes, the Kernel 2 reader data, the tap, and the exact result.

import type { OutcomeCvm, OutcomeStatus } from "../../emv/fields/outcome-parameter-set.js";
import type { TransactionType } from "../../kernel/transaction-params.js";

export const C2_FAMILIES = [
  "C-2 CDA and card decisions",
  "C-2 processing restrictions",
  "C-2 CVM",
  "C-2 reader limits",
  "C-2 relay resistance",
  "C-2 torn transactions",
  "C-2 action codes",
] as const;
export type C2Family = (typeof C2_FAMILIES)[number];

export interface C2Case {
  readonly id: string;
  readonly family: C2Family;
  readonly title: string;
  /** Book and section (or procedure) checked, e.g. "Book C-2 CVM Selection". */
  readonly ref: string;
  /** A built-in Mastercard-style profile and changes to its JSON (validated again). */
  readonly card: { readonly profile: string; readonly change?: Readonly<Record<string, unknown>> };
  /** Changes to the catalog's Kernel 2 reader data (kernel/config/reader-c2-schema.ts field names). */
  readonly reader?: {
    readonly c2?: Readonly<Record<string, unknown>>;
    readonly floorLimit?: number;
    readonly cvmRequiredLimit?: number;
    /** A shipped terminal configuration id (default attended-pos). */
    readonly terminal?: string;
  };
  readonly params: { readonly amount: number; readonly type?: TransactionType; readonly pin?: string };
  readonly expected: {
    readonly outcome: OutcomeStatus;
    readonly outcomes?: readonly OutcomeStatus[];
    readonly cvm?: OutcomeCvm;
    /** CVM Results (9F34), TVR (95), Terminal Capabilities (9F33) as sent, hex. */
    readonly cvmResults?: string;
    readonly tvr?: string;
    readonly terminalCapabilities?: string;
    /** GENERATE AC P1 of the (last) request, hex. */
    readonly p1?: string;
    readonly cda?: "passed" | "failed" | "not-performed";
    /** Number of EXCHANGE RELAY RESISTANCE DATA commands. */
    readonly errd?: number;
    readonly commands?: readonly string[];
    readonly reasonContains?: string;
  };
  readonly why: string;
}
