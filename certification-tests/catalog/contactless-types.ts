// The contactless catalog's case shape, modelled on the EMVCo Entry Point test families (2EA general, 2EB
// pre-processing, 2EC protocol activation, 2ED combination selection, 2EE kernel activation, 2EF outcome
// processing; EMV Contactless Book B) and on Kernel 3 (Book C-3): card, reader, tap, and the exact result.

import type { OutcomeParameterSet, OutcomeStatus } from "../../emv/fields/outcome-parameter-set.js";
import type { TransactionType } from "../../kernel/transaction-params.js";

export const CONTACTLESS_FAMILIES = [
  "2EA general",
  "2EB pre-processing",
  "2EC protocol activation",
  "2ED combination selection",
  "2EE kernel activation",
  "2EF outcome processing",
  "C-3",
] as const;
export type ContactlessFamily = (typeof CONTACTLESS_FAMILIES)[number];

/** A PPSE directory entry: ADF Name, label, priority (87), Kernel Identifier (9F2A), Extended Selection (9F29); hex. */
export interface PpseEntry {
  readonly aid: string;
  readonly label?: string;
  readonly priority?: number;
  readonly kernel?: string;
  readonly extendedSelection?: string;
}

/** A reader combination in the reader configuration's JSON form (kernel/config/reader-schema.ts). */
export interface CombinationJson {
  readonly aid: string;
  readonly kernel: number | string;
  readonly ttq?: string;
  readonly transactionLimit?: number;
  readonly floorLimit?: number;
  readonly cvmRequiredLimit?: number;
  readonly statusCheckSupport?: boolean;
  readonly zeroAmountAllowed?: boolean;
  readonly extendedSelectionSupport?: boolean;
}

/** A card written into the case: its PPSE, FCIs, GPO answer and records; anything else answers 6D00. */
export interface ScriptedCard {
  /** Directory entries, or a status word for SELECT PPSE. */
  readonly ppse: readonly PpseEntry[] | string;
  /** FCI responses (hex with SW) by AID; default: an FCI whose PDOL asks for 9F66, 9F02, 9F37, 5F2A. */
  readonly selects?: Readonly<Record<string, string>>;
  /** GPO: template 77 objects (tag → hex), or a whole response (hex with SW); per tap when an array. */
  readonly gpo: Readonly<Record<string, string>> | string | readonly (Readonly<Record<string, string>> | string)[];
  /** READ RECORD responses (hex with SW) by "SFI/record". */
  readonly records?: Readonly<Record<string, string>>;
  /** The card leaves the field at the n-th command (0 first), once. */
  readonly removedAt?: number;
}

export type FieldScript = readonly ("card" | "collision" | "no-card")[];

export interface ContactlessCase {
  readonly id: string;
  readonly family: ContactlessFamily;
  readonly title: string;
  /** Book and section checked, e.g. "Book B §3.1.1.5". */
  readonly ref: string;
  /** A built-in emulator profile, or a scripted card. */
  readonly card: { readonly profile: string } | { readonly script: ScriptedCard };
  /** A shipped reader configuration id, or combinations over the attended-pos terminal. */
  readonly reader: string | { readonly combinations: readonly CombinationJson[]; readonly kernels?: readonly number[] };
  readonly field?: FieldScript;
  readonly params?: {
    readonly amount?: number;
    readonly type?: TransactionType;
    readonly otherAmount?: number;
    readonly pin?: string;
    /** Issuer answer for the online request: the in-process host (default for profiles), or a fixed answer. */
    readonly host?: "default" | { readonly code: string; readonly issuerAuthenticationData?: string };
  };
  readonly expected: {
    readonly outcome: OutcomeStatus;
    /** Every outcome Entry Point processed, restarts included. */
    readonly outcomes?: readonly OutcomeStatus[];
    readonly ops?: Partial<OutcomeParameterSet>;
    /** UI Request on Outcome message identifier. */
    readonly uiMessage?: number;
    /** TTQ the kernel sent in the GPO (or, without a GPO, the first combination's TTQ copy), hex. */
    readonly ttq?: string;
    /** APDU names in order (CardSession trace names). */
    readonly commands: readonly string[];
    readonly selected?: string;
    readonly fdda?: "passed" | "failed" | "not-performed";
    readonly reasonContains?: string;
    readonly online?: "approved" | "declined" | "unreachable";
    readonly taps?: number;
  };
  /** One line: why the books give this result. */
  readonly why: string;
}
