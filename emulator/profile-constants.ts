// Word lists of the card profile format (emulator/profile-schema.ts validates with them), without zod, for the
// modules that run a loaded profile.

/**
 * Values computed at profile load (Book 2 §5–6): certificates and signed data built from the keystore keys.
 * Anything else in a record value must be hex.
 */
export const PLACEHOLDERS = [
  "<ca-index>",
  "<issuer-certificate>",
  "<issuer-exponent>",
  "<issuer-remainder>",
  "<icc-certificate>",
  "<icc-exponent>",
  "<icc-remainder>",
  "<ssad>",
  /** Card Authentication Related Data (9F69, Book C-3): fDDA version ‖ card UN (‖ CTQ), new at every contactless GPO. */
  "<card-authentication-data>",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const COMMAND_NAMES = [
  "SELECT",
  "READ RECORD",
  "GET PROCESSING OPTIONS",
  "GET DATA",
  "INTERNAL AUTHENTICATE",
  "GET CHALLENGE",
  "VERIFY",
  "GENERATE AC",
  "EXTERNAL AUTHENTICATE",
  "ISSUER SCRIPT",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Cardholder verification methods a contactless card can ask for in its CTQ (Book C-3 Annex A, CTQ 9F6C). */
export const CONTACTLESS_CVMS = ["cdcvm", "online-pin", "signature"] as const;
