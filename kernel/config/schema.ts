// The JSON form of a terminal configuration (Book 4 §6 and Annex A; Book 3 §10), validated with zod. Byte
// values are hex strings, amounts integers in the currency's minor unit; semantic rules follow the schema.

import { z } from "zod";

const hex = z.string().regex(/^([0-9A-Fa-f]{2})*$/, "must be hex with an even number of digits");
const bytes = (n: number) =>
  hex.refine((s) => s.length === n * 2, { message: `must be ${n} byte${n > 1 ? "s" : ""} (${n * 2} hex digits)` });
const digits = (min: number, max: number) =>
  z.string().regex(new RegExp(`^[0-9]{${min},${max}}$`), `must be ${min === max ? min : `${min} to ${max}`} digits`);
const amount = z.number().int().min(0).max(999_999_999_999);
const percent = z.number().int().min(0).max(99);

export const caKeyJsonSchema = z.object({
  rid: bytes(5),
  index: bytes(1),
  modulus: hex,
  exponent: hex,
  checksum: bytes(20).optional(),
  expiry: z
    .string()
    .regex(/^[0-9]{6}$/, "must be YYMMDD")
    .optional(),
  label: z.string().optional(),
});

export const aidConfigSchema = z.strictObject({
  aid: hex.refine((s) => s.length >= 10 && s.length <= 32, { message: "must be 5 to 16 bytes" }),
  label: z.string().optional(),
  /** Application Selection Indicator (Book 1 §12.3.1). */
  partialSelection: z.boolean(),
  applicationVersion: bytes(2),
  tacDenial: bytes(5),
  tacOnline: bytes(5),
  tacDefault: bytes(5),
  floorLimit: amount,
  randomSelection: z.strictObject({
    threshold: amount,
    targetPercent: percent,
    maxTargetPercent: percent,
  }),
  defaultDdol: hex,
  defaultTdol: hex,
});

export const terminalConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes"),
  description: z.string(),
  /** 9F35 as its two digits (Book 4 Annex A1). */
  terminalType: z
    .string()
    .regex(/^(1[1-6]|2[1-6]|3[4-6])$/, "must be a terminal type of Book 4 Annex A1 (11–16, 21–26, 34–36)"),
  capabilities: bytes(3),
  additionalCapabilities: bytes(5),
  countryCode: digits(3, 4),
  currencyCode: digits(3, 4),
  currencyExponent: z.number().int().min(0).max(3),
  terminalData: z.record(z.string().regex(/^[0-9A-Fa-f]{2,6}$/, "must be a tag in hex"), hex).optional(),
  aids: z.array(aidConfigSchema).min(1),
  /** Shipped CA key sets by name (kernel/config/capks/<name>.json). */
  caKeySets: z.array(z.string()).optional(),
  caKeys: z.array(caKeyJsonSchema).optional(),
  revocationList: z.array(z.strictObject({ rid: bytes(5), index: bytes(1), serialNumber: bytes(3) })).optional(),
  exceptionFile: z
    .array(z.strictObject({ pan: digits(12, 19), panSequenceNumber: z.number().int().min(0).max(99).optional() }))
    .optional(),
  onlineCapable: z.boolean(),
  pinPadPresent: z.boolean(),
  pinBypass: z.boolean(),
  specVersion: z.enum(["4.3", "4.4"]),
  transactionLogEnabled: z.boolean(),
});

export type TerminalConfigJson = z.infer<typeof terminalConfigSchema>;
export type CaKeyJson = z.infer<typeof caKeyJsonSchema>;

/** Rules across fields, as `path: reason` lines. */
export function semanticProblems(c: TerminalConfigJson): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  c.aids.forEach((a, i) => {
    const rs = a.randomSelection;
    if (rs.targetPercent > rs.maxTargetPercent)
      problems.push(
        `aids[${i}].randomSelection: target ${rs.targetPercent}% is above the maximum target ${rs.maxTargetPercent}% (Book 3 §10.6.2)`,
      );
    if (rs.threshold > a.floorLimit && a.floorLimit > 0)
      problems.push(
        `aids[${i}].randomSelection.threshold: ${rs.threshold} is above the floor limit ${a.floorLimit} (Book 3 §10.6.2)`,
      );
    const key = a.aid.toUpperCase();
    const before = seen.get(key);
    if (before !== undefined) problems.push(`aids[${i}].aid: ${key} is already configured at aids[${before}]`);
    else seen.set(key, i);
  });
  const online = ["11", "12", "14", "15", "21", "22", "24", "25"].includes(c.terminalType);
  if (c.onlineCapable && !online && !["13", "16", "23", "26", "34", "35", "36"].includes(c.terminalType))
    problems.push(`onlineCapable: terminal type ${c.terminalType} is not defined`);
  if (c.onlineCapable && ["13", "16", "23", "26", "36"].includes(c.terminalType))
    problems.push(`onlineCapable: terminal type ${c.terminalType} is offline only (Book 4 Annex A1)`);
  return problems;
}
