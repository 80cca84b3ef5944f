// The card a case serves to a terminal under test: the case's profile with its overrides, and CDOL1/CDOL2 asking
// for the TVR (95), TSI (9B) and CVM Results (9F34) as lab test cards do, so that the card sees what the terminal
// decided (Book 3 §5.4, Annex A). Done through the case's CardOverrides (tags 8C/8D replaced in the records): the
// built-in profiles stay as they are, and the card re-signs its static data at personalisation.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { builtInProfileDir, type CardProfile } from "../../emulator/profile.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CardOverrides, CertCase } from "../catalog/types.js";
import { type Built, profileWithOverrides } from "../harness.js";

/** The data objects a test card's CDOLs must ask for, with their lengths (Book 3 Annex A). */
export const JUDGED_DOL_ENTRIES: readonly { readonly tag: number; readonly hex: string }[] = [
  { tag: TAG.TERMINAL_VERIFICATION_RESULTS, hex: "9505" },
  { tag: TAG.TRANSACTION_STATUS_INFORMATION, hex: "9B02" },
  { tag: TAG.CVM_RESULTS, hex: "9F3403" },
];

/** A DOL with the judged entries it lacks appended. Returns undefined when the DOL cannot be parsed. */
export function withJudgedEntries(dolHex: string): string | undefined {
  let tags: number[];
  try {
    tags = parseDol(fromHex(dolHex)).map((e) => e.tag);
  } catch {
    return undefined;
  }
  return (
    dolHex +
    JUDGED_DOL_ENTRIES.filter((e) => !tags.includes(e.tag))
      .map((e) => e.hex)
      .join("")
  ).toUpperCase();
}

type Json = Record<string, unknown>;

/** The value of a tag in the JSON profile's application records (the case's tag overrides first). */
function recordValue(profile: string, over: CardOverrides | undefined, tag: string): string | undefined {
  const given = Object.entries(over?.tags ?? {}).find(([t]) => t.toUpperCase() === tag);
  if (given) return given[1];
  let json: Json;
  try {
    json = JSON.parse(readFileSync(join(builtInProfileDir(), `${profile}.json`), "utf8")) as Json;
  } catch {
    return undefined;
  }
  const app = (json.applications as Json[] | undefined)?.[over?.app ?? 0];
  for (const r of (app?.records as Json[] | undefined) ?? []) {
    for (const [t, v] of (r.tlvs as [string, string][] | undefined) ?? []) if (t.toUpperCase() === tag) return v;
  }
  return undefined;
}

/** The card overrides of a case for the terminal-under-test run: its own, plus CDOLs asking for 95, 9B, 9F34. */
export function servedOverrides(c: CertCase): CardOverrides {
  const tags: Record<string, string> = { ...(c.card?.tags ?? {}) };
  for (const tag of [TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1, TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2]) {
    const name = toHex(new Uint8Array([tag]));
    if (c.card?.removeTags?.some((t) => t.toUpperCase() === name)) continue; // the case wants it missing
    const dol = recordValue(c.profile, c.card, name);
    const judged = dol === undefined ? undefined : withJudgedEntries(dol);
    if (judged !== undefined && judged !== dol?.toUpperCase()) tags[name] = judged;
  }
  return { ...(c.card ?? {}), tags };
}

/** The profile the case's card is served with to a terminal under test. */
export function servedProfile(c: CertCase): Built<CardProfile> {
  return profileWithOverrides(c.profile, servedOverrides(c));
}
