// Public keys for offline data authentication (EMV Book 2 §5.2–§5.3, §6.2–§6.4; Book 3 §10.3): the CA key by
// RID and index, the issuer key with the terminal's own checks (issuer identifier, expiry, revocation), and the ICC key.

import { bytesEqual, toHex } from "../../bytes.js";
import type { TransactionContext } from "../../context.js";
import {
  certificateExpired,
  issuerIdentifierMatchesPan,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
} from "../../crypto/certificates.js";
import type { RsaPublicKey } from "../../crypto/rsa.js";
import { maskPan } from "../../sensitive.js";

/** A failure; `missing` when ICC data the method needs is absent (TVR "ICC data missing"). */
export interface KeyFailure {
  readonly ok: false;
  readonly reason: string;
  readonly missing?: boolean;
}
export type KeyResult = { readonly ok: true; readonly key: RsaPublicKey } | KeyFailure;

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

/** The transaction date (9A) as YYMMDD. */
function transactionDate(ctx: TransactionContext): string {
  const d = ctx.data.get(0x9a);
  return d ? toHex(d) : ctx.params.date;
}

/** PAN digits without F padding, from 5A. */
export function panDigits(ctx: TransactionContext): string | undefined {
  const pan = ctx.data.from("card", 0x5a);
  return pan ? toHex(pan).replace(/F+$/, "") : undefined;
}

/** The Registered Application Provider Identifier: the first 5 bytes of the selected AID. */
function rid(ctx: TransactionContext): Uint8Array | undefined {
  const aid = ctx.data.from("card", 0x84) ?? ctx.data.from("card", 0x4f) ?? ctx.aid?.aid;
  return aid && aid.length >= 5 ? aid.subarray(0, 5) : undefined;
}

/** Book 2 §5.2: the CA public key the card names (8F) for this RID; an expired key is not used. */
export function caPublicKey(ctx: TransactionContext): KeyResult {
  const index = ctx.data.from("card", 0x8f);
  if (!index || index.length !== 1)
    return { ok: false, missing: true, reason: "Certification Authority Public Key Index (8F) is missing" };
  const r = rid(ctx);
  if (!r) return { ok: false, reason: "no RID: the selected AID is shorter than 5 bytes" };
  const name = `${toHex(r)}/${hex2(index[0]!)}`;
  const key = ctx.config.caKeys.find((k) => bytesEqual(k.rid, r) && k.index === index[0]);
  if (!key) return { ok: false, reason: `CA public key ${name} is not known to the terminal` };
  if (key.expiry && key.expiry < transactionDate(ctx))
    return { ok: false, reason: `CA public key ${name} expired on ${key.expiry}` };
  return { ok: true, key: { modulus: key.modulus, exponent: key.exponent } };
}

/** Book 2 §5.3: the issuer public key from 90, 92, 9F32, with steps 8–10 done here. */
export function issuerPublicKey(ctx: TransactionContext, ca: RsaPublicKey): KeyResult {
  const certificate = ctx.data.from("card", 0x90);
  const exponent = ctx.data.from("card", 0x9f32);
  if (!certificate) return { ok: false, missing: true, reason: "Issuer Public Key Certificate (90) is missing" };
  if (!exponent) return { ok: false, missing: true, reason: "Issuer Public Key Exponent (9F32) is missing" };
  const remainder = ctx.data.from("card", 0x92);
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
  const caIndex = ctx.data.from("card", 0x8f)?.[0];
  const r5 = rid(ctx);
  const revoked = ctx.config.revocationList.find(
    (e) => r5 && bytesEqual(e.rid, r5) && e.index === caIndex && bytesEqual(e.serialNumber, r.fields.serialNumber),
  );
  if (revoked)
    return {
      ok: false,
      reason: `Issuer Public Key Certificate serial ${toHex(r.fields.serialNumber)} is on the revocation list (Book 2 §5.3 step 10)`,
    };
  return { ok: true, key: r.key };
}

/** Book 2 §6.4: the ICC public key from 9F46, 9F48, 9F47 over the static data, with steps 8–9 done here. */
export function iccPublicKey(ctx: TransactionContext, issuer: RsaPublicKey, staticData: Uint8Array): KeyResult {
  const certificate = ctx.data.from("card", 0x9f46);
  const exponent = ctx.data.from("card", 0x9f47);
  if (!certificate) return { ok: false, missing: true, reason: "ICC Public Key Certificate (9F46) is missing" };
  if (!exponent) return { ok: false, missing: true, reason: "ICC Public Key Exponent (9F47) is missing" };
  const remainder = ctx.data.from("card", 0x9f48);
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
