// Which offline data authentication to perform (EMV Book 3 §10.3): CDA, else DDA, else SDA, each only when the
// card's AIP (82) and the terminal's capabilities (9F33) both support it.

import { isBitSet } from "../../../emv/bits.js";
import { AIP } from "../../../emv/fields/aip.js";
import { TERMINAL_CAPABILITIES } from "../../../emv/fields/terminal-capabilities.js";

export type OdaMethod = "CDA" | "DDA" | "SDA" | "none";

export function chooseOdaMethod(aip: Uint8Array, capabilities: Uint8Array): OdaMethod {
  const both = (card: Parameters<typeof isBitSet>[1], terminal: Parameters<typeof isBitSet>[1]) =>
    aip.length >= 2 && capabilities.length >= 3 && isBitSet(aip, card) && isBitSet(capabilities, terminal);
  if (both(AIP.CDA_SUPPORTED, TERMINAL_CAPABILITIES.CDA)) return "CDA";
  if (both(AIP.DDA_SUPPORTED, TERMINAL_CAPABILITIES.DDA)) return "DDA";
  if (both(AIP.SDA_SUPPORTED, TERMINAL_CAPABILITIES.SDA)) return "SDA";
  return "none";
}
