// Building the candidate list with the Payment System Environment (EMV Book 1 §12.3.2): SELECT 1PAY.SYS.DDF01,
// read the directory (SFI from 88) record by record until 6A83, take ADF entries (61 with 4F) that match a terminal
// AID and follow DDF entries (61 with 9D). Any PSE problem falls back to the list of AIDs, except a blocked card.

import { hexWord, toHex } from "../../../emv/bytes.js";
import { decodeTlv, type Tlv, TlvError } from "../../../emv/tlv/ber.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import { Commands } from "../../card-session.js";
import type { Terminate } from "../../termination.js";
import type { TransactionContext } from "../context.js";
import { type Candidate, candidateFrom, describeCandidate, matchingTerminalAid } from "./candidates.js";
import { fciValue, parseFci } from "./fci.js";

const STEP = "application-selection";

/** "1PAY.SYS.DDF01" (Book 1 §12.2.2). */
export const PSE_NAME = new TextEncoder().encode("1PAY.SYS.DDF01");

/** Directories (the PSE plus DDFs) read at most, and records per directory: guards against a looping card. */
const MAX_DIRECTORIES = 8;
const MAX_RECORDS = 64;

export type PseOutcome =
  | { readonly kind: "candidates"; readonly candidates: Candidate[] }
  | { readonly kind: "fallback"; readonly reason: string }
  | Terminate;

/** Book 1 §12.3.2. A result with no candidates is a fallback too (the list of AIDs is then tried). */
export async function candidatesFromPse(ctx: TransactionContext): Promise<PseOutcome> {
  const candidates: Candidate[] = [];
  const pending: Uint8Array[] = [PSE_NAME];
  let directories = 0;
  let pseLanguage: Uint8Array | undefined;
  while (pending.length > 0) {
    const name = pending.shift()!;
    const isPse = directories === 0;
    if (++directories > MAX_DIRECTORIES) {
      ctx.log(STEP, `more than ${MAX_DIRECTORIES} directories; the rest are not read`);
      break;
    }
    const what = isPse ? "PSE" : `DDF ${toHex(name)}`;
    const selected = await ctx.card.exchange(Commands.select(name));
    if (!selected.ok) return { kind: "terminate", cause: "card-error", reason: selected.error };
    const sw = selected.response.sw;
    // Book 1 §12.3.2 step 1: 6A81 on SELECT PSE — card blocked or command not supported: terminate.
    if (isPse && sw === 0x6a81)
      return { kind: "terminate", cause: "card-blocked", reason: "card blocked or SELECT not supported (SW 6A81)" };
    if (sw !== 0x9000) {
      if (isPse) return { kind: "fallback", reason: `SELECT PSE answered SW ${hexWord(sw)}` };
      ctx.log(STEP, `${what}: SELECT answered SW ${hexWord(sw)}; entry skipped`);
      continue;
    }
    const fci = parseFci(selected.response.data);
    if ("error" in fci) {
      if (isPse) return { kind: "fallback", reason: `PSE ${fci.error}` };
      ctx.log(STEP, `${what}: ${fci.error}; entry skipped`);
      continue;
    }
    if (isPse) pseLanguage = fciValue(fci, TAG.LANGUAGE_PREFERENCE);
    const sfiValue = fciValue(fci, 0x88);
    const sfi = sfiValue?.length === 1 ? sfiValue[0]! : 0;
    if (sfi < 1 || sfi > 30) {
      const reason = `${what} FCI has ${sfiValue ? `SFI ${sfi}, not 1–30` : "no SFI of the directory elementary file (88)"}`;
      if (isPse) return { kind: "fallback", reason };
      ctx.log(STEP, `${reason}; entry skipped`);
      continue;
    }
    const read = await readDirectory(ctx, sfi, what, candidates, pending);
    if (read.kind !== "ok") {
      if (read.kind === "terminate") return read;
      // Book 1 §12.3.2: a directory that cannot be read ends PSE processing; the list of AIDs is used.
      return { kind: "fallback", reason: read.reason };
    }
  }
  if (candidates.length === 0)
    return { kind: "fallback", reason: "the PSE lists no application the terminal supports" };
  // Book 1 §12.2.2: the PSE's Language Preference serves an application whose FCI has none.
  const language = pseLanguage;
  return {
    kind: "candidates",
    // Object.assign, not a spread followed by the new key: V8 gives such a spread a new hidden class every time, and
    // every later read of a candidate then misses its inline caches.
    candidates: language
      ? candidates.map((c) => Object.assign({}, c, { pseLanguagePreference: language }))
      : candidates,
  };
}

type DirectoryRead = { readonly kind: "ok" } | { readonly kind: "fallback"; readonly reason: string } | Terminate;

async function readDirectory(
  ctx: TransactionContext,
  sfi: number,
  what: string,
  candidates: Candidate[],
  pending: Uint8Array[],
): Promise<DirectoryRead> {
  for (let record = 1; record <= MAX_RECORDS; record++) {
    const r = await ctx.card.exchange(Commands.readRecord(sfi, record));
    if (!r.ok) return { kind: "terminate", cause: "card-error", reason: r.error };
    // Book 1 §12.3.2: 6A83 (record not found) ends the directory.
    if (r.response.sw === 0x6a83) return { kind: "ok" };
    if (r.response.sw !== 0x9000) {
      return { kind: "fallback", reason: `${what} READ RECORD ${record} answered SW ${hexWord(r.response.sw)}` };
    }
    let tpl: Tlv;
    try {
      tpl = decodeTlv(r.response.data);
    } catch (e) {
      if (e instanceof TlvError) {
        return { kind: "fallback", reason: `${what} directory record ${record} is not valid BER-TLV: ${e.message}` };
      }
      throw e;
    }
    if (tpl.tag !== TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE || !tpl.children) {
      return { kind: "fallback", reason: `${what} directory record ${record} is template ${tpl.tagHex}, not 70` };
    }
    for (const entry of tpl.children) {
      if (entry.tag !== TAG.APPLICATION_TEMPLATE || !entry.children) continue;
      const adf = entry.children.find((c) => c.tag === TAG.APPLICATION_DEDICATED_FILE_NAME);
      const ddf = entry.children.find((c) => c.tag === TAG.DIRECTORY_DEFINITION_FILE_NAME);
      if (adf) {
        const config = matchingTerminalAid(ctx.config.aids, adf.value);
        if (!config) {
          ctx.log(STEP, `${what}: application ${toHex(adf.value)} is not supported by the terminal`);
          continue;
        }
        const c = candidateFrom(adf.value, entry.children, config, "pse");
        candidates.push(c);
        ctx.log(STEP, () => `${what}: candidate ${describeCandidate(c)}`);
      } else if (ddf) {
        // Book 1 §12.3.2: a DDF entry is read after the current directory.
        pending.push(ddf.value);
        ctx.log(STEP, `${what}: directory entry for DDF ${toHex(ddf.value)}`);
      }
    }
  }
  ctx.log(STEP, `${what}: stopped after ${MAX_RECORDS} directory records`);
  return { kind: "ok" };
}
