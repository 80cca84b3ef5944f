// The static data to be authenticated (EMV Book 3 §10.3): the records the AFL marks for ODA, then the values of
// the Static Data Authentication Tag List (9F4A), which may only name the AIP (82).

import { concatBytes } from "../../../emv/bytes.js";
import { readTag, TlvError, tagToHex } from "../../../emv/tlv/ber.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";

export type StaticData =
  | { readonly ok: true; readonly data: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/** 9F4A is a list of tags without lengths (Book 3 Annex A). */
function readTagList(list: Uint8Array): number[] | TlvError {
  const tags: number[] = [];
  try {
    for (let pos = 0; pos < list.length; ) {
      const t = readTag(list, pos, list.length);
      tags.push(t.tag);
      pos = t.end;
    }
  } catch (e) {
    if (e instanceof TlvError) return e;
    throw e;
  }
  return tags;
}

export function staticDataToAuthenticate(ctx: TransactionContext): StaticData {
  if (ctx.oda.staticDataError) return { ok: false, reason: ctx.oda.staticDataError };
  const records = ctx.oda.staticData ?? new Uint8Array(0);
  const tagList = ctx.data.from("card", TAG.STATIC_DATA_AUTHENTICATION_TAG_LIST);
  if (!tagList || tagList.length === 0) return { ok: true, data: records };
  const tags = readTagList(tagList);
  if (tags instanceof TlvError)
    return { ok: false, reason: `Static Data Authentication Tag List (9F4A) is not a list of tags: ${tags.message}` };
  if (tags.some((t) => t !== TAG.APPLICATION_INTERCHANGE_PROFILE))
    return {
      ok: false,
      reason: `Static Data Authentication Tag List (9F4A) names ${tags.map(tagToHex).join(", ")}; only 82 is allowed (Book 3 §10.3)`,
    };
  const aip = ctx.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE);
  if (!aip) return { ok: false, reason: "AIP (82) named in 9F4A is missing" };
  return { ok: true, data: concatBytes(records, ...tags.map(() => aip)) };
}
