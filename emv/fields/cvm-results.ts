// CVM Results, tag 9F34 (EMV Book 4 Annex A4): the CVM performed, its condition and the result.

import { CVM_RESULT, conditionName, methodName } from "./cvm-codes.js";
import { checkLength, type FieldError } from "./field-error.js";

export type CvmResultOutcome = "unknown" | "failed" | "successful";

export interface CvmResults {
  /** Byte 1: CVM code of the rule performed (b7 kept), 3F when no CVM was performed. */
  readonly cvm: number;
  readonly methodName: string;
  readonly condition: number;
  readonly conditionName: string;
  readonly result: CvmResultOutcome | "RFU";
}

/** Book 4 Annex A4: byte 3 is 0 unknown (e.g. signature), 1 failed, 2 successful. */
export function parseCvmResults(value: Uint8Array): CvmResults | FieldError {
  const bad = checkLength("CVM Results (9F34)", value, 3);
  if (bad) return bad;
  const [cvm, condition, result] = [value[0]!, value[1]!, value[2]!];
  const outcome =
    result === CVM_RESULT.UNKNOWN
      ? "unknown"
      : result === CVM_RESULT.FAILED
        ? "failed"
        : result === CVM_RESULT.SUCCESSFUL
          ? "successful"
          : "RFU";
  return {
    cvm,
    methodName: methodName(cvm & 0x3f),
    condition,
    conditionName: conditionName(condition),
    result: outcome,
  };
}

export function describeCvmResults(r: CvmResults): string[] {
  return [`CVM performed: ${r.methodName}`, `Condition: ${r.conditionName}`, `Result: ${r.result}`];
}
