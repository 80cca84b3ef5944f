// The EMV tag dictionary (EMV 4.4 Book 3 Annex A, plus kernel and scheme tags): name, format, source,
// allowed length and template of every data object, looked up in O(1) by tag.

import { TAG_DICTIONARY } from "./tag-dictionary.js";
import type { TagInfo } from "./tag-info.js";

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
