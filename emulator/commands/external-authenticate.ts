// EXTERNAL AUTHENTICATE (EMV Book 3 §6.5.4): the Issuer Authentication Data (91) checked against the card's
// own ARPC; once per transaction, between the first GENERATE AC (ARQC) and the second.

import type { CommandApdu } from "../../transport/apdu.js";
import { type CardContext, selectedApplication } from "../context.js";
import { verifyIssuerAuthentication } from "../cryptogram.js";
import { respond, SW } from "../status.js";

export function externalAuthenticate(ctx: CardContext, c: CommandApdu): Uint8Array {
  if (c.p1 !== 0x00 || c.p2 !== 0x00) return respond(SW.WRONG_P1P2);
  // Book 3 §6.5.4.2: the Issuer Authentication Data is 8 to 16 bytes.
  if (c.data.length < 8 || c.data.length > 16) return respond(SW.WRONG_LENGTH);
  const sel = selectedApplication(ctx);
  const s = ctx.session;
  if (!sel || s.firstAc?.type !== "ARQC" || s.generateAcCount !== 1 || s.externalAuthenticate !== "none") {
    return respond(SW.CONDITIONS_NOT_SATISFIED);
  }
  const ok = verifyIssuerAuthentication(sel.app, {
    arqc: s.firstAc.cryptogram,
    atc: sel.state.atc,
    data: c.data,
    session: s,
  });
  s.externalAuthenticate = ok ? "passed" : "failed";
  if (s.issuerUpdate) {
    // Contactless issuer update: one answer per ARQC; an authenticated issuer ends the offline run (counters reset).
    const state = sel.state;
    state.issuerUpdate = undefined;
    state.issuerAuthenticationFailedLastOnline = !ok;
    if (ok) {
      state.lastOnlineAtc = state.atc;
      state.offlineAmountTotal = 0;
    }
  }
  return respond(ok ? SW.OK : SW.AUTHENTICATION_FAILED);
}
