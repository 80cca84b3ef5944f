// Data Object Lists (EMV Book 3 §5.4): a DOL is a list of (tag, length) entries; the terminal builds the
// DOL-related data by concatenating each data object's value, truncated or padded to the entry's length.

import { allocBytes } from "../bytes.js";
import { isConstructedTag, readTag, TlvError, tagToHex } from "./ber.js";
import type { TagInfo } from "./tag-info.js";
import { tagInfo as dictionaryTagInfo } from "./tags.js";

/** Anything a DOL or a step can read a data object from. */
export interface DataLookup {
  /** The value of `tag`, or undefined when no source holds it. */
  get(tag: number): Uint8Array | undefined;
}

export interface DolEntry {
  readonly tag: number;
  /** Length in bytes the data object occupies in the DOL-related data. */
  readonly length: number;
}

/** A malformed DOL: what, at which byte offset, and the entries read before the problem. */
export class DolError extends Error {
  override readonly name = "DolError";
  constructor(
    readonly offset: number,
    detail: string,
    /** Entries successfully read before the error. */
    readonly entries: readonly DolEntry[],
  ) {
    super(`DOL at offset ${offset}: ${detail}`);
  }
}

/** Parse a DOL (Book 3 §5.4): BER tag followed by a definite length, repeated. Throws DolError naming the offset. */
export function parseDol(dol: Uint8Array): DolEntry[] {
  const entries: DolEntry[] = [];
  let pos = 0;
  while (pos < dol.length) {
    const start = pos;
    let tag: number;
    try {
      const read = readTag(dol, pos, dol.length);
      tag = read.tag;
      pos = read.end;
    } catch (e) {
      if (e instanceof TlvError) throw new DolError(start, `tag is truncated or longer than 3 bytes`, entries);
      throw e;
    }
    if (pos >= dol.length) throw new DolError(pos, `tag ${tagToHex(tag)} has no length`, entries);
    const l0 = dol[pos++]!;
    let length = l0;
    if (l0 === 0x80 || l0 > 0x82) {
      throw new DolError(
        pos - 1,
        `tag ${tagToHex(tag)} length byte ${l0.toString(16).toUpperCase()} is not allowed`,
        entries,
      );
    }
    if (l0 > 0x80) {
      const n = l0 & 0x7f;
      if (pos + n > dol.length) throw new DolError(pos, `tag ${tagToHex(tag)} length is truncated`, entries);
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + dol[pos++]!;
    }
    entries.push({ tag, length });
  }
  return entries;
}

/** Length of the DOL-related data: the sum of the entries' lengths. */
export function dolDataLength(entries: readonly DolEntry[]): number {
  let n = 0;
  for (const e of entries) n += e.length;
  return n;
}

/** Format used to fit a value into its DOL entry; tags without a known format are treated as binary. */
function formatOf(info: TagInfo | undefined): string {
  return info?.format ?? "b";
}

/**
 * Build DOL-related data (Book 3 §5.4) from `lookup`:
 * - data object absent, or constructed → entry filled with zeros;
 * - value longer than the entry: format n keeps the rightmost bytes, all other formats the leftmost;
 * - value shorter: n is right-justified with leading 00, cn left-justified padded with FF,
 *   other formats (b, an, ans, a) left-justified padded with 00.
 * The result is always exactly dolDataLength(entries) bytes.
 */
export function buildDolData(
  entries: readonly DolEntry[],
  lookup: DataLookup,
  tagInfo: (tag: number) => TagInfo | undefined = dictionaryTagInfo,
): Uint8Array {
  const out = allocBytes(dolDataLength(entries));
  let pos = 0;
  for (const { tag, length } of entries) {
    const value = isConstructedTag(tag) ? undefined : lookup.get(tag);
    if (value !== undefined && length > 0) {
      // The usual case first: the value fills its entry exactly, whatever its format (no lookup, no view).
      const format = value.length === length ? undefined : formatOf(tagInfo(tag));
      if (format === undefined) {
        out.set(value, pos);
      } else if (value.length > length) {
        // Longer: n keeps the rightmost bytes (Book 3 §5.4), others the leftmost.
        out.set(format === "n" ? value.subarray(value.length - length) : value.subarray(0, length), pos);
      } else if (format === "n") {
        out.set(value, pos + length - value.length);
      } else {
        out.set(value, pos);
        if (format === "cn") out.fill(0xff, pos + value.length, pos + length);
      }
    }
    pos += length;
  }
  return out;
}
