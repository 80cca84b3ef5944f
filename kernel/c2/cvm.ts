// CVM Selection of Kernel 2 (EMV Contactless Book C-2 procedure "CVM Selection", CVM.1–CVM.27): on-device
// cardholder verification when both the card (AIP byte 1 b2) and the reader (Kernel Configuration b6) support it;
// no CVM when the AIP says the card does not support cardholder verification; else the CVM List processed as in
// Book 3 §10.5 with the Terminal Capabilities whose byte 2 is the CVM Capability chosen by the CVM Required Limit.
// CVM Results byte 1 carries the CVM Code (b6–b1) of the rule performed.

import { isBitSet } from "../../emv/bits.js";
import { toHex } from "../../emv/bytes.js";
import { AIP } from "../../emv/fields/aip.js";
import { CVM } from "../../emv/fields/cvm-codes.js";
import { parseCvmList } from "../../emv/fields/cvm-list.js";
import { isFieldError } from "../../emv/fields/field-error.js";
import type { OutcomeCvm } from "../../emv/fields/outcome-parameter-set.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import type { TransactionContext } from "../contact/context.js";
import { onlinePin } from "../contact/cvm/pin.js";
import { evaluateCvmList } from "../contact/cvm/rules.js";
import { cvmEnvironment } from "../contact/cvm.js";
import { C2_AIP, KERNEL_CONFIGURATION } from "./bits.js";

export interface C2CvmResult {
  readonly cvm: OutcomeCvm;
  /** CVM Results (9F34). */
  readonly cvmResults: Uint8Array;
  readonly receipt: boolean;
  readonly note: string;
  /** The card stopped answering during PIN processing (never for online PIN). */
  readonly terminate?: string;
}

/** Book C-2 CVM selection. `cvmRequired`: the amount is above the Reader CVM Required Limit. */
export async function selectC2Cvm(
  ctx: TransactionContext,
  kernelConfiguration: Uint8Array,
  cvmRequired: boolean,
): Promise<C2CvmResult> {
  const aip = ctx.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE) ?? new Uint8Array(2);
  // CVM.1–CVM.3: on-device CVM, performed by the device, when both sides support it.
  if (
    isBitSet(aip, C2_AIP.ON_DEVICE_CVM_SUPPORTED) &&
    isBitSet(kernelConfiguration, KERNEL_CONFIGURATION.ON_DEVICE_CVM_SUPPORTED)
  ) {
    return cvmRequired
      ? {
          cvm: "Confirmation Code Verified",
          cvmResults: Uint8Array.of(CVM.PLAINTEXT_PIN_ICC, 0x00, 0x02),
          receipt: false,
          note: "on-device cardholder verification (amount above the CVM required limit)",
        }
      : {
          cvm: "No CVM",
          cvmResults: Uint8Array.of(CVM.NO_CVM_PERFORMED, 0x00, 0x02),
          receipt: false,
          note: "on-device CVM card, amount not above the CVM required limit",
        };
  }
  // CVM.4: the card does not support cardholder verification.
  if (!isBitSet(aip, AIP.CARDHOLDER_VERIFICATION_SUPPORTED))
    return {
      cvm: "No CVM",
      cvmResults: Uint8Array.of(CVM.NO_CVM_PERFORMED, 0x00, 0x00),
      receipt: false,
      note: "the card does not support cardholder verification (AIP byte 1 b5)",
    };
  const raw = ctx.data.from("card", TAG.CVM_LIST);
  const list = raw ? parseCvmList(raw) : undefined;
  // CVM.5: CVM List absent or without rules → no CVM, "ICC data missing".
  if (!list || isFieldError(list)) {
    ctx.tvr.set(TVR.ICC_DATA_MISSING);
    return {
      cvm: "No CVM",
      cvmResults: Uint8Array.of(CVM.NO_CVM_PERFORMED, 0x00, 0x00),
      receipt: false,
      note: raw ? `CVM List unusable: ${(list as { error: string }).error}` : "CVM List (8E) missing",
    };
  }
  const pin = { bypassed: false };
  const outcome = await evaluateCvmList(list, cvmEnvironment(ctx), async (method) => {
    // Kernel 2 performs online PIN only; offline PIN methods are not supported on the contactless interface.
    if (method === CVM.ENCIPHERED_PIN_ONLINE) return onlinePin(ctx, pin);
    return { kind: "done", result: "failed", note: "offline PIN is not performed by Kernel 2" };
  });
  for (const bit of outcome.tvr) ctx.tvr.set(bit);
  const results = Uint8Array.of(outcome.cvmResults[0]! & 0x3f, outcome.cvmResults[1]!, outcome.cvmResults[2]!);
  const method = results[0]!;
  const note = `${outcome.steps.join("; ")} → CVM Results ${toHex(results)}`;
  if (!outcome.successful) return { cvm: "N/A", cvmResults: results, receipt: false, note };
  if (method === CVM.ENCIPHERED_PIN_ONLINE) return { cvm: "Online PIN", cvmResults: results, receipt: false, note };
  if (outcome.signatureRequired) return { cvm: "Obtain Signature", cvmResults: results, receipt: true, note };
  return { cvm: "No CVM", cvmResults: results, receipt: false, note };
}
