// Personalisation at profile load: records with their computed values (CA index, certificates, SSAD — Book 2
// §5–6) filled in, DOLs parsed, PAN taken from the records. Cached per profile object for the process.

import { bytesEqual, concatBytes, toHex } from "../emv/bytes.js";
import { parseAfl } from "../emv/fields/afl.js";
import { isFieldError } from "../emv/fields/field-error.js";
import { decodeTlvs, encodeTlvs, findTlv, readTag, TlvError, type TlvInput } from "../emv/tlv/ber.js";
import { type DolEntry, parseDol } from "../emv/tlv/dol.js";
import { panDigits } from "../emv/tlv/formats.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { CARD_AUTHENTICATION_DATA, cardAuthenticationDataLength } from "./contactless/fdda.js";
import type { PersonalisedApplication } from "./context.js";
import { iccPlaceholderValues, issuerPlaceholderValues, loadOdaKeys } from "./oda.js";
import type { Placeholder } from "./profile-constants.js";
import { type ApplicationProfile, type CardProfile, hasFault, type RecordProfile } from "./profile-data.js";

const cache = new WeakMap<CardProfile, readonly PersonalisedApplication[]>();

/** A profile that parsed but cannot be personalised (missing keys, a placeholder that cannot be computed …). */
export class PersonalisationError extends Error {
  override readonly name = "PersonalisationError";
}

export function personalise(profile: CardProfile): readonly PersonalisedApplication[] {
  const hit = cache.get(profile);
  if (hit) return hit;
  const apps = profile.applications.map((app, i) => personaliseApplication(profile, app, i));
  cache.set(profile, apps);
  return apps;
}

const ICC_LEVEL: ReadonlySet<Placeholder> = new Set([
  "<icc-certificate>",
  "<icc-exponent>",
  "<icc-remainder>",
  "<ssad>",
]);

function encodeRecord(rec: RecordProfile, values: ReadonlyMap<Placeholder, Uint8Array>, where: string): Uint8Array {
  if (rec.content.kind === "raw") return rec.content.data;
  const children: TlvInput[] = [];
  for (const t of rec.content.tlvs) {
    if (t.value instanceof Uint8Array) {
      children.push({ tag: t.tag, value: t.value });
      continue;
    }
    const v = values.get(t.value);
    if (!v)
      throw new PersonalisationError(`${where}: ${t.value} cannot be computed (no ODA keys for this application)`);
    // An empty remainder is left out, as a card personalised without one would (Book 2 §5.1).
    if (v.length > 0 || !REMAINDERS.has(t.value)) children.push({ tag: t.tag, value: v });
  }
  const record = encodeTlvs([{ tag: TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE, children }]);
  // A record must fit one short READ RECORD response; EMV records are at most 254 bytes (Book 3 §5.3, Annex B).
  if (record.length > MAX_RECORD)
    throw new PersonalisationError(
      `${where}: record SFI ${rec.sfi} record ${rec.record} is ${record.length} bytes once personalised; a record holds at most ${MAX_RECORD} (move data objects to another record)`,
    );
  return record;
}

const MAX_RECORD = 254;
const REMAINDERS: ReadonlySet<string> = new Set(["<issuer-remainder>", "<icc-remainder>"]);

/**
 * Static data to be authenticated (Book 3 §10.3): the records the AFL marks for ODA — SFI 1–10 without
 * tag 70 and length, SFI 11–30 whole — then the values the Static Data Authentication Tag List (9F4A) names: the
 * AIP for 82 (the only tag Book 3 allows; a card whose list names others signs their record values too, which a
 * terminal must refuse).
 */
export function staticDataToAuthenticate(
  app: ApplicationProfile,
  records: ReadonlyMap<number, Uint8Array>,
  options: { readonly withTagList?: boolean } = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  let sdaTagList: Uint8Array | undefined;
  // A deliberately malformed AFL (a fault profile) has no records for ODA.
  const afl = parseAfl(app.afl);
  for (const e of isFieldError(afl) ? [] : afl) {
    for (let r = e.first; r < e.first + e.odaCount && r <= e.last; r++) {
      const data = records.get(e.sfi * 256 + r);
      if (!data) continue;
      if (e.sfi <= 10) {
        try {
          const [t] = decodeTlvs(data);
          parts.push(t && t.tag === TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE ? t.value : data);
        } catch {
          parts.push(data);
        }
      } else {
        parts.push(data);
      }
    }
  }
  for (const data of records.values()) {
    try {
      sdaTagList ??= findTlv(decodeTlvs(data), TAG.STATIC_DATA_AUTHENTICATION_TAG_LIST)?.value;
    } catch {
      // a deliberately malformed record: no tag list from it
    }
  }
  if (options.withTagList ?? true) parts.push(...tagListValues(app, records, sdaTagList ?? new Uint8Array(0)));
  return concatBytes(...parts);
}

/** The values of the tags a 9F4A lists (no lengths in the list): the AIP for 82, else the tag's record value. */
function tagListValues(
  app: ApplicationProfile,
  records: ReadonlyMap<number, Uint8Array>,
  list: Uint8Array,
): Uint8Array[] {
  const values: Uint8Array[] = [];
  try {
    for (let pos = 0; pos < list.length; ) {
      const t = readTag(list, pos, list.length);
      pos = t.end;
      values.push(
        t.tag === TAG.APPLICATION_INTERCHANGE_PROFILE ? app.aip : (recordValue(records, t.tag) ?? new Uint8Array(0)),
      );
    }
  } catch (e) {
    if (!(e instanceof TlvError)) throw e;
    // a deliberately malformed tag list: the values read so far
  }
  return values;
}

function dolFrom(records: ReadonlyMap<number, Uint8Array>, tag: number, where: string): DolEntry[] | undefined {
  for (const data of records.values()) {
    let value: Uint8Array | undefined;
    try {
      value = findTlv(decodeTlvs(data), tag)?.value;
    } catch {
      continue;
    }
    if (value) {
      try {
        return parseDol(value);
      } catch (e) {
        throw new PersonalisationError(`${where}: ${(e as Error).message}`);
      }
    }
  }
  return undefined;
}

export function recordValue(records: ReadonlyMap<number, Uint8Array>, tag: number): Uint8Array | undefined {
  for (const data of records.values()) {
    try {
      const v = findTlv(decodeTlvs(data), tag)?.value;
      if (v) return v;
    } catch {
      // malformed record on purpose
    }
  }
  return undefined;
}

function personaliseApplication(profile: CardProfile, app: ApplicationProfile, index: number): PersonalisedApplication {
  const where = `${profile.id}: applications[${index}]`;
  const keys = loadOdaKeys(profile, app, where);
  const values = new Map<Placeholder, Uint8Array>();
  if (keys) for (const [k, v] of issuerPlaceholderValues(profile, app, keys)) values.set(k, v);
  // Before the first contactless GPO the record holds a 9F69 of zeros (its length stays the same).
  if (app.contactless?.fdda)
    values.set(CARD_AUTHENTICATION_DATA, new Uint8Array(cardAuthenticationDataLength(app.contactless)));

  const key = (r: RecordProfile) => r.sfi * 256 + r.record;
  // First pass: everything except the ICC-level values, which sign the static data of this pass.
  const firstPass = new Map<number, Uint8Array>();
  app.records.forEach((rec, ri) => {
    const needsIcc =
      rec.content.kind === "tlvs" &&
      rec.content.tlvs.some((t) => typeof t.value === "string" && ICC_LEVEL.has(t.value));
    if (!needsIcc) firstPass.set(key(rec), encodeRecord(rec, values, `${where}.records[${ri}]`));
  });
  if (keys && app.oda) {
    // Fault "static-data-without-tag-list": the card signs as if it had no 9F4A.
    const withTagList = !hasFault(profile, "static-data-without-tag-list");
    const staticData = staticDataToAuthenticate(app, firstPass, { withTagList });
    for (const [k, v] of iccPlaceholderValues(profile, app, keys, staticData)) values.set(k, v);
  }
  const records = new Map<number, Uint8Array>();
  app.records.forEach((rec, ri) => {
    records.set(key(rec), firstPass.get(key(rec)) ?? encodeRecord(rec, values, `${where}.records[${ri}]`));
  });

  const pdol = parsePdol(app.pdol, `${where}.pdol`);
  for (const tag of app.contactless?.gpoFromRecords ?? [])
    if (!recordValue(records, tag))
      throw new PersonalisationError(
        `${where}.contactless.gpoFromRecords: tag ${tag.toString(16).toUpperCase()} is in no record`,
      );
  const cl = app.contactless;
  const contactless = cl && { pdol: parsePdol(cl.pdol, `${where}.contactless.pdol`) };
  const cardAuthenticationRecords = new Map<number, (cad: Uint8Array) => Uint8Array>();
  app.records.forEach((rec, ri) => {
    if (rec.content.kind !== "tlvs" || !rec.content.tlvs.some((t) => t.value === CARD_AUTHENTICATION_DATA)) return;
    const at = `${where}.records[${ri}]`;
    if (!cl?.fdda)
      throw new PersonalisationError(`${at}: ${CARD_AUTHENTICATION_DATA} needs a contactless application with fDDA`);
    // Book C-3: 9F69 changes per transaction, so it cannot be in data the ICC certificate signs.
    for (const afl of [app.afl, cl.afl])
      if (isOdaRecord(afl, rec.sfi, rec.record))
        throw new PersonalisationError(
          `${at}: SFI ${rec.sfi} record ${rec.record} holds 9F69, which changes per transaction; the AFL must not mark it for offline data authentication`,
        );
    cardAuthenticationRecords.set(key(rec), (cad) =>
      encodeRecord(rec, new Map([...values, [CARD_AUTHENTICATION_DATA, cad]]), at),
    );
  });
  // One ICC certificate signs the static data: the contactless AIP/AFL must give the same (Book 2 §6.1, Book C-3).
  if (cl?.fdda && keys?.icc) {
    const contactData = staticDataToAuthenticate(app, records);
    const contactlessData = staticDataToAuthenticate({ ...app, aip: cl.aip, afl: cl.afl }, records);
    if (!bytesEqual(contactData, contactlessData))
      throw new PersonalisationError(
        `${where}.contactless: the contactless AIP/AFL give other static data to authenticate than the contact ones (${contactlessData.length} vs ${contactData.length} bytes); the one ICC certificate cannot sign both`,
      );
  }
  const pan = recordValue(records, 0x5a);
  const psn = recordValue(records, TAG.PAN_SEQUENCE_NUMBER);
  return {
    profile: app,
    aidHex: toHex(app.aid),
    records,
    cdol1: dolFrom(records, 0x8c, `${where} CDOL1 (8C)`),
    cdol2: dolFrom(records, 0x8d, `${where} CDOL2 (8D)`),
    pdol,
    pan: pan ? panDigits(pan) : undefined,
    panSequenceNumber: psn ? toHex(psn) : undefined,
    keys,
    contactless,
    cardAuthenticationRecords,
  };
}

function parsePdol(pdol: Uint8Array | undefined, where: string): DolEntry[] {
  if (!pdol) return [];
  try {
    return parseDol(pdol);
  } catch (e) {
    throw new PersonalisationError(`${where}: ${(e as Error).message}`);
  }
}

/** Whether the AFL marks SFI/record as an offline data authentication record (Book 3 §10.2). */
function isOdaRecord(afl: Uint8Array, sfi: number, record: number): boolean {
  const entries = parseAfl(afl);
  if (isFieldError(entries)) return false;
  return entries.some((e) => e.sfi === sfi && record >= e.first && record < e.first + e.odaCount && record <= e.last);
}
