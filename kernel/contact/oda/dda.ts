// Dynamic data authentication (EMV Book 2 §6.5, Book 3 §10.3): ICC key, then INTERNAL AUTHENTICATE with the DDOL
// data (card's DDOL 9F49, else the terminal's default, which must contain the Unpredictable Number 9F37).

import { hexWord, toHex } from "../../../emv/bytes.js";
import type { RsaPublicKey } from "../../../emv/crypto/rsa.js";
import { verifySignedDynamicData } from "../../../emv/crypto/signed-data.js";
import { decodeTlv } from "../../../emv/tlv/ber.js";
import { buildDolData, parseDol } from "../../../emv/tlv/dol.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import { Commands, MAX_SHORT_COMMAND_DATA } from "../../card-session.js";
import type { TransactionContext } from "../context.js";
import { recoverIccKey } from "./icc-key.js";
import type { OdaOutcome } from "./sda.js";

export async function performDda(ctx: TransactionContext): Promise<OdaOutcome> {
  const icc = recoverIccKey(ctx);
  if (!icc.ok) return icc;
  return internalAuthenticate(ctx, icc.key);
}

async function internalAuthenticate(ctx: TransactionContext, key: RsaPublicKey): Promise<OdaOutcome> {
  let ddol = ctx.data.from("card", TAG.DYNAMIC_DATA_AUTHENTICATION_DATA_OBJECT_LIST);
  if (!ddol) {
    const fallback = ctx.aid?.defaultDdol;
    if (!fallback || fallback.length === 0)
      return { ok: false, missing: true, reason: "DDOL (9F49) is missing and the terminal has no default DDOL" };
    ddol = fallback;
  }
  let ddolData: Uint8Array;
  try {
    const entries = parseDol(ddol);
    // Book 3 §10.3: the DDOL must ask for the Unpredictable Number.
    if (!entries.some((e) => e.tag === TAG.UNPREDICTABLE_NUMBER))
      return { ok: false, reason: `DDOL ${toHex(ddol)} does not contain the Unpredictable Number (9F37)` };
    if (!ctx.data.has(TAG.UNPREDICTABLE_NUMBER))
      ctx.data.set("transaction", TAG.UNPREDICTABLE_NUMBER, ctx.params.random.bytes(4));
    if (!ctx.data.has(TAG.TERMINAL_VERIFICATION_RESULTS))
      ctx.data.compute(TAG.TERMINAL_VERIFICATION_RESULTS, () => ctx.tvr.bytes);
    ddolData = buildDolData(entries, ctx.data);
  } catch (e) {
    return { ok: false, reason: `DDOL: ${(e as Error).message}` };
  }
  // Book 3 §6.5.9: the DDOL data is the command data of INTERNAL AUTHENTICATE; data that cannot be sent fails DDA.
  if (ddolData.length > MAX_SHORT_COMMAND_DATA)
    return {
      ok: false,
      reason: `DDOL ${toHex(ddol)} asks for ${ddolData.length} bytes of data; INTERNAL AUTHENTICATE carries at most ${MAX_SHORT_COMMAND_DATA}`,
    };
  const ex = await ctx.card.exchange(Commands.internalAuthenticate(ddolData));
  if (!ex.ok) return { ok: false, reason: `INTERNAL AUTHENTICATE: ${ex.error}` };
  const sw = hexWord(ex.response.sw);
  if (ex.response.sw !== 0x9000) return { ok: false, reason: `INTERNAL AUTHENTICATE: card answered SW ${sw}` };
  let sdad: Uint8Array | undefined;
  try {
    const t = decodeTlv(ex.response.data);
    sdad =
      t.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1
        ? t.value
        : t.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2
          ? t.find(TAG.SIGNED_DYNAMIC_APPLICATION_DATA)?.value
          : undefined;
  } catch (e) {
    return { ok: false, reason: `INTERNAL AUTHENTICATE response is not valid BER-TLV: ${(e as Error).message}` };
  }
  if (!sdad)
    return {
      ok: false,
      missing: true,
      reason: "INTERNAL AUTHENTICATE response has no Signed Dynamic Application Data",
    };
  ctx.data.set("card", TAG.SIGNED_DYNAMIC_APPLICATION_DATA, sdad);
  const v = verifySignedDynamicData(key, sdad, ddolData);
  if (!v.ok) return { ok: false, reason: v.reason };
  ctx.data.set("card", TAG.ICC_DYNAMIC_NUMBER, v.iccDynamicNumber);
  return { ok: true, detail: "Signed Dynamic Application Data verified" };
}
