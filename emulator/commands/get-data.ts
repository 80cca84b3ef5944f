// GET DATA (EMV Book 3 §6.5.7): ATC (9F36), Last Online ATC Register (9F13), PIN Try Counter (9F17), LCOL/UCOL
// (9F14/9F23) when defined, Log Format (9F4F) and other profile data objects.

import { fromHex, writeUint } from "../../emv/bytes.js";
import { encodeTlv, tagToHex } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { type CardContext, selectedApplication } from "../context.js";
import { respond, SW } from "../status.js";

export function getData(ctx: CardContext, c: CommandApdu): Uint8Array {
  if (c.data.length > 0) return respond(SW.WRONG_LENGTH);
  const sel = selectedApplication(ctx);
  if (!sel) return respond(SW.CONDITIONS_NOT_SATISFIED);
  const tag = (c.p1 << 8) | c.p2;
  const { app, state } = sel;
  const counters = app.profile.counters;
  const written = state.dataObjects[tagToHex(tag)];
  let value: Uint8Array | undefined;
  if (written !== undefined) value = fromHex(written);
  else if (tag === TAG.APPLICATION_TRANSACTION_COUNTER) value = writeUint(state.atc, 2);
  else if (tag === TAG.LAST_ONLINE_ATC_REGISTER) value = writeUint(state.lastOnlineAtc, 2);
  else if (tag === TAG.PERSONAL_IDENTIFICATION_NUMBER_TRY_COUNTER && app.profile.pin)
    value = Uint8Array.of(state.pinTryCounter);
  else if (tag === TAG.LOWER_CONSECUTIVE_OFFLINE_LIMIT && counters.lcol !== undefined)
    value = Uint8Array.of(counters.lcol);
  else if (tag === TAG.UPPER_CONSECUTIVE_OFFLINE_LIMIT && counters.ucol !== undefined)
    value = Uint8Array.of(counters.ucol);
  else value = app.profile.getData.find((d) => d.tag === tag)?.value;
  if (!value) return respond(SW.REFERENCED_DATA_NOT_FOUND);
  return respond(SW.OK, encodeTlv(tag, value));
}
