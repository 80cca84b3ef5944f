// Certification Authority public key lookup (EMV Book 2 §5.1–§5.2, Book 3 §10.3): by the RID of the selected AID
// and the CA Public Key Index (8F) from the terminal's keys; a key past its expiry date is not used.

import { bytesEqual, hexByte, toHex } from "../../../emv/bytes.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";
import { type KeyResult, transactionDate } from "./keys.js";

/** The Registered Application Provider Identifier: the first 5 bytes of the selected AID. */
export function registeredApplicationProviderId(ctx: TransactionContext): Uint8Array | undefined {
  const aid =
    ctx.data.from("card", TAG.DEDICATED_FILE_NAME) ??
    ctx.data.from("card", TAG.APPLICATION_DEDICATED_FILE_NAME) ??
    ctx.aid?.aid;
  return aid && aid.length >= 5 ? aid.subarray(0, 5) : undefined;
}

/**
 * Book 2 §5.2: the CA public key the card names (8F) for this RID. Book 2 §11.2: a key is withdrawn at its expiry
 * date, so after that date (YYMMDD, the date itself still valid) it is treated as absent: ODA fails, and since the
 * card's data is complete it is not "ICC data missing".
 */
export function caPublicKey(ctx: TransactionContext): KeyResult {
  const index = ctx.data.from("card", TAG.CA_PUBLIC_KEY_INDEX_ICC);
  if (!index) return { ok: false, missing: true, reason: "Certification Authority Public Key Index (8F) is missing" };
  if (index.length !== 1)
    return { ok: false, reason: `Certification Authority Public Key Index (8F) has ${index.length} bytes, expected 1` };
  const rid = registeredApplicationProviderId(ctx);
  if (!rid) return { ok: false, reason: "no RID: the selected AID is shorter than 5 bytes" };
  // The key's name only for a failure's reason.
  const name = () => `${toHex(rid)}/${hexByte(index[0]!)}`;
  const key = ctx.config.caKeys.find((k) => k.index === index[0] && bytesEqual(k.rid, rid));
  if (!key) return { ok: false, reason: `CA public key ${name()} is not known to the terminal` };
  if (key.expiry && key.expiry < transactionDate(ctx))
    return { ok: false, reason: `CA public key ${name()} expired on ${key.expiry}` };
  return { ok: true, key: { modulus: key.modulus, exponent: key.exponent } };
}
