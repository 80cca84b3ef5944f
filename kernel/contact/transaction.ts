// One EMV transaction from start to finish (EMV Book 3 §10; Book 1 §12): terminal data, application selection (again
// without the application when GET PROCESSING OPTIONS answers 6985), initiate, read data, offline data
// authentication, processing restrictions, cardholder verification, terminal risk management, then action analysis,
// GENERATE AC, online processing and completion. Never throws: every fault ends in outcome "terminated" with a reason.

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
import type { KernelEvent, TransactionParams } from "../transaction-params.js";
import { completeTransaction } from "./action-analysis.js";
import type { StepResult, TransactionContext } from "./context.js";
import { cardholderVerification } from "./cvm.js";
import type { Outcome } from "./decision.js";
import { initiateApplicationProcessing } from "./initiate.js";
import { offlineDataAuthentication } from "./oda.js";
import { readApplicationData } from "./read-data.js";
import { processingRestrictions } from "./restrictions.js";
import { terminalRiskManagement } from "./risk.js";
import { buildCandidateList, type Candidate, selectApplication } from "./selection.js";
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

/** Messages for the cardholder display at the end (Book 4 §11.2). */
const FINAL_MESSAGE: Readonly<Record<Outcome, string>> = {
  approved: "APPROVED",
  "online-approved": "APPROVED",
  declined: "DECLINED",
  "online-declined": "DECLINED",
  terminated: "NOT ACCEPTED",
};

export async function runTransaction(req: TransactionRequest): Promise<TransactionRecord> {
  const events: KernelEvent[] = [];
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
    // PANs never reach the event log in clear, whatever a step wrote.
    log: (step, message) => {
      events.push({ step, message: maskPansInText(message) });
    },
  };
  let selected: Candidate | undefined;
  const record = (
    outcome: Outcome,
    reason: string,
    extra: Pick<TransactionRecord, "cryptograms"> & Partial<Pick<TransactionRecord, "online" | "authorizationData">>,
  ): TransactionRecord => {
    const cvmResults = data.get(TAG.CVM_RESULTS);
    try {
      interaction.display(FINAL_MESSAGE[outcome]);
    } catch {
      // A failing display does not change the outcome.
    }
    return {
      outcome,
      reason: maskPansInText(reason),
      ...(selected ? { aid: selected.aid, label: selected.label } : {}),
      oda: ctx.oda,
      tvr: tvr.bytes,
      tsi: tsi.bytes,
      ...(cvmResults ? { cvmResults } : {}),
      cryptograms: [...extra.cryptograms],
      ...(extra.online ? { online: extra.online } : {}),
      ...(extra.authorizationData ? { authorizationData: extra.authorizationData } : {}),
      trace: card.trace,
      events,
      data,
    };
  };
  const terminated = (reason: string) => {
    ctx.log("transaction", `terminated: ${reason}`);
    return record("terminated", reason, { cryptograms: [] });
  };

  try {
    // Book 3 §5.4: terminal and transaction data objects before anything reaches the card.
    const dataError = putTerminalData(ctx);
    if (dataError) return terminated(dataError.error);

    // Book 1 §12 and Book 3 §10.1: selection, again without the application after GPO 6985.
    const list = await buildCandidateList(ctx);
    if (list.kind === "terminate") return terminated(list.reason);
    let candidates = list.candidates;
    for (;;) {
      const selection = await selectApplication(ctx, candidates);
      if (selection.kind === "terminate") return terminated(selection.reason);
      selected = selection.candidate;
      const initiated = await initiateApplicationProcessing(ctx);
      if (initiated.kind === "continue") break;
      if (initiated.kind === "terminate") return terminated(initiated.reason);
      const removed = selection.candidate;
      candidates = selection.remaining.filter((c) => c !== removed);
      selected = undefined;
      ctx.aid = undefined;
      interaction.display("TRY AGAIN");
    }

    const steps: readonly (readonly [string, (c: TransactionContext) => Promise<StepResult>])[] = [
      ["read application data", readApplicationData],
      ["offline data authentication", offlineDataAuthentication],
      ["processing restrictions", processingRestrictions],
      ["cardholder verification", cardholderVerification],
      ["terminal risk management", terminalRiskManagement],
    ];
    for (const [name, step] of steps) {
      const result = await step(ctx);
      if (result.kind === "terminate") return terminated(`${name}: ${result.reason}`);
    }

    const decision = await completeTransaction(
      ctx,
      req.hostTimeoutMs !== undefined ? { hostTimeoutMs: req.hostTimeoutMs } : {},
    );
    return record(decision.outcome, decision.reason, {
      cryptograms: [...decision.cryptograms],
      ...(decision.online ? { online: decision.online } : {}),
      ...(decision.authorizationData ? { authorizationData: decision.authorizationData } : {}),
    });
  } catch (e) {
    // The kernel never throws out of a transaction.
    return terminated(`internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
