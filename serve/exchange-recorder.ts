// The card's own log of a session: every command APDU a served card received and the answer it gave, with the
// power events, as the card saw them (e.g. through vpcd, ISO 7816-3 power on / off). A certification run judges a
// terminal under test from this log alone. The log holds exact bytes, PIN blocks included, in memory only: whoever
// shows it masks it (emv/sensitive.ts, transport/trace.ts traceCommand).

import type { ServedCard } from "./served-card.js";

export type CardEvent =
  | { readonly kind: "power-on"; readonly at: number }
  | { readonly kind: "power-off"; readonly at: number }
  | { readonly kind: "apdu"; readonly at: number; readonly command: Uint8Array; readonly response: Uint8Array };

/** One command and the card's answer (data ‖ SW1 SW2). */
export interface CardExchange {
  readonly command: Uint8Array;
  readonly response: Uint8Array;
}

/** A ServedCard that records what it is asked and answers, and tells a listener when it is powered off. */
export class RecordingCard implements ServedCard {
  private readonly log: CardEvent[] = [];
  private readonly started = performance.now();
  private powerOffListeners: Array<() => void> = [];

  constructor(private readonly card: ServedCard) {}

  get atr(): Uint8Array {
    return this.card.atr;
  }

  powerOn(): Uint8Array {
    this.log.push({ kind: "power-on", at: this.now() });
    return this.card.powerOn();
  }

  powerOff(): void {
    this.log.push({ kind: "power-off", at: this.now() });
    this.card.powerOff();
    for (const f of this.powerOffListeners) f();
  }

  transmit(apdu: Uint8Array): Uint8Array {
    const response = this.card.transmit(apdu);
    this.log.push({ kind: "apdu", at: this.now(), command: apdu.slice(), response: response.slice() });
    return response;
  }

  /** Every event so far, oldest first. */
  events(): readonly CardEvent[] {
    return [...this.log];
  }

  /** The command/response pairs so far, in order. */
  exchanges(): CardExchange[] {
    return this.log.flatMap((e) => (e.kind === "apdu" ? [{ command: e.command, response: e.response }] : []));
  }

  /** Number of APDUs answered so far. */
  get apduCount(): number {
    return this.log.filter((e) => e.kind === "apdu").length;
  }

  /**
   * Resolves when the card is powered off after having answered at least one APDU and stays off for `settleMs`
   * (a warm reset is an off/on pair and does not end the session), or with "timeout" after `timeoutMs`.
   */
  waitForSessionEnd(timeoutMs: number, settleMs = 300): Promise<"powered-off" | "timeout"> {
    return new Promise((resolve) => {
      let settle: ReturnType<typeof setTimeout> | undefined;
      const done = (how: "powered-off" | "timeout") => {
        clearTimeout(deadline);
        if (settle) clearTimeout(settle);
        this.powerOffListeners = this.powerOffListeners.filter((f) => f !== onOff);
        resolve(how);
      };
      const endedAfterApdus = () => {
        const last = this.log.at(-1);
        return last?.kind === "power-off" && this.log.some((e) => e.kind === "apdu");
      };
      const onOff = () => {
        if (settle) clearTimeout(settle);
        settle = setTimeout(() => {
          if (endedAfterApdus()) done("powered-off");
        }, settleMs);
      };
      const deadline = setTimeout(() => done("timeout"), timeoutMs);
      this.powerOffListeners.push(onOff);
      if (endedAfterApdus()) onOff();
    });
  }

  private now(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }
}
