// ICC public key (EMV Book 2 §6.4, Book 3 §10.3): recovered from 9F46, 9F48, 9F47 with the issuer key over the
// static data to authenticate, then the terminal's checks: PAN in the certificate equals 5A (step 8), expiry (step 9).

import { certificateExpired, recoverIccPublicKey } from "../../../emv/crypto/certificates.js";
import type { RsaPublicKey } from "../../../emv/crypto/rsa.js";
import { maskPan } from "../../../emv/sensitive.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";
import { issuerKeyAndStaticData } from "./issuer-key.js";
import { type KeyResult, missingCardData, panDigits, transactionDate } from "./keys.js";

export function iccPublicKey(ctx: TransactionContext, issuer: RsaPublicKey, staticData: Uint8Array): KeyResult {
  const certificate = ctx.data.from("card", TAG.ICC_PUBLIC_KEY_CERTIFICATE);
  const exponent = ctx.data.from("card", TAG.ICC_PUBLIC_KEY_EXPONENT);
  if (!certificate) return { ok: false, missing: true, reason: "ICC Public Key Certificate (9F46) is missing" };
  if (!exponent) return { ok: false, missing: true, reason: "ICC Public Key Exponent (9F47) is missing" };
  const remainder = ctx.data.from("card", TAG.ICC_PUBLIC_KEY_REMAINDER);
  const r = recoverIccPublicKey(issuer, { certificate, remainder, exponent, staticData });
  if (!r.ok) return { ok: false, reason: r.reason, ...(r.step === "remainder" ? { missing: true } : {}) };
  const pan = panDigits(ctx);
  if (!pan || r.fields.pan !== pan)
    return {
      ok: false,
      reason: `ICC Public Key Certificate: PAN ${maskPan(r.fields.pan)} differs from the application PAN ${pan ? maskPan(pan) : "(none)"} (Book 2 §6.4 step 8)`,
    };
  if (certificateExpired(r.fields.expiry, transactionDate(ctx)))
    return { ok: false, reason: `ICC Public Key Certificate expired (MMYY ${r.fields.expiry}) (Book 2 §6.4 step 9)` };
  return { ok: true, key: r.key };
}

/** The data DDA and CDA need before any recovery (Book 3 §10.3). */
export const DYNAMIC_ODA_DATA = [
  TAG.CA_PUBLIC_KEY_INDEX_ICC,
  TAG.ISSUER_PUBLIC_KEY_CERTIFICATE,
  TAG.ISSUER_PUBLIC_KEY_EXPONENT,
  TAG.ICC_PUBLIC_KEY_CERTIFICATE,
  TAG.ICC_PUBLIC_KEY_EXPONENT,
] as const;

/** CA key, issuer key, static data, then the ICC key (shared by DDA, CDA and offline enciphered PIN). */
export function recoverIccKey(ctx: TransactionContext): KeyResult {
  const missing = missingCardData(ctx, DYNAMIC_ODA_DATA);
  if (missing) return missing;
  const start = issuerKeyAndStaticData(ctx);
  if (!start.ok) return start;
  return iccPublicKey(ctx, start.issuer, start.staticData);
}
