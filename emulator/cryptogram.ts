// The card's symmetric cryptography (EMV Book 2 §8, §9): application cryptograms with the IAD of its cryptogram
// version, the ARPC check of EXTERNAL AUTHENTICATE, script MACs and PIN change data. The algorithms are
// kernel/crypto's; this module supplies the card's keys (derived once from the profile's issuer master keys).

import { bytesEqual, writeUint } from "../emv/bytes.js";
import {
  type CryptogramScheme,
  cryptogramScheme,
  decipherPinChange,
  deriveIccMasterKeys,
  generateApplicationCryptogram,
  type IccMasterKeys,
  issuerAuthentication,
  scriptMacInput,
  secureMessagingKeys,
  terminalDataOrZeros,
} from "../emv/crypto/cryptogram.js";
import { scriptMac } from "../emv/crypto/secure-messaging.js";
import { TAG } from "../emv/tlv/tag-names.js";
import type { AcType, PersonalisedApplication, Session } from "./context.js";
import { dolValue } from "./dol-values.js";
import { issuerApplicationData } from "./iad.js";

export interface AcRequest {
  readonly type: AcType;
  readonly firstType: AcType;
  readonly second: boolean;
  readonly atc: number;
  readonly values: Map<number, Uint8Array>;
  readonly session: Session;
  readonly pinTryCounter: number;
  readonly lastOnlineIssuerAuthenticationFailed: boolean;
  /** The AIP the card returned on this interface (contactless may differ); default the application's. */
  readonly aip?: Uint8Array;
}

/** The card's cryptogram keys: its scheme and ICC master keys (Book 2 A1.4). */
export interface CardKeys {
  readonly scheme: CryptogramScheme;
  readonly mk: IccMasterKeys;
  readonly dki: number;
  readonly macLength: number;
}

const keyCache = new WeakMap<PersonalisedApplication, CardKeys>();

/** Keys of an application; throws (→ 6F00 from the card) when the profile gives no usable cryptogram set-up. */
export function cardKeys(app: PersonalisedApplication): CardKeys {
  const cached = keyCache.get(app);
  if (cached) return cached;
  const c = app.profile.cryptogram;
  if (!c) throw new Error("the application has no cryptogram keys in its profile");
  const scheme = cryptogramScheme(c.cvn);
  if (!scheme) throw new Error(`cryptogram version ${c.cvn} is not implemented`);
  if (!app.pan) throw new Error("the application has no PAN (5A) in its records");
  const mk = deriveIccMasterKeys(
    { ac: c.imkAc, ...(c.imkSmi ? { smi: c.imkSmi } : {}), ...(c.imkSmc ? { smc: c.imkSmc } : {}) },
    app.pan,
    app.panSequenceNumber,
    c.derivation,
  );
  const keys: CardKeys = { scheme, mk, dki: c.dki ?? 1, macLength: c.macLength ?? 8 };
  keyCache.set(app, keys);
  return keys;
}

/** ARQC/TC/AAC over the CDOL values, the ATC, the AIP and the IAD this cryptogram carries (Book 2 §8.1). */
export function computeApplicationCryptogram(
  app: PersonalisedApplication,
  r: AcRequest,
): { cryptogram: Uint8Array; iad: Uint8Array } {
  const keys = cardKeys(app);
  const s = r.session;
  const arc = r.values.get(TAG.AUTHORISATION_RESPONSE_CODE);
  // Authorisation Response Codes Y3/Z3 (5933/5A33): the terminal could not go online (Book 4 §6.3.6).
  const unableToGoOnline = r.second && arc !== undefined && arc[1] === 0x33 && (arc[0] === 0x59 || arc[0] === 0x5a);
  const { iad } = issuerApplicationData(keys.scheme.cvn, keys.dki, {
    firstType: r.firstType,
    secondType: r.second ? r.type : undefined,
    offlinePin: s.offlinePin,
    enciphered: false,
    externalAuthenticate: s.externalAuthenticate,
    pinTryCounter: r.pinTryCounter,
    pinTryLimitExceeded: app.profile.pin !== undefined && r.pinTryCounter === 0,
    lastOnlineIssuerAuthenticationFailed: r.lastOnlineIssuerAuthenticationFailed,
    scriptCommands: s.scriptCommands,
    scriptFailed: s.scriptFailed,
    unableToGoOnline,
    cda: false,
  });
  const atc = writeUint(r.atc, 2);
  // Data the CDOL does not ask for counts as zeros of its length (the issuer host does the same).
  const value = terminalDataOrZeros((tag: number): Uint8Array | undefined => {
    if (tag === TAG.APPLICATION_TRANSACTION_COUNTER) return atc;
    if (tag === TAG.ISSUER_APPLICATION_DATA) return iad;
    if (tag === TAG.APPLICATION_INTERCHANGE_PROFILE) return r.aip ?? app.profile.aip;
    return r.values.get(tag);
  });
  const ac = generateApplicationCryptogram(keys.scheme, keys.mk.ac, value);
  if (!ac.ok) throw new Error(ac.error);
  return { cryptogram: ac.data, iad };
}

/** The Unpredictable Number of the first GENERATE AC (some versions key the ARPC with it). */
function firstUnpredictableNumber(app: PersonalisedApplication, s: Session | undefined): Uint8Array {
  if (s?.firstAc && app.cdol1)
    return dolValue(app.cdol1, s.firstAc.cdol1Data, TAG.UNPREDICTABLE_NUMBER) ?? new Uint8Array(4);
  return new Uint8Array(4);
}

/** EXTERNAL AUTHENTICATE data (91): ARPC ‖ ARC (method 1) or ARPC ‖ CSU ‖ proprietary data (method 2). */
export function verifyIssuerAuthentication(
  app: PersonalisedApplication,
  r: { arqc: Uint8Array; atc: number; data: Uint8Array; session?: Session },
): boolean {
  const keys = cardKeys(app);
  const method = keys.scheme.arpc.method;
  if (method === 1 && r.data.length !== 10) return false;
  if (method === 2 && (r.data.length < 8 || r.data.length > 16)) return false;
  const tx = {
    atc: writeUint(r.atc, 2),
    unpredictableNumber: firstUnpredictableNumber(app, r.session),
    arqc: r.arqc,
  };
  const expected = issuerAuthentication(
    keys.scheme,
    keys.mk.ac,
    tx,
    method === 1
      ? { arc: r.data.subarray(8, 10) }
      : { arc: new Uint8Array(2), csu: r.data.subarray(4, 8), proprietary: r.data.subarray(8) },
  );
  return bytesEqual(expected, r.data);
}

/** Script command MAC check (Book 2 §9.2) with this transaction's SM session key. */
export function verifyScriptMac(
  app: PersonalisedApplication,
  r: { header: Uint8Array; atc: number; arqc: Uint8Array; data: Uint8Array; mac: Uint8Array },
): boolean {
  const keys = cardKeys(app);
  const atc = writeUint(r.atc, 2);
  const sm = secureMessagingKeys(keys.scheme, keys.mk, atc, r.arqc);
  if (!sm) return false;
  const mac = scriptMac(sm.smi, scriptMacInput(keys.scheme, r.header, atc, r.arqc, r.data), r.mac.length);
  return bytesEqual(mac, r.mac);
}

/** PIN CHANGE/UNBLOCK data (Book 3 §6.5.10): the new PIN, or undefined when it does not decipher. */
export function decipherPinChangeData(
  app: PersonalisedApplication,
  r: { atc: number; arqc: Uint8Array; data: Uint8Array; currentPin: string | undefined },
): string | undefined {
  const keys = cardKeys(app);
  const sm = secureMessagingKeys(keys.scheme, keys.mk, writeUint(r.atc, 2), r.arqc);
  if (!sm) return undefined;
  return decipherPinChange(keys.scheme, keys.mk.ac, sm.smc, r.data, r.currentPin);
}
