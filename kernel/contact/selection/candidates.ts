// The candidate list (EMV Book 1 §12.3–§12.4): matching card applications against the terminal's AIDs with the
// Application Selection Indicator, reading candidate details from an FCI or directory entry, and priority order.

import { bytesEqual, toHex } from "../../../emv/bytes.js";
import { findTlv, type Tlv } from "../../../emv/tlv/ber.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { AidConfig } from "../../config/types.js";
import type { CandidateApplication } from "../../interaction.js";

/** A mutually supported application: what the card calls it and the terminal AID it matched. */
export interface Candidate extends CandidateApplication {
  /** The terminal's settings for the AID this application matched (exactly, or partially when its ASI allows). */
  readonly config: AidConfig;
  /** Where it was found: a PSE directory entry or the list of AIDs. */
  readonly source: "pse" | "aid-list";
  /** Language Preference (5F2D) of the PSE's FCI when found through the PSE (Book 1 §12.2.2). */
  readonly pseLanguagePreference?: Uint8Array;
}

/** Book 1 §12.3.1: the card AID equals the terminal AID, or begins with it and the terminal allows partial selection. */
export function aidMatches(terminal: AidConfig, cardAid: Uint8Array): "exact" | "partial" | undefined {
  if (bytesEqual(terminal.aid, cardAid)) return "exact";
  if (
    terminal.partialSelection &&
    cardAid.length > terminal.aid.length &&
    bytesEqual(cardAid.subarray(0, terminal.aid.length), terminal.aid)
  ) {
    return "partial";
  }
  return undefined;
}

/** The terminal AID a card application matches: an exact match first, else the longest partial match. */
export function matchingTerminalAid(aids: readonly AidConfig[], cardAid: Uint8Array): AidConfig | undefined {
  const exact = aids.find((a) => aidMatches(a, cardAid) === "exact");
  if (exact) return exact;
  let best: AidConfig | undefined;
  for (const a of aids) {
    if (aidMatches(a, cardAid) === "partial" && (!best || a.aid.length > best.aid.length)) best = a;
  }
  return best;
}

/** Text of an an/ans data object (Application Label 50, Preferred Name 9F12), printable ASCII only. */
function text(value: Uint8Array | undefined): string | undefined {
  if (!value || value.length === 0) return undefined;
  return String.fromCharCode(...value).replace(/[^\x20-\x7e]/g, "?");
}

/**
 * A candidate from the data objects of a directory entry (61) or an FCI proprietary template (A5):
 * 50 label, 9F12 preferred name, 87 Application Priority Indicator (Book 1 §12.2.3, Table 48).
 */
export function candidateFrom(
  aid: Uint8Array,
  nodes: readonly Tlv[],
  config: AidConfig,
  source: Candidate["source"],
): Candidate {
  const api = findTlv(nodes, 0x87)?.value;
  const priorityByte = api?.length === 1 ? api[0]! : 0;
  const label = text(findTlv(nodes, 0x50)?.value) ?? config.label ?? toHex(aid);
  const preferredName = text(findTlv(nodes, TAG.APPLICATION_PREFERRED_NAME)?.value);
  return {
    aid,
    label,
    ...(preferredName !== undefined ? { preferredName } : {}),
    priority: priorityByte,
    // Book 1 Table 48: API b8 = 1 → the application cannot be selected without confirmation by the cardholder.
    confirmationRequired: (priorityByte & 0x80) !== 0,
    config,
    source,
  };
}

/** Priority 1 (highest) … 15 from API b4–b1; 0 means no priority assigned (Book 1 Table 48). */
export function priorityOf(candidate: CandidateApplication): number {
  return candidate.priority & 0x0f;
}

/**
 * Book 1 §12.4: candidates in priority order, 1 first; those with no priority (0) after all prioritised ones.
 * Equal priorities keep the order in which the card presented them.
 */
export function orderCandidates<T extends CandidateApplication>(candidates: readonly T[]): T[] {
  const rank = (c: T) => priorityOf(c) || 16;
  return candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
}

/** One line per candidate for the event log, e.g. "A0000000031010 VISA CREDIT (priority 1)". */
export function describeCandidate(c: CandidateApplication): string {
  const p = priorityOf(c);
  return `${toHex(c.aid)} ${c.label} (${p ? `priority ${p}` : "no priority"}${c.confirmationRequired ? ", confirmation required" : ""})`;
}
