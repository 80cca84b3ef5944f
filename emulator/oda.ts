// Offline data authentication on the card side (EMV Book 2): certificates and SSAD built at personalisation,
// SDAD for INTERNAL AUTHENTICATE and CDA, enciphered PIN recovery. All RSA work is kernel/crypto's.

import { toHex } from "../kernel/bytes.js";
import type { CardContext, PersonalisedApplication } from "./context.js";
import { applicationKeys, type CaKeyMaterial, caKey, type RsaKeyMaterial } from "./keystore.js";
import type { ApplicationProfile, CardProfile } from "./profile.js";
import type { Placeholder } from "./profile-schema.js";

export interface OdaKeys {
  readonly ca: CaKeyMaterial;
  readonly issuer: RsaKeyMaterial;
  readonly icc: RsaKeyMaterial | undefined;
}

export function loadOdaKeys(profile: CardProfile, app: ApplicationProfile, where: string): OdaKeys | undefined {
  const oda = app.oda;
  if (!oda || oda.method === "none") return undefined;
  const ca = caKey(oda.caIndex);
  if (!ca) throw new Error(`${where}.oda.caIndex: the keystore has no CA key ${oda.caIndex}`);
  const keys = applicationKeys(profile.id, toHex(app.aid));
  if (!keys)
    throw new Error(`${where}.oda: the keystore has no keys for ${profile.id} ${toHex(app.aid)} (run generate-keys)`);
  return { ca, issuer: keys.issuer, icc: keys.icc };
}

export function issuerPlaceholderValues(
  _profile: CardProfile,
  _app: ApplicationProfile,
  _keys: OdaKeys,
): Map<Placeholder, Uint8Array> {
  throw new Error("kernel/crypto certificates not yet available");
}

export function iccPlaceholderValues(
  _profile: CardProfile,
  _app: ApplicationProfile,
  _keys: OdaKeys,
  _staticData: Uint8Array,
): Map<Placeholder, Uint8Array> {
  throw new Error("kernel/crypto certificates not yet available");
}

export type PinRecovery = { ok: true; pinBlock: Uint8Array } | { ok: false; sw: number };

export function decipherOfflinePin(
  _app: PersonalisedApplication,
  _data: Uint8Array,
  _challenge: Uint8Array,
): PinRecovery {
  return { ok: false, sw: 0x6984 };
}

export function signDda(_ctx: CardContext, _app: PersonalisedApplication, _ddolData: Uint8Array): Uint8Array {
  throw new Error("pending");
}
export interface CdaInput {
  cid: number;
  cryptogram: Uint8Array;
  pdolData: Uint8Array;
  cdol1Data: Uint8Array;
  cdol2Data: Uint8Array | undefined;
  responseTlvs: Uint8Array;
}
export function signCda(_ctx: CardContext, _app: PersonalisedApplication, _i: CdaInput): Uint8Array {
  throw new Error("pending");
}
