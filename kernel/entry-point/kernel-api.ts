// What Entry Point gives a contactless kernel at activation (EMV Contactless Book B §3.4: the selected combination,
// its pre-processing indicators, the FCI and SW of the final SELECT) and what the kernel gives back (Book A §6.2).

import type { AuthorizationResponse, IssuerHost } from "../../emv/authorisation.js";
import type { CardSession } from "../card-session.js";
import type { ReaderConfig } from "../config/reader-types.js";
import type { TransactionContext } from "../contact/context.js";
import type { Interaction } from "../interaction.js";
import type { LogMessage, TransactionParams } from "../transaction-params.js";
import type { Candidate } from "./candidates.js";
import type { Outcome } from "./outcome.js";

export interface KernelActivation {
  readonly reader: ReaderConfig;
  readonly candidate: Candidate;
  /** FCI of the final SELECT (without SW) and its status word. */
  readonly fci: Uint8Array;
  readonly sw: number;
  readonly params: TransactionParams;
  readonly card: CardSession;
  readonly interaction: Interaction;
  readonly log: (step: string, message: LogMessage) => void;
  /** The issuer host the reader goes online to (the kernel's context carries it for the online request). */
  readonly host?: IssuerHost;
  /** Restart at Start B after an online response (issuer update processing, Book B §3.3.2.1). */
  readonly onlineResponse?: AuthorizationResponse;
}

/** A kernel's answer: the outcome, its context (data store, ODA state), and what it found, for the report. */
export interface KernelResult {
  readonly outcome: Outcome;
  readonly context: TransactionContext;
  readonly details: KernelDetails;
}

/** Kernel 3's findings, in the report's terms. */
export interface KernelDetails {
  readonly kernel: string;
  /** TTQ sent in the GPO (9F66), CTQ the card returned (9F6C). */
  ttq?: Uint8Array;
  ctq?: Uint8Array;
  /** The card's decision: from 9F27, or the IAD when 9F27 is absent. */
  cryptogram?: {
    readonly type: "AAC" | "TC" | "ARQC" | "RFU";
    readonly from: "9F27" | "IAD";
    readonly value: Uint8Array;
  };
  fdda?: { readonly result: "passed" | "failed" | "not-performed"; readonly reason?: string };
  cvm?: string;
  /** The kernel's rules that changed the card's decision, in words. */
  rules: string[];
  issuerUpdate?: string;
  /** Further findings in words for the report (Kernel 2: CDA, relay resistance, torn transaction, data exchange). */
  notes?: string[];
}

export type ContactlessKernel = (activation: KernelActivation) => Promise<KernelResult>;
