// The emulated card behind the kernel's CardChannel (transport/channel.ts): in-process, no reader needed.

import { type CardChannel, TransportError } from "../transport/channel.js";
import { EmulatedCard, type EmulatedCardOptions } from "./card.js";
import { type CardProfile, resolveProfile } from "./profile.js";

export interface EmulatorChannel extends CardChannel {
  /** The card itself, for tests that inspect its state. */
  readonly card: EmulatedCard;
}

/**
 * Open a channel to a new emulated card: a built-in profile id, a profile file path, or a loaded profile, on the
 * interface `options.interface` (contact or contactless; default contact when the card has it).
 * Throws ProfileError for an unusable profile.
 */
export function openEmulatorChannel(profile: string | CardProfile, options: EmulatedCardOptions = {}): EmulatorChannel {
  const card = new EmulatedCard(resolveProfile(profile), options);
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
