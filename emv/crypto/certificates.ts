// Public key certificates: issuer (EMV Book 2 §5.3 Table 6), ICC (§6.4 Table 14), ICC PIN encipherment (§7.1).

import { bytesEqual, concatBytes, fromHex, hexByte, toHex } from "../bytes.js";
import { HASH_ALGORITHM_SHA1, PK_ALGORITHM_RSA, SHA1_LENGTH, sha1 } from "./hash.js";
import { modulusLength, type RsaPrivateKey, type RsaPublicKey, rsaRecover, rsaSign } from "./rsa.js";

/** Which check of a Book 2 recovery procedure failed (the reason names the section and step). */
export type OdaFailureStep =
  | "length"
  | "recovery"
  | "trailer"
  | "header"
  | "format"
  | "exponent"
  | "remainder"
  | "hash-algorithm"
  | "hash"
  | "public-key-algorithm"
  | "key-length"
  | "dynamic-data"
  | "cid"
  | "transaction-data-hash";

/**
 * A failed recovery or verification. `recovered` is the RSA-recovered block when recovery itself worked, so a caller
 * can still show (or a test check) its fields.
 */
export interface OdaFailure {
  readonly ok: false;
  readonly step: OdaFailureStep;
  readonly reason: string;
  readonly recovered?: Uint8Array;
}

export const RECOVERED_DATA_HEADER = 0x6a;
export const RECOVERED_DATA_TRAILER = 0xbc;
/** Padding byte of certificates and signed data (Book 2 §5.3, §5.4, §6.5). */
export const PAD = 0xbb;

export function odaFailure(step: OdaFailureStep, reason: string, recovered?: Uint8Array): OdaFailure {
  return recovered ? { ok: false, step, reason, recovered } : { ok: false, step, reason };
}

/**
 * Steps 1–3 common to every Book 2 recovery: length = modulus length, recover (Annex A2.1), trailer BC, header 6A.
 * `what` names the data object (e.g. "Issuer Public Key Certificate (90)"), `section` the Book 2 section, `step`
 * maps the check to that section's step number.
 */
export function openSignature(
  key: RsaPublicKey,
  signature: Uint8Array,
  what: string,
  section: string,
  steps: { readonly length: number; readonly trailer: number; readonly header: number },
): { readonly ok: true; readonly recovered: Uint8Array } | OdaFailure {
  const n = modulusLength(key);
  if (signature.length !== n)
    return odaFailure(
      "length",
      `${what}: ${signature.length} bytes, the key modulus is ${n} bytes (Book 2 ${section} step ${steps.length})`,
    );
  const r = rsaRecover(key, signature);
  if (!r.ok) return odaFailure("recovery", `${what}: ${r.reason} (Book 2 ${section} step ${steps.trailer})`);
  const x = r.value;
  if (x[x.length - 1] !== RECOVERED_DATA_TRAILER)
    return odaFailure(
      "trailer",
      `${what}: recovered data trailer is ${hexByte(x[x.length - 1]!)}, expected BC (Book 2 ${section} step ${steps.trailer})`,
      x,
    );
  if (x[0] !== RECOVERED_DATA_HEADER)
    return odaFailure(
      "header",
      `${what}: recovered data header is ${hexByte(x[0]!)}, expected 6A (Book 2 ${section} step ${steps.header})`,
      x,
    );
  return { ok: true, recovered: x };
}

/** 6A ‖ body ‖ BC signed with the private key (the signer's side of Annex A2.1). */
export function sealSignature(key: RsaPrivateKey, body: Uint8Array, what: string): Uint8Array {
  const block = concatBytes(Uint8Array.of(RECOVERED_DATA_HEADER), body, Uint8Array.of(RECOVERED_DATA_TRAILER));
  const s = rsaSign(key, block);
  if (!s.ok) throw new PkiBuildError(`${what}: ${s.reason}`);
  return s.value;
}

/** A certificate or signature that cannot be built (tools and emulator personalisation only). */
export class PkiBuildError extends Error {
  override readonly name = "PkiBuildError";
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding of recovered certificate blocks (no checks beyond the layout)

/** Fields of a recovered public key certificate, Table 6 (format 02) or Table 14 (format 04). */
export interface CertificateBlock {
  readonly header: number;
  readonly format: number;
  /** Issuer Identifier (4 bytes) for format 02, Application PAN (10 bytes) for format 04, as stored (F padded). */
  readonly identifier: Uint8Array;
  /** MMYY */
  readonly expiry: string;
  readonly serialNumber: Uint8Array;
  readonly hashAlgorithm: number;
  readonly publicKeyAlgorithm: number;
  readonly keyLength: number;
  readonly exponentLength: number;
  /** The public key or its leftmost bytes as stored in the certificate (padding BB included). */
  readonly keyField: Uint8Array;
  /** The leftmost key bytes: min(key length, key field length) bytes of the key field. */
  readonly leftKeyPart: Uint8Array;
  readonly hash: Uint8Array;
  readonly trailer: number;
  /** The bytes the hash covers before the remainder, exponent and static data: format … key field. */
  readonly hashedPart: Uint8Array;
}

function decodeCertificateBlock(recovered: Uint8Array, identifierLength: number): CertificateBlock | undefined {
  const fixed = 2 + identifierLength + 2 + 3 + 4;
  if (recovered.length < fixed + SHA1_LENGTH + 1) return undefined;
  const idEnd = 2 + identifierLength;
  const identifier = recovered.subarray(2, idEnd);
  const expiry = toHex(recovered.subarray(idEnd, idEnd + 2));
  const serialNumber = recovered.subarray(idEnd + 2, idEnd + 5);
  const hashAlgorithm = recovered[idEnd + 5]!;
  const publicKeyAlgorithm = recovered[idEnd + 6]!;
  const keyLength = recovered[idEnd + 7]!;
  const exponentLength = recovered[idEnd + 8]!;
  const o = idEnd + 9;
  const end = recovered.length - 1 - SHA1_LENGTH;
  const keyField = recovered.subarray(o, end);
  return {
    header: recovered[0]!,
    format: recovered[1]!,
    identifier,
    expiry,
    serialNumber,
    hashAlgorithm,
    publicKeyAlgorithm,
    keyLength,
    exponentLength,
    keyField,
    leftKeyPart: keyField.subarray(0, Math.min(keyLength, keyField.length)),
    hash: recovered.subarray(end, end + SHA1_LENGTH),
    trailer: recovered[recovered.length - 1]!,
    hashedPart: recovered.subarray(1, end),
  };
}

/** Table 6 layout of a recovered Issuer Public Key Certificate; undefined when too short for it. */
export function decodeIssuerCertificate(recovered: Uint8Array): CertificateBlock | undefined {
  return decodeCertificateBlock(recovered, 4);
}

/** Table 14 layout of a recovered ICC (or ICC PIN Encipherment) Public Key Certificate. */
export function decodeIccCertificate(recovered: Uint8Array): CertificateBlock | undefined {
  return decodeCertificateBlock(recovered, 10);
}

/** cn digits with the trailing F padding removed (Issuer Identifier, PAN). */
function digitsOf(cn: Uint8Array): string {
  return toHex(cn).replace(/F+$/, "");
}

// ---------------------------------------------------------------------------------------------------------------
// Recovery with the cryptographic checks of Book 2

interface CertificateKind {
  readonly what: string;
  readonly section: string;
  readonly format: number;
  readonly identifierLength: number;
  readonly remainderTag: string;
  readonly exponentTag: string;
  /** Step numbers of the section's procedure. */
  readonly steps: {
    readonly length: number;
    readonly trailer: number;
    readonly header: number;
    readonly format: number;
    readonly concatenate: number;
    readonly hash: number;
    readonly compare: number;
    readonly publicKeyAlgorithm: number;
    readonly key: number;
  };
}

const ISSUER: CertificateKind = {
  what: "Issuer Public Key Certificate (90)",
  section: "§5.3",
  format: 0x02,
  identifierLength: 4,
  remainderTag: "Issuer Public Key Remainder (92)",
  exponentTag: "Issuer Public Key Exponent (9F32)",
  steps: {
    length: 1,
    trailer: 2,
    header: 3,
    format: 4,
    concatenate: 5,
    hash: 6,
    compare: 7,
    publicKeyAlgorithm: 11,
    key: 12,
  },
};

const ICC_STEPS = {
  length: 1,
  trailer: 2,
  header: 3,
  format: 4,
  concatenate: 5,
  hash: 6,
  compare: 7,
  publicKeyAlgorithm: 10,
  key: 11,
} as const;

const ICC: CertificateKind = {
  what: "ICC Public Key Certificate (9F46)",
  section: "§6.4",
  format: 0x04,
  identifierLength: 10,
  remainderTag: "ICC Public Key Remainder (9F48)",
  exponentTag: "ICC Public Key Exponent (9F47)",
  steps: ICC_STEPS,
};

const ICC_PIN: CertificateKind = {
  what: "ICC PIN Encipherment Public Key Certificate (9F2D)",
  section: "§7.1 (as §6.4)",
  format: 0x04,
  identifierLength: 10,
  remainderTag: "ICC PIN Encipherment Public Key Remainder (9F2F)",
  exponentTag: "ICC PIN Encipherment Public Key Exponent (9F2E)",
  steps: ICC_STEPS,
};

/** The certificate's own fields, as read from the recovered data. */
export interface CertificateFields {
  readonly expiry: string;
  readonly serialNumber: Uint8Array;
  readonly hashAlgorithm: number;
  readonly publicKeyAlgorithm: number;
  readonly keyLength: number;
  readonly exponentLength: number;
}

export interface IssuerCertificateFields extends CertificateFields {
  /** Leftmost 3–8 PAN digits, F padding removed. */
  readonly issuerIdentifier: string;
}

export interface IccCertificateFields extends CertificateFields {
  /** Application PAN digits, F padding removed. */
  readonly pan: string;
}

export type CertificateRecovery<F> =
  | { readonly ok: true; readonly key: RsaPublicKey; readonly fields: F; readonly recovered: Uint8Array }
  | OdaFailure;

export interface CertificateInput {
  readonly certificate: Uint8Array;
  /** The key remainder; absent or empty when the whole key is in the certificate. */
  readonly remainder?: Uint8Array | undefined;
  readonly exponent: Uint8Array;
}

function recoverCertificate(
  kind: CertificateKind,
  signer: RsaPublicKey,
  input: CertificateInput,
  extraHashed: Uint8Array,
): { ok: true; key: RsaPublicKey; block: CertificateBlock; recovered: Uint8Array } | OdaFailure {
  const { what, section, steps } = kind;
  const opened = openSignature(signer, input.certificate, what, section, steps);
  if (!opened.ok) return opened;
  const x = opened.recovered;
  const block = decodeCertificateBlock(x, kind.identifierLength);
  if (!block)
    return odaFailure("length", `${what}: ${x.length} bytes are too short for its fields (Book 2 ${section})`, x);
  if (block.format !== kind.format)
    return odaFailure(
      "format",
      `${what}: certificate format is ${hexByte(block.format)}, expected ${hexByte(kind.format)} (Book 2 ${section} step ${steps.format})`,
      x,
    );
  const exp = input.exponent;
  if (exp.length === 0)
    return odaFailure(
      "exponent",
      `${what}: ${kind.exponentTag} is missing (Book 2 ${section} step ${steps.concatenate})`,
      x,
    );
  const remainder = input.remainder ?? new Uint8Array(0);
  const inCertificate = block.keyField.length;
  if (block.keyLength > inCertificate && remainder.length !== block.keyLength - inCertificate)
    return odaFailure(
      "remainder",
      `${what}: key length ${block.keyLength} needs ${block.keyLength - inCertificate} bytes of ${kind.remainderTag}, got ${remainder.length === 0 ? "none" : `${remainder.length} bytes`} (Book 2 ${section} step ${steps.concatenate})`,
      x,
    );
  if (block.hashAlgorithm !== HASH_ALGORITHM_SHA1)
    return odaFailure(
      "hash-algorithm",
      `${what}: hash algorithm indicator is ${hexByte(block.hashAlgorithm)}, only 01 (SHA-1) is known (Book 2 ${section} step ${steps.hash})`,
      x,
    );
  const hash = sha1(block.hashedPart, remainder, exp, extraHashed);
  if (!bytesEqual(hash, block.hash))
    return odaFailure(
      "hash",
      `${what}: hash result ${toHex(block.hash)} differs from the computed ${toHex(hash)} (Book 2 ${section} step ${steps.compare})`,
      x,
    );
  if (block.publicKeyAlgorithm !== PK_ALGORITHM_RSA)
    return odaFailure(
      "public-key-algorithm",
      `${what}: public key algorithm indicator is ${hexByte(block.publicKeyAlgorithm)}, only 01 (RSA) is known (Book 2 ${section} step ${steps.publicKeyAlgorithm})`,
      x,
    );
  const modulus =
    block.keyLength > inCertificate ? concatBytes(block.keyField, remainder) : block.keyField.slice(0, block.keyLength);
  if (block.keyLength === 0 || modulus[0] === 0)
    return odaFailure(
      "key-length",
      `${what}: the recovered public key (length ${block.keyLength}) is not a valid modulus (Book 2 ${section} step ${steps.key})`,
      x,
    );
  return { ok: true, key: { modulus, exponent: Uint8Array.from(exp) }, block, recovered: x };
}

/**
 * Book 2 §5.3 steps 1–7, 11, 12: the issuer public key from its certificate (90), remainder (92) and exponent (9F32)
 * with the CA public key. Steps 8–10 (issuer identifier vs PAN, expiry, revocation) are the kernel's: see
 * `issuerIdentifierMatchesPan` and `certificateExpired`.
 */
export function recoverIssuerPublicKey(
  ca: RsaPublicKey,
  input: CertificateInput,
): CertificateRecovery<IssuerCertificateFields> {
  const r = recoverCertificate(ISSUER, ca, input, new Uint8Array(0));
  if (!r.ok) return r;
  return {
    ok: true,
    key: r.key,
    fields: {
      expiry: r.block.expiry,
      serialNumber: r.block.serialNumber,
      hashAlgorithm: r.block.hashAlgorithm,
      publicKeyAlgorithm: r.block.publicKeyAlgorithm,
      keyLength: r.block.keyLength,
      exponentLength: r.block.exponentLength,
      issuerIdentifier: digitsOf(r.block.identifier),
    },
    recovered: r.recovered,
  };
}

/** The ICC-format (04) result of a recovery: the PAN digits instead of the issuer identifier. */
function iccRecovery(r: ReturnType<typeof recoverCertificate>): CertificateRecovery<IccCertificateFields> {
  if (!r.ok) return r;
  return {
    ok: true,
    key: r.key,
    fields: {
      expiry: r.block.expiry,
      serialNumber: r.block.serialNumber,
      hashAlgorithm: r.block.hashAlgorithm,
      publicKeyAlgorithm: r.block.publicKeyAlgorithm,
      keyLength: r.block.keyLength,
      exponentLength: r.block.exponentLength,
      pan: digitsOf(r.block.identifier),
    },
    recovered: r.recovered,
  };
}

/**
 * Book 2 §6.4 steps 1–7, 10, 11: the ICC public key from its certificate (9F46), remainder (9F48) and exponent
 * (9F47) with the issuer public key; the hash also covers the static data to be authenticated. Steps 8–9 (PAN, expiry)
 * are the kernel's.
 */
export function recoverIccPublicKey(
  issuer: RsaPublicKey,
  input: CertificateInput & { readonly staticData: Uint8Array },
): CertificateRecovery<IccCertificateFields> {
  return iccRecovery(recoverCertificate(ICC, issuer, input, input.staticData));
}

/**
 * Book 2 §7.1: the ICC PIN Encipherment public key from 9F2D/9F2F/9F2E. Same format 04 and checks as §6.4, but the
 * hash does not cover static data to be authenticated.
 */
export function recoverIccPinEnciphermentKey(
  issuer: RsaPublicKey,
  input: CertificateInput,
): CertificateRecovery<IccCertificateFields> {
  return iccRecovery(recoverCertificate(ICC_PIN, issuer, input, new Uint8Array(0)));
}

// ---------------------------------------------------------------------------------------------------------------
// Contextual checks (the kernel's steps; helpers here)

/**
 * Book 2 §5.3 step 8: the Issuer Identifier (3–8 digits, F padded, given here with or without the Fs) equals the
 * leftmost digits of the PAN.
 */
export function issuerIdentifierMatchesPan(identifier: string, pan: string): boolean {
  const id = identifier.toUpperCase().replace(/F+$/, "");
  const digits = pan.toUpperCase().replace(/F+$/, "");
  if (!/^[0-9]{3,8}$/.test(id) || !/^[0-9]+$/.test(digits)) return false;
  return digits.startsWith(id);
}

/**
 * Book 2 §5.3 step 9 / §6.4 step 9: a certificate is valid up to and including the last day of its expiry month.
 * `mmyy` from the certificate, `transactionDate` the Transaction Date (9A) YYMMDD. Years 00–49 are 20xx, 50–99 19xx
 * (Book 4 §6.7.3 convention). A malformed date counts as expired.
 */
export function certificateExpired(mmyy: string, transactionDate: string): boolean {
  // Read digit by digit (two certificates a transaction), not by regular expressions and slices.
  const mm = twoDigits(mmyy, 0);
  const yy = twoDigits(mmyy, 2);
  if (mmyy.length !== 4 || mm < 1 || mm > 12 || yy < 0) return true;
  const txYy = twoDigits(transactionDate, 0);
  const txMm = twoDigits(transactionDate, 2);
  if (transactionDate.length !== 6 || txYy < 0 || txMm < 0 || twoDigits(transactionDate, 4) < 0) return true;
  const century = (y: number) => (y < 50 ? 2000 + y : 1900 + y);
  return century(yy) * 12 + mm < century(txYy) * 12 + txMm;
}

/** The two decimal digits of `text` at `at` as a number, -1 when either is not a digit. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 0x30;
  const b = text.charCodeAt(at + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Builders (emulator personalisation, tests)

/** cn field of `length` bytes: digits padded on the right with F. */
function cnField(digits: string, length: number, what: string): Uint8Array {
  if (!/^[0-9]*$/.test(digits) || digits.length > length * 2)
    throw new PkiBuildError(`${what}: "${digits}" is not at most ${length * 2} digits`);
  return fromHex(digits.padEnd(length * 2, "F"), what);
}

function checkExpiry(expiry: string, what: string): Uint8Array {
  if (!/^(0[1-9]|1[0-2])[0-9]{2}$/.test(expiry)) throw new PkiBuildError(`${what}: expiry "${expiry}" is not MMYY`);
  return fromHex(expiry, what);
}

function buildCertificate(
  kind: CertificateKind,
  signer: RsaPrivateKey,
  identifier: Uint8Array,
  expiry: Uint8Array,
  serialNumber: Uint8Array,
  subject: RsaPublicKey,
  extraHashed: Uint8Array,
): { certificate: Uint8Array; remainder: Uint8Array } {
  const n = modulusLength(signer);
  const subjectModulus = subject.modulus;
  const subjectLength = modulusLength(subject);
  const m = subjectModulus.subarray(subjectModulus.length - subjectLength);
  if (serialNumber.length !== 3)
    throw new PkiBuildError(`${kind.what}: serial number must be 3 bytes, got ${serialNumber.length}`);
  if (subjectLength > n)
    throw new PkiBuildError(
      `${kind.what}: the ${subjectLength}-byte key does not fit a ${n}-byte signing key (Book 2 §5.1: NI ≤ NCA, NIC ≤ NI)`,
    );
  if (subject.exponent.length !== 1 && subject.exponent.length !== 3)
    throw new PkiBuildError(`${kind.what}: exponent must be 1 or 3 bytes`);
  const room = n - SHA1_LENGTH - 1 - (2 + kind.identifierLength + 2 + 3 + 4);
  const inCertificate = m.subarray(0, Math.min(room, m.length));
  const remainder = m.slice(inCertificate.length);
  const keyField = concatBytes(inCertificate, new Uint8Array(room - inCertificate.length).fill(PAD));
  const hashed = concatBytes(
    Uint8Array.of(kind.format),
    identifier,
    expiry,
    serialNumber,
    Uint8Array.of(HASH_ALGORITHM_SHA1, PK_ALGORITHM_RSA, subjectLength, subject.exponent.length),
    keyField,
  );
  const hash = sha1(hashed, remainder, subject.exponent, extraHashed);
  return { certificate: sealSignature(signer, concatBytes(hashed, hash), kind.what), remainder };
}

/** Book 2 §5.3 Table 6: the Issuer Public Key Certificate (90) and Remainder (92, empty when not needed). */
export function buildIssuerCertificate(
  ca: RsaPrivateKey,
  p: { issuerIdentifier: string; expiry: string; serialNumber: Uint8Array; issuerKey: RsaPublicKey },
): { certificate: Uint8Array; remainder: Uint8Array } {
  if (!/^[0-9]{3,8}$/.test(p.issuerIdentifier))
    throw new PkiBuildError(
      `Issuer Public Key Certificate: issuer identifier "${p.issuerIdentifier}" is not 3–8 digits`,
    );
  return buildCertificate(
    ISSUER,
    ca,
    cnField(p.issuerIdentifier, 4, "issuer identifier"),
    checkExpiry(p.expiry, ISSUER.what),
    p.serialNumber,
    p.issuerKey,
    new Uint8Array(0),
  );
}

/** Book 2 §6.4 Table 14: the ICC Public Key Certificate (9F46) and Remainder (9F48) over the static data. */
export function buildIccCertificate(
  issuer: RsaPrivateKey,
  p: { pan: string; expiry: string; serialNumber: Uint8Array; iccKey: RsaPublicKey; staticData: Uint8Array },
): { certificate: Uint8Array; remainder: Uint8Array } {
  return buildCertificate(
    ICC,
    issuer,
    cnField(p.pan, 10, "PAN"),
    checkExpiry(p.expiry, ICC.what),
    p.serialNumber,
    p.iccKey,
    p.staticData,
  );
}

/** Book 2 §7.1: the ICC PIN Encipherment Public Key Certificate (9F2D) and Remainder (9F2F), no static data. */
export function buildIccPinEnciphermentCertificate(
  issuer: RsaPrivateKey,
  p: { pan: string; expiry: string; serialNumber: Uint8Array; pinKey: RsaPublicKey },
): { certificate: Uint8Array; remainder: Uint8Array } {
  return buildCertificate(
    ICC_PIN,
    issuer,
    cnField(p.pan, 10, "PAN"),
    checkExpiry(p.expiry, ICC_PIN.what),
    p.serialNumber,
    p.pinKey,
    new Uint8Array(0),
  );
}
