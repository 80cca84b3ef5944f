// Terminal Type, tag 9F35 (EMV Book 4 Annex A1): operator and environment as two decimal digits.

import { checkLength, type FieldError } from "./field-error.js";

export type TerminalOperator = "financial institution" | "merchant" | "cardholder";

export interface TerminalType {
  readonly code: number;
  readonly operator: TerminalOperator;
  readonly attended: boolean;
  /** Online only, offline with online capability, offline only. */
  readonly connectivity: "online only" | "offline with online capability" | "offline only";
}

const OPERATORS: Record<number, TerminalOperator> = { 1: "financial institution", 2: "merchant", 3: "cardholder" };
const CONNECTIVITY = ["online only", "offline with online capability", "offline only"] as const;

/** Book 4 Annex A1 Table 24: 11–16, 21–26, 34–36. */
export function parseTerminalType(value: Uint8Array): TerminalType | FieldError {
  const bad = checkLength("Terminal Type (9F35)", value, 1);
  if (bad) return bad;
  const v = value[0]!;
  const hi = v >> 4;
  const lo = v & 0x0f;
  const operator = OPERATORS[hi];
  if (!operator || lo < 1 || lo > 6 || (hi === 3 && lo < 4)) {
    return {
      error: `Terminal Type (9F35): ${v.toString(16).toUpperCase().padStart(2, "0")} is not a defined terminal type`,
    };
  }
  return { code: hi * 10 + lo, operator, attended: lo <= 3, connectivity: CONNECTIVITY[(lo - 1) % 3]! };
}

export function describeTerminalType(t: TerminalType): string {
  return `${t.attended ? "Attended" : "Unattended"}, ${t.connectivity}, operated by ${t.operator}`;
}
