// Signed data of offline data authentication: SSAD (EMV Book 2 §5.4 Table 7), SDAD for DDA (§6.5 Tables 17–18)
// and for CDA (§6.6 Table 19, transaction data hash code §6.6.1).

import { bytesEqual, concatBytes, hexByte, toHex } from "../bytes.js";
import { type OdaFailure, odaFailure, openSignature, PAD, PkiBuildError, sealSignature } from "./certificates.js";
import { HASH_ALGORITHM_SHA1, SHA1_LENGTH, sha1 } from "./hash.js";
import { modulusLength, type RsaPrivateKey, type RsaPublicKey } from "./rsa.js";

const FORMAT_SSAD = 0x03;
const FORMAT_SDAD = 0x05;

const STEPS = { length: 1, trailer: 2, header: 3 } as const;

// ---------------------------------------------------------------------------------------------------------------
// SDA (§5.4)

const SSAD = "Signed Static Application Data (93)";

/** Book 2 §5.4 Table 7: the SSAD (93) over the static data to be authenticated, with the Data Authentication Code. */
export function signStaticData(
  issuer: RsaPrivateKey,
  staticData: Uint8Array,
  dataAuthenticationCode: Uint8Array,
): Uint8Array {
  if (dataAuthenticationCode.length !== 2)
    throw new PkiBuildError(`${SSAD}: Data Authentication Code must be 2 bytes, got ${dataAuthenticationCode.length}`);
  const n = modulusLength(issuer);
  const signed = concatBytes(
    Uint8Array.of(FORMAT_SSAD, HASH_ALGORITHM_SHA1),
    dataAuthenticationCode,
    new Uint8Array(n - 26).fill(PAD),
  );
  return sealSignature(issuer, concatBytes(signed, sha1(signed, staticData)), SSAD);
}

export type StaticDataVerification =
  | { readonly ok: true; readonly dataAuthenticationCode: Uint8Array; readonly recovered: Uint8Array }
  | OdaFailure;

/** Book 2 §5.4 steps 1–7: verify the SSAD with the issuer public key; the Data Authentication Code (9F45) on success. */
export function verifySignedStaticData(
  issuer: RsaPublicKey,
  ssad: Uint8Array,
  staticData: Uint8Array,
): StaticDataVerification {
  const opened = openSignature(issuer, ssad, SSAD, "§5.4", STEPS);
  if (!opened.ok) return opened;
  const x = opened.recovered;
  if (x.length < 26) return odaFailure("length", `${SSAD}: ${x.length} bytes are too short (Book 2 §5.4)`, x);
  if (x[1] !== FORMAT_SSAD)
    return odaFailure(
      "format",
      `${SSAD}: signed data format is ${hexByte(x[1]!)}, expected 03 (Book 2 §5.4 step 4)`,
      x,
    );
  if (x[2] !== HASH_ALGORITHM_SHA1)
    return odaFailure(
      "hash-algorithm",
      `${SSAD}: hash algorithm indicator is ${hexByte(x[2]!)}, only 01 (SHA-1) is known (Book 2 §5.4 step 6)`,
      x,
    );
  const end = x.length - 1 - SHA1_LENGTH;
  const hash = sha1(x.subarray(1, end), staticData);
  if (!bytesEqual(hash, x.subarray(end, end + SHA1_LENGTH)))
    return odaFailure(
      "hash",
      `${SSAD}: hash result ${toHex(x.subarray(end, end + SHA1_LENGTH))} differs from the computed ${toHex(hash)} (Book 2 §5.4 step 7)`,
      x,
    );
  return { ok: true, dataAuthenticationCode: x.slice(3, 5), recovered: x };
}

// ---------------------------------------------------------------------------------------------------------------
// SDAD common layout (Table 17)

const SDAD = "Signed Dynamic Application Data (9F4B)";

function buildSdad(icc: RsaPrivateKey, iccDynamicData: Uint8Array, hashedAfter: Uint8Array): Uint8Array {
  const n = modulusLength(icc);
  const ldd = iccDynamicData.length;
  if (ldd > n - 25)
    throw new PkiBuildError(`${SDAD}: ${ldd} bytes of ICC dynamic data do not fit a ${n}-byte key (at most ${n - 25})`);
  // Format ‖ hash algorithm ‖ LDD ‖ ICC dynamic data ‖ BB padding (n − 22 bytes, the part hashed), then the hash:
  // written into one array (arrays over 64 bytes each cost an off-heap allocation).
  const body = new Uint8Array(n - 2);
  body[0] = FORMAT_SDAD;
  body[1] = HASH_ALGORITHM_SHA1;
  body[2] = ldd;
  body.set(iccDynamicData, 3);
  body.fill(PAD, 3 + ldd, n - 22);
  body.set(sha1(body.subarray(0, n - 22), hashedAfter), n - 22);
  return sealSignature(icc, body, SDAD);
}

/** Recovered SDAD: steps 1–4 and the Table 17 split; the hash is checked by the caller (DDA or CDA data). */
function openSdad(
  icc: RsaPublicKey,
  sdad: Uint8Array,
  section: string,
): { ok: true; x: Uint8Array; dynamicData: Uint8Array; signedPart: Uint8Array; hash: Uint8Array } | OdaFailure {
  const opened = openSignature(icc, sdad, SDAD, section, STEPS);
  if (!opened.ok) return opened;
  const x = opened.recovered;
  if (x.length < 25) return odaFailure("length", `${SDAD}: ${x.length} bytes are too short (Book 2 ${section})`, x);
  if (x[1] !== FORMAT_SDAD)
    return odaFailure(
      "format",
      `${SDAD}: signed data format is ${hexByte(x[1]!)}, expected 05 (Book 2 ${section} step 4)`,
      x,
    );
  const ldd = x[3]!;
  const end = x.length - 1 - SHA1_LENGTH;
  if (4 + ldd > end)
    return odaFailure(
      "dynamic-data",
      `${SDAD}: ICC dynamic data length ${ldd} exceeds the ${end - 4} bytes available (Book 2 ${section} Table 17)`,
      x,
    );
  return {
    ok: true,
    x,
    dynamicData: x.subarray(4, 4 + ldd),
    signedPart: x.subarray(1, end),
    hash: x.subarray(end, end + SHA1_LENGTH),
  };
}

function checkHash(
  x: Uint8Array,
  expected: Uint8Array,
  computed: Uint8Array,
  hashAlgorithm: number,
  section: string,
  steps: { hash: number; compare: number },
): OdaFailure | undefined {
  if (hashAlgorithm !== HASH_ALGORITHM_SHA1)
    return odaFailure(
      "hash-algorithm",
      `${SDAD}: hash algorithm indicator is ${hexByte(hashAlgorithm)}, only 01 (SHA-1) is known (Book 2 ${section} step ${steps.hash})`,
      x,
    );
  if (!bytesEqual(expected, computed))
    return odaFailure(
      "hash",
      `${SDAD}: hash result ${toHex(expected)} differs from the computed ${toHex(computed)} (Book 2 ${section} step ${steps.compare})`,
      x,
    );
  return undefined;
}

/** ICC Dynamic Number from the start of the ICC dynamic data (Table 18/19: length 2–8, then the number). */
function dynamicNumber(dynamicData: Uint8Array, section: string, x: Uint8Array): Uint8Array | OdaFailure {
  const len = dynamicData[0];
  if (len === undefined || len < 2 || len > 8 || 1 + len > dynamicData.length)
    return odaFailure(
      "dynamic-data",
      `${SDAD}: ICC dynamic data ${toHex(dynamicData)} does not start with an ICC Dynamic Number length 2–8 and that many bytes (Book 2 ${section})`,
      x,
    );
  return dynamicData.slice(1, 1 + len);
}

// ---------------------------------------------------------------------------------------------------------------
// DDA (§6.5)

/**
 * Book 2 §6.5.1: the SDAD over `ddolData` (the DDOL related data the terminal sent in INTERNAL AUTHENTICATE).
 * `iccDynamicData` is Table 18: ICC Dynamic Number length ‖ number (‖ any further dynamic data).
 */
export function signDynamicData(
  icc: RsaPrivateKey,
  p: { readonly iccDynamicData: Uint8Array; readonly ddolData: Uint8Array },
): Uint8Array {
  return buildSdad(icc, p.iccDynamicData, p.ddolData);
}

export type DynamicDataVerification =
  | {
      readonly ok: true;
      readonly iccDynamicNumber: Uint8Array;
      readonly iccDynamicData: Uint8Array;
      readonly recovered: Uint8Array;
    }
  | OdaFailure;

/** Book 2 §6.5.2 steps 1–7: verify the SDAD with the ICC public key over the DDOL related data. */
export function verifySignedDynamicData(
  icc: RsaPublicKey,
  sdad: Uint8Array,
  ddolData: Uint8Array,
): DynamicDataVerification {
  const o = openSdad(icc, sdad, "§6.5.2");
  if (!o.ok) return o;
  const bad = checkHash(o.x, o.hash, sha1(o.signedPart, ddolData), o.x[2]!, "§6.5.2", { hash: 6, compare: 7 });
  if (bad) return bad;
  const number = dynamicNumber(o.dynamicData, "§6.5.1 Table 18", o.x);
  if (!(number instanceof Uint8Array)) return number;
  return { ok: true, iccDynamicNumber: number, iccDynamicData: o.dynamicData.slice(), recovered: o.x };
}

// ---------------------------------------------------------------------------------------------------------------
// CDA (§6.6)

/**
 * Book 2 §6.6.1: Transaction Data Hash Code = SHA-1(PDOL related data ‖ CDOL1 related data ‖ [CDOL2 related data for
 * the second GENERATE AC] ‖ the TLV data objects of the GENERATE AC response template except 9F4B, in order).
 */
export function cdaTransactionDataHash(p: {
  readonly pdolData: Uint8Array;
  readonly cdol1Data: Uint8Array;
  readonly cdol2Data?: Uint8Array | undefined;
  readonly responseTlvs: Uint8Array;
}): Uint8Array {
  return sha1(p.pdolData, p.cdol1Data, p.cdol2Data ?? new Uint8Array(0), p.responseTlvs);
}

/** Book 2 §6.6.1 Table 19: the SDAD of a CDA GENERATE AC response, hashed with the terminal's UN (9F37). */
export function signCdaData(
  icc: RsaPrivateKey,
  p: {
    readonly iccDynamicNumber: Uint8Array;
    readonly cid: number;
    readonly cryptogram: Uint8Array;
    readonly transactionDataHash: Uint8Array;
    readonly unpredictableNumber: Uint8Array;
  },
): Uint8Array {
  if (p.iccDynamicNumber.length < 2 || p.iccDynamicNumber.length > 8)
    throw new PkiBuildError(`${SDAD}: ICC Dynamic Number must be 2–8 bytes, got ${p.iccDynamicNumber.length}`);
  if (p.cryptogram.length !== 8) throw new PkiBuildError(`${SDAD}: cryptogram must be 8 bytes`);
  if (p.transactionDataHash.length !== SHA1_LENGTH)
    throw new PkiBuildError(`${SDAD}: transaction data hash code must be 20 bytes`);
  const dynamicData = concatBytes(
    Uint8Array.of(p.iccDynamicNumber.length),
    p.iccDynamicNumber,
    Uint8Array.of(p.cid & 0xff),
    p.cryptogram,
    p.transactionDataHash,
  );
  return buildSdad(icc, dynamicData, p.unpredictableNumber);
}

export type CdaVerification =
  | {
      readonly ok: true;
      readonly iccDynamicNumber: Uint8Array;
      readonly cid: number;
      readonly cryptogram: Uint8Array;
      readonly transactionDataHash: Uint8Array;
      readonly recovered: Uint8Array;
    }
  | OdaFailure;

/**
 * Book 2 §6.6.2 steps 1–8 and 11: verify a CDA SDAD with the ICC public key. `cid` is 9F27 from the GENERATE AC
 * response, `transactionDataHash` the terminal's own `cdaTransactionDataHash` of the exchange.
 */
export function verifyCdaSignature(
  icc: RsaPublicKey,
  sdad: Uint8Array,
  p: { readonly unpredictableNumber: Uint8Array; readonly cid: number; readonly transactionDataHash: Uint8Array },
): CdaVerification {
  const section = "§6.6.2";
  const o = openSdad(icc, sdad, section);
  if (!o.ok) return o;
  const number = dynamicNumber(o.dynamicData, "§6.6.1 Table 19", o.x);
  if (!(number instanceof Uint8Array)) return number;
  const rest = o.dynamicData.subarray(1 + number.length);
  if (rest.length < 1 + 8 + SHA1_LENGTH)
    return odaFailure(
      "dynamic-data",
      `${SDAD}: ICC dynamic data has ${rest.length} bytes after the ICC Dynamic Number, CDA needs CID (1), cryptogram (8) and transaction data hash code (20) (Book 2 §6.6.1 Table 19)`,
      o.x,
    );
  const cid = rest[0]!;
  const cryptogram = rest.slice(1, 9);
  const tdhc = rest.slice(9, 9 + SHA1_LENGTH);
  if (cid !== (p.cid & 0xff))
    return odaFailure(
      "cid",
      `${SDAD}: Cryptogram Information Data in the signature is ${hexByte(cid)}, the GENERATE AC response has ${hexByte(p.cid & 0xff)} (Book 2 ${section} step 5)`,
      o.x,
    );
  const bad = checkHash(o.x, o.hash, sha1(o.signedPart, p.unpredictableNumber), o.x[2]!, section, {
    hash: 7,
    compare: 8,
  });
  if (bad) return bad;
  if (!bytesEqual(tdhc, p.transactionDataHash))
    return odaFailure(
      "transaction-data-hash",
      `${SDAD}: transaction data hash code ${toHex(tdhc)} differs from the computed ${toHex(p.transactionDataHash)} (Book 2 ${section} step 11)`,
      o.x,
    );
  return { ok: true, iccDynamicNumber: number, cid, cryptogram, transactionDataHash: tdhc, recovered: o.x };
}
