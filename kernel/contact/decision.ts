// The outcome of the back half of a transaction (EMV Book 3 §10.7–§10.11): terminal and card action
// analysis, online processing with issuer authentication and scripts, and completion.

import type { TerminationCause } from "../termination.js";

/** Final outcome of a transaction (Book 4 §6.3.7 / Book 3 §10.11). */
export type Outcome = "approved" | "declined" | "online-approved" | "online-declined" | "terminated";

/** Cryptogram types requested in GENERATE AC and returned in the CID (Book 3 §6.5.5, Table 14/15). */
export type CryptogramType = "AAC" | "TC" | "ARQC";

/** One GENERATE AC: what the terminal asked for and what the card returned (Book 3 §10.8). */
export interface CryptogramRecord {
  readonly requested: CryptogramType;
  readonly type: CryptogramType;
  /** Cryptogram Information Data (9F27). */
  readonly cid: number;
  /** Application Cryptogram (9F26). */
  readonly value: Uint8Array;
  /** Application Transaction Counter (9F36). */
  readonly atc?: Uint8Array;
  readonly cdaRequested: boolean;
}

/** Online processing as it happened (Book 3 §10.9, §10.10). */
export interface OnlineRecord {
  readonly attempted: boolean;
  readonly reachable: boolean;
  /** Authorisation Response Code (8A) as text, e.g. "00". */
  readonly responseCode?: string;
  readonly issuerAuthentication: "passed" | "failed" | "not-performed";
  /** Issuer Script Results (9F5B): 5 bytes per script processed. */
  readonly scriptResults: Uint8Array;
}

/**
 * An advice the card asked for (Book 3 §10.8; CID b4 "advice required", §6.5.5.4 Table 14): the terminal records it
 * with the transaction for the acquirer (Book 4 §12 advice messages); it changes neither the cryptogram nor the outcome.
 */
export interface AdviceRecord {
  /** The CID (9F27) that asked for it. */
  readonly cid: number;
  /** Which GENERATE AC answered with it: 1 or 2. */
  readonly generateAc: 1 | 2;
  /** CID b3–b1 in words (Table 14): no information given, service not allowed, PIN Try Limit exceeded, … */
  readonly reason: string;
}

export interface Decision {
  readonly outcome: Outcome;
  /** The reason in words. */
  readonly reason: string;
  /** Why the transaction was terminated; present exactly when the outcome is "terminated". */
  readonly cause?: TerminationCause;
  readonly cryptograms: readonly CryptogramRecord[];
  readonly online?: OnlineRecord;
  /** The authorisation request ICC data (DE 55 style TLV), when built. */
  readonly authorizationData?: Uint8Array;
  /** An advice the card asked for at a GENERATE AC (Book 3 §10.8). */
  readonly advice?: AdviceRecord;
}

/** Terminal or Issuer Action Codes, 5 bytes each, aligned with the TVR (Book 3 §10.7). */
export interface ActionCodes {
  readonly denial: Uint8Array;
  readonly online: Uint8Array;
  readonly default: Uint8Array;
}

/** Issuer Action Codes as read from the card (9F0E denial, 9F0F online, 9F0D default); any may be absent. */
export interface IssuerActionCodes {
  readonly denial?: Uint8Array | undefined;
  readonly online?: Uint8Array | undefined;
  readonly default?: Uint8Array | undefined;
}
