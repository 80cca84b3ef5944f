// Card profiles: load a JSON profile, validate it (zod schema + EMV data-object rules) and turn it into the
// byte form the emulated card uses. Every problem is reported as one line: the JSON path and the reason.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fromHex } from "../emv/bytes.js";
import { formatPath, formatZodIssues } from "../emv/schema-errors.js";
import { tagFromHex, tagToHex } from "../emv/tlv/ber.js";
import { parseDol } from "../emv/tlv/dol.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { tagInfo } from "../emv/tlv/tags.js";
import {
  builtInProfileDir,
  type CardInterface,
  type CardProfile,
  isPlaceholder,
  ProfileError,
  type Result,
  toCardProfile,
} from "./profile-data.js";
import { type DirectoryEntryJson, type ProfileJson, profileSchema } from "./profile-schema.js";

export * from "./profile-data.js";

/** Ids of the built-in profiles, sorted; with `interface`, only the cards that have it. */
export function listProfiles(options: { readonly interface?: CardInterface } = {}): string[] {
  const dir = builtInProfileDir();
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
  const wanted = options.interface;
  if (!wanted) return ids;
  return ids.filter((id) => {
    const r = loadProfile(id);
    return r.ok && r.value.interfaces.includes(wanted);
  });
}

/** Load a built-in profile by id, or a profile file by path (anything containing '/' or ending in .json). */
export function loadProfile(idOrPath: string): Result<CardProfile, ProfileError> {
  const isPath = idOrPath.includes("/") || idOrPath.includes("\\") || idOrPath.endsWith(".json");
  const file = isPath ? resolve(idOrPath) : join(builtInProfileDir(), `${idOrPath}.json`);
  if (!existsSync(file)) {
    const known = isPath ? "" : ` (built-in profiles: ${listProfiles().join(", ")})`;
    return { ok: false, error: new ProfileError(idOrPath, [`no such ${isPath ? "file" : "profile"}${known}`]) };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { ok: false, error: new ProfileError(file, [`not valid JSON: ${(e as Error).message}`]) };
  }
  const result = parseProfile(json, file);
  if (result.ok && !isPath && result.value.id !== idOrPath) {
    return { ok: false, error: new ProfileError(file, [`id: '${result.value.id}' differs from the file name`]) };
  }
  if (result.ok && isPath && result.value.id !== basename(file, ".json") && file.startsWith(builtInProfileDir())) {
    return { ok: false, error: new ProfileError(file, [`id: '${result.value.id}' differs from the file name`]) };
  }
  return result;
}

/** A loaded profile as is, or a built-in id / file path loaded; throws ProfileError when it cannot be used. */
export function resolveProfile(profile: string | CardProfile): CardProfile {
  if (typeof profile !== "string") return profile;
  const r = loadProfile(profile);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Validate a parsed JSON value as a profile. `source` names it in errors. */
export function parseProfile(json: unknown, source = "<inline>"): Result<CardProfile, ProfileError> {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: new ProfileError(source, formatZodIssues(parsed.error.issues)) };
  const problems = checkDataObjects(parsed.data);
  if (problems.length > 0) return { ok: false, error: new ProfileError(source, problems) };
  return { ok: true, value: toCardProfile(parsed.data, source) };
}

export { formatPath, formatZodIssues };

/** Data-object rules the schema cannot express: tag well-formedness, lengths (tag dictionary), duplicates in a record. */
function checkDataObjects(p: ProfileJson): string[] {
  const problems: string[] = [];
  p.applications.forEach((app, ai) => {
    app.records.forEach((rec, ri) => {
      const where = `applications[${ai}].records[${ri}]`;
      if (!rec.tlvs || rec.unchecked) return;
      const seen = new Set<number>();
      rec.tlvs.forEach(([tagText, value], ti) => {
        let tag: number;
        try {
          tag = tagFromHex(tagText);
        } catch {
          problems.push(`${where}.tlvs[${ti}]: '${tagText}' is not a well-formed BER-TLV tag`);
          return;
        }
        if (seen.has(tag)) problems.push(`${where}: tag ${tagToHex(tag)} appears twice (mark the record 'unchecked')`);
        seen.add(tag);
        if (!isPlaceholder(value)) {
          const reason = lengthProblem(tag, value.length / 2);
          if (reason) problems.push(`${where}: tag ${tagToHex(tag)} ${reason}`);
        }
      });
    });
    const keys = new Set<string>();
    app.records.forEach((rec, ri) => {
      const k = `${rec.sfi}/${rec.record}`;
      if (keys.has(k))
        problems.push(`applications[${ai}].records[${ri}]: SFI ${rec.sfi} record ${rec.record} defined twice`);
      keys.add(k);
    });
    if (app.pin && app.pin.tryCounter > app.pin.tryLimit) {
      problems.push(`applications[${ai}].pin.tryCounter: ${app.pin.tryCounter} exceeds tryLimit ${app.pin.tryLimit}`);
    }
    if (app.oda && app.oda.method !== "none" && app.oda.method !== "sda" && !app.oda.icc) {
      problems.push(`applications[${ai}].oda.icc: ${app.oda.method.toUpperCase()} needs an ICC key`);
    }
    if (app.oda?.icc && app.oda.icc.bits > app.oda.issuer.bits) {
      problems.push(
        `applications[${ai}].oda.icc.bits: ${app.oda.icc.bits} exceeds the issuer key (${app.oda.issuer.bits})`,
      );
    }
  });
  problems.push(...checkContactless(p), ...checkDirectories(p));
  const aids = new Set<string>();
  p.applications.forEach((app, ai) => {
    const k = app.aid.toUpperCase();
    if (aids.has(k)) problems.push(`applications[${ai}].aid: ${k} appears twice`);
    aids.add(k);
  });
  return problems;
}

/** PSE layout (Book 1 §12.2.3): ADF entries name applications of the card, DDF entries one of its DDFs, once each. */
function checkDirectories(p: ProfileJson): string[] {
  const pse = p.pse;
  if (!pse) return [];
  const problems: string[] = [];
  const aids = new Set(p.applications.map((a) => a.aid.toUpperCase()));
  const ddfs = new Map<string, number>();
  (pse.ddfs ?? []).forEach((d, i) => {
    const name = d.name.toUpperCase();
    if (ddfs.has(name)) problems.push(`pse.ddfs[${i}].name: ${name} appears twice`);
    if (aids.has(name)) problems.push(`pse.ddfs[${i}].name: ${name} is also an application's AID`);
    ddfs.set(name, i);
  });
  const check = (records: readonly (readonly DirectoryEntryJson[])[] | undefined, where: string) => {
    records?.forEach((entries, ri) => {
      entries.forEach((e, ei) => {
        const at = `${where}.records[${ri}][${ei}]`;
        if ("aid" in e && !aids.has(e.aid.toUpperCase()))
          problems.push(`${at}.aid: ${e.aid.toUpperCase()} is not an application of this card`);
        if ("ddf" in e && !ddfs.has(e.ddf.toUpperCase()))
          problems.push(`${at}.ddf: ${e.ddf.toUpperCase()} is not one of pse.ddfs`);
      });
    });
  };
  check(pse.records, "pse");
  (pse.ddfs ?? []).forEach((d, i) => {
    check(d.records, `pse.ddfs[${i}]`);
  });
  return problems;
}

/** The tags of a PDOL, or undefined when the hex is not a well-formed DOL. */
function pdolTags(hex: string): number[] | undefined {
  try {
    return parseDol(fromHex(hex)).map((e) => e.tag);
  } catch {
    return undefined;
  }
}

/** Contactless rules (Book B, Book C-3): interfaces agree with the applications, qVSDC has its PDOL and keys. */
function checkContactless(p: ProfileJson): string[] {
  const problems: string[] = [];
  const interfaces = p.interfaces ?? "contact";
  const contactless = p.applications.filter((a) => a.contactless !== undefined).length;
  if (interfaces !== "contact" && contactless === 0)
    problems.push(`interfaces: '${interfaces}' needs at least one application with a 'contactless' block`);
  if (interfaces === "contactless" && p.pse !== null)
    problems.push("pse: a contactless-only card has no PSE (set it to null; it answers the PPSE)");
  p.applications.forEach((app, ai) => {
    const cl = app.contactless;
    if (!cl) return;
    const where = `applications[${ai}].contactless`;
    if (interfaces === "contact") {
      problems.push(`${where}: the card has no contactless interface (set 'interfaces' to "contactless" or "both")`);
      return;
    }
    if (cl.mode !== "qvsdc") return;
    const pdolHex = cl.pdol ?? app.pdol;
    const tags = pdolHex === undefined ? undefined : pdolTags(pdolHex);
    // Book C-3: the reader sends the TTQ (9F66) in the PDOL data; the card decides from it.
    if (!tags || tags[0] !== TAG.TERMINAL_TRANSACTION_QUALIFIERS)
      problems.push(`${where}.pdol: a qVSDC application needs a PDOL whose first entry is 9F66 (TTQ)`);
    const needs: number[] = [TAG.AMOUNT_AUTHORISED_NUMERIC, TAG.UNPREDICTABLE_NUMBER];
    if (cl.fdda) needs.push(TAG.TRANSACTION_CURRENCY_CODE);
    for (const t of needs)
      if (tags && !tags.includes(t))
        problems.push(
          `${where}.pdol: must ask for ${tagToHex(t)} (${cl.fdda ? "fDDA signs it" : "the cryptogram covers it"})`,
        );
    if (!app.cryptogram) problems.push(`${where}: qVSDC answers GPO with a cryptogram, so 'cryptogram' is needed`);
    if (cl.fdda && !(app.oda?.icc && app.oda.method !== "none" && app.oda.method !== "sda"))
      problems.push(`${where}.fdda: fDDA signs with the ICC key: 'oda' needs method dda or cda and an 'icc' key`);
  });
  return problems;
}

/** Length rule of the tag dictionary (Book 3 Annex A), e.g. "must be 3 bytes"; undefined when the length is allowed. */
function lengthProblem(tag: number, length: number): string | undefined {
  const info = tagInfo(tag, TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE);
  if (!info || info.lengthMin === undefined || info.lengthMax === undefined) return undefined;
  if (length >= info.lengthMin && length <= info.lengthMax) return undefined;
  const plural = (n: number) => `${n} byte${n === 1 ? "" : "s"}`;
  return info.lengthMin === info.lengthMax
    ? `must be ${plural(info.lengthMin)}`
    : `must be ${info.lengthMin} to ${plural(info.lengthMax)}`;
}
