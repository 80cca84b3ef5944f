// How long a served card takes to answer (card-side processing; EMV Book 1 §9.2.2 bounds the wait, it does not fix
// the time). In-process the emulator answers at once; served to a terminal under test it takes about what a chip
// takes, so that a terminal's waiting, timeouts and progress display meet realistic timing. Per command, overridable
// per profile (`served.processingTimeMs`), off with `emvsim emulate --fast`.

import { COMMAND_NAMES, type CommandName } from "./profile-constants.js";

/**
 * Default times in ms: a public-key operation (INTERNAL AUTHENTICATE, CDA at GENERATE AC, fDDA at GPO) takes
 * around 100–300 ms on a chip, a 3DES cryptogram a few tens of ms, reading data a few ms.
 */
export const DEFAULT_PROCESSING_MS: Readonly<Record<CommandName, number>> = Object.freeze({
  SELECT: 8,
  "READ RECORD": 6,
  "GET PROCESSING OPTIONS": 25,
  "GET DATA": 5,
  "INTERNAL AUTHENTICATE": 180,
  "GET CHALLENGE": 5,
  VERIFY: 40,
  "GENERATE AC": 60,
  "EXTERNAL AUTHENTICATE": 20,
  "ISSUER SCRIPT": 30,
});

/** Extra for a signature: CDA at GENERATE AC (P1 b5), fDDA in a contactless GPO answer (9F4B present). */
export const SIGNATURE_EXTRA_MS = 150;

const BY_INS: ReadonlyMap<number, CommandName> = new Map([
  [0xa4, "SELECT"],
  [0xb2, "READ RECORD"],
  [0xa8, "GET PROCESSING OPTIONS"],
  [0xca, "GET DATA"],
  [0x88, "INTERNAL AUTHENTICATE"],
  [0x84, "GET CHALLENGE"],
  [0x20, "VERIFY"],
  [0xae, "GENERATE AC"],
  [0x82, "EXTERNAL AUTHENTICATE"],
]);

/** The command a C-APDU is, by INS (secure-messaging CLA 84 with an issuer script INS: ISSUER SCRIPT). */
export function commandName(apdu: Uint8Array): CommandName | undefined {
  if (apdu.length < 4) return undefined;
  if ((apdu[0]! & 0x0c) === 0x04) return "ISSUER SCRIPT";
  return BY_INS.get(apdu[1]!);
}

/** Milliseconds the card takes for `apdu`, whose answer was `response`. */
export function processingTimeMs(
  apdu: Uint8Array,
  response: Uint8Array,
  overrides: Partial<Record<CommandName, number>> = {},
): number {
  const name = commandName(apdu);
  if (!name) return 0;
  const base = overrides[name] ?? DEFAULT_PROCESSING_MS[name];
  const ok = response.length >= 2 && response[response.length - 2] === 0x90;
  if (!ok) return Math.min(base, 10);
  if (overrides[name] !== undefined) return base;
  const cda = name === "GENERATE AC" && (apdu[2]! & 0x10) !== 0;
  const fdda = name === "GET PROCESSING OPTIONS" && containsSdad(response);
  return base + (cda || fdda ? SIGNATURE_EXTRA_MS : 0);
}

/** 9F4B somewhere in a response's data (a GPO template 77 with fDDA). */
function containsSdad(response: Uint8Array): boolean {
  for (let i = 0; i + 1 < response.length - 2; i++) if (response[i] === 0x9f && response[i + 1] === 0x4b) return true;
  return false;
}

export { COMMAND_NAMES };
