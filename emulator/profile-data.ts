// Card profiles as the emulated card uses them (bytes, not hex) and their conversion from validated JSON, without
// zod: profile.ts validates a JSON profile and converts it here; a profile already validated (cli/built-ins.ts,
// the shipped profiles checked at build) is converted directly.

import { fromHex } from "../emv/bytes.js";
import { projectDir } from "../emv/project-files.js";
import { tagFromHex } from "../emv/tlv/ber.js";
import { panDigits } from "../emv/tlv/formats.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { type CONTACTLESS_CVMS, type CommandName, PLACEHOLDERS, type Placeholder } from "./profile-constants.js";
import type { ApplicationJson, ContactlessJson, DirectoryEntryJson, FaultJson, ProfileJson } from "./profile-schema.js";

/** The profile `npm start` runs: Visa-style CVN 18, CDA, online-capable; a default purchase goes online and is approved. */
export const DEFAULT_PROFILE_ID = "visa-cvn18-cda";

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** A profile that cannot be used: where it came from and every problem, one line each (`path: reason`). */
export class ProfileError extends Error {
  override readonly name = "ProfileError";
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`profile ${source}: ${problems.join("; ")}`);
  }
}

/** A record data object: bytes, or a value computed at load from the keystore (certificates, SSAD). */
export interface RecordTlv {
  readonly tag: number;
  readonly value: Uint8Array | Placeholder;
}

export type RecordContent =
  | { readonly kind: "tlvs"; readonly tlvs: readonly RecordTlv[] }
  | { readonly kind: "raw"; readonly data: Uint8Array };

export interface RecordProfile {
  readonly sfi: number;
  readonly record: number;
  readonly content: RecordContent;
}

export interface DataObject {
  readonly tag: number;
  readonly value: Uint8Array;
}

export interface RsaKeySpec {
  readonly bits: number;
  readonly exponent: 3 | 65537;
  /** MMYY */
  readonly expiry: string;
  readonly serial: Uint8Array;
}

export interface OdaProfile {
  readonly method: "none" | "sda" | "dda" | "cda";
  readonly caIndex: number;
  readonly issuer: RsaKeySpec;
  readonly icc: RsaKeySpec | undefined;
  readonly dataAuthenticationCode: Uint8Array;
}

export interface CryptogramProfile {
  readonly cvn: number;
  readonly imkAc: Uint8Array;
  readonly imkSmi: Uint8Array | undefined;
  readonly imkSmc: Uint8Array | undefined;
  readonly derivation: "A" | "B";
  readonly dki: number;
  readonly responseFormat: 1 | 2;
  readonly macLength: number;
}

export type ContactlessCvm = (typeof CONTACTLESS_CVMS)[number];

/** A card interface (EMV Book A §5: contact ISO 7816, contactless ISO 14443). */
export type CardInterface = "contact" | "contactless";

export interface ContactlessRisk {
  readonly decision: "approve" | "online" | "decline";
  readonly offlineAmountLimit: number | undefined;
  readonly cumulativeOfflineLimit: number | undefined;
  readonly consecutiveOfflineLimit: number | undefined;
}

/** The application on the contactless interface (Book B directory entry, Book C-3 card side). */
export interface ContactlessProfile {
  readonly mode: "qvsdc" | "emv";
  readonly kernelIdentifier: Uint8Array | undefined;
  readonly extendedSelection: Uint8Array | undefined;
  readonly priorityIndicator: number | undefined;
  readonly aip: Uint8Array;
  readonly afl: Uint8Array;
  readonly pdol: Uint8Array | undefined;
  readonly ctq: Uint8Array;
  readonly cid: boolean;
  readonly fdda: { readonly ctqInCardData: boolean } | undefined;
  readonly odaForOnline: boolean;
  readonly cvm: readonly ContactlessCvm[];
  readonly cvmRequiredLimit: number | undefined;
  readonly gpoFromRecords: readonly number[];
  readonly gpoExtra: readonly DataObject[];
  readonly risk: ContactlessRisk;
}

export interface ApplicationProfile {
  readonly aid: Uint8Array;
  /** The AID whose keystore keys this application uses (its own unless the profile names another). */
  readonly keysAid: Uint8Array;
  readonly label: string;
  readonly preferredName: string | undefined;
  readonly issuerCodeTableIndex: number | undefined;
  /** Application Priority Indicator byte (87), undefined when the profile gives neither priority nor confirmation. */
  readonly priorityIndicator: number | undefined;
  readonly language: string | undefined;
  readonly pdol: Uint8Array | undefined;
  readonly fciProprietary: readonly DataObject[];
  readonly fciIssuerDiscretionary: readonly DataObject[];
  readonly inDirectory: boolean;
  readonly blocked: boolean;
  readonly aip: Uint8Array;
  readonly afl: Uint8Array;
  readonly gpoFormat: 1 | 2;
  /** Whether an AAC is CDA-signed too when CDA is requested. */
  readonly cdaOnAac: boolean;
  readonly gpoExtra: readonly DataObject[];
  readonly records: readonly RecordProfile[];
  readonly pin: { readonly value: string; readonly tryLimit: number; readonly tryCounter: number } | undefined;
  readonly counters: {
    readonly atc: number;
    readonly lastOnlineAtc: number;
    readonly lcol: number | undefined;
    readonly ucol: number | undefined;
  };
  readonly getData: readonly DataObject[];
  readonly risk: ApplicationJson["risk"];
  readonly cryptogram: CryptogramProfile | undefined;
  readonly oda: OdaProfile | undefined;
  /** The application on the contactless interface; undefined: contact only. */
  readonly contactless: ContactlessProfile | undefined;
}

export type Fault = FaultJson;

/** An entry of a directory record (Book 1 §12.2.3): an application (ADF, tag 4F) or a further directory (DDF, 9D). */
export type DirectoryEntry =
  | { readonly kind: "adf"; readonly aid: Uint8Array }
  | { readonly kind: "ddf"; readonly name: Uint8Array };

/** Directory records, record 1 first, each with its entries in order. */
export type DirectoryRecords = readonly (readonly DirectoryEntry[])[];

/** A Directory Definition File below the PSE (Book 1 §12.2.3): selected by DF name, its directory read from `sfi`. */
export interface DdfProfile {
  readonly name: Uint8Array;
  readonly sfi: number;
  readonly records: DirectoryRecords;
}

/** The Payment System Environment (Book 1 §12.2) and the directories below it. */
export interface PseProfile {
  readonly sfi: number;
  /** Language Preference (5F2D) in the PSE's FCI, if any. */
  readonly language: string | undefined;
  /** The PSE directory's records as given; undefined: one record per application in the directory, in order. */
  readonly records: DirectoryRecords | undefined;
  readonly ddfs: readonly DdfProfile[];
}

export interface CardProfile {
  readonly id: string;
  readonly description: string;
  readonly scheme: ProfileJson["scheme"];
  /** The file the profile was read from (or "<inline>"). */
  readonly source: string;
  readonly atr: Uint8Array;
  readonly pse: PseProfile | undefined;
  /** The interfaces the card has, contact first when both. */
  readonly interfaces: readonly CardInterface[];
  /** Historical bytes of the contactless card (ATS), for the ATR the reader builds. */
  readonly historicalBytes: Uint8Array;
  readonly persistState: boolean;
  /** Behaviour when served to a terminal (T=0 procedure bytes, processing times); see profile-schema.ts `served`. */
  readonly served: {
    readonly t0Procedure: boolean | undefined;
    readonly processingTimeMs: Readonly<Partial<Record<CommandName, number>>>;
  };
  readonly applications: readonly ApplicationProfile[];
  readonly faults: readonly Fault[];
}

/** Directory of the built-in profiles (source tree or dist/ build). */
export function builtInProfileDir(): string {
  return projectDir(import.meta.url, "emulator/profiles", `${DEFAULT_PROFILE_ID}.json`);
}

function dataObjects(pairs: readonly (readonly [string, string])[] | undefined): DataObject[] {
  return (pairs ?? []).map(([t, v]) => ({ tag: tagFromHex(t), value: fromHex(v) }));
}

export function isPlaceholder(v: string): v is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(v);
}

function toApplication(a: ApplicationJson): ApplicationProfile {
  const api =
    a.priority === undefined && a.confirmationRequired === undefined
      ? undefined
      : ((a.confirmationRequired ? 0x80 : 0) | (a.priority ?? 0)) & 0xff;
  return {
    aid: fromHex(a.aid),
    keysAid: fromHex(a.keysOf ?? a.aid),
    label: a.label,
    preferredName: a.preferredName,
    issuerCodeTableIndex: a.issuerCodeTableIndex,
    priorityIndicator: api,
    language: a.language,
    pdol: a.pdol === undefined ? undefined : fromHex(a.pdol),
    fciProprietary: dataObjects(a.fciProprietary),
    fciIssuerDiscretionary: dataObjects(a.fciIssuerDiscretionary),
    inDirectory: a.inDirectory ?? true,
    blocked: a.blocked ?? false,
    aip: fromHex(a.aip),
    afl: fromHex(a.afl),
    gpoFormat: a.gpoFormat ?? 1,
    cdaOnAac: a.cdaOnAac ?? false,
    gpoExtra: dataObjects(a.gpoExtra),
    records: a.records.map((r) => ({
      sfi: r.sfi,
      record: r.record,
      content: r.raw
        ? { kind: "raw", data: fromHex(r.raw) }
        : {
            kind: "tlvs",
            tlvs: (r.tlvs ?? []).map(([t, v]) => ({ tag: tagFromHex(t), value: isPlaceholder(v) ? v : fromHex(v) })),
          },
    })),
    pin: a.pin,
    counters: {
      atc: a.counters.atc,
      lastOnlineAtc: a.counters.lastOnlineAtc,
      lcol: a.counters.lcol,
      ucol: a.counters.ucol,
    },
    getData: dataObjects(a.getData),
    risk: a.risk,
    cryptogram: a.cryptogram && {
      cvn: a.cryptogram.cvn,
      imkAc: fromHex(a.cryptogram.imkAc),
      imkSmi: a.cryptogram.imkSmi === undefined ? undefined : fromHex(a.cryptogram.imkSmi),
      imkSmc: a.cryptogram.imkSmc === undefined ? undefined : fromHex(a.cryptogram.imkSmc),
      derivation: a.cryptogram.derivation,
      dki: a.cryptogram.dki ?? 1,
      responseFormat: a.cryptogram.responseFormat ?? 1,
      macLength: a.cryptogram.macLength ?? 8,
    },
    contactless: a.contactless && toContactless(a, a.contactless),
    oda: a.oda && {
      method: a.oda.method,
      caIndex: a.oda.caIndex,
      issuer: { ...a.oda.issuer, serial: fromHex(a.oda.issuer.serial ?? "000001") },
      icc: a.oda.icc && { ...a.oda.icc, serial: fromHex(a.oda.icc.serial ?? "000001") },
      dataAuthenticationCode: fromHex(a.oda.dataAuthenticationCode ?? "DAC1"),
    },
  };
}

function toContactless(a: ApplicationJson, c: ContactlessJson): ContactlessProfile {
  const confirmation = a.confirmationRequired ? 0x80 : 0;
  const priority = c.priority ?? a.priority;
  return {
    mode: c.mode,
    kernelIdentifier: c.kernelIdentifier === undefined ? undefined : fromHex(c.kernelIdentifier),
    extendedSelection: c.extendedSelection === undefined ? undefined : fromHex(c.extendedSelection),
    priorityIndicator:
      priority === undefined && a.confirmationRequired === undefined
        ? undefined
        : (confirmation | (priority ?? 0)) & 0xff,
    aip: fromHex(c.aip ?? a.aip),
    afl: fromHex(c.afl ?? a.afl),
    pdol: c.pdol !== undefined ? fromHex(c.pdol) : a.pdol !== undefined ? fromHex(a.pdol) : undefined,
    ctq: fromHex(c.ctq ?? "0000"),
    cid: c.cid ?? true,
    fdda: c.fdda && { ctqInCardData: c.fdda.ctqInCardData ?? false },
    odaForOnline: c.odaForOnline ?? false,
    cvm: c.cvm ?? [],
    cvmRequiredLimit: c.cvmRequiredLimit,
    gpoFromRecords: (c.gpoFromRecords ?? ["57", "5F34"]).map(tagFromHex),
    gpoExtra: dataObjects(c.gpoExtra),
    risk: {
      decision: c.risk?.decision ?? "approve",
      offlineAmountLimit: c.risk?.offlineAmountLimit,
      cumulativeOfflineLimit: c.risk?.cumulativeOfflineLimit,
      consecutiveOfflineLimit: c.risk?.consecutiveOfflineLimit,
    },
  };
}

const INTERFACES: Readonly<Record<NonNullable<ProfileJson["interfaces"]>, readonly CardInterface[]>> = {
  contact: ["contact"],
  contactless: ["contactless"],
  both: ["contact", "contactless"],
};

function toDirectoryRecords(records: readonly (readonly DirectoryEntryJson[])[]): DirectoryRecords {
  return records.map((entries) =>
    entries.map(
      (e): DirectoryEntry =>
        "aid" in e ? { kind: "adf", aid: fromHex(e.aid) } : { kind: "ddf", name: fromHex(e.ddf) },
    ),
  );
}

function toPse(pse: NonNullable<ProfileJson["pse"]>, apps: readonly ApplicationJson[]): PseProfile {
  return {
    sfi: pse.sfi,
    language: pse.language === null ? undefined : (pse.language ?? apps[0]?.language),
    records: pse.records && toDirectoryRecords(pse.records),
    ddfs: (pse.ddfs ?? []).map((d) => ({ name: fromHex(d.name), sfi: d.sfi, records: toDirectoryRecords(d.records) })),
  };
}

/** A profile validated by profile.ts (schema and data-object rules) in the form the emulated card uses. */
export function toCardProfile(p: ProfileJson, source: string): CardProfile {
  return {
    id: p.id,
    description: p.description,
    scheme: p.scheme,
    source,
    atr: fromHex(p.atr),
    pse: p.pse ? toPse(p.pse, p.applications) : undefined,
    interfaces: INTERFACES[p.interfaces ?? "contact"],
    historicalBytes: fromHex(p.historicalBytes ?? ""),
    persistState: p.persistState ?? false,
    served: { t0Procedure: p.served?.t0Procedure, processingTimeMs: p.served?.processingTimeMs ?? {} },
    applications: p.applications.map(toApplication),
    faults: p.faults ?? [],
  };
}

/** The PAN digits of the first 5A in the application's records (without F padding), if any. */
export function applicationPan(app: ApplicationProfile): string | undefined {
  for (const r of app.records) {
    if (r.content.kind !== "tlvs") continue;
    const pan = r.content.tlvs.find((t) => t.tag === TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER)?.value;
    if (pan instanceof Uint8Array) return panDigits(pan);
  }
  return undefined;
}

export function hasFault(profile: CardProfile, kind: Fault["kind"]): boolean {
  return profile.faults.some((f) => f.kind === kind);
}

export type { CommandName };
