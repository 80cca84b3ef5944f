// The EMV tag dictionary (EMV 4.4 Book 3 Annex A, plus kernel and scheme tags): name, format, source,
// allowed length and template of every data object, looked up in O(1) by tag.

import { TAG_DICTIONARY } from "./tag-dictionary.js";

/** Data element formats (Book 3 §4.3): alphabetic, alphanumeric, alphanumeric special, binary, compressed numeric, numeric, variable. */
export type TagFormat = "a" | "an" | "ans" | "b" | "cn" | "n" | "var";

/** Who provides the data object (Book 3 Annex A "Source"). */
export type TagSource = "ICC" | "terminal" | "issuer";

export interface TagInfo {
  /** Dictionary key: the tag in hex, or `tag@template` for a context-specific duplicate (e.g. `82@A1`). */
  readonly key: string;
  readonly tag: number;
  readonly name: string;
  /** Format class; undefined when no public source gives one (treated as binary by DOL processing). */
  readonly format?: TagFormat;
  /** Format as written in the source, e.g. "n 6 YYMMDD", "cn <= 19". */
  readonly formatText?: string;
  readonly source: readonly TagSource[];
  /** Allowed value length in bytes, when the source states a number or range. */
  readonly lengthMin?: number;
  readonly lengthMax?: number;
  /** Length as written in the source, e.g. "var.", "NI", "10-252". */
  readonly lengthText?: string;
  /** Templates the data object may appear in (Annex A "Template"). */
  readonly template: readonly number[];
  /** Constructed data object (b6 of the first tag byte). */
  readonly constructed: boolean;
  /** Biometric data object (EMV 4.4 biometric templates A1, BF4C, BF4D, BF4E). */
  readonly biometric?: boolean;
  /** For a `tag@template` entry: the templates in which this meaning applies instead of the plain one. */
  readonly context?: readonly number[];
}

const byTag = new Map<number, TagInfo>();
/** Context-specific meanings: template → tag → info. */
const byContext = new Map<number, Map<number, TagInfo>>();

for (const info of TAG_DICTIONARY) {
  if (info.context) {
    for (const template of info.context) {
      const m = byContext.get(template) ?? new Map<number, TagInfo>();
      m.set(info.tag, info);
      byContext.set(template, m);
    }
  } else {
    byTag.set(info.tag, info);
  }
}

/**
 * What the dictionary knows about `tag`. With `template` (the enclosing template's tag), a context-specific
 * meaning wins: 82 inside A1 is the Biometric Subtype, elsewhere the AIP.
 */
export function tagInfo(tag: number, template?: number): TagInfo | undefined {
  if (template !== undefined) {
    const hit = byContext.get(template)?.get(tag);
    if (hit) return hit;
  }
  return byTag.get(tag);
}

/** The data object's name, or undefined for a tag the dictionary does not know. */
export function tagName(tag: number, template?: number): string | undefined {
  const name = tagInfo(tag, template)?.name;
  return name ? name : undefined;
}

/** Every dictionary entry, including context-specific duplicates. */
export function allTagInfo(): readonly TagInfo[] {
  return TAG_DICTIONARY;
}
