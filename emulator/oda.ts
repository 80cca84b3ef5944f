// Offline data authentication on the card side (EMV Book 2): certificates and SSAD built at personalisation,
// SDAD for INTERNAL AUTHENTICATE and CDA, enciphered PIN recovery. All RSA work is kernel/crypto's.

import { bytesEqual, fromHex, toHex } from "../emv/bytes.js";
import { buildIccCertificate, buildIssuerCertificate, PkiBuildError } from "../emv/crypto/certificates.js";
import { decipherPinBlock } from "../emv/crypto/pin-encipherment.js";
import type { RsaPrivateKey } from "../emv/crypto/rsa.js";
import { cdaTransactionDataHash, signCdaData, signDynamicData, signStaticData } from "../emv/crypto/signed-data.js";
import { TAG } from "../emv/tlv/tag-names.js";
import type { CardContext, OdaKeys, PersonalisedApplication } from "./context.js";
import { dolValue } from "./dol-values.js";
import { applicationKeys, caKey } from "./keystore.js";
import type { Placeholder } from "./profile-constants.js";
import { type ApplicationProfile, applicationPan, type CardProfile, hasFault } from "./profile-data.js";
import { SW } from "./status.js";

/** Expiry (MMYY) written into a certificate when the profile asks for an expired one: January 2020. */
export const EXPIRED_CERTIFICATE_DATE = "0120";

/** Length of the ICC Dynamic Number this card puts in its SDAD (Book 2 §6.5.1 Table 18: 2–8 bytes). */
const ICC_DYNAMIC_NUMBER_LENGTH = 8;

export function loadOdaKeys(profile: CardProfile, app: ApplicationProfile, where: string): OdaKeys | undefined {
  const oda = app.oda;
  if (!oda || oda.method === "none") return undefined;
  const ca = caKey(oda.caIndex);
  if (!ca) throw new Error(`${where}.oda.caIndex: the keystore has no CA key ${oda.caIndex}`);
  const keys = applicationKeys(profile.id, toHex(app.keysAid));
  if (!keys)
    throw new Error(
      `${where}.oda: the keystore has no keys for ${profile.id} ${toHex(app.keysAid)} (run generate-keys)`,
    );
  return { ca, issuer: keys.issuer, icc: keys.icc };
}

/** A signature with its last bit flipped: recovery then yields garbage (the "bad signature" faults). */
export function corruptSignature(signature: Uint8Array): Uint8Array {
  const out = Uint8Array.from(signature);
  out[out.length - 1]! ^= 0x01;
  return out;
}

/** Static data as signed when the profile asks for a wrong hash: one more byte than the records deliver. */
function signedStaticData(profile: CardProfile, staticData: Uint8Array): Uint8Array {
  if (!hasFault(profile, "wrong-static-data-hash")) return staticData;
  const out = new Uint8Array(staticData.length + 1);
  out.set(staticData);
  out[staticData.length] = 0xff;
  return out;
}

function where(profile: CardProfile, app: ApplicationProfile): string {
  return `${profile.id} ${toHex(app.aid)}`;
}

function panOf(profile: CardProfile, app: ApplicationProfile): string {
  const pan = applicationPan(app);
  if (!pan) throw new PkiBuildError(`${where(profile, app)}: no PAN (5A) in the records to certify`);
  return pan;
}

/**
 * Issuer-level values (Book 2 §5.3): CA index (8F), Issuer Public Key Certificate (90), Remainder (92) and Exponent
 * (9F32). Faults: bad-issuer-certificate-signature, expired-issuer-certificate.
 */
export function issuerPlaceholderValues(
  profile: CardProfile,
  app: ApplicationProfile,
  keys: OdaKeys,
): Map<Placeholder, Uint8Array> {
  const oda = app.oda;
  const values = new Map<Placeholder, Uint8Array>();
  if (!oda) return values;
  const built = buildIssuerCertificate(keys.ca, {
    issuerIdentifier: panOf(profile, app).slice(0, 6),
    expiry: hasFault(profile, "expired-issuer-certificate") ? EXPIRED_CERTIFICATE_DATE : oda.issuer.expiry,
    serialNumber: oda.issuer.serial,
    issuerKey: keys.issuer,
  });
  values.set("<ca-index>", Uint8Array.of(oda.caIndex));
  values.set(
    "<issuer-certificate>",
    hasFault(profile, "bad-issuer-certificate-signature") ? corruptSignature(built.certificate) : built.certificate,
  );
  values.set("<issuer-remainder>", built.remainder);
  values.set("<issuer-exponent>", Uint8Array.from(keys.issuer.exponent));
  return values;
}

/**
 * ICC-level values over the static data to be authenticated: SSAD (93, Book 2 §5.4) and, with an ICC key, the ICC
 * Public Key Certificate (9F46), Remainder (9F48) and Exponent (9F47) (§6.4). Faults: bad-ssad-signature,
 * expired-icc-certificate, wrong-static-data-hash.
 */
export function iccPlaceholderValues(
  profile: CardProfile,
  app: ApplicationProfile,
  keys: OdaKeys,
  staticData: Uint8Array,
): Map<Placeholder, Uint8Array> {
  const oda = app.oda;
  const values = new Map<Placeholder, Uint8Array>();
  if (!oda) return values;
  const signed = signedStaticData(profile, staticData);
  const ssad = signStaticData(keys.issuer, signed, oda.dataAuthenticationCode);
  values.set("<ssad>", hasFault(profile, "bad-ssad-signature") ? corruptSignature(ssad) : ssad);
  if (keys.icc && oda.icc) {
    const built = buildIccCertificate(keys.issuer, {
      pan: panOf(profile, app),
      expiry: hasFault(profile, "expired-icc-certificate") ? EXPIRED_CERTIFICATE_DATE : oda.icc.expiry,
      serialNumber: oda.icc.serial,
      iccKey: keys.icc,
      staticData: signed,
    });
    values.set("<icc-certificate>", built.certificate);
    values.set("<icc-remainder>", built.remainder);
    values.set("<icc-exponent>", Uint8Array.from(keys.icc.exponent));
  }
  return values;
}

export type PinRecovery = { ok: true; pinBlock: Uint8Array } | { ok: false; sw: number };

/**
 * VERIFY with enciphered PIN (Book 2 §7.2): decipher with the ICC private key (this card has no separate PIN
 * encipherment key), check header 7F and that the ICC unpredictable number is the one GET CHALLENGE gave.
 * No ICC key: 6984; wrong length: 6700; anything else wrong: 6A80 (the PIN try counter is not touched).
 */
export function decipherOfflinePin(app: PersonalisedApplication, data: Uint8Array, challenge: Uint8Array): PinRecovery {
  const key = app.keys?.icc;
  if (!key) return { ok: false, sw: SW.REFERENCE_DATA_INVALIDATED };
  const r = decipherPinBlock(key, data);
  if (!r.ok) return { ok: false, sw: r.step === "length" ? SW.WRONG_LENGTH : SW.WRONG_DATA };
  if (!bytesEqual(r.challenge, challenge)) return { ok: false, sw: SW.WRONG_DATA };
  return { ok: true, pinBlock: r.pinBlock };
}

function iccKeyOf(app: PersonalisedApplication, what: string): RsaPrivateKey {
  const key = app.keys?.icc;
  if (!key) throw new PkiBuildError(`${what}: application ${toHex(app.profile.aid)} has no ICC key`);
  return key;
}

function dynamicNumber(ctx: CardContext): Uint8Array {
  return ctx.random(ICC_DYNAMIC_NUMBER_LENGTH);
}

/** INTERNAL AUTHENTICATE (Book 2 §6.5.1): SDAD over the DDOL data with a fresh ICC Dynamic Number. Fault: bad-sdad-signature. */
export function signDda(ctx: CardContext, app: PersonalisedApplication, ddolData: Uint8Array): Uint8Array {
  const number = dynamicNumber(ctx);
  const iccDynamicData = new Uint8Array(1 + number.length);
  iccDynamicData[0] = number.length;
  iccDynamicData.set(number, 1);
  const sdad = signDynamicData(iccKeyOf(app, "INTERNAL AUTHENTICATE"), { iccDynamicData, ddolData });
  const signed = hasFault(ctx.profile, "bad-sdad-signature") ? corruptSignature(sdad) : sdad;
  // Fault "sdad-length": a leading 00 keeps the number and breaks Book 2 §6.5.2 step 1 (length = ICC modulus).
  return hasFault(ctx.profile, "sdad-length") ? Uint8Array.of(0, ...signed) : signed;
}

export interface CdaInput {
  cid: number;
  cryptogram: Uint8Array;
  pdolData: Uint8Array;
  cdol1Data: Uint8Array;
  cdol2Data: Uint8Array | undefined;
  responseTlvs: Uint8Array;
}

/** Unpredictable Number (9F37) of the current GENERATE AC: from the CDOL2 data on the second, else CDOL1. */
function unpredictableNumber(app: PersonalisedApplication, i: CdaInput): Uint8Array {
  if (i.cdol2Data && app.cdol2) {
    const un = dolValue(app.cdol2, i.cdol2Data, TAG.UNPREDICTABLE_NUMBER);
    if (un && un.length > 0) return un;
  }
  const un = app.cdol1 ? dolValue(app.cdol1, i.cdol1Data, TAG.UNPREDICTABLE_NUMBER) : undefined;
  // Without 9F37 in the CDOL the terminal cannot check the signature; sign over a zero UN rather than fail.
  return un && un.length > 0 ? un : fromHex("00000000");
}

/**
 * GENERATE AC with CDA (Book 2 §6.6.1): SDAD over CID, AC and the transaction data hash code. Faults:
 * bad-sdad-signature (every signature), bad-cda-signature (the n-th GENERATE AC's, counted by the session).
 */
export function signCda(ctx: CardContext, app: PersonalisedApplication, i: CdaInput): Uint8Array {
  const sdad = signCdaData(iccKeyOf(app, "GENERATE AC (CDA)"), {
    iccDynamicNumber: dynamicNumber(ctx),
    cid: i.cid,
    cryptogram: i.cryptogram,
    transactionDataHash: cdaTransactionDataHash(i),
    unpredictableNumber: unpredictableNumber(app, i),
  });
  const n = ctx.session.generateAcCount;
  const bad =
    hasFault(ctx.profile, "bad-sdad-signature") ||
    ctx.profile.faults.some((f) => f.kind === "bad-cda-signature" && f.occurrence === n);
  return bad ? corruptSignature(sdad) : sdad;
}
