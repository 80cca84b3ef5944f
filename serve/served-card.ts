// What a server needs from a card: the shape of emulator/card.ts EmulatedCard (ATR, power, synchronous APDU), and
// the emulated card opened for serving on either interface.

import { EmulatedCard, type EmulatedCardOptions } from "../emulator/card.js";
import { processingTimeMs } from "../emulator/processing-time.js";
import { type CardProfile, resolveProfile } from "../emulator/profile.js";
import { T0Procedure } from "../emulator/t0-procedure.js";
import { parseAtr } from "../transport/atr.js";

export interface ServedCard {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  /** One command APDU in, response APDU (data ‖ SW1 SW2) out; never throws. */
  transmit(apdu: Uint8Array): Uint8Array;
  /** How long the card takes for the command just answered, in ms (a server waits that long before replying). */
  readonly lastProcessingMs?: number;
}

export interface ServedBehaviourOptions {
  /** No processing time: answer at once (`emvsim emulate --fast`). */
  readonly fast?: boolean;
}

/**
 * An emulated card as a terminal meets it through a reader: T=0 procedure bytes when the card runs T=0 (its ATR
 * offers T=0 first and the profile does not turn them off; never on the contactless interface) and the card's
 * processing time per command (emulator/processing-time.ts).
 */
export class ServedEmulatedCard implements ServedCard {
  private readonly t0: T0Procedure | undefined;
  lastProcessingMs = 0;

  constructor(
    readonly card: EmulatedCard,
    private readonly options: ServedBehaviourOptions = {},
  ) {
    const profile = card.profile;
    let t0Offered = false;
    try {
      t0Offered = parseAtr(card.atr).protocols[0] === 0;
    } catch {
      t0Offered = false;
    }
    const contactless = card.interface === "contactless";
    const enabled = !contactless && (profile.served.t0Procedure ?? t0Offered);
    this.t0 = enabled ? new T0Procedure((apdu) => this.timed(apdu)) : undefined;
  }

  get atr(): Uint8Array {
    return this.card.atr;
  }

  /** Whether T=0 procedure bytes are in use. */
  get t0Procedure(): boolean {
    return this.t0 !== undefined;
  }

  powerOn(): Uint8Array {
    this.t0?.reset();
    return this.card.powerOn();
  }

  powerOff(): void {
    this.t0?.reset();
    this.card.powerOff();
  }

  transmit(apdu: Uint8Array): Uint8Array {
    this.lastProcessingMs = 0;
    return this.t0 ? this.t0.transmit(apdu) : this.timed(apdu);
  }

  /** The card's own answer, with the time it takes (GET RESPONSE of held data costs nothing extra). */
  private timed(apdu: Uint8Array): Uint8Array {
    const r = this.card.transmit(apdu);
    this.lastProcessingMs = this.options.fast
      ? 0
      : processingTimeMs(apdu, r, this.card.profile.served.processingTimeMs);
    return r;
  }
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
