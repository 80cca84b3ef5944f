// One EMV transaction from start to finish (EMV Book 3 §10; Book 1 §12), every step in its own module and listed
// here in order: terminal data, application selection (again without the application when GET PROCESSING OPTIONS
// answers 6985), initiate, read data, offline data authentication, processing restrictions, cardholder verification,
// terminal risk management, terminal action analysis, card action analysis (first GENERATE AC), online processing,
// scripts 71, completion (second GENERATE AC), scripts 72. Never throws: every fault ends in outcome "terminated"
// with a typed cause (kernel/termination.ts) and the detail in words.

import type { IssuerHost } from "../../emv/authorisation.js";
import { maskPansInText } from "../../emv/sensitive.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { newTsi, newTvr } from "../../emv/tvr.js";
import type { CardChannel } from "../../transport/channel.js";
import { CardSession } from "../card-session.js";
import type { TerminalConfig } from "../config/types.js";
import { TransactionData } from "../data/store.js";
import type { Interaction } from "../interaction.js";
import { nonInteractive } from "../interaction.js";
import type { TransactionOutcomeRecord } from "../result.js";
import { STANDARD_MESSAGE, type StandardMessage, TERMINATION_MESSAGE, type TerminationCause } from "../termination.js";
import { EventLog, type TransactionParams, withEvents } from "../transaction-params.js";
import { type BackHalfStep, newBackHalf } from "./back-half.js";
import { cardActionAnalysis } from "./card-action-analysis.js";
import { completion, completionDecision } from "./completion.js";
import type { StepResult, TransactionContext } from "./context.js";
import { cardholderVerification } from "./cvm.js";
import type { Decision, Outcome } from "./decision.js";
import type { CdaVerifier } from "./generate-ac.js";
import { initiateApplicationProcessing } from "./initiate.js";
import { scriptsAfterFinalGenerateAc, scriptsBeforeFinalGenerateAc } from "./issuer-scripts.js";
import { type LanguageChoice, selectLanguage } from "./language.js";
import { verifyCdaResponse } from "./oda/cda.js";
import { offlineDataAuthentication } from "./oda.js";
import { DEFAULT_HOST_TIMEOUT_MS } from "./online.js";
import { onlineProcessing } from "./online-processing.js";
import { readApplicationData } from "./read-data.js";
import { processingRestrictions } from "./restrictions.js";
import { terminalRiskManagement } from "./risk.js";
import { buildCandidateList, type Candidate, selectApplication } from "./selection.js";
import { terminalActionAnalysis } from "./terminal-action-analysis.js";
import { putTerminalData } from "./terminal-data.js";

export interface TransactionRequest {
  readonly config: TerminalConfig;
  readonly params: TransactionParams;
  readonly channel: CardChannel;
  readonly host?: IssuerHost;
  /** The cardholder and attendant; a non-interactive one (highest priority, PIN bypassed) when absent. */
  readonly interaction?: Interaction;
  readonly hostTimeoutMs?: number;
}

/**
 * Everything about one transaction: outcome and reason, selected application, ODA, TVR/TSI, CVM results,
 * cryptograms, online exchange, the APDU trace, the event log and the final data store (what result.ts formats).
 */
export type TransactionRecord = TransactionOutcomeRecord;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Messages for the cardholder display at the end (Book 4 §11.2); a termination shows its cause's message. */
const FINAL_MESSAGE: Readonly<Record<Outcome, StandardMessage | undefined>> = {
  approved: STANDARD_MESSAGE.APPROVED,
  "online-approved": STANDARD_MESSAGE.APPROVED,
  declined: STANDARD_MESSAGE.DECLINED,
  "online-declined": STANDARD_MESSAGE.DECLINED,
  terminated: undefined,
};

/** The steps from READ RECORD to terminal risk management (Book 3 §10.2–§10.6), in order. */
const FRONT_HALF: readonly (readonly [string, (c: TransactionContext) => Promise<StepResult>])[] = [
  ["read application data", readApplicationData], // Book 3 §10.2
  ["offline data authentication", offlineDataAuthentication], // Book 3 §10.3
  ["processing restrictions", processingRestrictions], // Book 3 §10.4
  ["cardholder verification", cardholderVerification], // Book 3 §10.5
  ["terminal risk management", terminalRiskManagement], // Book 3 §10.6
];

/** The steps from terminal action analysis to the scripts after the second GENERATE AC (Book 3 §10.7–§10.11). */
const BACK_HALF: readonly (readonly [string, BackHalfStep])[] = [
  ["terminal action analysis", terminalActionAnalysis], // Book 3 §10.7
  ["card action analysis", cardActionAnalysis], // Book 3 §10.8: first GENERATE AC
  ["online processing", onlineProcessing], // Book 3 §10.9: authorisation, issuer authentication
  ["issuer scripts before the final GENERATE AC", scriptsBeforeFinalGenerateAc], // Book 3 §10.10: 71
  ["completion", completion], // Book 3 §10.11: second GENERATE AC
  ["issuer scripts after the final GENERATE AC", scriptsAfterFinalGenerateAc], // Book 3 §10.10: 72
  ["completion decision", completionDecision], // Book 3 §10.11, Book 4 §6.3.7
];

export interface CompleteOptions {
  /** The CDA signature check at GENERATE AC (Book 2 §6.6.2): `verifyCdaResponse` unless a test replaces it. */
  readonly verifyCda?: CdaVerifier;
  readonly hostTimeoutMs?: number;
}

/**
 * The back half of the transaction (Book 3 §10.7–§10.11), step by step until one decides. Never throws: an internal
 * fault still ends in a defined outcome.
 */
export async function completeTransaction(ctx: TransactionContext, options: CompleteOptions = {}): Promise<Decision> {
  const back = newBackHalf(options.verifyCda ?? verifyCdaResponse, options.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS);
  try {
    for (const [, step] of BACK_HALF) {
      const result = await step(ctx, back);
      if (result.kind === "decided") return result.decision;
    }
    const reason = "the back half of the transaction ended without a decision";
    ctx.log("action-analysis", reason);
    return { outcome: "terminated", cause: "internal", reason, cryptograms: [...back.cryptograms] };
  } catch (e) {
    const reason = `internal error in the back half of the transaction: ${e instanceof Error ? e.message : String(e)}`;
    ctx.log("action-analysis", reason);
    return { outcome: "terminated", cause: "internal", reason, cryptograms: [] };
  }
}

export async function runTransaction(req: TransactionRequest): Promise<TransactionRecord> {
  const log = new EventLog();
  const data = new TransactionData();
  const tvr = newTvr();
  const tsi = newTsi();
  const interaction = req.interaction ?? nonInteractive();
  const card = new CardSession(req.channel);
  const ctx: TransactionContext = {
    config: req.config,
    params: req.params,
    data,
    tvr,
    tsi,
    card,
    interaction,
    host: req.host,
    aid: undefined,
    pdolData: undefined,
    oda: { method: "none", result: "not-performed" },
    // PANs never leave the event log in clear, whatever a step wrote: masked when the log is first read.
    log: (step, message) => log.add(step, message),
  };
  let selected: Candidate | undefined;
  let language: LanguageChoice | undefined;
  const record = (
    outcome: Outcome,
    reason: string,
    cause: TerminationCause | undefined,
    extra: Pick<TransactionRecord, "cryptograms"> &
      Partial<Pick<TransactionRecord, "online" | "authorizationData" | "advice">>,
  ): TransactionRecord => {
    const cvmResults = data.get(TAG.CVM_RESULTS);
    // Book 3 §10: a termination always has a cause; a decision never has one.
    const termination = outcome === "terminated" ? (cause ?? "internal") : undefined;
    const message = (termination ? TERMINATION_MESSAGE[termination] : FINAL_MESSAGE[outcome])?.text;
    try {
      if (message) interaction.display(message);
    } catch {
      // A failing display does not change the outcome.
    }
    // Optional fields only when present (no key with an undefined value), set by assignment rather than spreads.
    // `events` after `trace` and before `data`: the keys in the order they always had.
    const r: Partial<Mutable<TransactionRecord>> = withEvents(
      {
        outcome,
        reason: maskPansInText(reason),
        oda: ctx.oda,
        tvr: tvr.bytes,
        tsi: tsi.bytes,
        cryptograms: [...extra.cryptograms],
        trace: card.trace,
      },
      log,
    );
    r.data = data;
    if (termination) r.termination = termination;
    if (selected) {
      r.aid = selected.aid;
      r.label = selected.label;
    }
    if (language) r.language = language;
    if (cvmResults) r.cvmResults = cvmResults;
    if (extra.online) r.online = extra.online;
    if (extra.authorizationData) r.authorizationData = extra.authorizationData;
    if (extra.advice) r.advice = extra.advice;
    return r as TransactionRecord;
  };
  const terminated = (cause: TerminationCause, reason: string) => {
    ctx.log("transaction", `terminated: ${reason}`);
    return record("terminated", reason, cause, { cryptograms: [] });
  };

  try {
    // Book 3 §5.4: terminal and transaction data objects before anything reaches the card.
    const dataError = putTerminalData(ctx);
    if (dataError) return terminated("processing-error", dataError.error);

    // Book 1 §12 and Book 3 §10.1: selection, again without the application after GPO 6985.
    const list = await buildCandidateList(ctx);
    if (list.kind === "terminate") return terminated(list.cause, list.reason);
    let candidates = list.candidates;
    for (;;) {
      const selection = await selectApplication(ctx, candidates);
      if (selection.kind === "terminate") return terminated(selection.cause, selection.reason);
      selected = selection.candidate;
      const initiated = await initiateApplicationProcessing(ctx);
      if (initiated.kind === "continue") break;
      if (initiated.kind === "terminate") return terminated(initiated.cause, initiated.reason);
      const removed = selection.candidate;
      candidates = selection.remaining.filter((c) => c !== removed);
      selected = undefined;
      ctx.aid = undefined;
      interaction.display(STANDARD_MESSAGE.TRY_AGAIN.text);
    }
    // Book 4 §11.1: the language for the cardholder, from the selected application's 5F2D (else the PSE's).
    language = await selectLanguage(ctx, selected.pseLanguagePreference);

    for (const [name, step] of FRONT_HALF) {
      const result = await step(ctx);
      if (result.kind === "terminate") return terminated(result.cause, `${name}: ${result.reason}`);
    }

    const decision = await completeTransaction(
      ctx,
      req.hostTimeoutMs !== undefined ? { hostTimeoutMs: req.hostTimeoutMs } : {},
    );
    // record() copies the cryptograms and takes only the optional fields that are present.
    return record(decision.outcome, decision.reason, decision.cause, decision);
  } catch (e) {
    // The kernel never throws out of a transaction.
    return terminated("internal", `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
