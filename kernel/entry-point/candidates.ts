// Combination selection (EMV Contactless Book B §3.3.2.5–6, §3.3.3.1–3): which reader combinations the PPSE
// directory entries match, and which candidate final selection takes.

import { bytesEqual, concatBytes, toHex } from "../../emv/bytes.js";
import { isFieldError } from "../../emv/fields/field-error.js";
import { defaultKernelId, parseKernelIdentifier } from "../../emv/fields/kernel-identifier.js";
import type { ReaderCombination } from "../config/reader-types.js";
import type { DirectoryEntry } from "./ppse.js";
import type { CombinationState } from "./preprocessing.js";

export interface Candidate {
  readonly state: CombinationState;
  readonly entry: DirectoryEntry;
  readonly adfName: Uint8Array;
  /** Requested Kernel ID from the entry (Book B §3.3.2.5 C). */
  readonly requestedKernelId: Uint8Array;
}

/** Why a directory entry did not become a candidate for a combination (for the report). */
export interface Rejection {
  readonly combination: ReaderCombination;
  readonly entry: DirectoryEntry;
  readonly reason: string;
}

/** Book B §3.3.2.5 C: the Requested Kernel ID, or why the entry is skipped. */
export function requestedKernelId(entry: DirectoryEntry, matchingAid: Uint8Array): Uint8Array | { reason: string } {
  const ki = entry.kernelIdentifier;
  // Absent or empty: the default for the matching AID's RID (Table 3-6).
  if (!ki || ki.length === 0) return Uint8Array.of(defaultKernelId(matchingAid));
  const parsed = parseKernelIdentifier(ki);
  return isFieldError(parsed) ? { reason: parsed.error } : parsed.requested;
}

/**
 * Book B §3.3.2.5 A–E: for each allowed combination in reader order, each directory entry in PPSE order: a valid
 * ADF Name (5–16 bytes), equal to the combination's AID or beginning with it, whose Requested Kernel ID is 0 or the
 * combination's Kernel ID.
 */
export function buildCandidates(
  states: readonly CombinationState[],
  entries: readonly DirectoryEntry[],
): { readonly candidates: Candidate[]; readonly rejections: Rejection[] } {
  const candidates: Candidate[] = [];
  const rejections: Rejection[] = [];
  for (const state of states) {
    const c = state.combination;
    if (state.indicators.contactlessApplicationNotAllowed) continue;
    for (const entry of entries) {
      const reject = (reason: string) => rejections.push({ combination: c, entry, reason });
      const adf = entry.adfName;
      if (!adf || adf.length < 5 || adf.length > 16) {
        reject(`ADF Name ${adf ? `of ${adf.length} bytes` : "missing"} (Book B §3.3.2.5 A)`);
        continue;
      }
      if (adf.length < c.aid.length || !bytesEqual(adf.subarray(0, c.aid.length), c.aid)) continue;
      const requested = requestedKernelId(entry, c.aid);
      if ("reason" in requested) {
        reject(`${requested.reason}`);
        continue;
      }
      if (!(requested.length === 1 && requested[0] === 0) && !bytesEqual(requested, c.kernelId)) {
        reject(
          `requested kernel ${toHex(requested)} is not the combination's kernel ${toHex(c.kernelId)} (Book B §3.3.2.5 D)`,
        );
        continue;
      }
      candidates.push({ state, entry, adfName: adf, requestedKernelId: requested });
    }
  }
  return { candidates, rejections };
}

/** Priority 1 (highest) … 15; 0 or none is the equal lowest (Book B §3.3.3.2). */
function rank(c: Candidate): number {
  const p = (c.entry.priority ?? 0) & 0x0f;
  return p === 0 ? 16 : p;
}

/**
 * Book B §3.3.3.1–2: the only candidate, else the highest priority; among equals, the lowest PPSE order; for one
 * entry matching several combinations, the first in reader order (the candidate list's order).
 */
export function chooseCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!best || rank(c) < rank(best) || (rank(c) === rank(best) && c.entry.order < best.entry.order)) best = c;
  }
  return best;
}

/** Book B §3.3.3.3: the SELECT data, the ADF Name with the Extended Selection appended when the combination supports it. */
export function finalSelectName(c: Candidate): Uint8Array {
  const ext = c.entry.extendedSelection;
  return ext && c.state.combination.extendedSelectionSupport ? concatBytes(c.adfName, ext) : c.adfName;
}
