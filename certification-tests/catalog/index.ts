// The whole certification catalog (EMVCo Level 2 families over EMV Books 1–4), in family order.

import { ACTION_CASES, COMPLETION_CASES, ONLINE_CASES, RISK_CASES, SCRIPT_CASES } from "./back.js";
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
    ...CVM_CASES,
    ...RISK_CASES,
    ...riskVectorCases(),
    ...ACTION_CASES,
    ...ONLINE_CASES,
    ...SCRIPT_CASES,
    ...COMPLETION_CASES,
    ...matrixCases(),
  ];
}
