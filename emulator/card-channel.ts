// The emulated card behind the kernel's CardChannel (transport/channel.ts) for a loaded profile, without the profile
// loader (channel.ts takes ids and files too); what `emvsim run` opens.

import { type CardChannel, TransportError } from "../transport/channel.js";
import { EmulatedCard, type EmulatedCardOptions } from "./card.js";
import type { CardProfile } from "./profile-data.js";

export interface EmulatorChannel extends CardChannel {
  /** The card itself, for tests that inspect its state. */
  readonly card: EmulatedCard;
}

/**
 * Open a channel to a new emulated card with a loaded profile, on the interface `options.interface` (contact or
 * contactless; default contact when the card has it). Throws ProfileError for an unusable profile.
 */
export function openProfileChannel(profile: CardProfile, options: EmulatedCardOptions = {}): EmulatorChannel {
  const card = new EmulatedCard(profile, options);
  let closed = false;
  card.powerOn();
  return {
    card,
    description: card.description,
    atr: card.atr,
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      if (closed) throw new TransportError("closed", `${card.description}: channel is closed`);
      return card.transmit(command);
    },
    async reset(): Promise<Uint8Array> {
      if (closed) throw new TransportError("closed", `${card.description}: channel is closed`);
      card.powerOff();
      return card.powerOn();
    },
    async close(): Promise<void> {
      if (!closed) card.powerOff();
      closed = true;
    },
  };
}
