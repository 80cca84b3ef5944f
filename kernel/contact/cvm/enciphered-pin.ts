// Offline enciphered PIN (EMV Book 2 §7, Book 3 §10.5.1): the ICC PIN Encipherment public key (9F2D/9F2E/9F2F)
// or else the ICC public key, an 8-byte ICC challenge from GET CHALLENGE, and the RSA-enciphered PIN block.

import { hexWord } from "../../../emv/bytes.js";
import { recoverIccPinEnciphermentKey } from "../../../emv/crypto/certificates.js";
import { pinBlockFormat2 } from "../../../emv/crypto/pin-block.js";
import { encipherPinBlock } from "../../../emv/crypto/pin-encipherment.js";
import type { RsaPublicKey } from "../../../emv/crypto/rsa.js";
import { maskPan } from "../../../emv/sensitive.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import { Commands } from "../../card-session.js";
import type { TransactionContext } from "../context.js";
import { caPublicKey } from "../oda/capk-lookup.js";
import { recoverIccKey } from "../oda/icc-key.js";
import { issuerPublicKey } from "../oda/issuer-key.js";
import { type KeyResult, panDigits } from "../oda/keys.js";

/** Book 2 §7.1: the PIN encipherment key when the card has one, else the ICC public key (already recovered for DDA/CDA). */
export function pinEnciphermentKey(ctx: TransactionContext): KeyResult {
  const certificate = ctx.data.from("card", TAG.ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_CERTIFICATE);
  if (!certificate) {
    if (ctx.oda.iccPublicKey) return { ok: true, key: ctx.oda.iccPublicKey };
    return recoverIccKey(ctx);
  }
  const exponent = ctx.data.from("card", TAG.ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_EXPONENT);
  if (!exponent)
    return { ok: false, missing: true, reason: "ICC PIN Encipherment Public Key Exponent (9F2E) is missing" };
  const ca = caPublicKey(ctx);
  if (!ca.ok) return ca;
  const issuer = issuerPublicKey(ctx, ca.key);
  if (!issuer.ok) return issuer;
  const r = recoverIccPinEnciphermentKey(issuer.key, {
    certificate,
    remainder: ctx.data.from("card", TAG.ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_REMAINDER),
    exponent,
  });
  if (!r.ok) return { ok: false, reason: r.reason };
  const pan = panDigits(ctx);
  if (r.fields.pan !== pan)
    return {
      ok: false,
      reason: `ICC PIN Encipherment Public Key Certificate: PAN ${maskPan(r.fields.pan)} differs from the application PAN ${pan ? maskPan(pan) : "(none)"} (Book 2 §7.1)`,
    };
  return { ok: true, key: r.key };
}

export type EncipheredPin =
  | { readonly ok: true; readonly data: Uint8Array }
  | { readonly ok: false; readonly reason: string; readonly terminate?: boolean };

/** GET CHALLENGE, then the enciphered PIN data for VERIFY P2 88 (Book 2 §7.2). The PIN never leaves this function. */
export async function encipheredPinData(
  ctx: TransactionContext,
  pin: string,
  key: RsaPublicKey,
): Promise<EncipheredPin> {
  const ex = await ctx.card.exchange(Commands.getChallenge());
  if (!ex.ok) return { ok: false, reason: `GET CHALLENGE: ${ex.error}`, terminate: true };
  const sw = hexWord(ex.response.sw);
  if (ex.response.sw !== 0x9000 || ex.response.data.length !== 8)
    return {
      ok: false,
      reason: `GET CHALLENGE: SW ${sw} with ${ex.response.data.length} bytes, expected 8 bytes and 9000`,
    };
  const r = encipherPinBlock(key, pinBlockFormat2(pin), ex.response.data, (n) => ctx.params.random.bytes(n));
  if (!r.ok) return { ok: false, reason: `PIN encipherment: ${r.reason}` };
  return { ok: true, data: r.value };
}
