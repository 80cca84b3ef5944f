// Initiate application processing (EMV Book 3 §10.1): PDOL data (§5.4) in template 83, GET PROCESSING OPTIONS,
// response format 1 (80: AIP ‖ AFL) or format 2 (77 with 82 and 94); 6985 sends the terminal back to selection.

import { hexWord, toHex } from "../../emv/bytes.js";
import { decodeTlv, type Tlv, TlvError } from "../../emv/tlv/ber.js";
import { buildDolData, DolError, dolDataLength, parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { Commands } from "../card-session.js";
import type { TerminationCause } from "../termination.js";
import { CONTINUE, type StepResult, type TransactionContext, terminate } from "./context.js";

const STEP = "initiate-application-processing";
/** Largest PDOL data that fits a short GPO command: 255 − tag 83 − a two-byte length (81 xx). */
const MAX_PDOL_DATA = 252;

/** What GET PROCESSING OPTIONS ends in: go on, back to selection without this application, or terminate. */
export type InitiateResult = StepResult | { readonly kind: "reselect"; readonly reason: string };

/** PDOL-related data for the selected application (Book 3 §5.4); empty when the card gave no PDOL. */
export function pdolData(ctx: TransactionContext): Uint8Array | { readonly error: string } {
  const pdol = ctx.data.from("card", TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST);
  if (!pdol || pdol.length === 0) return new Uint8Array(0);
  try {
    const entries = parseDol(pdol);
    const length = dolDataLength(entries);
    if (length > MAX_PDOL_DATA) {
      return {
        error: `PDOL (9F38) ${toHex(pdol)} asks for ${length} bytes; at most ${MAX_PDOL_DATA} fit in GET PROCESSING OPTIONS`,
      };
    }
    return buildDolData(entries, ctx.data);
  } catch (e) {
    if (e instanceof DolError) return { error: `PDOL (9F38) ${toHex(pdol)} is malformed: ${e.message}` };
    throw e;
  }
}

/** Book 3 §10.1. Sets ctx.pdolData, stores AIP (82) and AFL (94) as card data. */
export async function initiateApplicationProcessing(ctx: TransactionContext): Promise<InitiateResult> {
  const data = pdolData(ctx);
  if ("error" in data) return end(ctx, "card-error", data.error);
  ctx.pdolData = data;
  // Book 3 §10.1: the PDOL data in template 83 (83 00 without a PDOL).
  const command = Commands.getProcessingOptions(data);
  const r = await ctx.card.exchange(command);
  if (!r.ok) return end(ctx, "card-error", r.error);
  if (r.response.sw === 0x6985) {
    // Book 3 §10.1: conditions of use not satisfied — remove the application and return to selection.
    const reason = "GET PROCESSING OPTIONS answered 6985 (conditions of use not satisfied)";
    ctx.log(STEP, `${reason}; application removed from the candidate list`);
    return { kind: "reselect", reason };
  }
  if (r.response.sw !== 0x9000)
    return end(ctx, "card-error", `GET PROCESSING OPTIONS answered SW ${hexWord(r.response.sw)}`);
  const parsed = parseGpoResponse(r.response.data);
  if ("error" in parsed) return end(ctx, "card-error", parsed.error);
  ctx.data.set("card", TAG.APPLICATION_INTERCHANGE_PROFILE, parsed.aip);
  ctx.data.set("card", TAG.APPLICATION_FILE_LOCATOR, parsed.afl);
  for (const [tag, value] of parsed.other) ctx.data.set("card", tag, value);
  // The AFL is shown entry by entry: a run of 13–19 digits would read (and be masked) as a PAN.
  ctx.log(STEP, () => {
    const afl = (toHex(parsed.afl).match(/.{1,8}/g) ?? []).join(" ");
    return `GET PROCESSING OPTIONS: AIP ${toHex(parsed.aip)}, AFL ${afl}`;
  });
  return CONTINUE;
}

function end(ctx: TransactionContext, cause: TerminationCause, reason: string): StepResult {
  ctx.log(STEP, `terminated: ${reason}`);
  return terminate(cause, reason);
}

export interface GpoResponse {
  readonly aip: Uint8Array;
  readonly afl: Uint8Array;
  /** Other primitive data objects of a format 2 response. */
  readonly other: ReadonlyArray<readonly [number, Uint8Array]>;
}

/**
 * Book 3 §6.5.8.4: format 1 is 80 with AIP (2 bytes) ‖ AFL; format 2 is 77 with at least 82 and 94.
 * The AFL's entries are checked when the records are read (read-data.ts).
 */
export function parseGpoResponse(data: Uint8Array): GpoResponse | { readonly error: string } {
  let tpl: Tlv;
  try {
    tpl = decodeTlv(data);
  } catch (e) {
    if (e instanceof TlvError) return { error: `GET PROCESSING OPTIONS response is not valid BER-TLV: ${e.message}` };
    throw e;
  }
  let aip: Uint8Array | undefined;
  let afl: Uint8Array | undefined;
  const other: [number, Uint8Array][] = [];
  if (tpl.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1) {
    if (tpl.length < 2)
      return { error: `GET PROCESSING OPTIONS format 1 response of ${tpl.length} byte(s) has no AIP` };
    aip = tpl.value.subarray(0, 2);
    afl = tpl.value.subarray(2);
  } else if (tpl.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2 && tpl.children) {
    for (const c of tpl.children) {
      if (c.children) continue;
      if (c.tag === TAG.APPLICATION_INTERCHANGE_PROFILE) aip = c.value;
      else if (c.tag === TAG.APPLICATION_FILE_LOCATOR) afl = c.value;
      else other.push([c.tag, c.value]);
    }
  } else {
    return { error: `GET PROCESSING OPTIONS response template is ${tpl.tagHex}, not 80 or 77` };
  }
  if (aip?.length !== 2) return { error: "GET PROCESSING OPTIONS response has no AIP (82) of 2 bytes" };
  if (!afl || afl.length === 0) return { error: "GET PROCESSING OPTIONS response has no AFL (94)" };
  return { aip, afl, other };
}
