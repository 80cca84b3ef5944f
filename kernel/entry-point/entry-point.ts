// EMV Contactless Book B Entry Point: pre-processing (§3.1), protocol activation (§3.2), combination selection
// (§3.3), kernel activation (§3.4) and outcome processing (§3.5) with its restarts (Try Again and issuer update at
// Start B, Select Next at Start C), then online authorisation when the outcome is Online Request. Never throws.

import type { AuthorizationResponse, IssuerHost } from "../../emv/authorisation.js";
import { bytesEqual, hexWord, toHex } from "../../emv/bytes.js";
import { messageName, UI_MESSAGE, uiRequest } from "../../emv/fields/ui-request.js";
import { decodeTlv } from "../../emv/tlv/ber.js";
import { parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CardChannel } from "../../transport/channel.js";
import { CardSession, Commands, type TraceEntry } from "../card-session.js";
import type { ReaderConfig } from "../config/reader-types.js";
import { DEFAULT_HOST_TIMEOUT_MS, isApproval, requestAuthorization, responseCodeText } from "../contact/online.js";
import type { Interaction } from "../interaction.js";
import { nonInteractive } from "../interaction.js";
import {
  EventLog,
  type KernelEvent,
  type LogMessage,
  type TransactionParams,
  withEvents,
} from "../transaction-params.js";
import { buildCandidates, type Candidate, chooseCandidate, finalSelectName, type Rejection } from "./candidates.js";
import type { ContactlessField } from "./field.js";
import type { ContactlessKernel, KernelDetails, KernelResult } from "./kernel-api.js";
import { type Outcome, outcome } from "./outcome.js";
import { type DirectoryEntry, describeEntry, PPSE_NAME, parsePpse } from "./ppse.js";
import { type PreProcessingResult, preProcess } from "./preprocessing.js";

export interface TapRequest {
  readonly reader: ReaderConfig;
  readonly params: TransactionParams;
  readonly field: ContactlessField;
  /** Kernels by Short Kernel ID (e.g. 3 → the C-3 kernel). */
  readonly kernels: ReadonlyMap<number, ContactlessKernel>;
  readonly host?: IssuerHost;
  readonly interaction?: Interaction;
  readonly hostTimeoutMs?: number;
}

export interface OnlineResult {
  readonly reachable: boolean;
  readonly responseCode?: string;
  readonly approved: boolean;
  readonly reason: string;
}

/** Everything about one contactless transaction, for the result JSON and the report. */
export interface TapRecord {
  /** The final outcome (the last one Entry Point processed). */
  readonly outcome: Outcome;
  /** Every outcome in order, restarts included. */
  readonly outcomes: readonly Outcome[];
  readonly preProcessing: PreProcessingResult;
  readonly directory?: readonly DirectoryEntry[];
  readonly candidates: readonly Candidate[];
  readonly rejections: readonly Rejection[];
  readonly selected?: Candidate;
  readonly kernel?: KernelResult;
  readonly kernelDetails?: KernelDetails;
  readonly online?: OnlineResult;
  /** How many times the card was presented (restarts at Start B present it again). */
  readonly taps: number;
  readonly trace: readonly TraceEntry[];
  readonly events: readonly KernelEvent[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Bounds: no restart loops (Book B leaves the count to the reader). */
const MAX_POLLS = 3;
const MAX_RESTARTS = 3;
const EP = "Entry Point";

export async function runTap(req: TapRequest): Promise<TapRecord> {
  // PANs masked when the log is first read (the record's events), not on every line.
  const eventLog = new EventLog();
  const log = (step: string, message: LogMessage) => eventLog.add(step, message);
  const interaction = req.interaction ?? nonInteractive();
  const outcomes: Outcome[] = [];
  const sessions: CardSession[] = [];
  let directory: DirectoryEntry[] | undefined;
  let candidates: Candidate[] = [];
  let rejections: Rejection[] = [];
  let selected: Candidate | undefined;
  let kernel: KernelResult | undefined;
  let online: (OnlineResult & { response?: AuthorizationResponse }) | undefined;
  let taps = 0;
  const pre = preProcess(req.reader, req.params.amount);
  const finish = (o: Outcome): TapRecord => {
    outcomes.push(o);
    show(interaction, o);
    log("outcome", `${o.ops.status} (${o.source}): ${o.reason}`);
    // Assigned in order rather than by conditional spreads (every tap ends here): the same keys, the same order.
    const record: Partial<Mutable<TapRecord>> = { outcome: o, outcomes, preProcessing: pre };
    if (directory) record.directory = directory;
    record.candidates = candidates;
    record.rejections = rejections;
    if (selected) record.selected = selected;
    if (kernel) {
      record.kernel = kernel;
      record.kernelDetails = kernel.details;
    }
    if (online) record.online = online;
    record.taps = taps;
    record.trace = sessions.length === 1 ? sessions[0]!.trace : sessions.flatMap((x) => x.trace);
    return withEvents(record, eventLog) as TapRecord;
  };

  try {
    // §3.1: pre-processing.
    for (const s of pre.combinations) {
      const i = s.indicators;
      // Lines that format data are written when the log is read (most taps never show it).
      log(
        "pre-processing",
        () =>
          `${toHex(s.combination.aid)} kernel ${toHex(s.combination.kernelId)}: ${
            i.contactlessApplicationNotAllowed ? "contactless not allowed" : "allowed"
          }${i.ttq ? `, TTQ ${toHex(i.ttq)}` : ""}`,
      );
    }
    if (pre.outcome) return finish(pre.outcome);

    let start: "B" | "C" = "B";
    let previous: Candidate | undefined;
    let onlineResponse: AuthorizationResponse | undefined;
    let session: CardSession | undefined;
    for (let restart = 0; restart <= MAX_RESTARTS; restart++) {
      if (start === "B") {
        // §3.2: protocol activation.
        const polled = await activate(req.field, interaction, log);
        if ("outcome" in polled) return finish(polled.outcome);
        taps++;
        session = new CardSession(polled.channel);
        sessions.push(session);
        const s = session;
        if (onlineResponse && previous) {
          // §3.3.2.1: Start B after an online response goes straight to the final SELECT of the same combination.
          candidates = [previous];
        } else {
          const list = await combinationSelection(s, pre, log);
          if (list.kind === "restart") {
            log("combination-selection", `${list.reason}; back to protocol activation (Book B §3.3.3.7)`);
            continue;
          }
          directory = list.directory;
          candidates = list.candidates;
          rejections = list.rejections;
        }
      }
      if (!session) return finish(outcome("End Application", EP, "no card session"));
      // §3.3.3: final combination selection, removing candidates whose SELECT fails (Start C).
      const final = await finalSelection(session, candidates, log);
      if (final.kind === "restart") {
        log("final-selection", `${final.reason}; back to protocol activation (Book B §3.3.3.7)`);
        start = "B";
        continue;
      }
      candidates = final.remaining;
      if (final.kind === "empty") {
        // §3.3.2.7: an empty candidate list ends the application.
        return finish(
          outcome("End Application", EP, final.reason, {
            uiOnOutcome: uiRequest(UI_MESSAGE.TRY_ANOTHER_CARD, "Ready to Read"),
          }),
        );
      }
      selected = final.candidate;
      // §3.4: kernel activation.
      const id = selected.state.combination.kernelId;
      const k = id.length === 1 ? req.kernels.get(id[0]!) : undefined;
      if (!k) return finish(outcome("End Application", EP, `kernel ${toHex(id)} is not implemented by emvsim`));
      const activated = selected;
      log("kernel-activation", () => `kernel ${toHex(id)} for ${toHex(activated.adfName)}`);
      kernel = await k({
        reader: req.reader,
        candidate: selected,
        fci: final.fci,
        sw: final.sw,
        params: req.params,
        card: session,
        interaction,
        log,
        ...(req.host ? { host: req.host } : {}),
        ...(onlineResponse ? { onlineResponse } : {}),
      });
      const o = kernel.outcome;
      // §3.5: outcome processing.
      if (o.ops.status === "Select Next") {
        outcomes.push(o);
        log("outcome", `Select Next: ${o.reason}; candidate removed (Start C)`);
        candidates = candidates.filter((c) => c !== selected);
        start = "C";
        continue;
      }
      // Book B §3.5.1: Try Again, and End Application with Start B (Kernel 2 torn transactions), present the card again.
      if (o.ops.status === "Try Again" || (o.ops.status === "End Application" && o.ops.start === "B")) {
        outcomes.push(o);
        show(interaction, o);
        log("outcome", `${o.ops.status}: ${o.reason}; the card is presented again (Start B)`);
        start = "B";
        continue;
      }
      if (o.ops.status === "Online Request" && !onlineResponse) {
        online = await authorise(kernel, req);
        log("online", online.reason);
        if (online.reachable && o.ops.start === "B" && online.responseCode !== undefined) {
          // Book B §3.5.1: Start B after the online response: the card is presented again for issuer update.
          outcomes.push(o);
          onlineResponse = online.response;
          previous = selected;
          start = "B";
          continue;
        }
      }
      return finish(o);
    }
    return finish(outcome("End Application", EP, `more than ${MAX_RESTARTS} restarts`));
  } catch (e) {
    return finish(outcome("End Application", EP, `internal error: ${e instanceof Error ? e.message : String(e)}`));
  }
}

function show(interaction: Interaction, o: Outcome): void {
  try {
    if (o.uiOnOutcome) interaction.display(messageName(o.uiOnOutcome.messageId).toUpperCase());
  } catch {
    // A failing display does not change the outcome.
  }
}

async function activate(
  field: ContactlessField,
  interaction: Interaction,
  log: (step: string, message: LogMessage) => void,
): Promise<{ channel: CardChannel } | { outcome: Outcome }> {
  for (let i = 0; i < MAX_POLLS; i++) {
    const e = await field.poll();
    if (e.kind === "card") return { channel: e.channel };
    if (e.kind === "no-card") return { outcome: outcome("End Application", EP, `protocol activation: ${e.reason}`) };
    // Book B §3.2.1: more than one card in the field: "Please Present One Card Only", then poll again.
    log("protocol-activation", "collision: more than one card in the field");
    try {
      interaction.display("PRESENT ONE CARD ONLY");
    } catch {
      // ignore
    }
  }
  return {
    outcome: outcome("End Application", EP, `protocol activation: collision in ${MAX_POLLS} polls`, {
      uiOnOutcome: uiRequest(UI_MESSAGE.ONE_CARD_ONLY, "Processing Error"),
    }),
  };
}

type SelectionList =
  | {
      readonly kind: "list";
      readonly directory: DirectoryEntry[];
      readonly candidates: Candidate[];
      readonly rejections: Rejection[];
    }
  | { readonly kind: "restart"; readonly reason: string };

/** §3.3.2.2–6: SELECT PPSE and the candidate list. */
async function combinationSelection(
  card: CardSession,
  pre: PreProcessingResult,
  log: (step: string, message: LogMessage) => void,
): Promise<SelectionList> {
  const r = await card.exchange(Commands.select(PPSE_NAME, false, "SELECT PPSE"));
  if (!r.ok) return { kind: "restart", reason: r.error };
  // §3.3.2.3: any SW but 9000: no candidates. §3.3.2.4: no directory entries: no candidates.
  if (r.response.sw !== 0x9000) {
    log("combination-selection", `SELECT PPSE answered SW ${hexWord(r.response.sw)}: no candidates (Book B §3.3.2.3)`);
    return { kind: "list", directory: [], candidates: [], rejections: [] };
  }
  const parsed = parsePpse(r.response.data);
  if (!parsed.ok) {
    log("combination-selection", `${parsed.reason}: no candidates`);
    return { kind: "list", directory: [], candidates: [], rejections: [] };
  }
  const directory = [...parsed.entries];
  for (const e of directory) log("combination-selection", () => `PPSE entry ${e.order + 1}: ${describeEntry(e)}`);
  const { candidates, rejections } = buildCandidates(pre.combinations, directory);
  log("combination-selection", `${candidates.length} candidate(s)`);
  return { kind: "list", directory, candidates, rejections };
}

type FinalSelection =
  | {
      readonly kind: "selected";
      readonly candidate: Candidate;
      readonly remaining: Candidate[];
      readonly fci: Uint8Array;
      readonly sw: number;
    }
  | { readonly kind: "empty"; readonly remaining: Candidate[]; readonly reason: string }
  | { readonly kind: "restart"; readonly reason: string };

const VISA_RID = Uint8Array.of(0xa0, 0x00, 0x00, 0x00, 0x03);

/** §3.3.3: choose, SELECT, and on a failing SELECT remove the candidate and choose again (Start C). */
async function finalSelection(
  card: CardSession,
  list: readonly Candidate[],
  log: (step: string, message: LogMessage) => void,
): Promise<FinalSelection> {
  let remaining = [...list];
  for (;;) {
    const c = chooseCandidate(remaining);
    if (!c) return { kind: "empty", remaining, reason: "no candidate for final selection (Book B §3.3.2.7)" };
    const r = await card.exchange(Commands.select(finalSelectName(c)));
    if (!r.ok) return { kind: "restart", reason: r.error };
    const drop = (why: string) => {
      log("final-selection", `${toHex(c.adfName)}: ${why}; candidate removed (Start C)`);
      remaining = remaining.filter((x) => x !== c);
    };
    if (r.response.sw !== 0x9000) {
      drop(`SELECT answered SW ${hexWord(r.response.sw)} (Book B §3.3.3.5)`);
      continue;
    }
    // §3.3.3.6: a Visa AID on kernel 3 whose PDOL lacks 9F66 needs kernel 1, which emvsim does not have.
    const kernel3 = c.state.combination.kernelId.length === 1 && c.state.combination.kernelId[0] === 3;
    if (kernel3 && bytesEqual(c.adfName.subarray(0, 5), VISA_RID) && !pdolAsksForTtq(r.response.data)) {
      drop("the PDOL does not ask for the TTQ (9F66) and kernel 1 is not supported (Book B §3.3.3.6)");
      continue;
    }
    log("final-selection", () => `selected ${toHex(c.adfName)} (kernel ${toHex(c.state.combination.kernelId)})`);
    return { kind: "selected", candidate: c, remaining, fci: r.response.data, sw: r.response.sw };
  }
}

/** Whether the FCI's PDOL (9F38) asks for the TTQ (9F66). */
function pdolAsksForTtq(fci: Uint8Array): boolean {
  try {
    const pdol = decodeTlv(fci).find(TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST)?.value;
    return pdol ? parseDol(pdol).some((e) => e.tag === TAG.TERMINAL_TRANSACTION_QUALIFIERS) : false;
  } catch {
    return false;
  }
}

/** Online authorisation of an Online Request (Book A §6.2: the reader sends the Data Record online). */
async function authorise(
  kernel: KernelResult,
  req: TapRequest,
): Promise<OnlineResult & { response?: AuthorizationResponse }> {
  const ctx = kernel.context;
  const data = kernel.outcome.dataRecord;
  if (!data) return { reachable: false, approved: false, reason: "the kernel gave no data record to send online" };
  const answer = await requestAuthorization(ctx, data, req.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS);
  if (!answer.reachable) return { reachable: false, approved: false, reason: answer.reason };
  const code = responseCodeText(answer.response.authorisationResponseCode);
  const approved = isApproval(code);
  return {
    reachable: true,
    responseCode: code,
    approved,
    reason: `issuer answered ${code} (${approved ? "approved" : "declined"}): ${answer.response.reason}`,
    response: answer.response,
  };
}
