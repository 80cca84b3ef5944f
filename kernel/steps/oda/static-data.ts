// The static data to be authenticated (EMV Book 3 §10.3): the records the AFL marks for ODA, then the values of
// the Static Data Authentication Tag List (9F4A), which may only name the AIP (82).

import { concatBytes } from "../../bytes.js";
import type { TransactionContext } from "../../context.js";
import { parseDol } from "../../tlv/dol.js";

export type StaticData =
  | { readonly ok: true; readonly data: Uint8Array }
  | { readonly ok: false; readonly reason: string };

export function staticDataToAuthenticate(ctx: TransactionContext): StaticData {
  if (ctx.oda.staticDataError) return { ok: false, reason: ctx.oda.staticDataError };
  const records = ctx.oda.staticData ?? new Uint8Array(0);
  const tagList = ctx.data.from("card", 0x9f4a);
  if (!tagList || tagList.length === 0) return { ok: true, data: records };
  // 9F4A is a list of tags without lengths; read it as tags.
  const tags: number[] = [];
  try {
    for (const e of parseDol(concatBytes(...splitTags(tagList)))) tags.push(e.tag);
  } catch {
    return { ok: false, reason: "Static Data Authentication Tag List (9F4A) is not a list of tags" };
  }
  if (tags.some((t) => t !== 0x82))
    return {
      ok: false,
      reason: `Static Data Authentication Tag List (9F4A) names ${tags.map((t) => t.toString(16).toUpperCase()).join(", ")}; only 82 is allowed (Book 3 §10.3)`,
    };
  const aip = ctx.data.from("card", 0x82);
  if (!aip) return { ok: false, reason: "AIP (82) named in 9F4A is missing" };
  return { ok: true, data: concatBytes(records, aip) };
}

/** Tag list → a DOL with each tag given length 0, so the DOL parser reads multi-byte tags. */
function splitTags(list: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < list.length) {
    const start = i;
    if ((list[i]! & 0x1f) === 0x1f) {
      i++;
      while (i < list.length && (list[i]! & 0x80) !== 0) i++;
    }
    i++;
    out.push(concatBytes(list.subarray(start, Math.min(i, list.length)), Uint8Array.of(0)));
  }
  return out;
}
