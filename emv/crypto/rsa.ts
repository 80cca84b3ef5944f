// RSA raw signature/recovery for offline data authentication (EMV Book 2 Annex A2.1, §5.1 key sizes) via node:crypto.

import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
} from "node:crypto";
import { bytesEqual, toHex } from "../bytes.js";

/** An RSA public key, big-endian bytes. */
export interface RsaPublicKey {
  readonly modulus: Uint8Array;
  readonly exponent: Uint8Array;
}

/** An RSA key pair with its CRT parameters, all big-endian bytes. */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly privateExponent: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qi: Uint8Array;
}

export type RsaResult =
  | { readonly ok: true; readonly value: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/** Bytes without leading zero bytes (JWK integers and modulus length are unsigned, minimal). */
function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** The modulus length N in bytes (Book 2 §5.1: NCA, NI, NIC), leading zero bytes not counted. */
export function modulusLength(key: RsaPublicKey): number {
  return stripLeadingZeros(key.modulus).length;
}

const b64u = (b: Uint8Array): string => Buffer.from(stripLeadingZeros(b)).toString("base64url");

const publicKeys = new WeakMap<RsaPublicKey, KeyObject>();
const privateKeys = new WeakMap<RsaPrivateKey, KeyObject>();

/**
 * Recovered issuer and ICC keys are new objects in every transaction but the same values for the same card: a small
 * bounded cache by value keeps their KeyObjects too (building one costs about as much as a recovery). It is looked up
 * by the modulus length and last 4 bytes and the entry's key compared in full (a different key with the same tail is
 * built and replaces the entry), which costs less than making a string of the whole key to look it up by.
 */
interface CachedPublicKey {
  readonly modulus: Uint8Array;
  readonly exponent: Uint8Array;
  readonly object: KeyObject;
}
const publicKeysByValue = new Map<number, CachedPublicKey>();
const PUBLIC_KEY_CACHE_SIZE = 256;

function publicKeyTail(modulus: Uint8Array): number {
  const n = modulus.length;
  if (n < 4) return n;
  const tail = ((modulus[n - 4]! << 24) | (modulus[n - 3]! << 16) | (modulus[n - 2]! << 8) | modulus[n - 1]!) >>> 0;
  return tail * 4096 + (n & 0xfff);
}

function publicKeyObject(key: RsaPublicKey): KeyObject {
  let k = publicKeys.get(key);
  if (k) return k;
  const id = publicKeyTail(key.modulus);
  const cached = publicKeysByValue.get(id);
  if (cached && bytesEqual(cached.modulus, key.modulus) && bytesEqual(cached.exponent, key.exponent)) k = cached.object;
  else {
    k = createPublicKey({ key: { kty: "RSA", n: b64u(key.modulus), e: b64u(key.exponent) }, format: "jwk" });
    if (!cached && publicKeysByValue.size >= PUBLIC_KEY_CACHE_SIZE) {
      const oldest = publicKeysByValue.keys().next().value;
      if (oldest !== undefined) publicKeysByValue.delete(oldest);
    }
    // Copies: the caller may reuse its arrays.
    publicKeysByValue.set(id, { modulus: key.modulus.slice(), exponent: key.exponent.slice(), object: k });
  }
  publicKeys.set(key, k);
  return k;
}

function privateKeyObject(key: RsaPrivateKey): KeyObject {
  let k = privateKeys.get(key);
  if (!k) {
    k = createPrivateKey({
      key: {
        kty: "RSA",
        n: b64u(key.modulus),
        e: b64u(key.exponent),
        d: b64u(key.privateExponent),
        p: b64u(key.p),
        q: b64u(key.q),
        dp: b64u(key.dp),
        dq: b64u(key.dq),
        qi: b64u(key.qi),
      },
      format: "jwk",
    });
    privateKeys.set(key, k);
  }
  return k;
}

/** Compare two equal-length big-endian numbers: negative, 0 or positive. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The input checks of both raw operations: length exactly N and value below the modulus (Annex A2.1). */
function checkInput(key: RsaPublicKey, input: Uint8Array, what: string): string | undefined {
  const n = stripLeadingZeros(key.modulus);
  if (n.length < 2 || (n[n.length - 1]! & 1) === 0)
    return `RSA ${what}: modulus ${toHex(n.subarray(0, 8))}… is not an odd number of at least 2 bytes`;
  if (input.length !== n.length)
    return `RSA ${what}: input is ${input.length} bytes, the modulus is ${n.length} bytes (they must be equal)`;
  if (compareBytes(input, n) >= 0) return `RSA ${what}: input is not smaller than the modulus`;
  return undefined;
}

/**
 * The public raw operation X = S^e mod n (Book 2 Annex A2.1 recovery function). The input must be exactly as long
 * as the modulus and smaller than it; otherwise an error value (node/OpenSSL would accept shorter input).
 */
export function rsaRecover(key: RsaPublicKey, input: Uint8Array): RsaResult {
  const bad = checkInput(key, input, "recovery");
  if (bad) return { ok: false, reason: bad };
  try {
    const out = publicEncrypt({ key: publicKeyObject(key), padding: constants.RSA_NO_PADDING }, input);
    // node:crypto's result owns its memory: viewed, not copied (a copy over 64 bytes is an off-heap allocation).
    return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, out.length) };
  } catch (e) {
    return { ok: false, reason: `RSA recovery: ${(e as Error).message}` };
  }
}

/** The private raw operation S = X^d mod n (Book 2 Annex A2.1 signature function), same input rules. */
export function rsaSign(key: RsaPrivateKey, block: Uint8Array): RsaResult {
  const bad = checkInput(key, block, "signature");
  if (bad) return { ok: false, reason: bad };
  try {
    const out = privateDecrypt({ key: privateKeyObject(key), padding: constants.RSA_NO_PADDING }, block);
    return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, out.length) };
  } catch (e) {
    return { ok: false, reason: `RSA signature: ${(e as Error).message}` };
  }
}

/** A fresh RSA key pair (tools and tests only; Book 2 §5.1 allows exponents 3 and 2^16+1). */
export function generateRsaKey(bits: number, exponent: 3 | 65537): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: exponent });
  const jwk = privateKey.export({ format: "jwk" });
  const need = (v: string | undefined, name: string): Uint8Array => {
    if (!v) throw new Error(`generateRsaKey: the generated ${bits}-bit key has no JWK field ${name}`);
    return new Uint8Array(Buffer.from(v, "base64url"));
  };
  const key: RsaPrivateKey = {
    modulus: need(jwk.n, "n"),
    exponent: need(jwk.e, "e"),
    privateExponent: need(jwk.d, "d"),
    p: need(jwk.p, "p"),
    q: need(jwk.q, "q"),
    dp: need(jwk.dp, "dp"),
    dq: need(jwk.dq, "dq"),
    qi: need(jwk.qi, "qi"),
  };
  privateKeys.set(key, privateKey);
  return key;
}
