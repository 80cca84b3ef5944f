// The JSON form of a reader configuration (EMV Contactless Book A §5.7, Book B §3.1), validated with zod; semantic
// rules follow. Amounts are integers in the minor unit of the terminal's currency.

import { z } from "zod";
import { c2ConfigSchema, c2SemanticProblems } from "./reader-c2-schema.js";

const hexBytes = (min: number, max: number, rule: string) =>
  z.string().superRefine((s, ctx) => {
    if (!/^[0-9A-Fa-f]*$/.test(s)) ctx.addIssue({ code: "custom", message: "must be hex digits only" });
    else if (s.length % 2 !== 0 || s.length < min * 2 || s.length > max * 2)
      ctx.addIssue({
        code: "custom",
        message: `${rule}, got ${s.length % 2 === 0 ? s.length / 2 : `${s.length} hex digits`}`,
      });
  });
const amount = z.number().int().min(0).max(999_999_999_999);

export const readerCombinationSchema = z.strictObject({
  aid: hexBytes(5, 16, "must be 5 to 16 bytes (RID and a PIX of up to 11)"),
  /** An EMVCo kernel 1–8, or a domestic kernel id as 3 bytes of hex (Book B §3.3.2.5 C). */
  kernel: z.union([z.number().int().min(1).max(8), hexBytes(3, 3, "a domestic kernel id must be 3 bytes")]),
  label: z.string().optional(),
  ttq: hexBytes(4, 4, "must be 4 bytes (8 hex digits)").optional(),
  transactionLimit: amount.optional(),
  floorLimit: amount.optional(),
  cvmRequiredLimit: amount.optional(),
  statusCheckSupport: z.boolean(),
  zeroAmountAllowed: z.boolean(),
  extendedSelectionSupport: z.boolean().optional(),
  /** Kernel 2 configuration data (Book C-2 Annex A), for kernel 2 combinations only. */
  c2: c2ConfigSchema.optional(),
});

export const readerConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes"),
  description: z.string(),
  /** A terminal configuration id (kernel/config/terminals/) or path: terminal data, CA keys, exception file. */
  terminal: z.string().min(1),
  kernels: z.array(z.number().int().min(1).max(8)).min(1),
  combinations: z.array(readerCombinationSchema).min(1),
});

export type ReaderConfigJson = z.infer<typeof readerConfigSchema>;

/** Rules across fields, as `path: reason` lines. */
export function readerSemanticProblems(c: ReaderConfigJson): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  c.combinations.forEach((k, i) => {
    const where = `combinations[${i}]`;
    if (typeof k.kernel === "number" && !c.kernels.includes(k.kernel))
      problems.push(`${where}.kernel: kernel ${k.kernel} is not in kernels [${c.kernels.join(", ")}]`);
    if (k.kernel === 3 && k.ttq === undefined)
      problems.push(`${where}.ttq: kernel 3 needs the Terminal Transaction Qualifiers (Book C-3)`);
    if (k.ttq !== undefined && (Number.parseInt(k.ttq.slice(2, 4), 16) & 0xc0) !== 0)
      problems.push(
        `${where}.ttq: byte 2 bits 8–7 are set per transaction by pre-processing (Book B §3.1.1.2); leave them 0`,
      );
    if (k.kernel !== 2 && k.c2 !== undefined) problems.push(`${where}.c2: only kernel 2 combinations take c2 data`);
    if (k.c2) problems.push(...c2SemanticProblems(k.c2, `${where}.c2`));
    const key = `${k.aid.toUpperCase()}/${String(k.kernel).toUpperCase()}`;
    const before = seen.get(key);
    if (before !== undefined)
      problems.push(`${where}: AID ${k.aid.toUpperCase()} with kernel ${k.kernel} is already combinations[${before}]`);
    else seen.set(key, i);
  });
  return problems;
}
