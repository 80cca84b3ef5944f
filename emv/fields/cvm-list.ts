// Cardholder Verification Method List, tag 8E (EMV Book 3 §10.5, Annex C3): amounts X and Y, then CV Rules.
// The method and condition codes and their names are in cvm-codes.ts, one source of truth for card and terminal side.

import { readUint } from "../bytes.js";
import {
  applyNextIfUnsuccessful,
  type CvmList,
  type CvRule,
  conditionName,
  methodName,
  methodOf,
} from "./cvm-codes.js";
import type { FieldError } from "./field-error.js";

/** One CV Rule with its meaning (Book 3 Annex C3 Tables 39 and 40). */
export interface CvRuleDecoded extends CvRule {
  /** CVM code b6–b1: 00 fail, 01 plaintext PIN by ICC, 02 enciphered PIN online, …, 1E signature, 1F no CVM. */
  readonly method: number;
  readonly methodName: string;
  /** b7 set: apply the succeeding rule if this CVM is unsuccessful. */
  readonly applyNextIfUnsuccessful: boolean;
  /** b7 clear: cardholder verification fails if this CVM is unsuccessful. */
  readonly failIfUnsuccessful: boolean;
  readonly conditionName: string;
}

export interface CvmListDecoded extends CvmList {
  readonly rules: readonly CvRuleDecoded[];
}

const WHAT = "CVM List (8E)";

/**
 * Parse a CVM List (Book 3 §10.5): Amount X (4 bytes binary), Amount Y (4), then 2-byte rules.
 * Annex A gives its length as 10–252: a list without any rule, or with half a rule, is an error.
 */
export function parseCvmList(value: Uint8Array): CvmListDecoded | FieldError {
  if (value.length < 8) {
    return { error: `${WHAT}: length ${value.length} is shorter than the 8 bytes of amounts X and Y` };
  }
  const ruleBytes = value.length - 8;
  if (ruleBytes % 2 !== 0) {
    return { error: `${WHAT}: length ${value.length} leaves ${ruleBytes} byte(s) of CV Rules, not a multiple of 2` };
  }
  if (ruleBytes === 0) return { error: `${WHAT}: no CV Rule after amounts X and Y (Annex A length is 10–252)` };
  const rules: CvRuleDecoded[] = [];
  for (let i = 8; i < value.length; i += 2) rules.push(decodeCvRule({ cvm: value[i]!, condition: value[i + 1]! }));
  return { amountX: readUint(value.subarray(0, 4)), amountY: readUint(value.subarray(4, 8)), rules };
}

export function decodeCvRule(rule: CvRule): CvRuleDecoded {
  const next = applyNextIfUnsuccessful(rule);
  return {
    cvm: rule.cvm,
    condition: rule.condition,
    method: methodOf(rule),
    methodName: methodName(methodOf(rule)),
    applyNextIfUnsuccessful: next,
    failIfUnsuccessful: !next,
    conditionName: conditionName(rule.condition),
  };
}

/** A rule in words: "Signature (paper), Always, fail if unsuccessful"; amount conditions name X or Y. */
export function describeCvRule(rule: CvRuleDecoded, list: CvmList): string {
  const amount =
    rule.condition === 6 || rule.condition === 7
      ? ` (X = ${list.amountX})`
      : rule.condition === 8 || rule.condition === 9
        ? ` (Y = ${list.amountY})`
        : "";
  const onFailure = rule.applyNextIfUnsuccessful ? "apply next rule if unsuccessful" : "fail if unsuccessful";
  return `${rule.methodName}, ${rule.conditionName}${amount}, ${onFailure}`;
}

export function describeCvmList(list: CvmListDecoded): string[] {
  const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, "0");
  return [
    `Amount X: ${list.amountX}`,
    `Amount Y: ${list.amountY}`,
    ...list.rules.map((r, i) => `Rule ${i + 1} ${hex(r.cvm)}${hex(r.condition)}: ${describeCvRule(r, list)}`),
  ];
}
