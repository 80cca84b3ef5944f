// INTERNAL AUTHENTICATE (EMV Book 3 §6.5.9; Book 2 §6.5): Signed Dynamic Application Data over the DDOL data,
// response format 1 (80). Only a card with an ICC key that supports DDA answers it.

import { encodeTlv } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { type CardContext, selectedApplication } from "../context.js";
import { signDda } from "../oda.js";
import { respond, SW } from "../status.js";

/** AIP byte 1 b6: DDA supported (Book 3 Annex C1). */
const AIP_DDA = 0x20;

export function internalAuthenticate(ctx: CardContext, c: CommandApdu): Uint8Array {
  const sel = selectedApplication(ctx);
  if (!sel?.app.keys?.icc || (sel.app.profile.aip[0]! & AIP_DDA) === 0) return respond(SW.INS_NOT_SUPPORTED);
  if (c.p1 !== 0x00 || c.p2 !== 0x00) return respond(SW.WRONG_P1P2);
  if (c.data.length === 0) return respond(SW.WRONG_LENGTH);
  if (!ctx.session.gpoDone) return respond(SW.CONDITIONS_NOT_SATISFIED);
  return respond(SW.OK, encodeTlv(TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1, signDda(ctx, sel.app, c.data)));
}
