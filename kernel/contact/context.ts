// What every Book 3 step sees: configuration, transaction parameters, the data store, TVR/TSI, the card
// session, the cardholder/attendant interaction and the step-by-step event log (EMV Book 3 §10, Book 4 §6).

import type { IssuerHost } from "../../emv/authorisation.js";
import type { TsiRegister, TvrRegister } from "../../emv/tvr.js";
import type { CardSession } from "../card-session.js";
import type { AidConfig, TerminalConfig } from "../config/types.js";
import type { TransactionData } from "../data/store.js";
import type { Interaction } from "../interaction.js";
import type { Terminate, TerminationCause } from "../termination.js";
import type { LogMessage, TransactionParams } from "../transaction-params.js";

export interface TransactionContext {
  readonly config: TerminalConfig;
  readonly params: TransactionParams;
  readonly data: TransactionData;
  readonly tvr: TvrRegister;
  readonly tsi: TsiRegister;
  readonly card: CardSession;
  readonly interaction: Interaction;
  readonly host: IssuerHost | undefined;
  /** Terminal settings of the selected application; set by final selection. */
  aid: AidConfig | undefined;
  /** PDOL data sent in GET PROCESSING OPTIONS (kept for the CDA transaction data hash, Book 2 §6.6.2). */
  pdolData: Uint8Array | undefined;
  /** Offline data authentication state, set by the ODA step and completed at GENERATE AC for CDA. */
  oda: OdaState;
  /** Append to the step-by-step account. Never put PANs, track data, PINs or keys in clear here. */
  log(step: string, message: LogMessage): void;
}

/** Offline data authentication: which method was chosen and how it went (Book 3 §10.3). */
export interface OdaState {
  method: "CDA" | "DDA" | "SDA" | "none";
  /** "pending" while CDA waits for the GENERATE AC response. */
  result: "passed" | "failed" | "not-performed" | "pending";
  /** In words, e.g. "ICC Public Key Certificate: hash does not match (Book 2 §6.4 step 7)". */
  reason?: string;
  /** The recovered ICC public key (DDA/CDA), for CDA signature verification at GENERATE AC. */
  iccPublicKey?: { readonly modulus: Uint8Array; readonly exponent: Uint8Array };
  /**
   * Static data to authenticate collected by READ RECORD (Book 3 §10.3): the records the AFL marks for ODA
   * (SFI 1–10: the template 70 value; SFI 11–30: the whole record), in AFL order. The ODA step appends the
   * values of the Static Data Authentication Tag List (9F4A).
   */
  staticData?: Uint8Array;
  /** Set when a record for ODA could not be used (e.g. SFI 1–10 record not template 70): ODA then fails. */
  staticDataError?: string;
}

/** How a step ends: go on, or end the transaction with a reason (Book 3 §10: "terminate the transaction"). */
export type StepResult = { readonly kind: "continue" } | Terminate;

export const CONTINUE: StepResult = Object.freeze({ kind: "continue" });

export function terminate(cause: TerminationCause, reason: string): StepResult {
  return { kind: "terminate", cause, reason };
}
