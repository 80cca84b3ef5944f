// Certification Authority public keys (EMV Book 2 §5.1, §11.2): identity, checksum, the `emvsim keys` JSON form.

import { bytesEqual, fromHex, HexError, hexByte, toHex } from "../bytes.js";
import { sha1 } from "./hash.js";

/** A CA public key as the terminal holds it. */
export interface CaPublicKey {
  /** Registered Application Provider Identifier, 5 bytes. */
  readonly rid: Uint8Array;
  /** CA Public Key Index (8F). */
  readonly index: number;
  readonly modulus: Uint8Array;
  readonly exponent: Uint8Array;
  /** YYMMDD after which the key is no longer used; undefined when unknown. */
  readonly expiry?: string;
  /** SHA-1 of RID ‖ index ‖ modulus ‖ exponent (Book 2 §11.2), when the source gave one. */
  readonly checksum?: Uint8Array;
}

/** Book 2 §11.2: the CA public key check sum, SHA-1 over RID ‖ index ‖ modulus ‖ exponent. */
export function capkChecksum(key: Pick<CaPublicKey, "rid" | "index" | "modulus" | "exponent">): Uint8Array {
  return sha1(key.rid, Uint8Array.of(key.index), key.modulus, key.exponent);
}

/** JSON form written by `emvsim keys` and read by `--capk` and terminal configurations (all hex). */
export interface CaPublicKeyJson {
  readonly rid: string;
  readonly index: string;
  readonly modulus: string;
  readonly exponent: string;
  readonly checksum?: string;
  readonly expiry?: string;
}

export function caPublicKeyToJson(key: CaPublicKey): CaPublicKeyJson {
  return {
    rid: toHex(key.rid),
    index: hexByte(key.index),
    modulus: toHex(key.modulus),
    exponent: toHex(key.exponent),
    checksum: toHex(key.checksum ?? capkChecksum(key)),
    ...(key.expiry ? { expiry: key.expiry } : {}),
  };
}

export type CaKeyParse =
  | { readonly ok: true; readonly key: CaPublicKey }
  | { readonly ok: false; readonly error: string };

/**
 * Read one CA key from its JSON form; `where` names it in errors (e.g. `keys.json[3]`). A checksum that is given
 * must match: a key with a wrong checksum is rejected, never used.
 */
export function caPublicKeyFromJson(json: unknown, where: string): CaKeyParse {
  if (typeof json !== "object" || json === null) return { ok: false, error: `${where}: expected an object` };
  const o = json as Record<string, unknown>;
  const hex = (field: string, optional = false): Uint8Array | undefined | string => {
    const v = o[field];
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string") return `${where}.${field}: expected a hex string`;
    try {
      return fromHex(v, `${where}.${field}`);
    } catch (e) {
      return e instanceof HexError ? e.message : String(e);
    }
  };
  const rid = hex("rid");
  const index = hex("index");
  const modulus = hex("modulus");
  const exponent = hex("exponent");
  const checksum = hex("checksum", true);
  for (const v of [rid, index, modulus, exponent, checksum]) if (typeof v === "string") return { ok: false, error: v };
  const r = rid as Uint8Array;
  const i = index as Uint8Array;
  const m = modulus as Uint8Array;
  const e = exponent as Uint8Array;
  if (r.length !== 5) return { ok: false, error: `${where}.rid: must be 5 bytes, got ${r.length}` };
  if (i.length !== 1) return { ok: false, error: `${where}.index: must be 1 byte, got ${i.length}` };
  if (m.length < 64 || m.length > 248)
    return { ok: false, error: `${where}.modulus: must be 64 to 248 bytes (Book 2 §5.1), got ${m.length}` };
  if (!(e.length === 1 && e[0] === 3) && !(e.length === 3 && e[0] === 1 && e[1] === 0 && e[2] === 1))
    return { ok: false, error: `${where}.exponent: must be 03 or 010001 (Book 2 §5.1), got ${toHex(e)}` };
  const expiry = o.expiry;
  if (expiry !== undefined && (typeof expiry !== "string" || !/^\d{6}$/.test(expiry)))
    return { ok: false, error: `${where}.expiry: expected YYMMDD` };
  const key: CaPublicKey = {
    rid: r,
    index: i[0]!,
    modulus: m,
    exponent: e,
    ...(typeof expiry === "string" ? { expiry } : {}),
    ...(checksum instanceof Uint8Array ? { checksum } : {}),
  };
  if (checksum instanceof Uint8Array && !bytesEqual(checksum, capkChecksum(key)))
    return {
      ok: false,
      error: `${where}.checksum: ${toHex(checksum)} does not match SHA-1(RID‖index‖modulus‖exponent) = ${toHex(capkChecksum(key))}`,
    };
  return { ok: true, key };
}
