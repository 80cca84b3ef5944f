// Reading DOL-related data as the card does (EMV Book 3 §5.4): the terminal concatenates the values in DOL
// order, so the card splits the command data by the DOL's (tag, length) entries (kernel/tlv/dol.ts parses them).

import type { DolEntry } from "../emv/tlv/dol.js";
import { amountMinorUnits } from "../emv/tlv/formats.js";

/** The values in DOL-related data by tag (the caller has checked the data length). */
export function dolValues(entries: readonly DolEntry[], data: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let p = 0;
  for (const e of entries) {
    out.set(e.tag, data.subarray(p, p + e.length));
    p += e.length;
  }
  return out;
}

/** The value of one tag in DOL-related data (the last entry for it, as dolValues), undefined when the DOL lacks it. */
export function dolValue(entries: readonly DolEntry[], data: Uint8Array, tag: number): Uint8Array | undefined {
  let p = 0;
  let at = -1;
  let length = 0;
  for (const e of entries) {
    if (e.tag === tag) {
      at = p;
      length = e.length;
    }
    p += e.length;
  }
  return at < 0 ? undefined : data.subarray(at, at + length);
}

/** Amount Authorised (n 12) in minor units; undefined when absent or not BCD. */
export function amountOf(value: Uint8Array | undefined): number | undefined {
  if (!value) return undefined;
  try {
    return Number(amountMinorUnits(value));
  } catch {
    return undefined;
  }
}
