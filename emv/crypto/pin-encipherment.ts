// Offline PIN encipherment with the ICC (PIN Encipherment) public key (EMV Book 2 §7.2 Table 25).

import { concatBytes, hexByte } from "../bytes.js";
import { type OdaFailure, odaFailure } from "./certificates.js";
import { modulusLength, type RsaPrivateKey, type RsaPublicKey, rsaRecover, rsaSign } from "./rsa.js";

/** Data Header of the enciphered PIN data (Book 2 §7.2 Table 25). */
export const PIN_DATA_HEADER = 0x7f;

export type PinEncipherment =
  | { readonly ok: true; readonly value: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/**
 * Terminal side, Book 2 §7.2: 7F ‖ PIN block (8) ‖ ICC Unpredictable Number (8, from GET CHALLENGE) ‖ random pad
 * (N − 17 bytes), enciphered with the public key (raw RSA). `random(n)` gives the pad bytes.
 */
export function encipherPinBlock(
  key: RsaPublicKey,
  pinBlock: Uint8Array,
  iccChallenge: Uint8Array,
  random: (n: number) => Uint8Array,
): PinEncipherment {
  if (pinBlock.length !== 8) return { ok: false, reason: `PIN encipherment: PIN block must be 8 bytes` };
  if (iccChallenge.length !== 8)
    return {
      ok: false,
      reason: `PIN encipherment: ICC unpredictable number must be 8 bytes, got ${iccChallenge.length}`,
    };
  const n = modulusLength(key);
  if (n < 17) return { ok: false, reason: `PIN encipherment: a ${n}-byte key cannot hold the 17 bytes of PIN data` };
  const pad = random(n - 17);
  if (pad.length !== n - 17)
    return { ok: false, reason: `PIN encipherment: random source gave ${pad.length} bytes, asked for ${n - 17}` };
  const block = concatBytes(Uint8Array.of(PIN_DATA_HEADER), pinBlock, iccChallenge, pad);
  const r = rsaRecover(key, block);
  return r.ok ? r : { ok: false, reason: `PIN encipherment: ${r.reason}` };
}

export type PinDecipherment =
  | { readonly ok: true; readonly pinBlock: Uint8Array; readonly challenge: Uint8Array }
  | OdaFailure;

/**
 * Card side, Book 2 §7.2: decipher with the private key and check the 7F header. The caller compares `challenge`
 * with the number its GET CHALLENGE gave.
 */
export function decipherPinBlock(key: RsaPrivateKey, data: Uint8Array): PinDecipherment {
  const n = modulusLength(key);
  if (data.length !== n)
    return odaFailure(
      "length",
      `Enciphered PIN data: ${data.length} bytes, the key modulus is ${n} bytes (Book 2 §7.2)`,
    );
  const r = rsaSign(key, data);
  if (!r.ok) return odaFailure("recovery", `Enciphered PIN data: ${r.reason} (Book 2 §7.2)`);
  const x = r.value;
  if (x[0] !== PIN_DATA_HEADER)
    return odaFailure(
      "header",
      `Enciphered PIN data: data header is ${hexByte(x[0]!)}, expected 7F (Book 2 §7.2 Table 25)`,
    );
  return { ok: true, pinBlock: x.slice(1, 9), challenge: x.slice(9, 17) };
}
