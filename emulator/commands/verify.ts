// VERIFY (EMV Book 3 §6.5.12) with offline plaintext (P2 80) or enciphered (P2 88) PIN, and GET CHALLENGE
// (Book 3 §6.5.6) that provides the ICC unpredictable number for PIN encipherment.

import { parsePinBlockFormat2 } from "../../emv/crypto/pin-block.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { type CardContext, selectedApplication } from "../context.js";
import { decipherOfflinePin } from "../oda.js";
import { respond, SW, swTriesLeft } from "../status.js";

const PLAINTEXT_PIN = 0x80;
const ENCIPHERED_PIN = 0x88;

export function getChallenge(ctx: CardContext, c: CommandApdu): Uint8Array {
  if (c.p1 !== 0x00 || c.p2 !== 0x00) return respond(SW.WRONG_P1P2);
  if (c.data.length > 0) return respond(SW.WRONG_LENGTH);
  const challenge = ctx.random(8);
  ctx.session.challenge = challenge;
  return respond(SW.OK, challenge);
}

export function verify(ctx: CardContext, c: CommandApdu): Uint8Array {
  if (c.p1 !== 0x00 || (c.p2 !== PLAINTEXT_PIN && c.p2 !== ENCIPHERED_PIN)) return respond(SW.WRONG_P1P2);
  const sel = selectedApplication(ctx);
  if (!sel || !ctx.session.gpoDone) return respond(SW.CONDITIONS_NOT_SATISFIED);
  const { app, state } = sel;
  const challenge = ctx.session.challenge;
  ctx.session.challenge = undefined;
  // No reference PIN on this application: the method is not usable.
  if (!app.profile.pin || state.pin === undefined) return respond(SW.REFERENCE_DATA_INVALIDATED);
  // Book 3 §6.5.12.4: PIN try counter at 0 → authentication method blocked.
  if (state.pinTryCounter === 0) return respond(SW.AUTHENTICATION_METHOD_BLOCKED);

  let block: Uint8Array;
  if (c.p2 === PLAINTEXT_PIN) {
    if (c.data.length !== 8) return respond(SW.WRONG_LENGTH);
    block = c.data;
  } else {
    if (!challenge) return respond(SW.CONDITIONS_NOT_SATISFIED);
    const deciphered = decipherOfflinePin(app, c.data, challenge);
    if (!deciphered.ok) return respond(deciphered.sw);
    block = deciphered.pinBlock;
  }
  const pin = parsePinBlockFormat2(block);
  if (pin === undefined) return respond(SW.WRONG_DATA);
  if (pin === state.pin) {
    state.pinTryCounter = app.profile.pin.tryLimit;
    ctx.session.offlinePin = "passed";
    return respond(SW.OK);
  }
  state.pinTryCounter -= 1;
  ctx.session.offlinePin = "failed";
  return respond(swTriesLeft(state.pinTryCounter));
}
