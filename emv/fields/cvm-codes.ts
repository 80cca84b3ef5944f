// CVM method and condition codes and CV Rules (EMV Book 3 Annex C3 Tables 39 and 40; CVM Results Annex A 9F34):
// the one table the CVM List decoder, the CVM Results decoder and the terminal's CVM step all use.

import { toHex } from "../bytes.js";

/** CVM codes, CVM byte b6–b1 (Book 3 Annex C3 Table 39). */
export const CVM = Object.freeze({
  FAIL: 0x00,
  PLAINTEXT_PIN_ICC: 0x01,
  ENCIPHERED_PIN_ONLINE: 0x02,
  PLAINTEXT_PIN_ICC_AND_SIGNATURE: 0x03,
  ENCIPHERED_PIN_ICC: 0x04,
  ENCIPHERED_PIN_ICC_AND_SIGNATURE: 0x05,
  SIGNATURE: 0x1e,
  NO_CVM_REQUIRED: 0x1f,
  /** Not a list entry: CVM Results byte 1 when no CVM was performed (Book 4 Annex A4). */
  NO_CVM_PERFORMED: 0x3f,
});

/** CVM condition codes (Book 3 Annex C3 Table 40). */
export const CVM_CONDITION = Object.freeze({
  ALWAYS: 0x00,
  UNATTENDED_CASH: 0x01,
  NOT_CASH_NOT_CASHBACK: 0x02,
  TERMINAL_SUPPORTS_CVM: 0x03,
  MANUAL_CASH: 0x04,
  PURCHASE_WITH_CASHBACK: 0x05,
  UNDER_X: 0x06,
  OVER_X: 0x07,
  UNDER_Y: 0x08,
  OVER_Y: 0x09,
});

/** CVM Results byte 3 (Book 4 Annex A4). */
export const CVM_RESULT = Object.freeze({ UNKNOWN: 0x00, FAILED: 0x01, SUCCESSFUL: 0x02 });

export interface CvRule {
  /** The CVM byte as on the card (b7 = apply succeeding rule if unsuccessful, b6–b1 = method). */
  readonly cvm: number;
  readonly condition: number;
}

export interface CvmList {
  /** Amount X and Amount Y, binary, in the application currency (minor units). */
  readonly amountX: number;
  readonly amountY: number;
  readonly rules: readonly CvRule[];
}

export const methodOf = (rule: CvRule): number => rule.cvm & 0x3f;
/** Book 3 Annex C3: CVM byte b7 = "Apply succeeding CV Rule if this CVM is unsuccessful". */
export const applyNextIfUnsuccessful = (rule: CvRule): boolean => (rule.cvm & 0x40) !== 0;

const METHOD_NAMES: Readonly<Record<number, string>> = {
  [CVM.FAIL]: "Fail CVM processing",
  [CVM.PLAINTEXT_PIN_ICC]: "Plaintext PIN verification performed by ICC",
  [CVM.ENCIPHERED_PIN_ONLINE]: "Enciphered PIN verified online",
  [CVM.PLAINTEXT_PIN_ICC_AND_SIGNATURE]: "Plaintext PIN verification performed by ICC and signature (paper)",
  [CVM.ENCIPHERED_PIN_ICC]: "Enciphered PIN verification performed by ICC",
  [CVM.ENCIPHERED_PIN_ICC_AND_SIGNATURE]: "Enciphered PIN verification performed by ICC and signature (paper)",
  [CVM.SIGNATURE]: "Signature (paper)",
  [CVM.NO_CVM_REQUIRED]: "No CVM required",
  [CVM.NO_CVM_PERFORMED]: "No CVM performed",
};

const CONDITION_NAMES: readonly string[] = [
  "Always",
  "If unattended cash",
  "If not unattended cash and not manual cash and not purchase with cashback",
  "If terminal supports the CVM",
  "If manual cash",
  "If purchase with cashback",
  "If transaction is in the application currency and is under X value",
  "If transaction is in the application currency and is over X value",
  "If transaction is in the application currency and is under Y value",
  "If transaction is in the application currency and is over Y value",
];

/** Whether the terminal knows the method at all (Book 3 Annex C3: others are RFU or proprietary). */
export function isRecognisedMethod(method: number): boolean {
  return method <= 0x05 || method === CVM.SIGNATURE || method === CVM.NO_CVM_REQUIRED;
}

export function methodName(method: number): string {
  return METHOD_NAMES[method] ?? `unrecognised CVM ${toHex(Uint8Array.of(method))}`;
}

export function conditionName(condition: number): string {
  return CONDITION_NAMES[condition] ?? `unrecognised condition ${toHex(Uint8Array.of(condition))}`;
}

/** One rule in words, e.g. "Signature (paper), If terminal supports the CVM (else apply next)". */
export function describeRule(rule: CvRule): string {
  const next = applyNextIfUnsuccessful(rule) ? " (apply next if unsuccessful)" : "";
  return `${methodName(methodOf(rule))}, ${conditionName(rule.condition)}${next}`;
}
