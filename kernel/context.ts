// What every Book 3 step sees: configuration, transaction parameters, the data store, TVR/TSI, the card
// session, the cardholder/attendant interaction and the step-by-step event log (EMV Book 3 §10, Book 4 §6).

import type { BitRegister } from "./bits.js";
import type { CardSession } from "./card-session.js";
import type { AidConfig, TerminalConfig } from "./config/types.js";
import type { TransactionData } from "./data/store.js";
import type { IssuerHost } from "./host.js";

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

export interface RandomSource {
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniformly random integer in [1, 99] for random transaction selection (Book 3 §10.6.2). */
  percent(): number;
}

/** One application the cardholder may be asked to choose from (Book 1 §12.4). */
export interface CandidateApplication {
  readonly aid: Uint8Array;
  readonly label: string;
  readonly preferredName?: string;
  /** Application Priority Indicator (87): priority 1..15 in b4–b1, 0 = none; cardholder confirmation in b8. */
  readonly priority: number;
  readonly confirmationRequired: boolean;
}

/** The cardholder and attendant, as the kernel asks them things (Book 4 §11). Non-interactive runs script the answers. */
export interface Interaction {
  /** Choose among candidates, or undefined to cancel. */
  chooseApplication(candidates: readonly CandidateApplication[]): Promise<number | undefined>;
  /** Confirm one application whose API requires confirmation (87 b8). */
  confirmApplication(candidate: CandidateApplication): Promise<boolean>;
  /** PIN entry: digits, or undefined when the cardholder bypasses PIN entry. `attemptsLeft` from the PIN try counter. */
  enterPin(
    kind: "offline-plaintext" | "offline-enciphered" | "online",
    attemptsLeft: number | undefined,
  ): Promise<string | undefined>;
  /** A message for the cardholder display ("PIN OK", "INCORRECT PIN" …). */
  display(message: string): void;
}

/** One entry of the step-by-step account of the transaction. */
export interface KernelEvent {
  /** The Book 3 step, e.g. "application-selection", "offline-data-authentication". */
  readonly step: string;
  readonly message: string;
}

export interface TransactionContext {
  readonly config: TerminalConfig;
  readonly params: TransactionParams;
  readonly data: TransactionData;
  readonly tvr: BitRegister;
  readonly tsi: BitRegister;
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
  log(step: string, message: string): void;
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
export type StepResult = { readonly kind: "continue" } | { readonly kind: "terminate"; readonly reason: string };

export const CONTINUE: StepResult = Object.freeze({ kind: "continue" });

export function terminate(reason: string): StepResult {
  return { kind: "terminate", reason };
}
