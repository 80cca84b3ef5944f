// The whole certification catalog (EMVCo Level 2 families over EMV Books 1–4), in family order.

import { ACTION_CASES, COMPLETION_CASES, ONLINE_CASES, RISK_CASES, SCRIPT_CASES } from "./back.js";
import {
  ACTION_AIP_CASES,
  CARD_ACTION_CASES,
  COMPLETION_ARC_CASES,
  CVM_CODE_CASES,
  CVM_CONDITION_CASES,
  CVM_PIN_CASES,
  ONLINE_REFERRAL_CASES,
  SCRIPT_RESULT_CASES,
  TRANSACTION_TYPE_CASES,
  TRM_AIP_CASES,
} from "./cvm-online.js";
import { DATA_ODA_CASES } from "./data-oda.js";
import { FRONT_CASES } from "./front.js";
import { matrixCases } from "./matrix.js";
import { CVM_CASES, RESTRICTION_CASES } from "./restrictions-cvm.js";
import { SELECTION_CASES } from "./selection.js";
import type { CertCase } from "./types.js";
import { riskVectorCases, vectorCases } from "./vectors.js";

export function catalog(): CertCase[] {
  return [
    ...FRONT_CASES,
    ...SELECTION_CASES,
    ...DATA_ODA_CASES,
    ...RESTRICTION_CASES,
    ...vectorCases(),
    ...TRANSACTION_TYPE_CASES,
    ...CVM_CASES,
    ...CVM_CONDITION_CASES,
    ...CVM_CODE_CASES,
    ...CVM_PIN_CASES,
    ...RISK_CASES,
    ...riskVectorCases(),
    ...TRM_AIP_CASES,
    ...ACTION_CASES,
    ...ACTION_AIP_CASES,
    ...CARD_ACTION_CASES,
    ...ONLINE_CASES,
    ...ONLINE_REFERRAL_CASES,
    ...SCRIPT_CASES,
    ...SCRIPT_RESULT_CASES,
    ...COMPLETION_CASES,
    ...COMPLETION_ARC_CASES,
    ...matrixCases(),
  ];
}
