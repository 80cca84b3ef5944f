// READ RECORD (EMV Book 3 §6.5.11): record number in P1, SFI in P2 b8–b4 with b3–b1 = 100.

import { fromHex } from "../../emv/bytes.js";
import type { CommandApdu } from "../../transport/apdu.js";
import { applicationState, type CardContext } from "../context.js";
import { directoryRecords, layoutRecords } from "../fci.js";
import { respond, SW } from "../status.js";

export function readRecord(ctx: CardContext, c: CommandApdu): Uint8Array {
  const record = c.p1;
  const sfi = c.p2 >> 3;
  if ((c.p2 & 0x07) !== 0x04 || record === 0 || sfi === 0) return respond(SW.WRONG_P1P2);
  if (c.data.length > 0) return respond(SW.WRONG_LENGTH);
  const sel = ctx.session.selected;
  if (!sel || sel.kind === "ppse") return respond(SW.CONDITIONS_NOT_SATISFIED);
  if (sel.kind === "pse" || sel.kind === "ddf") {
    const pse = ctx.profile.pse;
    const ddf = sel.kind === "ddf" ? pse?.ddfs[sel.index] : undefined;
    const directory = ddf ?? (sel.kind === "pse" ? pse : undefined);
    if (!directory || sfi !== directory.sfi) return respond(SW.FILE_NOT_FOUND);
    // Book 1 §12.2.3: the directory's records as laid out by the profile, else one application per record.
    const apps = ctx.profile.applications;
    const records = directory.records ? layoutRecords(directory.records, apps) : directoryRecords(apps);
    const data = records[record - 1];
    return data ? respond(SW.OK, data) : respond(SW.RECORD_NOT_FOUND);
  }
  const app = ctx.applications[sel.index]!;
  const updated = applicationState(ctx, app).records[`${sfi}/${record}`];
  if (updated !== undefined) return respond(SW.OK, fromHex(updated));
  // Book C-3: the record with 9F69 carries this transaction's card UN once a contactless GPO has made one.
  const cad = ctx.session.qvsdc?.cardAuthenticationData;
  const dynamic = cad && app.cardAuthenticationRecords.get(sfi * 256 + record);
  if (dynamic) return respond(SW.OK, dynamic(cad));
  const data = app.records.get(sfi * 256 + record);
  if (data) return respond(SW.OK, data);
  // 6A82 when the SFI holds no record at all, 6A83 when only this record is missing.
  for (const key of app.records.keys()) if (key >> 8 === sfi) return respond(SW.RECORD_NOT_FOUND);
  return respond(SW.FILE_NOT_FOUND);
}
