// Test support (D2, until kernel/testing/scripted-channel.ts lands): a CardChannel that plays an exact APDU
// script and fails the test on any unexpected command (the emv-utils testing style).

import { fromHex, toHex } from "../../../emv/bytes.js";
import type { CardChannel } from "../../../transport/channel.js";
import { TransportError } from "../../../transport/channel.js";

/** One expected exchange: the exact command and the response incl. SW (hex), or a transport failure. */
export interface ScriptStep {
  readonly command: string;
  readonly response?: string;
  readonly transportError?: "timeout" | "card-removed";
}

export class ScriptedChannel implements CardChannel {
  readonly description = "scripted";
  readonly atr = undefined;
  private position = 0;
  /** Mismatches seen; tests assert this is empty (a mismatch also rejects the transmit). */
  readonly errors: string[] = [];

  constructor(private readonly script: readonly ScriptStep[]) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const step = this.script[this.position];
    const got = toHex(command);
    if (!step) {
      const message = `unexpected command ${got} after the end of the script (${this.script.length} steps)`;
      this.errors.push(message);
      throw new Error(message);
    }
    if (step.command.toUpperCase() !== got) {
      const message = `step ${this.position + 1}: expected ${step.command.toUpperCase()}, got ${got}`;
      this.errors.push(message);
      throw new Error(message);
    }
    this.position++;
    if (step.transportError) throw new TransportError(step.transportError, `scripted ${step.transportError}`);
    return fromHex(step.response ?? "6F00");
  }

  /** Whether every scripted command was sent. */
  get finished(): boolean {
    return this.position === this.script.length;
  }

  get remaining(): number {
    return this.script.length - this.position;
  }

  async close(): Promise<void> {}
}
