// The JSON form of a card profile (one file per card under emulator/profiles/), validated with zod.
// Hex in the JSON, bytes at runtime (emulator/profile.ts converts). Field meanings: emulator/README.md.

import { z } from "zod";
import { COMMAND_NAMES, CONTACTLESS_CVMS, PLACEHOLDERS } from "./profile-constants.js";

export {
  COMMAND_NAMES,
  CONTACTLESS_CVMS,
  type CommandName,
  PLACEHOLDERS,
  type Placeholder,
} from "./profile-constants.js";

const HEX = /^([0-9A-Fa-f]{2})*$/;

/** Even-length hex text without separators. */
export const hexString = z.string().regex(HEX, "must be hex with an even number of digits");

/** Hex of exactly / at least / at most n bytes. */
function hexBytes(min: number, max = min): z.ZodString {
  const what = min === max ? `${min} byte${min === 1 ? "" : "s"}` : `${min} to ${max} bytes`;
  return z
    .string()
    .regex(HEX, "must be hex with an even number of digits")
    .refine((s) => s.length / 2 >= min && s.length / 2 <= max, `must be ${what} of hex`);
}

/** A BER-TLV tag as hex: 1 to 3 bytes ("5A", "9F02", "DF8101"). */
export const tagHex = z.string().regex(/^([0-9A-Fa-f]{2}){1,3}$/, "must be a 1 to 3 byte hex tag");

const tlvValue = z
  .string()
  .refine(
    (s) => HEX.test(s) || (PLACEHOLDERS as readonly string[]).includes(s),
    `must be hex or one of ${PLACEHOLDERS.join(", ")}`,
  );

/** One data object as [tag, value]: a list, not a map, so a profile can repeat a tag on purpose. */
export const tlvPair = z.tuple([tagHex, tlvValue]);
const plainTlvPair = z.tuple([tagHex, hexString]);

export const recordSchema = z
  .strictObject({
    /** Short File Identifier, 1–30 (Book 3 §5.3.2). */
    sfi: z.number().int().min(1).max(30),
    /** Record number, 1–254. */
    record: z.number().int().min(1).max(254),
    /** The data objects inside template 70, in order. */
    tlvs: z.array(tlvPair).optional(),
    /** The whole READ RECORD response data, sent as is (for deliberately malformed records). */
    raw: hexString.optional(),
    /** Skip the length/duplicate checks for this record (a deliberately wrong record). */
    unchecked: z.boolean().optional(),
    note: z.string().optional(),
  })
  .refine((r) => (r.tlvs === undefined) !== (r.raw === undefined), "give exactly one of 'tlvs' or 'raw'");

export const pinSchema = z.strictObject({
  /** Reference PIN, 4–12 digits (Book 3 §6.5.12). Test data only. */
  value: z.string().regex(/^[0-9]{4,12}$/, "must be 4 to 12 digits"),
  /** PIN Try Limit and the current PIN Try Counter (9F17). */
  tryLimit: z.number().int().min(1).max(15),
  tryCounter: z.number().int().min(0).max(15),
});

export const countersSchema = z.strictObject({
  /** Application Transaction Counter (9F36) before the first transaction. */
  atc: z.number().int().min(0).max(0xffff),
  /** Last Online ATC Register (9F13). */
  lastOnlineAtc: z.number().int().min(0).max(0xffff),
  /** Lower / Upper Consecutive Offline Limit (9F14 / 9F23); GET DATA returns them when defined. */
  lcol: z.number().int().min(0).max(255).optional(),
  ucol: z.number().int().min(0).max(255).optional(),
});

/** Card risk management: what the card answers to each GENERATE AC request (Book 3 §6.5.5.4: never an upgrade). */
export const riskSchema = z.strictObject({
  /** First GENERATE AC asking for a TC: "approve" → TC, "online" → ARQC, "decline" → AAC. */
  offline: z.enum(["approve", "online", "decline"]),
  /** First GENERATE AC asking for an ARQC: "online" → ARQC, "decline" → AAC. Default "online". */
  online: z.enum(["online", "decline"]).optional(),
  /** Amount authorised (9F02, minor units) above which a TC request becomes an ARQC. */
  offlineAmountLimit: z.number().int().min(0).optional(),
  /** Second GENERATE AC TC request without a successful EXTERNAL AUTHENTICATE → AAC. */
  issuerAuthenticationRequired: z.boolean().optional(),
  /** A PIN try counter at 0 turns a TC request into an AAC. */
  declineWhenPinBlocked: z.boolean().optional(),
});

/** Symmetric keys and cryptogram version (Book 2 §8, scheme CVN rules; keys are test keys). */
export const cryptogramSchema = z.strictObject({
  /** Cryptogram version number (e.g. 10, 18 Visa; 16, 17 Mastercard). */
  cvn: z.number().int().min(0).max(255),
  /** Issuer master keys (AC, secure-messaging integrity and confidentiality), 16 bytes each. */
  imkAc: hexBytes(16),
  imkSmi: hexBytes(16).optional(),
  imkSmc: hexBytes(16).optional(),
  /** ICC master key derivation (Book 2 Annex A1.4): option A or B. */
  derivation: z.enum(["A", "B"]),
  /** Derivation key index in the IAD. Default 01. */
  dki: z.number().int().min(0).max(255).optional(),
  /** Response template of GENERATE AC without CDA: 1 (tag 80) or 2 (tag 77). Default 1. */
  responseFormat: z.literal([1, 2]).optional(),
  /** Issuer script MAC length in bytes (4–8). Default 8. */
  macLength: z.number().int().min(4).max(8).optional(),
});

const rsaKeySpec = z.strictObject({
  bits: z.number().int().min(512).max(1984),
  exponent: z.literal([3, 65537]),
  /** Certificate expiration date MMYY (Book 2 §5.3 Table 6). */
  expiry: z.string().regex(/^(0[1-9]|1[0-2])[0-9]{2}$/, "must be MMYY"),
  /** Certificate serial number, 3 bytes hex. Default 000001. */
  serial: hexBytes(3).optional(),
});

/** Offline data authentication (Book 2): method, CA key index, issuer and ICC key sizes. */
export const odaSchema = z.strictObject({
  method: z.enum(["none", "sda", "dda", "cda"]),
  /** CA public key index (8F) under the test RID A000000999. */
  caIndex: z.number().int().min(0).max(255),
  issuer: rsaKeySpec,
  icc: rsaKeySpec.optional(),
  /** Data Authentication Code (9F45) signed in the SSAD, 2 bytes. Default DAC1. */
  dataAuthenticationCode: hexBytes(2).optional(),
});

/** Deliberate faults: the card misbehaves exactly this way so the kernel's handling can be tested. */
export const faultSchema = z.discriminatedUnion("kind", [
  /** Answer `command` with this SW (no data); `occurrence` = only the n-th such command (1-based). */
  z.strictObject({
    kind: z.literal("sw"),
    command: z.enum(COMMAND_NAMES),
    sw: hexBytes(2),
    occurrence: z.number().int().min(1).optional(),
  }),
  /** Cut the response data of `command` to `keep` bytes (SW 9000 kept). */
  z.strictObject({
    kind: z.literal("truncate"),
    command: z.enum(COMMAND_NAMES),
    keep: z.number().int().min(0),
    occurrence: z.number().int().min(1).optional(),
  }),
  z.strictObject({ kind: z.literal("bad-ssad-signature") }),
  z.strictObject({ kind: z.literal("bad-sdad-signature") }),
  z.strictObject({ kind: z.literal("bad-issuer-certificate-signature") }),
  z.strictObject({ kind: z.literal("expired-issuer-certificate") }),
  z.strictObject({ kind: z.literal("expired-icc-certificate") }),
  /** SSAD / ICC certificate hash computed over other static data than the records deliver. */
  z.strictObject({ kind: z.literal("wrong-static-data-hash") }),
  /** The application cryptogram is off by one bit (the issuer must decline). */
  z.strictObject({ kind: z.literal("wrong-cryptogram") }),
  /**
   * The CID of the n-th GENERATE AC names this cryptogram type, whatever the card decided: a card that breaks Book 3
   * §9.3 (e.g. an ARQC answered to the second GENERATE AC).
   */
  z.strictObject({
    kind: z.literal("cid"),
    occurrence: z.number().int().min(1).max(2),
    cryptogram: z.enum(["AAC", "TC", "ARQC"]),
  }),
  /** A format 2 GET PROCESSING OPTIONS response without this mandatory data object (Book 3 §6.5.8.4: 82 and 94). */
  z.strictObject({ kind: z.literal("gpo-omit"), tag: z.enum(["82", "94"]) }),
  /** The FCI carries this PDOL (9F38) in 6F after A5, not inside A5 (Book 1 §11.3.4); the card expects no PDOL data. */
  z.strictObject({ kind: z.literal("pdol-outside-a5"), pdol: hexString }),
  /** The SDAD of INTERNAL AUTHENTICATE has a leading 00: the same number, one byte longer than the ICC modulus. */
  z.strictObject({ kind: z.literal("sdad-length") }),
  /** Only the CDA signature of the n-th GENERATE AC does not verify (its last bit flipped, Book 2 §6.6). */
  z.strictObject({ kind: z.literal("bad-cda-signature"), occurrence: z.number().int().min(1).max(2) }),
  /** SSAD and ICC certificate signed over the records only, without the values 9F4A names (Book 3 §10.3). */
  z.strictObject({ kind: z.literal("static-data-without-tag-list") }),
  /** The CID of the n-th GENERATE AC is exactly this byte (type 11, advice bit b4, RFU reason codes; Book 3 §6.5.5.4). */
  z.strictObject({ kind: z.literal("cid-byte"), occurrence: z.number().int().min(1).max(2), cid: hexBytes(1) }),
  /** Contactless (Book C-3 fDDA): the SDAD of the GPO response does not verify. */
  z.strictObject({ kind: z.literal("bad-fdda-signature") }),
  /** Contactless fDDA: the ICC dynamic number signed is ATC + 1 instead of the ATC (9F36) the card returns. */
  z.strictObject({ kind: z.literal("wrong-fdda-atc") }),
  /** Contactless qVSDC: the GPO response carries no AFL (94), also where the card approves offline. */
  z.strictObject({ kind: z.literal("no-afl") }),
  /** SELECT of exactly this DF name (P2 first occurrence, e.g. a final selection) answered with this SW, no data. */
  z.strictObject({ kind: z.literal("select-sw"), name: hexBytes(5, 16), sw: hexBytes(2) }),
  /** The FCI of the application with this AID names another DF name (84) than the one selected (Book 1 §12.4). */
  z.strictObject({ kind: z.literal("fci-df-name"), aid: hexBytes(5, 16), dfName: hexBytes(5, 16) }),
]);
export type FaultJson = z.infer<typeof faultSchema>;

/** The card's own offline rules on a contactless GPO (qVSDC card risk management). Amounts in minor units. */
export const contactlessRiskSchema = z.strictObject({
  /** The card's answer when nothing else decides: "approve" → TC offline, "online" → ARQC, "decline" → AAC. Default approve. */
  decision: z.enum(["approve", "online", "decline"]).optional(),
  /** Amount Authorised (9F02) above which the card does not approve offline. */
  offlineAmountLimit: z.number().int().min(0).optional(),
  /** Offline spending since the last online transaction may not exceed this (VLP-style available funds). */
  cumulativeOfflineLimit: z.number().int().min(0).optional(),
  /** Consecutive offline transactions (ATC − Last Online ATC − 1) at or above this: not offline again. */
  consecutiveOfflineLimit: z.number().int().min(0).max(255).optional(),
});

/** The application on the contactless interface (EMV Contactless Book B directory entry; Book C-3 card side). */
export const contactlessSchema = z.strictObject({
  /** "qvsdc": Kernel 3 GPO with the cryptogram (template 77); "emv": the contact flow (GPO, READ RECORD, GENERATE AC). */
  mode: z.enum(["qvsdc", "emv"]),
  /** Kernel Identifier (9F2A) in the PPSE directory entry, 1 to 8 bytes (Book B §3.3.2.5); absent: not listed. */
  kernelIdentifier: hexBytes(1, 8).optional(),
  /** Extended Selection (9F29) in the PPSE directory entry. */
  extendedSelection: hexBytes(1, 11).optional(),
  /** Application Priority Indicator (87) in the PPSE entry; default the application's. */
  priority: z.number().int().min(0).max(15).optional(),
  /** AIP, AFL and PDOL on this interface; default the application's (contact) values. */
  aip: hexBytes(2).optional(),
  afl: hexString.optional(),
  pdol: hexString.optional(),
  /** CTQ (9F6C) bits the card always sets (ODA failure, expiry, cash, issuer update rules). Default 0000. */
  ctq: hexBytes(2).optional(),
  /** Return the Cryptogram Information Data (9F27); false: the reader takes the type from the IAD. Default true. */
  cid: z.boolean().optional(),
  /** fDDA: sign the GPO response (9F4B, format 05) with the ICC key; `ctqInCardData` adds the CTQ to 9F69. */
  fdda: z.strictObject({ ctqInCardData: z.boolean().optional() }).optional(),
  /** Sign and give the AFL on the online path too when the reader supports ODA for online (TTQ B1b1). */
  odaForOnline: z.boolean().optional(),
  /** CVMs the card asks for when a CVM is needed, in order of preference. Default none. */
  cvm: z.array(z.enum(CONTACTLESS_CVMS)).optional(),
  /** The card needs a CVM at or above this amount even when the reader does not ask (TTQ B2b7); 0: always. */
  cvmRequiredLimit: z.number().int().min(0).optional(),
  /** Record data objects the GPO response repeats (e.g. 57, 5F34, 5F20). Default 57, 5F34. */
  gpoFromRecords: z.array(tagHex).optional(),
  /** Further fixed data objects in the GPO response. */
  gpoExtra: z.array(plainTlvPair).optional(),
  risk: contactlessRiskSchema.optional(),
});
export type ContactlessJson = z.infer<typeof contactlessSchema>;

/** Language Preference (5F2D): 1 to 4 ISO 639-1 codes, most preferred first (Book 1 §11.3.4). */
const languageCodes = z.string().regex(/^([a-z]{2}){1,4}$/, "must be 1 to 4 two-letter ISO 639 codes");

export const applicationSchema = z.strictObject({
  /** Application Identifier (4F / 84), 5–16 bytes. */
  aid: hexBytes(5, 16),
  /** The keystore keys (issuer, ICC) of the profile's application with this AID: a copy under another AID. */
  keysOf: hexBytes(5, 16).optional(),
  /** Application Label (50), 1–16 characters. */
  label: z.string().min(1).max(16),
  /** Application Preferred Name (9F12) and Issuer Code Table Index (9F11). */
  preferredName: z.string().min(1).max(16).optional(),
  issuerCodeTableIndex: z.number().int().min(1).max(10).optional(),
  /** Application Priority Indicator (87): priority 1–15 (0 = none) and cardholder confirmation (b8). */
  priority: z.number().int().min(0).max(15).optional(),
  confirmationRequired: z.boolean().optional(),
  /** Language Preference (5F2D), e.g. "enfr". */
  language: languageCodes.optional(),
  /** PDOL (9F38) in the FCI. */
  pdol: hexString.optional(),
  /** Extra data objects in the FCI proprietary template (A5) and its issuer discretionary data (BF0C). */
  fciProprietary: z.array(plainTlvPair).optional(),
  fciIssuerDiscretionary: z.array(plainTlvPair).optional(),
  /** Listed in the PSE directory. Default true. */
  inDirectory: z.boolean().optional(),
  /** Application blocked before the first session (SELECT answers 6283). */
  blocked: z.boolean().optional(),
  /** Application Interchange Profile (82) and Application File Locator (94). */
  aip: hexBytes(2),
  afl: hexString,
  /** GET PROCESSING OPTIONS response: format 1 (80) or format 2 (77). Default 1. */
  gpoFormat: z.literal([1, 2]).optional(),
  /**
   * Sign an AAC with CDA too when the terminal asks for CDA (some cards do; Book 2 §6.6 leaves the AAC unsigned by
   * default). Default false.
   */
  cdaOnAac: z.boolean().optional(),
  /** Extra data objects in a format 2 GPO response. */
  gpoExtra: z.array(plainTlvPair).optional(),
  records: z.array(recordSchema),
  pin: pinSchema.optional(),
  counters: countersSchema,
  /** Extra data objects GET DATA returns (e.g. 9F4F log format). */
  getData: z.array(plainTlvPair).optional(),
  risk: riskSchema,
  cryptogram: cryptogramSchema.optional(),
  oda: odaSchema.optional(),
  /** The application on the contactless interface; absent: contact only. */
  contactless: contactlessSchema.optional(),
});
export type ApplicationJson = z.infer<typeof applicationSchema>;

/**
 * One entry of a payment system directory record (Book 1 §12.2.3, Table 47): an ADF entry (61 with 4F, 50, 9F12, 87
 * from the profile's application with this AID) or a DDF entry (61 with 9D naming one of the card's `ddfs`).
 */
export const directoryEntrySchema = z.union([
  z.strictObject({ aid: hexBytes(5, 16) }),
  z.strictObject({ ddf: hexBytes(5, 16) }),
]);
export type DirectoryEntryJson = z.infer<typeof directoryEntrySchema>;

/** Directory records, record 1 first: the entries (template 61) each record's template 70 holds, in order. */
const directoryRecordsSchema = z.array(z.array(directoryEntrySchema).min(1)).min(1).max(254);

/**
 * The PSE (Book 1 §12.2): the SFI of its directory. Without `records` the directory lists every application with
 * `inDirectory`, one per record, in profile order; with `records` exactly those entries. `ddfs`: further directories
 * (Directory Definition Files) a DDF entry (9D) points to, each selected by its DF name and read from its own SFI.
 */
export const pseSchema = z.strictObject({
  sfi: z.number().int().min(1).max(10),
  /** Language Preference (5F2D) in the PSE's FCI; null: none. Default: the first application's. */
  language: languageCodes.nullable().optional(),
  records: directoryRecordsSchema.optional(),
  ddfs: z
    .array(
      z.strictObject({
        /** DF name of the DDF (9D in the entry pointing to it; 84 in its FCI), 5–16 bytes. */
        name: hexBytes(5, 16),
        sfi: z.number().int().min(1).max(10),
        records: directoryRecordsSchema,
      }),
    )
    .optional(),
});
export type PseJson = z.infer<typeof pseSchema>;

export const profileSchema = z.strictObject({
  /** File name without .json, lower-case words joined by '-'. */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lower-case words joined by '-'"),
  description: z.string().min(1),
  /** Scheme style, for listings: visa, mastercard, amex, other. */
  scheme: z.enum(["visa", "mastercard", "amex", "other"]),
  /** Answer to Reset (Book 1 §8). */
  atr: hexBytes(2, 33),
  /** Payment System Environment (1PAY.SYS.DDF01) and its directory, or null when the card has no PSE. */
  pse: z.union([z.null(), pseSchema]),
  /**
   * Interfaces the card has: "contact" (PSE, contact flow), "contactless" (PPSE, Book B) or "both" (PSE on contact,
   * PPSE on contactless; the interface is chosen when the card is opened). Default contact.
   */
  interfaces: z.enum(["contact", "contactless", "both"]).optional(),
  /** Historical bytes of the contactless card (ISO 14443-4 ATS), 0–15 bytes; the reader puts them in its ATR. */
  historicalBytes: hexBytes(0, 15).optional(),
  /** Keep ATC, PIN try counter and block flags across sessions when a state file is given. Default false. */
  persistState: z.boolean().optional(),
  /**
   * How the card behaves when served to a terminal (vpcd, serial): T=0 procedure bytes (61xx / GET RESPONSE, 6Cxx;
   * default on when the ATR offers T=0 first) and per-command processing times in ms (defaults in
   * emulator/processing-time.ts). In-process the card always answers at once at APDU level.
   */
  served: z
    .strictObject({
      t0Procedure: z.boolean().optional(),
      processingTimeMs: z.partialRecord(z.enum(COMMAND_NAMES), z.number().int().min(0).max(10_000)).optional(),
    })
    .optional(),
  applications: z.array(applicationSchema).min(1),
  faults: z.array(faultSchema).optional(),
});
export type ProfileJson = z.infer<typeof profileSchema>;
export type RecordJson = z.infer<typeof recordSchema>;
