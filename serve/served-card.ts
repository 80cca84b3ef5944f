// What a server needs from a card: the shape of emulator/card.ts EmulatedCard (ATR, power, synchronous APDU), and
// the emulated card opened for serving on either interface.

import { EmulatedCard, type EmulatedCardOptions } from "../emulator/card.js";
import { type CardProfile, resolveProfile } from "../emulator/profile.js";

export interface ServedCard {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  /** One command APDU in, response APDU (data ‖ SW1 SW2) out; never throws. */
  transmit(apdu: Uint8Array): Uint8Array;
}

/**
 * An emulated card to serve to vpcd or a serial line. With `interface: "contactless"` it presents itself as a
 * contactless card: the ATR a PC/SC reader builds for an ISO 14443-4 card (3B 8n 80 01 ‖ historical bytes ‖ TCK,
 * PC/SC Part 3) and the PPSE instead of the PSE, so that a contactless terminal can be tested against it.
 * Throws ProfileError for an unknown profile or an interface the card does not have.
 */
export function emulatedServedCard(profile: string | CardProfile, options: EmulatedCardOptions = {}): EmulatedCard {
  return new EmulatedCard(resolveProfile(profile), options);
}
