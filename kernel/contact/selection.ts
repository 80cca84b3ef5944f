// Application selection (EMV Book 1 §12): the candidate list (PSE, else the list of AIDs), the cardholder's or
// terminal's choice in priority order with confirmation (API b8), and final selection with the FCI checks.

import { hexWord, toHex } from "../../emv/bytes.js";
import { walkTlvs } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { Commands } from "../card-session.js";
import { STANDARD_MESSAGE, type Terminate } from "../termination.js";
import type { TransactionContext } from "./context.js";
import { candidatesFromAidList } from "./selection/aid-list.js";
import { type Candidate, describeCandidate, orderCandidates } from "./selection/candidates.js";
import { type Fci, parseFci } from "./selection/fci.js";
import { candidatesFromPse } from "./selection/pse.js";
import { putApplicationData } from "./terminal-data.js";

export type { Candidate } from "./selection/candidates.js";

const STEP = "application-selection";

export type CandidateListOutcome = { readonly kind: "candidates"; readonly candidates: Candidate[] } | Terminate;

/** Book 1 §12.3: PSE first; the list of AIDs when the PSE is absent, blocked, unreadable or lists nothing usable. */
export async function buildCandidateList(ctx: TransactionContext): Promise<CandidateListOutcome> {
  const pse = await candidatesFromPse(ctx);
  if (pse.kind === "terminate") {
    ctx.log(STEP, `terminated: ${pse.reason}`);
    return pse;
  }
  let candidates: Candidate[];
  if (pse.kind === "candidates") {
    candidates = pse.candidates;
  } else {
    ctx.log(STEP, `PSE not used (${pse.reason}); using the list of AIDs`);
    const list = await candidatesFromAidList(ctx);
    if (list.kind === "terminate") {
      ctx.log(STEP, `terminated: ${list.reason}`);
      return list;
    }
    candidates = list.candidates;
  }
  const ordered = orderCandidates(candidates);
  ctx.log(
    STEP,
    ordered.length === 0
      ? "candidate list is empty"
      : `candidate list: ${ordered.map((c) => describeCandidate(c)).join("; ")}`,
  );
  return { kind: "candidates", candidates: ordered };
}

export type FinalSelectionOutcome =
  | { readonly kind: "selected"; readonly fci: Fci }
  | { readonly kind: "try-again"; readonly reason: string }
  | Terminate;

/**
 * Book 1 §12.4 final selection: SELECT the candidate's DF name; SW 9000 with an FCI (6F, 84, A5) whose DF name is the
 * candidate's. Any other answer removes the candidate ("try again"), except 6A81 (card blocked) and transport errors.
 * On success the FCI data objects go into the data store, ctx.aid is set and the per-AID terminal data is added.
 */
export async function finalSelection(ctx: TransactionContext, candidate: Candidate): Promise<FinalSelectionOutcome> {
  const r = await ctx.card.exchange(Commands.select(candidate.aid));
  if (!r.ok) return { kind: "terminate", cause: "card-error", reason: r.error };
  const sw = r.response.sw;
  if (sw === 0x6a81)
    return { kind: "terminate", cause: "card-blocked", reason: "card blocked or SELECT not supported (SW 6A81)" };
  if (sw === 0x6283) return { kind: "try-again", reason: `application ${toHex(candidate.aid)} is blocked (SW 6283)` };
  if (sw !== 0x9000) return { kind: "try-again", reason: `SELECT ${toHex(candidate.aid)} answered SW ${hexWord(sw)}` };
  const fci = parseFci(r.response.data);
  if ("error" in fci) return { kind: "try-again", reason: `SELECT ${toHex(candidate.aid)}: ${fci.error}` };
  if (toHex(fci.dfName) !== toHex(candidate.aid)) {
    return {
      kind: "try-again",
      reason: `SELECT ${toHex(candidate.aid)} answered DF name ${toHex(fci.dfName)} (Book 1 §12.4: must be the candidate's)`,
    };
  }
  // A new selection replaces whatever an earlier one left in the data store.
  for (const tag of ctx.data.tags("card")) ctx.data.delete("card", tag);
  ctx.data.set("card", TAG.DEDICATED_FILE_NAME, fci.dfName);
  ctx.data.set("card", TAG.APPLICATION_DEDICATED_FILE_NAME, fci.dfName);
  storePrimitives(ctx, fci.proprietary);
  ctx.aid = candidate.config;
  ctx.pdolData = undefined;
  putApplicationData(ctx, candidate.config);
  return { kind: "selected", fci };
}

function storePrimitives(ctx: TransactionContext, nodes: Fci["proprietary"]): void {
  walkTlvs(nodes, (n) => {
    if (!n.children) ctx.data.set("card", n.tag, n.value);
  });
}

export type SelectionOutcome =
  | { readonly kind: "selected"; readonly candidate: Candidate; readonly fci: Fci; readonly remaining: Candidate[] }
  | Terminate;

/**
 * Book 1 §12.4: choose from the candidates (ordered by priority) and select it finally; a candidate that fails final
 * selection is removed and the choice is made again ("TRY AGAIN"). `remaining` is the list after removals, without the
 * selected candidate taken out, so that GET PROCESSING OPTIONS 6985 can return here with it removed (Book 3 §10.1).
 */
export async function selectApplication(
  ctx: TransactionContext,
  initial: readonly Candidate[],
): Promise<SelectionOutcome> {
  let candidates = [...initial];
  while (candidates.length > 0) {
    const chosen = await choose(ctx, candidates);
    if (chosen.kind === "terminate") {
      ctx.log(STEP, `terminated: ${chosen.reason}`);
      return chosen;
    }
    const candidate = chosen.candidate;
    const result = await finalSelection(ctx, candidate);
    if (result.kind === "selected") {
      ctx.log(STEP, () => `selected ${describeCandidate(candidate)}`);
      return { kind: "selected", candidate, fci: result.fci, remaining: candidates };
    }
    if (result.kind === "terminate") {
      ctx.log(STEP, `terminated during final selection: ${result.reason}`);
      return result;
    }
    ctx.log(STEP, `final selection failed: ${result.reason}; candidate removed`);
    ctx.interaction.display(STANDARD_MESSAGE.TRY_AGAIN.text);
    candidates = candidates.filter((c) => c !== candidate);
  }
  const reason = "no matching application";
  ctx.log(STEP, `terminated: ${reason}`);
  return { kind: "terminate", cause: "not-accepted", reason };
}

type Choice = { readonly kind: "chosen"; readonly candidate: Candidate } | Terminate;

async function choose(ctx: TransactionContext, candidates: readonly Candidate[]): Promise<Choice> {
  if (ctx.config.cardholderSelection === false) return chooseWithoutCardholder(ctx, candidates);
  if (candidates.length === 1) {
    const only = candidates[0]!;
    if (!only.confirmationRequired) {
      ctx.log(STEP, () => `only one candidate: ${toHex(only.aid)} ${only.label}, selected without asking`);
      return { kind: "chosen", candidate: only };
    }
    // Book 1 §12.4: one candidate whose API requires confirmation: the cardholder confirms it or the transaction ends.
    const confirmed = await ctx.interaction.confirmApplication(only);
    ctx.log(STEP, `cardholder ${confirmed ? "confirmed" : "did not confirm"} ${toHex(only.aid)} ${only.label}`);
    return confirmed
      ? { kind: "chosen", candidate: only }
      : { kind: "terminate", cause: "cancelled", reason: `cardholder did not confirm application ${toHex(only.aid)}` };
  }
  const index = await ctx.interaction.chooseApplication(candidates);
  if (index === undefined) return { kind: "terminate", cause: "cancelled", reason: "application selection cancelled" };
  const candidate = Number.isInteger(index) ? candidates[index] : undefined;
  if (!candidate) {
    return {
      kind: "terminate",
      cause: "internal",
      reason: `application choice ${index} is not one of the ${candidates.length} candidates`,
    };
  }
  const count = candidates.length;
  ctx.log(STEP, () => `chosen from ${count} candidates: ${toHex(candidate.aid)} ${candidate.label}`);
  return { kind: "chosen", candidate };
}

/**
 * Book 1 §12.4, a terminal that offers no cardholder selection or confirmation: it takes the highest-priority candidate
 * (the list is in priority order) among those whose API does not require confirmation (87 b8 = 0); with only such
 * candidates — a single one included — nothing can be selected and the transaction ends.
 */
function chooseWithoutCardholder(ctx: TransactionContext, candidates: readonly Candidate[]): Choice {
  const excluded = candidates.filter((c) => c.confirmationRequired);
  if (excluded.length > 0) {
    ctx.log(
      STEP,
      `no cardholder confirmation on this terminal: ${excluded.map((c) => toHex(c.aid)).join(", ")} excluded (API b8)`,
    );
  }
  const candidate = candidates.find((c) => !c.confirmationRequired);
  if (!candidate) {
    return {
      kind: "terminate",
      cause: "not-accepted",
      reason: "every candidate requires cardholder confirmation, which this terminal does not offer",
    };
  }
  ctx.log(STEP, () => `terminal choice without the cardholder: ${describeCandidate(candidate)}`);
  return { kind: "chosen", candidate };
}
