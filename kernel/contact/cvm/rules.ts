// The pure core of cardholder verification (EMV Book 3 §10.5, Annex C3; Book 4 §6.3.4): which CV rule of the
// CVM List applies under which condition, whether the terminal supports its method, and the CVM Results (9F34).
// Performing a method (PIN entry, VERIFY) is delegated to a performer so tables and fast-check reach the logic.

import { type BitDef, isBitSet, type RegisterBit } from "../../../emv/bits.js";
import {
  applyNextIfUnsuccessful,
  CVM,
  CVM_CONDITION,
  CVM_RESULT,
  type CvmList,
  type CvRule,
  describeRule,
  isRecognisedMethod,
  methodOf,
} from "../../../emv/fields/cvm-codes.js";
import { TERMINAL_CAPABILITIES } from "../../../emv/fields/terminal-capabilities.js";
import { TVR } from "../../../emv/tvr.js";
import type { Terminate } from "../../termination.js";

/** Book 3 §10.5 with Book 4 Annex A2: whether 9F33 byte 2 supports the (recognised) method. */
export function terminalSupportsMethod(method: number, terminalCapabilities: Uint8Array): boolean {
  const has = (bit: BitDef) => isBitSet(terminalCapabilities, bit);
  switch (method) {
    case CVM.FAIL:
      return true;
    case CVM.PLAINTEXT_PIN_ICC:
      return has(TERMINAL_CAPABILITIES.PLAINTEXT_PIN_ICC);
    case CVM.ENCIPHERED_PIN_ONLINE:
      return has(TERMINAL_CAPABILITIES.ENCIPHERED_PIN_ONLINE);
    case CVM.PLAINTEXT_PIN_ICC_AND_SIGNATURE:
      return has(TERMINAL_CAPABILITIES.PLAINTEXT_PIN_ICC) && has(TERMINAL_CAPABILITIES.SIGNATURE);
    case CVM.ENCIPHERED_PIN_ICC:
      return has(TERMINAL_CAPABILITIES.ENCIPHERED_PIN_OFFLINE);
    case CVM.ENCIPHERED_PIN_ICC_AND_SIGNATURE:
      return has(TERMINAL_CAPABILITIES.ENCIPHERED_PIN_OFFLINE) && has(TERMINAL_CAPABILITIES.SIGNATURE);
    case CVM.SIGNATURE:
      return has(TERMINAL_CAPABILITIES.SIGNATURE);
    case CVM.NO_CVM_REQUIRED:
      return has(TERMINAL_CAPABILITIES.NO_CVM_REQUIRED);
    default:
      return false;
  }
}

/** What the CVM conditions need to know about the transaction and the terminal. */
export interface CvmEnvironment {
  /** Terminal Capabilities (9F33). */
  readonly terminalCapabilities: Uint8Array;
  /** Terminal Type (9F35) digits: second digit 4–6 = unattended (Book 4 Annex A1). */
  readonly terminalType: string;
  /** Transaction Type (9C). */
  readonly transactionType: number;
  /** Amount, Authorised in minor units of the transaction currency. */
  readonly amount: number;
  /** Application Currency Code (9F42) equals Transaction Currency Code (5F2A). */
  readonly inApplicationCurrency: boolean;
}

const isUnattended = (terminalType: string) => ["4", "5", "6"].includes(terminalType.slice(-1));
const isCash = (type: number) => type === 0x01 || type === 0x17;

/** Book 3 Annex C3 Table 40: whether the condition is satisfied; undefined when the condition code is not understood. */
export function conditionSatisfied(rule: CvRule, list: CvmList, env: CvmEnvironment): boolean | undefined {
  const unattended = isUnattended(env.terminalType);
  const cash = isCash(env.transactionType);
  const cashback = env.transactionType === 0x09;
  switch (rule.condition) {
    case CVM_CONDITION.ALWAYS:
      return true;
    case CVM_CONDITION.UNATTENDED_CASH:
      return unattended && cash;
    case CVM_CONDITION.NOT_CASH_NOT_CASHBACK:
      return !cash && !cashback;
    case CVM_CONDITION.TERMINAL_SUPPORTS_CVM:
      return isRecognisedMethod(methodOf(rule)) && terminalSupportsMethod(methodOf(rule), env.terminalCapabilities);
    case CVM_CONDITION.MANUAL_CASH:
      return !unattended && cash;
    case CVM_CONDITION.PURCHASE_WITH_CASHBACK:
      return cashback;
    // Book 3 Annex C3: amount conditions apply only to a transaction in the application currency; strict under/over.
    case CVM_CONDITION.UNDER_X:
      return env.inApplicationCurrency && env.amount < list.amountX;
    case CVM_CONDITION.OVER_X:
      return env.inApplicationCurrency && env.amount > list.amountX;
    case CVM_CONDITION.UNDER_Y:
      return env.inApplicationCurrency && env.amount < list.amountY;
    case CVM_CONDITION.OVER_Y:
      return env.inApplicationCurrency && env.amount > list.amountY;
    default:
      return undefined;
  }
}

/** How performing one method ended. `terminate` ends the transaction (e.g. the card was removed). */
export type CvmAttempt =
  | {
      readonly kind: "done";
      /** Book 4 Annex A4: successful, failed, or unknown (signature, online PIN). */
      readonly result: "successful" | "failed" | "unknown";
      readonly tvr?: readonly RegisterBit<"TVR">[];
      readonly note?: string;
    }
  | Terminate;

/** Performs a recognised, supported method that needs the cardholder or the card (the PIN methods). */
export type CvmPerformer = (method: number, rule: CvRule) => Promise<CvmAttempt>;

export interface CvmOutcome {
  /** CVM Results (9F34): method, condition, result. */
  readonly cvmResults: Uint8Array;
  readonly successful: boolean;
  /** TVR bits to set. */
  readonly tvr: readonly RegisterBit<"TVR">[];
  /** A signature on the receipt is required (signature CVMs). */
  readonly signatureRequired: boolean;
  /** The index of the rule that ended processing, or undefined. */
  readonly ruleIndex?: number;
  readonly steps: readonly string[];
  readonly terminate?: Terminate;
}

function resultsOf(rule: CvRule, result: number): Uint8Array {
  return Uint8Array.of(rule.cvm, rule.condition, result);
}

/**
 * Book 3 §10.5 (Figure 8): walk the CV rules in order. A rule whose condition is not satisfied (or not understood) is
 * skipped. Otherwise an unrecognised CVM sets "Unrecognised CVM", an unsupported one counts as unsuccessful, and a
 * performed one that fails continues with the next rule only when b7 says so; else cardholder verification fails.
 */
export async function evaluateCvmList(list: CvmList, env: CvmEnvironment, perform: CvmPerformer): Promise<CvmOutcome> {
  const tvr: RegisterBit<"TVR">[] = [];
  const steps: string[] = [];
  let last: { rule: CvRule; index: number } | undefined;
  const addTvr = (bits: readonly RegisterBit<"TVR">[] | undefined) => {
    for (const b of bits ?? []) if (!tvr.includes(b)) tvr.push(b);
  };
  const failed = (index: number | undefined, why: string): CvmOutcome => {
    // Book 3 §10.5: no successful CVM → "Cardholder verification was not successful".
    addTvr([TVR.CARDHOLDER_VERIFICATION_FAILED]);
    steps.push(why);
    // Book 4 Annex A4: the last CVM attempted with result "failed"; none attempted → 3F 00 01.
    const cvmResults = last
      ? resultsOf(last.rule, CVM_RESULT.FAILED)
      : Uint8Array.of(CVM.NO_CVM_PERFORMED, 0x00, CVM_RESULT.FAILED);
    return {
      cvmResults,
      successful: false,
      tvr,
      signatureRequired: false,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      steps,
    };
  };
  for (let index = 0; index < list.rules.length; index++) {
    const rule = list.rules[index]!;
    const method = methodOf(rule);
    const label = `rule ${index + 1} (${describeRule(rule)})`;
    const satisfied = conditionSatisfied(rule, list, env);
    if (satisfied !== true) {
      steps.push(`${label}: condition ${satisfied === undefined ? "not understood" : "not satisfied"}, skipped`);
      continue;
    }
    last = { rule, index };
    let outcome: CvmAttempt;
    if (!isRecognisedMethod(method)) {
      // Book 3 §10.5: CVM not recognised → TVR "Unrecognised CVM"; the CVM is unsuccessful.
      addTvr([TVR.UNRECOGNISED_CVM]);
      outcome = { kind: "done", result: "failed", note: "CVM not recognised" };
    } else if (!terminalSupportsMethod(method, env.terminalCapabilities)) {
      // Book 3 §10.5: CVM recognised but not supported by the terminal → unsuccessful.
      outcome = { kind: "done", result: "failed", note: "not supported by the terminal (9F33)" };
    } else if (method === CVM.FAIL) {
      // Book 3 Annex C3: "Fail CVM processing".
      outcome = { kind: "done", result: "failed", note: "fail CVM processing" };
    } else if (method === CVM.NO_CVM_REQUIRED) {
      outcome = { kind: "done", result: "successful" };
    } else if (method === CVM.SIGNATURE) {
      // Book 4 Annex A4: signature → result "unknown" (checked by the attendant on the receipt).
      outcome = { kind: "done", result: "unknown" };
    } else {
      outcome = await perform(method, rule);
      if (outcome.kind === "terminate") {
        steps.push(`${label}: ${outcome.reason}`);
        return { ...failed(index, "cardholder verification ended"), terminate: outcome };
      }
    }
    addTvr(outcome.tvr);
    if (outcome.result !== "failed") {
      const combined =
        method === CVM.PLAINTEXT_PIN_ICC_AND_SIGNATURE || method === CVM.ENCIPHERED_PIN_ICC_AND_SIGNATURE;
      const signatureRequired = method === CVM.SIGNATURE || combined;
      // Book 4 Annex A4: a PIN + signature CVM whose PIN succeeded is "unknown" until the signature is checked.
      const result = outcome.result === "successful" && !combined ? CVM_RESULT.SUCCESSFUL : CVM_RESULT.UNKNOWN;
      steps.push(`${label}: ${outcome.result}${outcome.note ? ` (${outcome.note})` : ""}`);
      return { cvmResults: resultsOf(rule, result), successful: true, tvr, signatureRequired, ruleIndex: index, steps };
    }
    steps.push(`${label}: unsuccessful${outcome.note ? ` (${outcome.note})` : ""}`);
    if (!applyNextIfUnsuccessful(rule)) return failed(index, "cardholder verification failed");
  }
  return failed(undefined, "end of the CVM List reached without a successful CVM");
}
