// Card data a contactless kernel reads, shared by Kernels 2 and 3: the FCI of the final SELECT into the card layer
// (Book B §3.3.3, the kernel gets the FCI at activation) and READ RECORD by the AFL (Book C-2/C-3 "Read Application
// Data", as Book 3 §10.2): records of SFI 1–10 are template 70, the records marked for ODA become the static data
// (SFI 1–10: the value of 70; SFI 11–30: the whole record, Book 3 §10.3).

import { bytesEqual, concatBytes, hexWord } from "../../emv/bytes.js";
import { type AflEntry, describeAflEntry } from "../../emv/fields/afl.js";
import { decodeTlv, type Tlv, TlvError, walkTlvs } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { Commands } from "../card-session.js";
import type { TransactionContext } from "../contact/context.js";
import type { TransactionData } from "../data/store.js";
import type { LogMessage } from "../transaction-params.js";

/** The FCI's primitive data objects (84, and PDOL, label, language … under A5) into the card layer; a reason if bad. */
export function storeFci(data: TransactionData, fci: Uint8Array): string | undefined {
  let root: Tlv;
  try {
    root = decodeTlv(fci);
  } catch (e) {
    if (e instanceof TlvError) return `the SELECT response is not valid BER-TLV: ${e.message}`;
    throw e;
  }
  if (root.tag !== TAG.FILE_CONTROL_INFORMATION_TEMPLATE)
    return `the SELECT response is template ${root.tagHex}, not 6F`;
  walkTlvs(root.children ?? [], (n) => {
    if (!n.children) data.set("card", n.tag, n.value);
  });
  return undefined;
}

export type RecordsRead =
  | { readonly kind: "ok" }
  /** The card did not answer (left the field, timeout): the reader tries again. */
  | { readonly kind: "no-answer"; readonly reason: string }
  /** The card answered an SW other than 9000. */
  | { readonly kind: "status"; readonly sw: number; readonly reason: string }
  /** The record is not usable (not TLV, not template 70, a data object twice or in conflict). */
  | { readonly kind: "bad-record"; readonly reason: string };

export interface ReadOptions {
  /** Whether a record may repeat a data object the GPO answer gave, with the same value (Kernel 3's cards do). */
  readonly sameAsGpoAllowed: boolean;
  readonly log: (message: LogMessage) => void;
}

/** READ RECORD for each AFL entry; sets ctx.oda.staticData; card data objects into the card layer. */
export async function readAflRecords(
  ctx: TransactionContext,
  afl: readonly AflEntry[],
  options: ReadOptions,
): Promise<RecordsRead> {
  // What the card layer held before the records (the GPO answer, the FCI): read live, not copied — a tag not yet
  // seen in a record still has its earlier value there, and a tag seen twice is refused before the comparison.
  const sameAsGpoAllowed = options.sameAsGpoAllowed;
  const seen = new Set<number>();
  const parts: Uint8Array[] = [];
  for (const entry of afl) {
    options.log(() => `reading ${describeAflEntry(entry)}`);
    for (let n = entry.first; n <= entry.last; n++) {
      const r = await ctx.card.exchange(Commands.readRecord(entry.sfi, n));
      if (!r.ok) return { kind: "no-answer", reason: r.error };
      const where = `SFI ${entry.sfi} record ${n}`;
      if (r.response.sw !== 0x9000)
        return {
          kind: "status",
          sw: r.response.sw,
          reason: `READ RECORD ${where} answered SW ${hexWord(r.response.sw)}`,
        };
      let tpl: Tlv;
      try {
        tpl = decodeTlv(r.response.data);
      } catch (e) {
        if (e instanceof TlvError) return { kind: "bad-record", reason: `${where} is not valid BER-TLV: ${e.message}` };
        throw e;
      }
      if (tpl.tag !== TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE || !tpl.children)
        return { kind: "bad-record", reason: `${where} is template ${tpl.tagHex}, not 70` };
      if (n < entry.first + entry.odaCount) parts.push(entry.sfi <= 10 ? tpl.value : r.response.data);
      for (const c of tpl.children) {
        if (c.children) continue;
        if (seen.has(c.tag))
          return { kind: "bad-record", reason: `data object ${c.tagHex} appears twice (in ${where})` };
        const earlier = sameAsGpoAllowed ? ctx.data.from("card", c.tag) : undefined;
        if (earlier && !bytesEqual(earlier, c.value))
          return { kind: "bad-record", reason: `${where} gives ${c.tagHex} a value other than the GPO answer's` };
        seen.add(c.tag);
        ctx.data.set("card", c.tag, c.value);
      }
    }
  }
  ctx.oda.staticData = concatBytes(...parts);
  return { kind: "ok" };
}
