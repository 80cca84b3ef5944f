// Issuer script commands with secure messaging (EMV Book 3 §6.5.1–6.5.3, §6.5.10, §6.5.13, PUT DATA and
// UPDATE RECORD; Book 2 §9): CLA 84, the last bytes of the data field are the MAC over header ‖ ATC ‖ ARQC ‖ data.

import { toHex } from "../../emv/bytes.js";
import { tagToHex } from "../../emv/tlv/ber.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { type CardContext, selectedApplication } from "../context.js";
import { decipherPinChangeData, verifyScriptMac } from "../cryptogram.js";
import { respond, SW } from "../status.js";

export const INS_APPLICATION_BLOCK = 0x1e;
export const INS_APPLICATION_UNBLOCK = 0x18;
export const INS_CARD_BLOCK = 0x16;
export const INS_PIN_CHANGE_UNBLOCK = 0x24;
export const INS_PUT_DATA = 0xda;
export const INS_UPDATE_RECORD = 0xdc;

export const ISSUER_SCRIPT_INS: readonly number[] = [
  INS_APPLICATION_BLOCK,
  INS_APPLICATION_UNBLOCK,
  INS_CARD_BLOCK,
  INS_PIN_CHANGE_UNBLOCK,
  INS_PUT_DATA,
  INS_UPDATE_RECORD,
];

export function issuerScriptCommand(ctx: CardContext, c: CommandApdu): Uint8Array {
  const sel = selectedApplication(ctx);
  const s = ctx.session;
  // Scripts need the ARQC of this transaction for the MAC (Book 2 §9.2.1).
  if (!sel || !s.firstAc || s.firstAc.type !== "ARQC" || !sel.app.profile.cryptogram) {
    return respond(SW.CONDITIONS_NOT_SATISFIED);
  }
  const { app, state } = sel;
  const macLength = sel.app.profile.cryptogram.macLength;
  if (c.data.length < macLength) return respond(SW.SM_DATA_MISSING);
  const body = c.data.subarray(0, c.data.length - macLength);
  const mac = c.data.subarray(c.data.length - macLength);
  s.scriptCommands += 1;
  const header = Uint8Array.of(c.cla, c.ins, c.p1, c.p2, c.data.length);
  if (!verifyScriptMac(app, { header, atc: state.atc, arqc: s.firstAc.cryptogram, data: body, mac })) {
    s.scriptFailed = true;
    return respond(SW.SM_DATA_INCORRECT);
  }
  switch (c.ins) {
    case INS_APPLICATION_BLOCK:
    case INS_APPLICATION_UNBLOCK:
    case INS_CARD_BLOCK:
      if (c.p1 !== 0x00 || c.p2 !== 0x00 || body.length !== 0) return fail(ctx, SW.WRONG_P1P2);
      if (c.ins === INS_APPLICATION_BLOCK) state.blocked = true;
      else if (c.ins === INS_APPLICATION_UNBLOCK) state.blocked = false;
      else ctx.state.cardBlocked = true;
      return respond(SW.OK);
    case INS_PIN_CHANGE_UNBLOCK: {
      // P2 00: unblock only; 01: change, current PIN in the block; 02: change without current PIN (Book 3 §6.5.10).
      if (c.p1 !== 0x00 || c.p2 > 0x02 || !app.profile.pin) return fail(ctx, SW.WRONG_P1P2);
      if (c.p2 === 0x00) {
        if (body.length !== 0) return fail(ctx, SW.WRONG_LENGTH);
        state.pinTryCounter = app.profile.pin.tryLimit;
        return respond(SW.OK);
      }
      const pin = decipherPinChangeData(app, {
        atc: state.atc,
        arqc: s.firstAc.cryptogram,
        data: body,
        currentPin: c.p2 === 0x01 ? state.pin : undefined,
      });
      if (pin === undefined) return fail(ctx, SW.WRONG_DATA);
      state.pin = pin;
      state.pinTryCounter = app.profile.pin.tryLimit;
      return respond(SW.OK);
    }
    case INS_PUT_DATA: {
      if (body.length === 0) return fail(ctx, SW.WRONG_LENGTH);
      state.dataObjects[tagToHex((c.p1 << 8) | c.p2)] = toHex(body);
      return respond(SW.OK);
    }
    case INS_UPDATE_RECORD: {
      const sfi = c.p2 >> 3;
      if ((c.p2 & 0x07) !== 0x04 || c.p1 === 0 || sfi === 0) return fail(ctx, SW.WRONG_P1P2);
      const key = `${sfi}/${c.p1}`;
      if (!app.records.has(sfi * 256 + c.p1) && state.records[key] === undefined) return fail(ctx, SW.RECORD_NOT_FOUND);
      state.records[key] = toHex(body);
      return respond(SW.OK);
    }
    default:
      return respond(SW.INS_NOT_SUPPORTED);
  }
}

function fail(ctx: CardContext, sw: number): Uint8Array {
  ctx.session.scriptFailed = true;
  return respond(sw);
}
