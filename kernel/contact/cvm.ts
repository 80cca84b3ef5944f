// Cardholder verification (EMV Book 3 §10.5, Annex C3; Book 4 §6.3.4): process the card's CVM List (8E) with the
// terminal's capabilities, perform the chosen method, and record CVM Results (9F34), TVR byte 3 and the TSI.

import { isBitSet } from "../../emv/bits.js";
import { toHex } from "../../emv/bytes.js";
import { AIP } from "../../emv/fields/aip.js";
import { CVM } from "../../emv/fields/cvm-codes.js";
import { parseCvmList } from "../../emv/fields/cvm-list.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TVR } from "../../emv/tvr.js";
import { CONTINUE, type StepResult, type TransactionContext, terminate } from "./context.js";
import { offlinePin, onlinePin, type PinState } from "./cvm/pin.js";
import { type CvmEnvironment, type CvmPerformer, evaluateCvmList } from "./cvm/rules.js";
import {
  amountAuthorised,
  numericValue,
  terminalCapabilities,
  terminalType,
  transactionCurrencyCode,
  transactionTypeCode,
} from "./terminal-values.js";

const STEP = "cardholder-verification";

/** The CVM Results (9F34) of this transaction; "3F0000" (no CVM performed) until cardholder verification sets it. */
const cvmResultsByContext = new WeakMap<TransactionContext, Uint8Array>();

function setCvmResults(ctx: TransactionContext, results: Uint8Array): void {
  cvmResultsByContext.set(ctx, results);
  // CVM Results as a computed value of the transaction (D-common contract).
  ctx.data.compute(TAG.CVM_RESULTS, () => cvmResultsByContext.get(ctx)!.slice());
}

/** The environment the CVM conditions are evaluated in. */
export function cvmEnvironment(ctx: TransactionContext): CvmEnvironment {
  const appCurrency = ctx.data.from("card", TAG.APPLICATION_CURRENCY_CODE);
  return {
    terminalCapabilities: terminalCapabilities(ctx),
    terminalType: terminalType(ctx),
    transactionType: transactionTypeCode(ctx),
    amount: amountAuthorised(ctx),
    // Book 3 Annex C3: amounts X/Y apply only when the Application Currency Code (9F42) equals 5F2A.
    inApplicationCurrency: appCurrency !== undefined && numericValue(appCurrency) === transactionCurrencyCode(ctx),
  };
}

/** Book 3 §10.5: Cardholder Verification. Terminates only when the card stops answering during PIN verification. */
export async function cardholderVerification(ctx: TransactionContext): Promise<StepResult> {
  const aip = ctx.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE);
  setCvmResults(ctx, Uint8Array.of(CVM.NO_CVM_PERFORMED, 0x00, 0x00));
  // Book 3 §10.5: the AIP says the card does not support cardholder verification → no CVM, TSI not set.
  if (!aip || !isBitSet(aip, AIP.CARDHOLDER_VERIFICATION_SUPPORTED)) {
    ctx.log(STEP, "card does not support cardholder verification (AIP B1b5); CVM Results 3F0000");
    return CONTINUE;
  }
  const raw = ctx.data.from("card", TAG.CVM_LIST);
  // Book 3 §10.5: CVM List absent → TVR "ICC data missing", end without setting the TSI bit.
  if (!raw) {
    ctx.tvr.set(TVR.ICC_DATA_MISSING);
    ctx.log(STEP, "CVM List (8E) missing although the AIP supports cardholder verification: ICC data missing");
    return CONTINUE;
  }
  // Book 3 §10.5: a CVM List without CV Rules → end without setting the TSI bit; CVM Results 3F0000.
  if (raw.length === 8) {
    ctx.log(STEP, "CVM List (8E) has no CV Rules; no CVM performed");
    return CONTINUE;
  }
  const list = parseCvmList(raw);
  if ("error" in list) {
    ctx.tvr.set(TVR.ICC_DATA_MISSING);
    ctx.log(STEP, `${list.error}: treated as missing (ICC data missing)`);
    return CONTINUE;
  }
  const pinState: PinState = { bypassed: false };
  const perform: CvmPerformer = async (method) => {
    switch (method) {
      case CVM.PLAINTEXT_PIN_ICC:
      case CVM.PLAINTEXT_PIN_ICC_AND_SIGNATURE:
        return offlinePin(ctx, false, pinState);
      case CVM.ENCIPHERED_PIN_ICC:
      case CVM.ENCIPHERED_PIN_ICC_AND_SIGNATURE:
        return offlinePin(ctx, true, pinState);
      case CVM.ENCIPHERED_PIN_ONLINE:
        return onlinePin(ctx, pinState);
      default:
        return { kind: "done", result: "failed", note: "no performer for this CVM" };
    }
  };
  const outcome = await evaluateCvmList(list, cvmEnvironment(ctx), perform);
  for (const line of outcome.steps) ctx.log(STEP, line);
  for (const bit of outcome.tvr) ctx.tvr.set(bit);
  setCvmResults(ctx, outcome.cvmResults);
  // Book 3 §10.5: TSI "Cardholder verification was performed".
  ctx.tsi.set(TSI.CARDHOLDER_VERIFICATION_PERFORMED);
  ctx.log(
    STEP,
    `CVM Results ${toHex(outcome.cvmResults)}: ${outcome.successful ? "cardholder verified" : "cardholder verification failed"}${outcome.signatureRequired ? "; signature required on the receipt" : ""}`,
  );
  if (outcome.terminate) return terminate(outcome.terminate.cause, outcome.terminate.reason);
  return CONTINUE;
}
