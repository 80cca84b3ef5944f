// Mastercard-style contactless card profiles (the card side of EMV Contactless Book C-2: a PayPass / M/Chip
// contactless application in EMV mode): the JSON form, validated with zod, and the built-in profiles in
// emulator/profiles/paypass/. Amounts are minor units; relay resistance times are units of 100 µs (Book C-2 Annex A).

import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { formatZodIssues } from "../../emv/schema-errors.js";
import { builtInPaypassProfileDir, builtInPaypassProfileIds } from "./paypass-ids.js";

export { builtInPaypassProfileDir, builtInPaypassProfileIds };

const hex = (min: number, max: number) =>
  z
    .string()
    .regex(/^([0-9A-Fa-f]{2})*$/, "must be hex bytes")
    .refine((s) => s.length >= min * 2 && s.length <= max * 2, `must be ${min}–${max} bytes`);
const digits = (min: number, max: number) => z.string().regex(new RegExp(`^[0-9]{${min},${max}}$`), "digits only");
const time = z.number().int().min(0).max(0xffff);

export const PAYPASS_FAULTS = [
  /** Does not answer the first GENERATE AC (the cryptogram is computed and kept for RECOVER AC). */
  "tear-once",
  /** Signs the CDA data with one bit changed. */
  "bad-cda-signature",
  /** Puts another CID into the signed data than into 9F27. */
  "cda-wrong-cid",
  /** Leaves the relay resistance data out of the CDA signature. */
  "rrp-data-not-signed",
  /** Refuses RECOVER AC (6985). */
  "recover-ac-refused",
] as const;
export type PaypassFault = (typeof PAYPASS_FAULTS)[number];

export const paypassProfileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string(),
  aid: hex(5, 16),
  label: z.string().max(16),
  pan: digits(12, 19),
  panSequenceNumber: digits(2, 2),
  /** YYMMDD. */
  expiry: digits(6, 6),
  effective: digits(6, 6),
  issuerCountry: digits(4, 4),
  applicationCurrency: digits(4, 4),
  /** AIP (82): byte 1 b1 CDA, b2 on-device CVM, b5 cardholder verification; byte 2 b8 EMV mode, b1 RRP. */
  aip: hex(2, 2),
  auc: hex(2, 2),
  applicationVersion: hex(2, 2),
  cvmList: hex(10, 252),
  iacDefault: hex(5, 5),
  iacDenial: hex(5, 5),
  iacOnline: hex(5, 5),
  /** Application Capabilities Information (9F5D); byte 2 b1: CDA over AAC too. */
  aci: hex(3, 3),
  /** CA Public Key Index (8F) of the emvsim test CA (emulator/profiles/keys/ca.json). */
  caIndex: z.number().int().min(1).max(255),
  /** The card's ICC master key for AC (16 bytes), test keys only. */
  mkAc: hex(16, 16),
  /** The card's own decision: TC up to `offlineLimit` (inclusive), ARQC above; "arqc" always online; "aac" declines. */
  decision: z.union([
    z.strictObject({ kind: z.literal("offline-up-to"), offlineLimit: z.number().int().min(0) }),
    z.strictObject({ kind: z.literal("arqc") }),
    z.strictObject({ kind: z.literal("aac") }),
  ]),
  relayResistance: z
    .strictObject({
      minTime: time,
      maxTime: time,
      deviceEstimatedTransmissionTime: time,
      /** How long the card takes to answer EXCHANGE RELAY RESISTANCE DATA (100 µs units), on a simulated clock. */
      processingTime: time,
    })
    .optional(),
  atc: z.number().int().min(0).max(0xfffe),
  faults: z.array(z.enum(PAYPASS_FAULTS)).default([]),
});

export type PaypassProfile = z.infer<typeof paypassProfileSchema>;

export type PaypassProfileResult =
  | { readonly ok: true; readonly profile: PaypassProfile }
  | { readonly ok: false; readonly error: string };

export function parsePaypassProfile(json: unknown, where: string): PaypassProfileResult {
  const r = paypassProfileSchema.safeParse(json, { reportInput: true });
  if (!r.success) {
    const lines = formatZodIssues(r.error.issues, "(paypass profile)");
    return { ok: false, error: `${where}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ""}` };
  }
  const aip = Number.parseInt(r.data.aip.slice(2, 4), 16);
  if (r.data.relayResistance && (aip & 0x01) === 0)
    return { ok: false, error: `${where}: relayResistance: the AIP (${r.data.aip}) does not announce RRP (byte 2 b1)` };
  if (!r.data.relayResistance && (aip & 0x01) !== 0)
    return { ok: false, error: `${where}: aip: byte 2 b1 announces RRP but relayResistance is missing` };
  if (r.data.relayResistance && r.data.relayResistance.minTime > r.data.relayResistance.maxTime)
    return { ok: false, error: `${where}: relayResistance: minTime is above maxTime` };
  return { ok: true, profile: r.data };
}

/** A built-in profile by id, or a file by path. */
export function loadPaypassProfile(idOrPath: string): PaypassProfileResult {
  const isPath = idOrPath.includes("/") || idOrPath.endsWith(".json");
  if (!isPath && !builtInPaypassProfileIds().includes(idOrPath))
    return {
      ok: false,
      error: `unknown Mastercard-style profile '${idOrPath}' (built-in: ${builtInPaypassProfileIds().join(", ")})`,
    };
  const file = isPath ? resolve(idOrPath) : join(builtInPaypassProfileDir(), `${idOrPath}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { ok: false, error: `${basename(file)}: ${e instanceof Error ? e.message : String(e)}` };
  }
  return parsePaypassProfile(json, basename(file));
}
