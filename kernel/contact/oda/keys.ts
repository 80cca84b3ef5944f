// Shared by the ODA key steps (EMV Book 2 §5–§7, Book 3 §10.3): key results, the transaction date the
// certificate checks use, the application PAN, and the "ICC data missing" check of the data a method needs.

import { toHex } from "../../../emv/bytes.js";
import type { RsaPublicKey } from "../../../emv/crypto/rsa.js";
import { panDigits as digitsOf } from "../../../emv/tlv/formats.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";

/** A failure; `missing` when ICC data the method needs is absent (TVR "ICC data missing"). */
export interface KeyFailure {
  readonly ok: false;
  readonly reason: string;
  readonly missing?: boolean;
}
export type KeyResult = { readonly ok: true; readonly key: RsaPublicKey } | KeyFailure;

/** The transaction date (9A) as YYMMDD. */
export function transactionDate(ctx: TransactionContext): string {
  const d = ctx.data.get(TAG.TRANSACTION_DATE);
  return d ? toHex(d) : ctx.params.date;
}

/** PAN digits without F padding, from 5A. */
export function panDigits(ctx: TransactionContext): string | undefined {
  const pan = ctx.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  return pan ? digitsOf(pan) : undefined;
}

/** Names of the card data objects ODA methods need (Book 3 §10.3). */
export const ODA_DATA_NAMES: Readonly<Record<number, string>> = {
  [TAG.CA_PUBLIC_KEY_INDEX_ICC]: "Certification Authority Public Key Index (8F)",
  [TAG.ISSUER_PUBLIC_KEY_CERTIFICATE]: "Issuer Public Key Certificate (90)",
  [TAG.ISSUER_PUBLIC_KEY_EXPONENT]: "Issuer Public Key Exponent (9F32)",
  [TAG.SIGNED_STATIC_APPLICATION_DATA]: "Signed Static Application Data (93)",
  [TAG.ICC_PUBLIC_KEY_CERTIFICATE]: "ICC Public Key Certificate (9F46)",
  [TAG.ICC_PUBLIC_KEY_EXPONENT]: "ICC Public Key Exponent (9F47)",
};

/**
 * Book 3 §10.3: every data object the method needs must be present before any recovery; absent ones fail the
 * method with "ICC data missing". The remainders (92, 9F48) are needed only when recovery shows it.
 */
export function missingCardData(ctx: TransactionContext, tags: readonly number[]): KeyFailure | undefined {
  const absent = tags.filter((t) => !ctx.data.from("card", t)?.length);
  if (absent.length === 0) return undefined;
  const names = absent.map((t) => ODA_DATA_NAMES[t] ?? t.toString(16).toUpperCase());
  return { ok: false, missing: true, reason: `${names.join(", ")} ${absent.length > 1 ? "are" : "is"} missing` };
}
