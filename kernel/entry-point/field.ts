// Protocol activation as an interface (EMV Contactless Book B §3.2; Book D polling and collision detection): the
// reader's field yields one card's channel, a collision, or nothing within its own bounded wait.

import type { CardChannel } from "../../transport/channel.js";

export type FieldEvent =
  | { readonly kind: "card"; readonly channel: CardChannel }
  | { readonly kind: "collision" }
  | { readonly kind: "no-card"; readonly reason: string };

export interface ContactlessField {
  /** Poll for a card (Book B §3.2.1); a restart polls again. Must resolve within the field's own bound. */
  poll(): Promise<FieldEvent>;
}

/** A field with one card already in it: every poll presents the same card (a restart taps it again). */
export function fieldWithCard(channel: CardChannel): ContactlessField {
  return { poll: async () => ({ kind: "card", channel }) };
}

/** A scripted field for tests and demonstrations: the events in order, then the last one again. */
export function scriptedField(events: readonly FieldEvent[]): ContactlessField {
  let i = 0;
  return {
    poll: async () => {
      const e = events[Math.min(i, events.length - 1)];
      i++;
      return e ?? { kind: "no-card", reason: "no card presented" };
    },
  };
}
