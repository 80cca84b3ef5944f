// Issuer public key (EMV Book 2 §5.3, Book 3 §10.3): recovered from 90, 92, 9F32 with the CA key, then the
// terminal's own checks: issuer identifier against the PAN (step 8), expiry (step 9), revocation list (step 10).

import { bytesEqual, toHex } from "../../../emv/bytes.js";
import {
  certificateExpired,
  issuerIdentifierMatchesPan,
  recoverIssuerPublicKey,
} from "../../../emv/crypto/certificates.js";
import type { RsaPublicKey } from "../../../emv/crypto/rsa.js";
import { maskPan } from "../../../emv/sensitive.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";
import { caPublicKey, registeredApplicationProviderId } from "./capk-lookup.js";
import { type KeyFailure, type KeyResult, panDigits, transactionDate } from "./keys.js";
import { staticDataToAuthenticate } from "./static-data.js";

export function issuerPublicKey(ctx: TransactionContext, ca: RsaPublicKey): KeyResult {
  const certificate = ctx.data.from("card", TAG.ISSUER_PUBLIC_KEY_CERTIFICATE);
  const exponent = ctx.data.from("card", TAG.ISSUER_PUBLIC_KEY_EXPONENT);
  if (!certificate) return { ok: false, missing: true, reason: "Issuer Public Key Certificate (90) is missing" };
  if (!exponent) return { ok: false, missing: true, reason: "Issuer Public Key Exponent (9F32) is missing" };
  const remainder = ctx.data.from("card", TAG.ISSUER_PUBLIC_KEY_REMAINDER);
  const r = recoverIssuerPublicKey(ca, { certificate, remainder, exponent });
  if (!r.ok) return { ok: false, reason: r.reason, ...(r.step === "remainder" ? { missing: true } : {}) };
  const pan = panDigits(ctx);
  if (!pan || !issuerIdentifierMatchesPan(r.fields.issuerIdentifier, pan))
    return {
      ok: false,
      reason: `Issuer Public Key Certificate: issuer identifier ${r.fields.issuerIdentifier} does not match the PAN ${pan ? maskPan(pan) : "(none)"} (Book 2 §5.3 step 8)`,
    };
  if (certificateExpired(r.fields.expiry, transactionDate(ctx)))
    return {
      ok: false,
      reason: `Issuer Public Key Certificate expired (MMYY ${r.fields.expiry}) (Book 2 §5.3 step 9)`,
    };
  const caIndex = ctx.data.from("card", TAG.CA_PUBLIC_KEY_INDEX_ICC)?.[0];
  const rid = registeredApplicationProviderId(ctx);
  const revoked = ctx.config.revocationList.find(
    (e) => rid && bytesEqual(e.rid, rid) && e.index === caIndex && bytesEqual(e.serialNumber, r.fields.serialNumber),
  );
  if (revoked)
    return {
      ok: false,
      reason: `Issuer Public Key Certificate serial ${toHex(r.fields.serialNumber)} is on the revocation list (Book 2 §5.3 step 10)`,
    };
  return { ok: true, key: r.key };
}

/** The common start of SDA, DDA and CDA (Book 2 §5.3, §6.3): CA key, issuer key, then the static data to authenticate. */
export function issuerKeyAndStaticData(
  ctx: TransactionContext,
): { readonly ok: true; readonly issuer: RsaPublicKey; readonly staticData: Uint8Array } | KeyFailure {
  const ca = caPublicKey(ctx);
  if (!ca.ok) return ca;
  const issuer = issuerPublicKey(ctx, ca.key);
  if (!issuer.ok) return issuer;
  const data = staticDataToAuthenticate(ctx);
  if (!data.ok) return { ok: false, reason: data.reason };
  return { ok: true, issuer: issuer.key, staticData: data.data };
}
