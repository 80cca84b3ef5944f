// Issuer host configuration (the `emvsim run --issuer <file>` format): issuer keys per AID or PAN range,
// decision rules, ARPC method and issuer scripts. Validated with zod; problems reported as `path: reason`.

import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { formatZodIssues, type Result } from "../profile.js";

const hex = z.string().regex(/^([0-9A-Fa-f]{2})*$/, "must be hex with an even number of digits");
const key16 = hex.refine((s) => s.length === 32, "must be 16 bytes of hex");

export const issuerKeySetSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Match by application (AID prefix) and/or PAN prefix; the first key set that matches is used. */
    aid: hex.optional(),
    panPrefix: z
      .string()
      .regex(/^[0-9]{1,19}$/, "must be 1 to 19 digits")
      .optional(),
    cvn: z.number().int().min(0).max(255),
    derivation: z.enum(["A", "B"]),
    /** Issuer master key for AC: each card's master key is derived from it with the PAN and PSN (Book 2 A1.4). */
    imkAc: key16.optional(),
    /**
     * Or the card's own ICC master key for AC, for a test card personalised with it directly (one card per key set,
     * matched by its full PAN): no derivation.
     */
    iccMkAc: key16.optional(),
    imkSmi: key16.optional(),
    imkSmc: key16.optional(),
    /** ARPC method (Book 2 §8.2): 1 (ARQC ⊕ ARC) or 2 (MAC with CSU). Default: the CVN's own method. */
    arpcMethod: z.literal([1, 2]).optional(),
    /** Card Status Update for method 2, 4 bytes. Default 00000000. */
    csu: hex.refine((s) => s.length === 8, "must be 4 bytes of hex").optional(),
    /** Issuer script MAC length, 4–8 bytes. Default 8. */
    macLength: z.number().int().min(4).max(8).optional(),
    /** The cardholder's PIN as the issuer knows it, for online PIN (test data only). Absent: PINs are not checked. */
    pin: z
      .string()
      .regex(/^[0-9]{4,12}$/, "must be 4 to 12 digits")
      .optional(),
  })
  .refine((k) => k.aid !== undefined || k.panPrefix !== undefined, "give 'aid' or 'panPrefix' (or both)")
  .refine((k) => (k.imkAc === undefined) !== (k.iccMkAc === undefined), "give exactly one of 'imkAc' and 'iccMkAc'");

export const decisionRuleSchema = z.strictObject({
  /** Conditions (all must hold): amount authorised in minor units, PAN prefix, AID prefix. */
  amountAbove: z.number().int().min(0).optional(),
  amountAtMost: z.number().int().min(0).optional(),
  panPrefix: z
    .string()
    .regex(/^[0-9]{1,19}$/, "must be 1 to 19 digits")
    .optional(),
  aid: hex.optional(),
  decision: z.enum(["approve", "decline", "referral"]),
  /** Authorisation Response Code, 2 characters. Defaults: approve "00", decline "05", referral "01". */
  responseCode: z
    .string()
    .regex(/^[0-9A-Z]{2}$/, "must be 2 characters (e.g. 00, 05, 51)")
    .optional(),
  reason: z.string().optional(),
});

/** Command data: with a MAC of up to 8 bytes it must fit a short Lc (255). */
const commandData = hex.refine((s) => s.length <= 2 * 247, "must be at most 247 bytes (Lc with the MAC ≤ 255)");

export const scriptCommandSchema = z.discriminatedUnion("command", [
  z.strictObject({ command: z.literal("application-block") }),
  z.strictObject({ command: z.literal("application-unblock") }),
  z.strictObject({ command: z.literal("card-block") }),
  z.strictObject({ command: z.literal("pin-unblock") }),
  /** PIN CHANGE (Book 3 §6.5.10): the new PIN enciphered under the SM confidentiality key; P2 01 with the current PIN. */
  z.strictObject({
    command: z.literal("pin-change"),
    newPin: z.string().regex(/^[0-9]{4,12}$/, "must be 4 to 12 digits"),
    currentPin: z
      .string()
      .regex(/^[0-9]{4,12}$/, "must be 4 to 12 digits")
      .optional(),
  }),
  z.strictObject({
    command: z.literal("put-data"),
    tag: hex.refine((s) => s.length === 2 || s.length === 4, "must be a 1- or 2-byte tag (P1 P2)"),
    value: commandData,
  }),
  z.strictObject({
    command: z.literal("update-record"),
    sfi: z.number().int().min(1).max(30),
    record: z.number().int().min(1).max(254),
    data: commandData,
  }),
  /** An Issuer Script Command (86) exactly as given, no MAC added: a malformed command the terminal must refuse. */
  z.strictObject({ command: z.literal("verbatim"), apdu: hex }),
  /** A raw command body sent as given, with a MAC that is deliberately wrong when `badMac`. */
  z.strictObject({
    command: z.literal("raw"),
    header: hex.refine((s) => s.length === 8, "must be 4 bytes (CLA INS P1 P2)"),
    data: commandData,
    badMac: z.boolean().optional(),
  }),
]);

export const scriptSchema = z.strictObject({
  /** 71: before the second GENERATE AC; 72: after it (Book 3 §10.10). */
  template: z.literal([71, 72]),
  /** Script Identifier (9F18), 4 bytes. */
  id: hex.refine((s) => s.length === 8, "must be 4 bytes of hex").optional(),
  /** Only for these PANs / AIDs; every transaction when absent. */
  panPrefix: z
    .string()
    .regex(/^[0-9]{1,19}$/)
    .optional(),
  aid: hex.optional(),
  /** A script command with a MAC that does not verify (to test the card's 6988). */
  badMac: z.boolean().optional(),
  commands: z.array(scriptCommandSchema).min(1),
});

export const hostConfigSchema = z.strictObject({
  description: z.string().optional(),
  issuers: z.array(issuerKeySetSchema).min(1),
  /** Decision rules, first match wins; `default` when none matches. */
  rules: z.array(decisionRuleSchema).optional(),
  default: z.enum(["approve", "decline", "referral"]).optional(),
  scripts: z.array(scriptSchema).optional(),
  /**
   * The terminals' PIN encryption key (double- or triple-length TDES, hex; test keys only): online PIN blocks are
   * deciphered with it (in a real network the acquirer translates the block to the issuer's key on the way).
   * Absent: PIN blocks are taken as sent, unenciphered.
   */
  pinEncryptionKey: hex.refine((s) => s.length === 32 || s.length === 48, "must be 16 or 24 bytes of hex").optional(),
});

export type HostConfig = z.infer<typeof hostConfigSchema>;
export type IssuerKeySet = z.infer<typeof issuerKeySetSchema>;
export type DecisionRule = z.infer<typeof decisionRuleSchema>;
export type ScriptConfig = z.infer<typeof scriptSchema>;
export type ScriptCommandConfig = z.infer<typeof scriptCommandSchema>;

/** Problems of a host configuration file, one line each. */
export class HostConfigError extends Error {
  override readonly name = "HostConfigError";
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`issuer configuration ${source}: ${problems.join("; ")}`);
  }
}

export function parseHostConfig(json: unknown, source = "<inline>"): Result<HostConfig, HostConfigError> {
  const r = hostConfigSchema.safeParse(json);
  if (!r.success) return { ok: false, error: new HostConfigError(source, formatZodIssues(r.error.issues)) };
  return { ok: true, value: r.data };
}

export function loadHostConfig(file: string): Result<HostConfig, HostConfigError> {
  if (!existsSync(file)) return { ok: false, error: new HostConfigError(file, ["no such file"]) };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { ok: false, error: new HostConfigError(file, [`not valid JSON: ${(e as Error).message}`]) };
  }
  return parseHostConfig(json, file);
}
