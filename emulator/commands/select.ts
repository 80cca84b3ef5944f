// SELECT by DF name (EMV Book 1 §11.3; ISO/IEC 7816-4 §7.1.1): PSE, PPSE and applications, first or next
// occurrence, partial AID match.

import { bytesEqual, fromHex, toHex } from "../../emv/bytes.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { applicationState, type CardContext, newSession } from "../context.js";
import { applicationFci, ddfFci, PPSE_NAME, PSE_NAME, ppseFci, pseFci } from "../fci.js";
import { respond, SW } from "../status.js";

/** P2 values (Book 1 §11.3.2 Table 42): first occurrence, FCI returned; next occurrence. */
const P2_FIRST = 0x00;
const P2_NEXT = 0x02;

/** ISO 7816-4 partial DF name: the given name is a prefix of the application's AID. */
function matches(name: Uint8Array, aid: Uint8Array): boolean {
  return name.length <= aid.length && bytesEqual(name, aid.subarray(0, name.length));
}

export function select(ctx: CardContext, c: CommandApdu): Uint8Array {
  if (c.p1 !== 0x04 || (c.p2 !== P2_FIRST && c.p2 !== P2_NEXT)) return respond(SW.WRONG_P1P2);
  // Book 3 §6.5.3.4 (CARD BLOCK): a blocked card answers every SELECT with 6A81.
  if (ctx.state.cardBlocked) return respond(SW.FUNCTION_NOT_SUPPORTED);
  const name = c.data;
  if (name.length === 0 || name.length > 16) return respond(SW.WRONG_LENGTH);
  const previous = ctx.session.lastSelect;
  // Any SELECT ends the current application's transaction (Book 1 §12.4).
  ctx.session = newSession();

  const contactless = ctx.interface === "contactless";
  // Fault "select-sw": this DF name, first occurrence, answers the SW given and selects nothing.
  const forced = ctx.profile.faults.find((f) => f.kind === "select-sw" && f.name.toUpperCase() === toHex(name));
  if (forced?.kind === "select-sw" && c.p2 === P2_FIRST) return respond(Number.parseInt(forced.sw, 16));
  // The contact PSE is not there on the contactless interface, the PPSE not on the contact one (Book B §3.3).
  if (bytesEqual(name, PSE_NAME)) {
    const pse = ctx.profile.pse;
    if (!pse || contactless || c.p2 === P2_NEXT) return respond(SW.FILE_NOT_FOUND);
    ctx.session.selected = { kind: "pse" };
    return respond(SW.OK, pseFci(pse));
  }
  // A DDF below the PSE (Book 1 §12.2.3), selected by its whole DF name; contact interface only.
  const ddfIndex = ctx.profile.pse?.ddfs.findIndex((d) => bytesEqual(d.name, name)) ?? -1;
  const ddf = ctx.profile.pse?.ddfs[ddfIndex];
  if (ddf) {
    if (contactless || c.p2 === P2_NEXT) return respond(SW.FILE_NOT_FOUND);
    ctx.session.selected = { kind: "ddf", index: ddfIndex };
    return respond(SW.OK, ddfFci(ddf.name, ddf.sfi, undefined));
  }
  if (bytesEqual(name, PPSE_NAME)) {
    if (!contactless || c.p2 === P2_NEXT) return respond(SW.FILE_NOT_FOUND);
    ctx.session.selected = { kind: "ppse" };
    return respond(SW.OK, ppseFci(ctx.profile.applications));
  }

  // Next occurrence continues after the application found by the previous SELECT with the same name.
  const from = c.p2 === P2_NEXT && previous && bytesEqual(previous.name, name) ? previous.index + 1 : 0;
  for (let i = from; i < ctx.applications.length; i++) {
    const app = ctx.applications[i]!;
    if (!matches(name, app.profile.aid)) continue;
    // An application without a contactless block is not there on the contactless interface.
    if (contactless && !app.profile.contactless) continue;
    ctx.session.selected = { kind: "app", index: i };
    ctx.session.lastSelect = { name: Uint8Array.from(name), index: i };
    // Fault "fci-df-name": the FCI names another DF name than the application's (Book 1 §12.4 check).
    const renamed = ctx.profile.faults.find((f) => f.kind === "fci-df-name" && f.aid.toUpperCase() === app.aidHex);
    const shown = renamed?.kind === "fci-df-name" ? { ...app.profile, aid: fromHex(renamed.dfName) } : app.profile;
    const misplaced = ctx.profile.faults.find((f) => f.kind === "pdol-outside-a5");
    const fci = applicationFci(
      shown,
      ctx.interface,
      misplaced?.kind === "pdol-outside-a5" ? fromHex(misplaced.pdol) : undefined,
    );
    // Issuer update processing (Book C-3): presented again after an online request, the card takes the issuer's
    // answer to its last ARQC without a new GPO (EXTERNAL AUTHENTICATE and script commands refer to that ARQC).
    const pending = applicationState(ctx, app).issuerUpdate;
    if (contactless && pending && pending.atc === applicationState(ctx, app).atc) {
      ctx.session.firstAc = { type: "ARQC", cryptogram: fromHex(pending.arqc), cdol1Data: new Uint8Array(0) };
      ctx.session.generateAcCount = 1;
      ctx.session.issuerUpdate = true;
    }
    // Book 1 §12.4: a blocked application returns its FCI with 6283.
    return respond(applicationState(ctx, app).blocked ? SW.SELECTED_FILE_INVALIDATED : SW.OK, fci);
  }
  return respond(SW.FILE_NOT_FOUND);
}
