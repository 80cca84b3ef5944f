// fDDA, fast Dynamic Data Authentication (EMV Contactless Book C-3 §5, Offline Data Authentication; the signature
// itself is Book 2 §6.5): the SDAD 9F4B of the GPO response, format 05, recovered with the ICC public key; its hash
// covers the SDAD body and the terminal dynamic data 9F37 ‖ 9F02 ‖ 5F2A ‖ 9F69 (fDDA version 01; version 00: 9F37).

import { bytesEqual, concatBytes, toHex } from "../../emv/bytes.js";
import { verifySignedDynamicData } from "../../emv/crypto/signed-data.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../contact/context.js";
import { recoverIccKey } from "../contact/oda/icc-key.js";

export type FddaResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

/** Terminal dynamic data by fDDA version (the first byte of 9F69); an unknown version is a reason. */
export function fddaTerminalData(ctx: TransactionContext): Uint8Array | { readonly reason: string } {
  const get = (tag: number) => ctx.data.get(tag) ?? new Uint8Array(0);
  const card = ctx.data.from("card", TAG.CARD_AUTHENTICATION_RELATED_DATA);
  if (!card) return get(TAG.UNPREDICTABLE_NUMBER); // fDDA version 00: the Unpredictable Number only.
  if (card[0] !== 0x01) return { reason: `fDDA version ${toHex(card.subarray(0, 1))} (9F69 byte 1) is not supported` };
  return concatBytes(
    get(TAG.UNPREDICTABLE_NUMBER),
    get(TAG.AMOUNT_AUTHORISED_NUMERIC),
    get(TAG.TRANSACTION_CURRENCY_CODE),
    card,
  );
}

/** fDDA over the data the GPO and READ RECORD stored; ctx.oda.staticData holds the records marked for ODA. */
export function verifyFdda(ctx: TransactionContext): FddaResult {
  const sdad = ctx.data.from("card", TAG.SIGNED_DYNAMIC_APPLICATION_DATA);
  if (!sdad) return { ok: false, reason: "Signed Dynamic Application Data (9F4B) is missing" };
  const key = recoverIccKey(ctx);
  if (!key.ok) return { ok: false, reason: key.reason };
  const terminalData = fddaTerminalData(ctx);
  if ("reason" in terminalData) return { ok: false, reason: terminalData.reason };
  const v = verifySignedDynamicData(key.key, sdad, terminalData);
  if (!v.ok) return { ok: false, reason: v.reason };
  // The ICC Dynamic Number of an fDDA signature is the ATC of this transaction.
  const atc = ctx.data.from("card", TAG.APPLICATION_TRANSACTION_COUNTER);
  if (!atc || !bytesEqual(v.iccDynamicNumber, atc))
    return {
      ok: false,
      reason: `ICC Dynamic Number ${toHex(v.iccDynamicNumber)} in the signed data is not the ATC ${atc ? toHex(atc) : "(none)"}`,
    };
  ctx.data.set("card", TAG.ICC_DYNAMIC_NUMBER, v.iccDynamicNumber);
  return { ok: true, detail: `SDAD verified (ICC Dynamic Number = ATC ${toHex(atc)})` };
}
