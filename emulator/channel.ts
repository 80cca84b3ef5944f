// The emulated card behind the kernel's CardChannel (transport/channel.ts): in-process, no reader needed.

import type { EmulatedCardOptions } from "./card.js";
import { type EmulatorChannel, openProfileChannel } from "./card-channel.js";
import { type CardProfile, resolveProfile } from "./profile.js";

export type { EmulatorChannel };

/**
 * Open a channel to a new emulated card: a built-in profile id, a profile file path, or a loaded profile, on the
 * interface `options.interface` (contact or contactless; default contact when the card has it).
 * Throws ProfileError for an unusable profile.
 */
export function openEmulatorChannel(profile: string | CardProfile, options: EmulatedCardOptions = {}): EmulatorChannel {
  return openProfileChannel(resolveProfile(profile), options);
}
