// The emulator's test keystore (emulator/profiles/keys/*.json, hex): the test CA keys under the private RID
// A000000999 and, per profile and application, the issuer and ICC RSA keys. Test keys only — published on
// purpose so anyone can check certificates and cryptograms independently.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromHex } from "../emv/bytes.js";
import type { RsaPrivateKey } from "../emv/crypto/rsa.js";
import { builtInProfileDir } from "./profile-data.js";

/** The private test RID of the emulator's CA (not assigned to any payment system). */
export const TEST_RID = "A000000999";

export interface CaKeyMaterial extends RsaPrivateKey {
  readonly rid: string;
  readonly index: number;
  /** YYMMDD */
  readonly expiry: string;
}

/** JSON form of one key: hex strings. */
export interface RsaKeyJson {
  readonly bits: number;
  readonly modulus: string;
  readonly exponent: string;
  readonly privateExponent: string;
  readonly p: string;
  readonly q: string;
  readonly dp: string;
  readonly dq: string;
  readonly qi: string;
}

export interface CaKeyJson extends RsaKeyJson {
  readonly rid: string;
  readonly index: string;
  readonly expiry: string;
}

export interface CaKeystoreJson {
  readonly source: string;
  readonly keys: readonly CaKeyJson[];
}

/** Per profile: application AID → issuer and ICC keys. */
export interface ProfileKeystoreJson {
  readonly source: string;
  readonly profile: string;
  readonly applications: Record<string, { readonly issuer: RsaKeyJson; readonly icc?: RsaKeyJson }>;
}

export function keystoreDir(): string {
  return join(builtInProfileDir(), "keys");
}

export function rsaFromJson(k: RsaKeyJson, what: string): RsaPrivateKey {
  return {
    modulus: fromHex(k.modulus, `${what} modulus`),
    exponent: fromHex(k.exponent, `${what} exponent`),
    privateExponent: fromHex(k.privateExponent, `${what} private exponent`),
    p: fromHex(k.p, `${what} p`),
    q: fromHex(k.q, `${what} q`),
    dp: fromHex(k.dp, `${what} dp`),
    dq: fromHex(k.dq, `${what} dq`),
    qi: fromHex(k.qi, `${what} qi`),
  };
}

let caCache: CaKeyMaterial[] | undefined;

/** The test CA keys (A000000999), read once per process. */
export function caKeys(): readonly CaKeyMaterial[] {
  if (caCache) return caCache;
  const file = join(keystoreDir(), "ca.json");
  const json = JSON.parse(readFileSync(file, "utf8")) as CaKeystoreJson;
  caCache = json.keys.map((k) => ({
    ...rsaFromJson(k, `${file} CA ${k.index}`),
    rid: k.rid,
    index: Number.parseInt(k.index, 16),
    expiry: k.expiry,
  }));
  return caCache;
}

export function caKey(index: number): CaKeyMaterial | undefined {
  return caKeys().find((k) => k.index === index);
}

/** The issuer/ICC keys of one profile's application; undefined when the keystore has none. */
export function applicationKeys(
  profileId: string,
  aidHex: string,
): { issuer: RsaPrivateKey; icc: RsaPrivateKey | undefined } | undefined {
  const file = join(keystoreDir(), `${profileId}.json`);
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, "utf8")) as ProfileKeystoreJson;
  const entry = json.applications[aidHex];
  if (!entry) return undefined;
  return {
    issuer: rsaFromJson(entry.issuer, `${file} ${aidHex} issuer`),
    icc: entry.icc ? rsaFromJson(entry.icc, `${file} ${aidHex} ICC`) : undefined,
  };
}
