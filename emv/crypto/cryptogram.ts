// Application cryptograms per cryptogram version (EMV Book 2 §8.1 and Annex A1.2; Visa VIS CVN 10/18/22,
// Mastercard M/Chip CVN 16/17/20/21, Interac CVN 133 as public references such as pyemv describe them): which
// keys, which data, which padding, how the issuer answers (ARPC) and how its scripts are protected.

import { concatBytes } from "../bytes.js";
import { TAG } from "../tlv/tag-names.js";
import { issuerAuthenticationData } from "./arpc.js";
import { iccMasterKey, type MasterKeyDerivation } from "./key-derivation.js";
import { type Padding, retailMac } from "./mac.js";
import { parsePinBlockFormat2, parseVisaPinChangeBlock, pinBlockFormat2, visaPinChangeBlock } from "./pin-block.js";
import { decipherScriptData, type EncipherStyle, encipherScriptData, scriptMac } from "./secure-messaging.js";
import { commonSessionKey, visaSecureMessagingSessionKey } from "./session-keys.js";

/** Which part of the Issuer Application Data (9F10) the cryptogram covers. */
export type IadCoverage = "visa-cvr" | "full-iad" | "mastercard-cvr" | "mastercard-cvr-counters";

/** The cryptogram versions emvsim implements (scheme and Cryptogram Version Number). */
export type CryptogramVersion =
  | "visa-cvn10"
  | "visa-cvn18"
  | "visa-cvn22"
  | "mastercard-cvn16"
  | "mastercard-cvn17"
  | "mastercard-cvn20"
  | "mastercard-cvn21"
  | "interac-cvn133";

export interface CryptogramScheme {
  readonly version: CryptogramVersion;
  readonly name: string;
  readonly cvn: number;
  /** AC key: the ICC master key itself, the common session key with R = ATC ‖ 00…00, or R = ATC ‖ 0000 ‖ UN. */
  readonly acKey: "icc-master-key" | "common-atc" | "common-atc-un";
  readonly padding: Padding;
  readonly iad: IadCoverage;
  /** ARPC method and key (Book 2 §8.2). */
  readonly arpc: { readonly method: 1 | 2; readonly key: "icc-master-key" | "session-key" };
  /** Secure messaging session keys: Visa (ATC) or EMV common with R = ARQC. */
  readonly smKeys: "visa-atc" | "common-arqc";
  /** MAC input: header ‖ ATC ‖ ARQC ‖ data, or header ‖ data. */
  readonly macInput: "header-atc-arqc-data" | "header-data";
  readonly encipher: EncipherStyle;
  /** PIN change block without / with the current PIN. */
  readonly pinBlock: { readonly newOnly: "visa" | "iso9564-2"; readonly withCurrent: "visa" | "iso9564-2" };
}

const VISA_BASE = {
  padding: 2,
  iad: "full-iad",
  arpc: { method: 2, key: "session-key" },
  smKeys: "visa-atc",
  macInput: "header-atc-arqc-data",
  encipher: "visa",
  pinBlock: { newOnly: "visa", withCurrent: "visa" },
  acKey: "common-atc",
} as const;

const MASTERCARD_BASE = {
  padding: 2,
  iad: "mastercard-cvr",
  arpc: { method: 1, key: "icc-master-key" },
  smKeys: "common-arqc",
  macInput: "header-atc-arqc-data",
  encipher: "mastercard",
  pinBlock: { newOnly: "iso9564-2", withCurrent: "iso9564-2" },
  acKey: "common-atc-un",
} as const;

const SCHEMES: readonly CryptogramScheme[] = [
  {
    ...VISA_BASE,
    version: "visa-cvn10",
    name: "Visa CVN 10",
    cvn: 10,
    acKey: "icc-master-key",
    padding: 1,
    iad: "visa-cvr",
    arpc: { method: 1, key: "icc-master-key" },
  },
  { ...VISA_BASE, version: "visa-cvn18", name: "Visa CVN 18", cvn: 18 },
  {
    ...VISA_BASE,
    version: "visa-cvn22",
    name: "Visa CVN 22",
    cvn: 22,
    smKeys: "common-arqc",
    pinBlock: { newOnly: "iso9564-2", withCurrent: "visa" },
  },
  { ...MASTERCARD_BASE, version: "mastercard-cvn16", name: "Mastercard CVN 16", cvn: 16 },
  {
    ...MASTERCARD_BASE,
    version: "mastercard-cvn17",
    name: "Mastercard CVN 17",
    cvn: 17,
    iad: "mastercard-cvr-counters",
  },
  {
    ...MASTERCARD_BASE,
    version: "mastercard-cvn20",
    name: "Mastercard CVN 20",
    cvn: 20,
    acKey: "common-atc",
    arpc: { method: 1, key: "session-key" },
  },
  {
    ...MASTERCARD_BASE,
    version: "mastercard-cvn21",
    name: "Mastercard CVN 21",
    cvn: 21,
    acKey: "common-atc",
    iad: "mastercard-cvr-counters",
    arpc: { method: 1, key: "session-key" },
  },
  {
    ...MASTERCARD_BASE,
    version: "interac-cvn133",
    name: "Interac CVN 133",
    cvn: 133,
    iad: "full-iad",
    arpc: { method: 1, key: "session-key" },
    macInput: "header-data",
  },
];

/** The scheme of a cryptogram version number; undefined for versions emvsim does not implement. */
export function cryptogramScheme(cvn: number): CryptogramScheme | undefined {
  return SCHEMES.find((s) => s.cvn === cvn);
}

/** The scheme of a named cryptogram version. */
export function cryptogramSchemeOf(version: CryptogramVersion): CryptogramScheme {
  return SCHEMES.find((s) => s.version === version)!;
}

export function supportedCryptogramVersions(): readonly number[] {
  return SCHEMES.map((s) => s.cvn);
}

export interface IssuerMasterKeys {
  readonly ac: Uint8Array;
  readonly smi?: Uint8Array;
  readonly smc?: Uint8Array;
}

/** ICC master keys (Book 2 A1.4) for AC, SM integrity and SM confidentiality. */
export interface IccMasterKeys {
  readonly ac: Uint8Array;
  readonly smi?: Uint8Array;
  readonly smc?: Uint8Array;
}

export function deriveIccMasterKeys(
  imk: IssuerMasterKeys,
  pan: string,
  psn: string | undefined,
  derivation: MasterKeyDerivation,
): IccMasterKeys {
  const derive = (k: Uint8Array) => iccMasterKey(k, pan, psn, derivation);
  return {
    ac: derive(imk.ac),
    ...(imk.smi ? { smi: derive(imk.smi) } : {}),
    ...(imk.smc ? { smc: derive(imk.smc) } : {}),
  };
}

/** The AC key for one transaction: ICC MK (CVN 10), or the common session key over ATC (and UN). */
export function acSessionKey(
  scheme: CryptogramScheme,
  mkAc: Uint8Array,
  atc: Uint8Array,
  unpredictableNumber: Uint8Array,
): Uint8Array {
  switch (scheme.acKey) {
    case "icc-master-key":
      return mkAc;
    case "common-atc":
      return commonSessionKey(mkAc, concatBytes(atc, new Uint8Array(6)));
    case "common-atc-un":
      return commonSessionKey(mkAc, concatBytes(atc, new Uint8Array(2), unpredictableNumber));
  }
}

/** The data objects every version covers, in order (Book 2 §8.1.1 recommended minimum set). */
export const AC_DATA_TAGS: readonly number[] = [
  TAG.AMOUNT_AUTHORISED_NUMERIC,
  TAG.AMOUNT_OTHER_NUMERIC,
  TAG.TERMINAL_COUNTRY_CODE,
  TAG.TERMINAL_VERIFICATION_RESULTS,
  TAG.TRANSACTION_CURRENCY_CODE,
  TAG.TRANSACTION_DATE,
  TAG.TRANSACTION_TYPE,
  TAG.UNPREDICTABLE_NUMBER,
  TAG.APPLICATION_INTERCHANGE_PROFILE,
  TAG.APPLICATION_TRANSACTION_COUNTER,
];
const AC_DATA_LENGTHS: Readonly<Record<number, number>> = {
  [TAG.AMOUNT_AUTHORISED_NUMERIC]: 6,
  [TAG.AMOUNT_OTHER_NUMERIC]: 6,
  [TAG.TERMINAL_COUNTRY_CODE]: 2,
  [TAG.TERMINAL_VERIFICATION_RESULTS]: 5,
  [TAG.TRANSACTION_CURRENCY_CODE]: 2,
  [TAG.TRANSACTION_DATE]: 3,
  [TAG.TRANSACTION_TYPE]: 1,
  [TAG.UNPREDICTABLE_NUMBER]: 4,
  [TAG.APPLICATION_INTERCHANGE_PROFILE]: 2,
  [TAG.APPLICATION_TRANSACTION_COUNTER]: 2,
};

/**
 * The value lookup with terminal data absent from it (the CDOL did not ask for it) as zeros of its length; the
 * card's own data (AIP 82, ATC 9F36) stays required. The card and the issuer host both assemble the input this way.
 */
export function terminalDataOrZeros(
  value: (tag: number) => Uint8Array | undefined,
): (tag: number) => Uint8Array | undefined {
  return (tag) => {
    const v = value(tag);
    if (v !== undefined || tag === TAG.APPLICATION_INTERCHANGE_PROFILE || tag === TAG.APPLICATION_TRANSACTION_COUNTER)
      return v;
    const length = AC_DATA_LENGTHS[tag];
    return length === undefined ? undefined : new Uint8Array(length);
  };
}

export type AcData = { readonly ok: true; readonly data: Uint8Array } | { readonly ok: false; readonly error: string };

function iadPart(coverage: IadCoverage, iad: Uint8Array): Uint8Array | string {
  switch (coverage) {
    case "full-iad":
      return iad;
    case "visa-cvr": {
      // Visa IAD: length 06 ‖ DKI ‖ CVN ‖ CVR (4 bytes, first the CVR length 03).
      if (iad.length < 7) return `IAD (9F10) of ${iad.length} bytes has no Visa CVR (needs 7)`;
      return iad.subarray(3, 7);
    }
    case "mastercard-cvr":
      if (iad.length < 8) return `IAD (9F10) of ${iad.length} bytes has no Mastercard CVR (needs 8)`;
      return iad.subarray(2, 8);
    case "mastercard-cvr-counters":
      if (iad.length < 18) return `IAD (9F10) of ${iad.length} bytes has no Mastercard counters (needs 18)`;
      return concatBytes(iad.subarray(2, 8), iad.subarray(10, 18));
  }
}

/** The cryptogram input: 9F02 ‖ 9F03 ‖ 9F1A ‖ 95 ‖ 5F2A ‖ 9A ‖ 9C ‖ 9F37 ‖ 82 ‖ 9F36 ‖ the covered IAD part. */
export function acInputData(scheme: CryptogramScheme, value: (tag: number) => Uint8Array | undefined): AcData {
  const parts: Uint8Array[] = [];
  const name = (tag: number) => tag.toString(16).toUpperCase();
  for (const tag of AC_DATA_TAGS) {
    const v = value(tag);
    if (!v) return { ok: false, error: `cryptogram data: ${name(tag)} is missing` };
    if (v.length !== AC_DATA_LENGTHS[tag])
      return {
        ok: false,
        error: `cryptogram data: ${name(tag)} must be ${AC_DATA_LENGTHS[tag]} bytes, got ${v.length}`,
      };
    parts.push(v);
  }
  const iad = value(TAG.ISSUER_APPLICATION_DATA);
  if (!iad) return { ok: false, error: "cryptogram data: 9F10 is missing" };
  const part = iadPart(scheme.iad, iad);
  if (typeof part === "string") return { ok: false, error: `cryptogram data: ${part}` };
  parts.push(part);
  return { ok: true, data: concatBytes(...parts) };
}

/** ARQC/TC/AAC: MAC algorithm 3 over the padded input with the AC key (Book 2 §8.1.2). */
export function generateApplicationCryptogram(
  scheme: CryptogramScheme,
  mkAc: Uint8Array,
  value: (tag: number) => Uint8Array | undefined,
): AcData {
  const input = acInputData(scheme, value);
  if (!input.ok) return input;
  const atc = value(TAG.APPLICATION_TRANSACTION_COUNTER)!;
  const un = value(TAG.UNPREDICTABLE_NUMBER)!;
  return { ok: true, data: retailMac(acSessionKey(scheme, mkAc, atc, un), input.data, scheme.padding) };
}

/** Issuer Authentication Data (91) for an ARQC: method 1 with the ARC, method 2 with the CSU. */
export function issuerAuthentication(
  scheme: CryptogramScheme,
  mkAc: Uint8Array,
  tx: { readonly atc: Uint8Array; readonly unpredictableNumber: Uint8Array; readonly arqc: Uint8Array },
  response: { readonly arc: Uint8Array; readonly csu?: Uint8Array; readonly proprietary?: Uint8Array },
): Uint8Array {
  const key = scheme.arpc.key === "icc-master-key" ? mkAc : acSessionKey(scheme, mkAc, tx.atc, tx.unpredictableNumber);
  return issuerAuthenticationData(scheme.arpc.method, key, tx.arqc, response);
}

/** Secure-messaging session keys for this transaction's scripts (Book 2 §9.2, scheme variants). */
export function secureMessagingKeys(
  scheme: CryptogramScheme,
  mk: IccMasterKeys,
  atc: Uint8Array,
  arqc: Uint8Array,
): { readonly smi: Uint8Array; readonly smc: Uint8Array } | undefined {
  if (!mk.smi || !mk.smc) return undefined;
  if (scheme.smKeys === "visa-atc")
    return { smi: visaSecureMessagingSessionKey(mk.smi, atc), smc: visaSecureMessagingSessionKey(mk.smc, atc) };
  return { smi: commonSessionKey(mk.smi, arqc), smc: commonSessionKey(mk.smc, arqc) };
}

/** MAC input of a script command: header (CLA INS P1 P2 Lc incl. the MAC) ‖ [ATC ‖ ARQC] ‖ data. */
export function scriptMacInput(
  scheme: CryptogramScheme,
  header: Uint8Array,
  atc: Uint8Array,
  arqc: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  return scheme.macInput === "header-data" ? concatBytes(header, data) : concatBytes(header, atc, arqc, data);
}

/**
 * A complete secure-messaging script command (Book 2 §9.2): header with Lc covering data and MAC, the data,
 * then the MAC (`macLength` bytes).
 */
export function scriptCommand(
  scheme: CryptogramScheme,
  smi: Uint8Array,
  p: {
    readonly cla: number;
    readonly ins: number;
    readonly p1: number;
    readonly p2: number;
    readonly data: Uint8Array;
    readonly atc: Uint8Array;
    readonly arqc: Uint8Array;
    readonly macLength?: number;
  },
): Uint8Array {
  const macLength = p.macLength ?? 8;
  const header = Uint8Array.of(p.cla, p.ins, p.p1, p.p2, p.data.length + macLength);
  const mac = scriptMac(smi, scriptMacInput(scheme, header, p.atc, p.arqc, p.data), macLength);
  return concatBytes(header, p.data, mac);
}

/** The enciphered PIN data of a PIN CHANGE/UNBLOCK command (Book 3 §6.5.10, scheme PIN block variants). */
export function encipherPinChange(
  scheme: CryptogramScheme,
  mkAc: Uint8Array,
  smc: Uint8Array,
  newPin: string,
  currentPin?: string,
): Uint8Array {
  const format = currentPin === undefined ? scheme.pinBlock.newOnly : scheme.pinBlock.withCurrent;
  const block = format === "visa" ? visaPinChangeBlock(mkAc, newPin, currentPin) : pinBlockFormat2(newPin);
  return encipherScriptData(smc, block, scheme.encipher);
}

/** The card's side: the new PIN from PIN CHANGE data, or undefined when it does not decipher to a PIN block. */
export function decipherPinChange(
  scheme: CryptogramScheme,
  mkAc: Uint8Array,
  smc: Uint8Array,
  data: Uint8Array,
  currentPin?: string,
): string | undefined {
  const block = decipherScriptData(smc, data, scheme.encipher, 8);
  if (block?.length !== 8) return undefined;
  const format = currentPin === undefined ? scheme.pinBlock.newOnly : scheme.pinBlock.withCurrent;
  return format === "visa" ? parseVisaPinChangeBlock(block, mkAc, currentPin) : parsePinBlockFormat2(block);
}
