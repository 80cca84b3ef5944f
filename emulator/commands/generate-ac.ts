// GENERATE AC (EMV Book 3 §6.5.5): first and second, CDOL1/CDOL2 data length checks, the cryptogram type per
// the card's risk rules (never an upgrade), IAD per CVN, and CDA (P1 b5) with response format 2 and 9F4B (Book 2 §6.6).

import { copyBytes, writeUint } from "../../emv/bytes.js";
import { encodeTlvs, type TlvInput } from "../../emv/tlv/ber.js";
import { dolDataLength } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { type AcType, type CardContext, selectedApplication } from "../context.js";
import { computeApplicationCryptogram, verifyIssuerAuthentication } from "../cryptogram.js";
import { amountOf, dolValues } from "../dol-values.js";
import { signCda } from "../oda.js";
import { hasFault } from "../profile-data.js";
import { firstAcDecision, secondAcDecision } from "../risk.js";
import { respond, SW } from "../status.js";

/** Reference control parameter P1 b8–b7 (Book 3 §6.5.5.2 Table 12). */
const REQUESTED: Readonly<Record<number, AcType>> = { 0: "AAC", 64: "TC", 128: "ARQC" };
/** P1 b5: CDA signature requested. */
const CDA_REQUESTED = 0x10;
/** Cryptogram Information Data (9F27) b8–b7 (Book 3 §6.5.5.4 Table 14). */
export const CID: Readonly<Record<AcType, number>> = { AAC: 0x00, TC: 0x40, ARQC: 0x80 };
/** AIP byte 1 b1: CDA supported (Book 3 Annex C1). */
const AIP_CDA = 0x01;

export function generateAc(ctx: CardContext, c: CommandApdu): Uint8Array {
  const requested = REQUESTED[c.p1 & 0xc0];
  if (requested === undefined || (c.p1 & 0x2f) !== 0 || c.p2 !== 0x00) return respond(SW.WRONG_P1P2);
  const sel = selectedApplication(ctx);
  // A qVSDC GPO already gave the cryptogram (Book C-3): no GENERATE AC follows it.
  if (!sel || !ctx.session.gpoDone || ctx.session.qvsdc) return respond(SW.CONDITIONS_NOT_SATISFIED);
  const { app, state } = sel;
  const s = ctx.session;
  const second = s.generateAcCount === 1 && s.firstAc?.type === "ARQC";
  if (s.generateAcCount > 0 && !second) return respond(SW.CONDITIONS_NOT_SATISFIED);
  if (second && requested === "ARQC") return respond(SW.WRONG_P1P2);
  const dol = second ? app.cdol2 : app.cdol1;
  if (!dol) return respond(SW.CONDITIONS_NOT_SATISFIED);
  if (c.data.length !== dolDataLength(dol)) return respond(SW.WRONG_LENGTH);
  const values = dolValues(dol, c.data);
  const consecutiveOffline = Math.max(0, state.atc - 1 - state.lastOnlineAtc);

  // Issuer Authentication Data (91) in the CDOL2 data: issuer authentication without EXTERNAL AUTHENTICATE
  // (Book 3 §10.9, §6.5.5.2); checked like EXTERNAL AUTHENTICATE would, once per transaction.
  const iad91 = second ? values.get(TAG.ISSUER_AUTHENTICATION_DATA) : undefined;
  if (iad91 && s.externalAuthenticate === "none" && s.firstAc && iad91.some((b) => b !== 0)) {
    const ok = verifyIssuerAuthentication(app, {
      arqc: s.firstAc.cryptogram,
      atc: state.atc,
      data: iad91,
      session: s,
    });
    s.externalAuthenticate = ok ? "passed" : "failed";
  }

  const amount = values.get(TAG.AMOUNT_AUTHORISED_NUMERIC);
  const ruled = second
    ? secondAcDecision(requested, app.profile, {
        externalAuthenticate: s.externalAuthenticate,
        authorisationResponseCode: values.get(TAG.AUTHORISATION_RESPONSE_CODE),
        consecutiveOffline,
      })
    : firstAcDecision(requested, app.profile, {
        amount: amountOf(amount),
        consecutiveOffline,
        pinTryCounter: state.pinTryCounter,
        hasPin: app.profile.pin !== undefined,
      });
  // An APPLICATION BLOCK script before the second GENERATE AC leaves only a decline (Book 3 §6.5.1.4).
  const decision =
    second && state.blocked ? { type: "AAC" as const, reason: "application blocked by the issuer" } : ruled;

  // For the second cryptogram, values the CDOL2 does not carry come from CDOL1 (e.g. amount, currency).
  if (second && s.firstAc && app.cdol1) {
    for (const [tag, v] of dolValues(app.cdol1, s.firstAc.cdol1Data)) if (!values.has(tag)) values.set(tag, v);
  }
  const ac = computeApplicationCryptogram(app, {
    type: decision.type,
    firstType: second ? s.firstAc!.type : decision.type,
    second,
    atc: state.atc,
    values,
    session: s,
    pinTryCounter: state.pinTryCounter,
    lastOnlineIssuerAuthenticationFailed: state.issuerAuthenticationFailedLastOnline,
  });
  const cryptogram = hasFault(ctx.profile, "wrong-cryptogram") ? flipLastBit(ac.cryptogram) : ac.cryptogram;
  // Fault "cid": the CID names another type than the card decided (Book 3 §9.3 broken on purpose).
  const cidFault = ctx.profile.faults.find((f) => f.kind === "cid" && f.occurrence === s.generateAcCount + 1);
  // Fault "cid-byte": the CID is exactly the given byte (an RFU type, the advice bit, an RFU reason code).
  const cidByte = ctx.profile.faults.find((f) => f.kind === "cid-byte" && f.occurrence === s.generateAcCount + 1);
  const cid =
    cidByte?.kind === "cid-byte"
      ? Uint8Array.of(Number.parseInt(cidByte.cid, 16))
      : Uint8Array.of(CID[cidFault?.kind === "cid" ? cidFault.cryptogram : decision.type]);
  const atc = writeUint(state.atc, 2);

  s.generateAcCount += 1;
  if (!second) s.firstAc = { type: decision.type, cryptogram, cdol1Data: copyBytes(c.data) };
  else {
    // Online transaction completed: Last Online ATC Register and the issuer authentication flag (Book 3 §10.9).
    if (s.externalAuthenticate === "passed" || !app.profile.risk.issuerAuthenticationRequired) {
      if (decision.type === "TC" && values.get(TAG.AUTHORISATION_RESPONSE_CODE)?.[0] !== 0x5a) {
        state.lastOnlineAtc = state.atc;
        state.offlineAmountTotal = 0;
      }
    }
    state.issuerAuthenticationFailedLastOnline = s.externalAuthenticate !== "passed";
  }

  const cda =
    (c.p1 & CDA_REQUESTED) !== 0 &&
    (app.profile.aip[0]! & AIP_CDA) !== 0 &&
    (decision.type !== "AAC" || app.profile.cdaOnAac) &&
    app.keys?.icc;
  if (cda) {
    const withoutSignature: TlvInput[] = [
      { tag: TAG.CRYPTOGRAM_INFORMATION_DATA, value: cid },
      { tag: TAG.APPLICATION_TRANSACTION_COUNTER, value: atc },
      { tag: TAG.ISSUER_APPLICATION_DATA, value: ac.iad },
    ];
    const signature = signCda(ctx, app, {
      cid: cid[0]!,
      cryptogram,
      pdolData: s.pdolData,
      cdol1Data: second ? s.firstAc!.cdol1Data : c.data,
      cdol2Data: second ? c.data : undefined,
      responseTlvs: encodeTlvs(withoutSignature),
    });
    const body: TlvInput[] = [
      { tag: TAG.CRYPTOGRAM_INFORMATION_DATA, value: cid },
      { tag: TAG.APPLICATION_TRANSACTION_COUNTER, value: atc },
      { tag: TAG.SIGNED_DYNAMIC_APPLICATION_DATA, value: signature },
      { tag: TAG.ISSUER_APPLICATION_DATA, value: ac.iad },
    ];
    return respond(SW.OK, encodeTlvs([{ tag: TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2, children: body }]));
  }
  if (app.profile.cryptogram?.responseFormat === 2) {
    const body: TlvInput[] = [
      { tag: TAG.CRYPTOGRAM_INFORMATION_DATA, value: cid },
      { tag: TAG.APPLICATION_TRANSACTION_COUNTER, value: atc },
      { tag: TAG.APPLICATION_CRYPTOGRAM, value: cryptogram },
      { tag: TAG.ISSUER_APPLICATION_DATA, value: ac.iad },
    ];
    return respond(SW.OK, encodeTlvs([{ tag: TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2, children: body }]));
  }
  // Format 1 (Book 3 §6.5.5.4): 80 { CID ‖ ATC ‖ AC ‖ IAD }.
  return respond(
    SW.OK,
    encodeTlvs([
      {
        tag: TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1,
        value: Uint8Array.from([...cid, ...atc, ...cryptogram, ...ac.iad]),
      },
    ]),
  );
}

function flipLastBit(b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(b);
  out[out.length - 1]! ^= 0x01;
  return out;
}
