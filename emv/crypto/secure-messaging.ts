// Secure messaging for issuer script commands (EMV Book 2 §9): the command MAC (§9.2, MAC algorithm 3 with
// padding method 2) and data encipherment (§9.3) in the EMV, Visa and Mastercard variants.

import { concatBytes } from "../bytes.js";
import { DES_BLOCK, desDecryptCbc, desDecryptEcb, desEncryptCbc, desEncryptEcb } from "./des.js";
import { pad, retailMac, unpad2 } from "./mac.js";

/** Command MAC over the MAC input (e.g. CLA INS P1 P2 Lc ‖ ATC ‖ ARQC ‖ data), `length` bytes (4–8). */
export function scriptMac(smiSessionKey: Uint8Array, macInput: Uint8Array, length = 8): Uint8Array {
  return retailMac(smiSessionKey, macInput, 2).subarray(0, length);
}

/**
 * How the confidential data is enciphered:
 * - "emv": 3DES-CBC, IV 0, padding method 2 always (Book 2 §9.3);
 * - "visa": 3DES-ECB over length ‖ data, padding method 2;
 * - "mastercard": 3DES-CBC, IV 0, padding method 2 only when the data is not a multiple of 8 bytes.
 */
export type EncipherStyle = "emv" | "visa" | "mastercard";

export function encipherScriptData(smcSessionKey: Uint8Array, data: Uint8Array, style: EncipherStyle): Uint8Array {
  switch (style) {
    case "emv":
      return desEncryptCbc(smcSessionKey, pad(data, 2));
    case "visa":
      return desEncryptEcb(smcSessionKey, pad(concatBytes(Uint8Array.of(data.length), data), 2));
    case "mastercard":
      return desEncryptCbc(smcSessionKey, data.length % DES_BLOCK === 0 ? data : pad(data, 2));
  }
}

/** The inverse of encipherScriptData; undefined when the padding or length does not decode. */
export function decipherScriptData(
  smcSessionKey: Uint8Array,
  data: Uint8Array,
  style: EncipherStyle,
  plainLength?: number,
): Uint8Array | undefined {
  if (data.length === 0 || data.length % DES_BLOCK !== 0) return undefined;
  switch (style) {
    case "emv":
      return unpad2(desDecryptCbc(smcSessionKey, data));
    case "visa": {
      const plain = unpad2(desDecryptEcb(smcSessionKey, data));
      if (!plain || plain.length < 1 || plain[0] !== plain.length - 1) return undefined;
      return plain.subarray(1);
    }
    case "mastercard": {
      const plain = desDecryptCbc(smcSessionKey, data);
      if (plainLength !== undefined && plainLength % DES_BLOCK === 0) return plain;
      return plainLength === undefined && plain.length === 8 && unpad2(plain) === undefined ? plain : unpad2(plain);
    }
  }
}
