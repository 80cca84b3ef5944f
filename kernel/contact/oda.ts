// Offline data authentication (EMV Book 3 §10.3): choose CDA > DDA > SDA, perform it, and set the TVR and TSI
// bits: ODA not performed, SDA/DDA/CDA failed, ICC data missing, SDA selected, TSI ODA performed.

import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TVR } from "../../emv/tvr.js";
import type { StepResult, TransactionContext } from "./context.js";
import { CONTINUE } from "./context.js";
import { prepareCda } from "./oda/cda.js";
import { performDda } from "./oda/dda.js";
import { chooseOdaMethod } from "./oda/method.js";
import { performSda } from "./oda/sda.js";
import { terminalCapabilities } from "./terminal-values.js";

const STEP = "offline-data-authentication";
const FAILED_BIT = { SDA: TVR.SDA_FAILED, DDA: TVR.DDA_FAILED, CDA: TVR.CDA_FAILED } as const;

export async function offlineDataAuthentication(ctx: TransactionContext): Promise<StepResult> {
  const aip = ctx.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE) ?? new Uint8Array(2);
  const method = chooseOdaMethod(aip, terminalCapabilities(ctx));
  ctx.oda.method = method;
  if (method === "none") {
    ctx.oda.result = "not-performed";
    ctx.tvr.set(TVR.ODA_NOT_PERFORMED);
    ctx.log(STEP, "not performed: card and terminal share no ODA method");
    return CONTINUE;
  }
  if (method === "SDA") ctx.tvr.set(TVR.SDA_SELECTED);
  ctx.tsi.set(TSI.ODA_PERFORMED);
  const outcome = method === "SDA" ? performSda(ctx) : method === "DDA" ? await performDda(ctx) : prepareCda(ctx);
  if (!outcome.ok) {
    ctx.oda.result = "failed";
    ctx.oda.reason = outcome.reason;
    ctx.tvr.set(FAILED_BIT[method]);
    if (outcome.missing) ctx.tvr.set(TVR.ICC_DATA_MISSING);
    ctx.log(STEP, `${method} failed: ${outcome.reason}`);
    return CONTINUE;
  }
  ctx.oda.result = method === "CDA" ? "pending" : "passed";
  ctx.log(STEP, `${method}: ${outcome.detail}`);
  return CONTINUE;
}
