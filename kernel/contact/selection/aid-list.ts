// Building the candidate list from the terminal's list of AIDs (EMV Book 1 §12.3.3): SELECT each terminal AID;
// an exact DF name match is a candidate; a longer DF name is one if the ASI allows partial selection, and then the
// next occurrence is selected (P2 = 02) until the card answers otherwise. Blocked applications (6283) are left out.

import { bytesEqual, hexWord, toHex } from "../../../emv/bytes.js";
import { Commands } from "../../card-session.js";
import type { Terminate } from "../../termination.js";
import type { TransactionContext } from "../context.js";
import { type Candidate, candidateFrom, describeCandidate } from "./candidates.js";
import { parseFci } from "./fci.js";

const STEP = "application-selection";
/** Occurrences of one AID read at most (SELECT next): guards against a card that never answers 6A82. */
const MAX_OCCURRENCES = 32;

export type AidListOutcome = { readonly kind: "candidates"; readonly candidates: Candidate[] } | Terminate;

export async function candidatesFromAidList(ctx: TransactionContext): Promise<AidListOutcome> {
  const candidates: Candidate[] = [];
  for (const terminalAid of ctx.config.aids) {
    const aidHex = toHex(terminalAid.aid);
    let next = false;
    for (let occurrence = 1; occurrence <= MAX_OCCURRENCES; occurrence++) {
      const r = await ctx.card.exchange(Commands.select(terminalAid.aid, next));
      if (!r.ok) return { kind: "terminate", cause: "card-error", reason: r.error };
      const sw = r.response.sw;
      // Book 1 §12.3.3 step 1: 6A81 — card blocked or SELECT not supported: terminate.
      if (sw === 0x6a81)
        return { kind: "terminate", cause: "card-blocked", reason: "card blocked or SELECT not supported (SW 6A81)" };
      // Book 1 §12.3.3: only 9000 and 6283 (application blocked) carry an FCI to look at; anything else ends this AID.
      if (sw !== 0x9000 && sw !== 0x6283) {
        if (!next) ctx.log(STEP, `list of AIDs: ${aidHex} not on the card (SW ${hexWord(sw)})`);
        break;
      }
      const fci = parseFci(r.response.data);
      if ("error" in fci) {
        ctx.log(STEP, `list of AIDs: ${aidHex}: ${fci.error}; not a candidate`);
        break;
      }
      const exact = bytesEqual(fci.dfName, terminalAid.aid);
      const partial =
        !exact &&
        fci.dfName.length > terminalAid.aid.length &&
        bytesEqual(fci.dfName.subarray(0, terminalAid.aid.length), terminalAid.aid);
      if (sw === 0x6283) {
        ctx.log(STEP, `list of AIDs: application ${toHex(fci.dfName)} is blocked (SW 6283); not a candidate`);
      } else if (exact || (partial && terminalAid.partialSelection)) {
        const c = candidateFrom(fci.dfName, fci.proprietary, terminalAid, "aid-list");
        candidates.push(c);
        ctx.log(STEP, () => `list of AIDs: candidate ${describeCandidate(c)}`);
      } else if (partial) {
        ctx.log(
          STEP,
          `list of AIDs: ${toHex(fci.dfName)} matches ${aidHex} only partially and its ASI requires an exact match`,
        );
      } else {
        ctx.log(STEP, `list of AIDs: SELECT ${aidHex} answered DF name ${toHex(fci.dfName)}; not a candidate`);
      }
      // Book 1 §12.3.3: an exact match ends this AID; a longer DF name means more occurrences may follow.
      if (exact || !partial) break;
      next = true;
    }
  }
  return { kind: "candidates", candidates };
}
