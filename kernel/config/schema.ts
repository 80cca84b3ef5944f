// The JSON form of a terminal configuration (Book 4 §6 and Annex A; Book 3 §10), validated with zod. Byte
// values are hex strings, amounts integers in the currency's minor unit; semantic rules follow the schema.

import { z } from "zod";

const HEX = /^([0-9A-Fa-f]{2})*$/;
const hex = z.string().regex(HEX, "must be hex with an even number of digits");
/** What a hex string holds, for length errors: `4` bytes, or `7 hex digits` when odd. */
const gotLength = (s: string) => (s.length % 2 === 0 ? `${s.length / 2}` : `${s.length} hex digits`);
/** Hex of `min`..`max` bytes: one issue, either not hex or the wrong length (with the length given). */
const hexOfLength = (min: number, max: number, rule: string) =>
  z.string().superRefine((s, ctx) => {
    if (!/^[0-9A-Fa-f]*$/.test(s)) ctx.addIssue({ code: "custom", message: "must be hex digits only" });
    else if (s.length % 2 !== 0 || s.length < min * 2 || s.length > max * 2)
      ctx.addIssue({ code: "custom", message: `${rule}, got ${gotLength(s)}` });
  });
const bytes = (n: number) => hexOfLength(n, n, `must be ${n} byte${n > 1 ? "s" : ""} (${n * 2} hex digits)`);
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
  aid: hexOfLength(5, 16, "must be 5 to 16 bytes (RID and a PIX of up to 11)"),
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
  terminalData: z
    .record(z.string().regex(/^([0-9A-Fa-f]{2}){1,3}$/, "must be a tag of 1 to 3 bytes in hex"), hex)
    .optional(),
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
  /**
   * PIN encryption key of the PIN pad (double- or triple-length TDES, hex): online PIN blocks (ISO 9564 format 0)
   * leave the terminal enciphered under it (TDES-ECB). Test keys only; never logged or reported.
   */
  pinEncryptionKey: z
    .string()
    .superRefine((s, ctx) => {
      if (!/^[0-9A-Fa-f]*$/.test(s)) ctx.addIssue({ code: "custom", message: "must be hex digits only" });
      else if (s.length !== 32 && s.length !== 48)
        ctx.addIssue({
          code: "custom",
          message: `must be a double- or triple-length TDES key (16 or 24 bytes), got ${gotLength(s)}`,
        });
    })
    .optional(),
  pinBypass: z.boolean(),
  specVersion: z.enum(["4.3", "4.4"]),
  transactionLogEnabled: z.boolean(),
  /** Languages the terminal can display (ISO 639-1, lower case), its default first (Book 4 §11.1). Default ["en"]. */
  languages: z
    .array(z.string().regex(/^[a-z]{2}$/, "must be a two-letter ISO 639-1 code in lower case"))
    .min(1)
    .optional(),
  /** The terminal lets the cardholder choose an application and confirm one (Book 1 §12.4). Default true. */
  cardholderSelection: z.boolean().optional(),
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
  problems.push(...terminalDataProblems(c));
  problems.push(...cvmCapabilityProblems(c));
  return problems;
}

/** 9F33 byte 2 (Book 4 Annex A2): CVMs the terminal claims against pinPadPresent and the terminal type. */
function cvmCapabilityProblems(c: TerminalConfigJson): string[] {
  const cvm = Number.parseInt(c.capabilities.slice(2, 4), 16);
  const pins = [
    [0x80, "plaintext PIN for ICC verification (b8)"],
    [0x40, "enciphered PIN for online verification (b7)"],
    [0x10, "enciphered PIN for offline verification (b5)"],
  ] as const;
  const problems: string[] = [];
  if (!c.pinPadPresent) {
    const claimed = pins.filter(([bit]) => (cvm & bit) !== 0).map(([, name]) => name);
    if (claimed.length > 0)
      problems.push(`capabilities: byte 2 claims ${claimed.join(", ")} but pinPadPresent is false (Book 4 Annex A2)`);
  }
  if (c.pinBypass && !c.pinPadPresent) problems.push("pinBypass: PIN bypass needs a PIN pad (pinPadPresent is false)");
  if (c.pinEncryptionKey && !c.pinPadPresent)
    problems.push("pinEncryptionKey: a PIN encryption key needs a PIN pad (pinPadPresent is false)");
  const unattended = ["14", "15", "16", "24", "25", "26", "34", "35", "36"].includes(c.terminalType);
  if (unattended && (cvm & 0x20) !== 0)
    problems.push(
      `capabilities: byte 2 claims signature (b6) but terminal type ${c.terminalType} is unattended (Book 4 Annex A1)`,
    );
  return problems;
}

/** Tags with their own field: giving them in terminalData as well would leave two values for one data object. */
const OWN_FIELD: Record<string, string> = {
  "9F35": "terminalType",
  "9F33": "capabilities",
  "9F40": "additionalCapabilities",
  "9F1A": "countryCode",
  "5F2A": "currencyCode",
  "5F36": "currencyExponent",
  "9F06": "aids[].aid",
  "9F09": "aids[].applicationVersion",
  "9F1B": "aids[].floorLimit",
};

function terminalDataProblems(c: TerminalConfigJson): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const tag of Object.keys(c.terminalData ?? {})) {
    const t = tag.toUpperCase();
    const field = OWN_FIELD[t];
    if (field) problems.push(`terminalData.${tag}: ${t} is set by ${field}, not here`);
    if (seen.has(t)) problems.push(`terminalData.${tag}: ${t} is given twice`);
    seen.add(t);
  }
  return problems;
}
