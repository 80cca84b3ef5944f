// GET PROCESSING OPTIONS (EMV Book 3 §6.5.8): command template 83 with the PDOL data; response format 1
// (80: AIP ‖ AFL) or format 2 (77: 82, 94 and other data objects). Initiates the transaction: the ATC is incremented.

import { concatBytes, copyBytes } from "../../emv/bytes.js";
import { encodeTlv, encodeTlvs, type TlvInput } from "../../emv/tlv/ber.js";
import { dolDataLength } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { qvsdcGetProcessingOptions } from "../contactless/gpo.js";
import { type CardContext, selectedApplication } from "../context.js";
import { respond, SW } from "../status.js";

export function getProcessingOptions(ctx: CardContext, c: CommandApdu): Uint8Array {
  if (c.p1 !== 0x00 || c.p2 !== 0x00) return respond(SW.WRONG_P1P2);
  const sel = selectedApplication(ctx);
  // Book 3 §6.5.8.4: GPO only once, after SELECT of a usable application.
  if (!sel || ctx.session.gpoDone || sel.state.blocked) return respond(SW.CONDITIONS_NOT_SATISFIED);
  const { app, state } = sel;
  const d = c.data;
  // Command template 83 with a one-byte length (PDOL data is at most 252 bytes in a short APDU).
  if (d.length < 2 || d[0] !== 0x83 || d[1]! >= 0x80 || d[1]! + 2 !== d.length) return respond(SW.WRONG_DATA);
  const pdolData = d.subarray(2);
  // On the contactless interface the application answers with its contactless PDOL, AIP and AFL (Book C-3).
  const contactless = ctx.interface === "contactless" ? app.profile.contactless : undefined;
  const pdol = contactless ? app.contactless!.pdol : app.pdol;
  if (pdolData.length !== dolDataLength(pdol)) return respond(SW.WRONG_LENGTH);
  if (contactless?.mode === "qvsdc") return qvsdcGetProcessingOptions(ctx, app, state, pdolData);
  if (state.atc >= 0xffff) return respond(SW.CONDITIONS_NOT_SATISFIED);
  state.atc += 1;
  ctx.session.gpoDone = true;
  ctx.session.pdolData = copyBytes(pdolData);
  const p = app.profile;
  const aip = contactless?.aip ?? p.aip;
  const afl = contactless?.afl ?? p.afl;
  if (p.gpoFormat === 1)
    return respond(SW.OK, encodeTlv(TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1, concatBytes(aip, afl)));
  // Fault "gpo-omit": a format 2 answer without 82 or 94, which Book 3 §6.5.8.4 makes mandatory.
  const omit = ctx.profile.faults.find((f) => f.kind === "gpo-omit");
  const omitted = omit?.kind === "gpo-omit" ? Number.parseInt(omit.tag, 16) : undefined;
  const children: TlvInput[] = [
    { tag: TAG.APPLICATION_INTERCHANGE_PROFILE, value: aip },
    { tag: TAG.APPLICATION_FILE_LOCATOR, value: afl },
    ...p.gpoExtra.map((o) => ({ tag: o.tag, value: o.value })),
  ].filter((c) => c.tag !== omitted);
  return respond(SW.OK, encodeTlvs([{ tag: TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2, children }]));
}
