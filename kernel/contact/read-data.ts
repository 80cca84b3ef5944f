// Read application data (EMV Book 3 §10.2): READ RECORD for every record the AFL names; SFI 1–10 records are
// template 70; a data object appearing twice, or a missing 5F24/5A/8C/8D, ends the transaction. Collects the static
// data to authenticate (§10.3): the value of 70 for SFI 1–10, the whole record for SFI 11–30.

import { concatBytes, hexWord } from "../../emv/bytes.js";
import { type AflEntry, describeAflEntry, parseAfl } from "../../emv/fields/afl.js";
import { isFieldError } from "../../emv/fields/field-error.js";
import { decodeTlv, type Tlv, TlvError, tagToHex } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { Commands } from "../card-session.js";
import { CONTINUE, type StepResult, type TransactionContext, terminate } from "./context.js";

const STEP = "read-application-data";

/** Book 3 §10.2: data objects the card must supply; missing → terminate. */
export const MANDATORY_CARD_DATA: ReadonlyArray<readonly [number, string]> = [
  [TAG.APPLICATION_EXPIRATION_DATE, "Application Expiration Date"],
  [TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER, "Application PAN"],
  [TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1, "CDOL1"],
  [TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2, "CDOL2"],
];

/** The AFL from the data store, parsed; an error names what is wrong with it. */
export function applicationFileLocator(ctx: TransactionContext): AflEntry[] | { readonly error: string } {
  const afl = ctx.data.from("card", TAG.APPLICATION_FILE_LOCATOR);
  if (!afl || afl.length === 0) return { error: "AFL (94) is missing" };
  const entries = parseAfl(afl);
  return isFieldError(entries) ? { error: entries.error } : entries;
}

export async function readApplicationData(ctx: TransactionContext): Promise<StepResult> {
  const fail = (reason: string): StepResult => {
    ctx.log(STEP, `terminated: ${reason}`);
    return terminate("card-error", reason);
  };
  const afl = applicationFileLocator(ctx);
  if ("error" in afl) return fail(afl.error);
  const seen = new Map<number, string>();
  const staticParts: Uint8Array[] = [];
  let staticDataError: string | undefined;
  for (const entry of afl) {
    ctx.log(STEP, () => `reading ${describeAflEntry(entry)}`);
    for (let record = entry.first; record <= entry.last; record++) {
      const where = `SFI ${entry.sfi} record ${record}`;
      const forOda = record < entry.first + entry.odaCount;
      const r = await ctx.card.exchange(Commands.readRecord(entry.sfi, record));
      if (!r.ok) return fail(r.error);
      if (r.response.sw !== 0x9000) return fail(`READ RECORD ${where} answered SW ${hexWord(r.response.sw)}`);
      const raw = r.response.data;
      let tpl: Tlv | undefined;
      let problem: string | undefined;
      try {
        tpl = decodeTlv(raw);
        if (tpl.tag !== TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE || !tpl.children)
          problem = `${where} is template ${tpl.tagHex}, not 70`;
      } catch (e) {
        if (!(e instanceof TlvError)) throw e;
        problem = `${where} is not a single valid BER-TLV template: ${e.message}`;
      }
      if (entry.sfi <= 10) {
        // Book 3 §10.2: records of SFI 1–10 are template 70; anything else terminates the transaction.
        if (problem !== undefined || !tpl) return fail(problem ?? `${where} is empty`);
        if (forOda) staticParts.push(tpl.value);
      } else if (forOda) {
        // Book 3 §10.3: SFI 11–30 records take part with their tag and length; a record that is not 70 fails ODA.
        if (problem !== undefined) {
          staticDataError ??= `record for offline data authentication: ${problem} (Book 3 §10.3)`;
          ctx.log(STEP, `${problem}; offline data authentication will fail`);
        } else {
          staticParts.push(raw);
        }
      }
      if (problem !== undefined || !tpl) {
        ctx.log(STEP, `${where}: proprietary record, data objects not used`);
        continue;
      }
      const stored: number[] = [];
      const duplicate = storeRecord(ctx, tpl, where, seen, stored);
      if (duplicate) return fail(duplicate);
      ctx.log(STEP, () => `${where}: ${stored.map(tagToHex).join(" ")}`);
    }
  }
  ctx.oda.staticData = concatBytes(...staticParts);
  if (staticDataError !== undefined) ctx.oda.staticDataError = staticDataError;
  const missing = MANDATORY_CARD_DATA.filter(([tag]) => !ctx.data.from("card", tag));
  if (missing.length > 0) {
    // Book 3 §10.2: terminate when 5F24, 5A, 8C or 8D is missing.
    return fail(
      `mandatory card data missing: ${missing.map(([tag, name]) => `${name} (${tagToHex(tag)})`).join(", ")}`,
    );
  }
  ctx.log(STEP, `${seen.size} data objects read; ${ctx.oda.staticData.length} bytes of static data for ODA`);
  return CONTINUE;
}

/** Primitive data objects of a record into the card layer; the error when one was already read (Book 3 §10.2). */
function storeRecord(
  ctx: TransactionContext,
  node: Tlv,
  where: string,
  seen: Map<number, string>,
  stored: number[],
): string | undefined {
  for (const child of node.children ?? []) {
    if (child.children) {
      const dup = storeRecord(ctx, child, where, seen, stored);
      if (dup) return dup;
      continue;
    }
    const first = seen.get(child.tag);
    if (first !== undefined) return `data object ${child.tagHex} appears in ${first} and again in ${where}`;
    seen.set(child.tag, where);
    ctx.data.set("card", child.tag, child.value);
    stored.push(child.tag);
  }
  return undefined;
}
