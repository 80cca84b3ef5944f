// Cryptogram Information Data, tag 9F27 (EMV Book 3 §6.5.5.4 Table 14): cryptogram type, advice, reason code.

import { checkLength, type FieldError } from "./field-error.js";

export type CryptogramType = "AAC" | "TC" | "ARQC" | "RFU";

export interface CryptogramInformation {
  /** b8–b7: 00 AAC, 01 TC, 10 ARQC, 11 RFU. */
  readonly type: CryptogramType;
  /** b6–b5: payment system-specific cryptogram. */
  readonly paymentSystemSpecific: number;
  /** b4: advice required. */
  readonly adviceRequired: boolean;
  /** b3–b1: reason/advice code. */
  readonly reason: number;
  readonly reasonName: string;
}

const TYPES: readonly CryptogramType[] = ["AAC", "TC", "ARQC", "RFU"];
const REASONS = [
  "No information given",
  "Service not allowed",
  "PIN Try Limit exceeded",
  "Issuer authentication failed",
];

export function parseCid(value: Uint8Array): CryptogramInformation | FieldError {
  const bad = checkLength("Cryptogram Information Data (9F27)", value, 1);
  if (bad) return bad;
  const v = value[0]!;
  const reason = v & 0x07;
  return {
    type: TYPES[v >> 6]!,
    paymentSystemSpecific: (v >> 4) & 0x03,
    adviceRequired: (v & 0x08) !== 0,
    reason,
    reasonName: REASONS[reason] ?? "RFU",
  };
}

export function describeCid(c: CryptogramInformation): string[] {
  const lines = [`Cryptogram: ${c.type}`];
  if (c.paymentSystemSpecific) lines.push(`Payment system-specific cryptogram bits: ${c.paymentSystemSpecific}`);
  if (c.adviceRequired) lines.push("Advice required");
  if (c.reason) lines.push(`Reason: ${c.reasonName}`);
  return lines;
}
