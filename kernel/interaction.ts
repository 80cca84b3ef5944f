// A cardholder and attendant that answer without asking anyone (EMV Book 4 §11 messages; Book 1 §12.4 choice): the
// highest-priority candidate is chosen, confirmations are given, the scripted PIN is entered or PIN entry bypassed.

import { toHex } from "../emv/bytes.js";

/** One application the cardholder may be asked to choose from (Book 1 §12.4). */
export interface CandidateApplication {
  readonly aid: Uint8Array;
  readonly label: string;
  readonly preferredName?: string;
  /** Application Priority Indicator (87): priority 1..15 in b4–b1, 0 = none; cardholder confirmation in b8. */
  readonly priority: number;
  readonly confirmationRequired: boolean;
}

/** The cardholder and attendant, as the kernel asks them things (Book 4 §11). Non-interactive runs script the answers. */
export interface Interaction {
  /** Choose among candidates, or undefined to cancel. */
  chooseApplication(candidates: readonly CandidateApplication[]): Promise<number | undefined>;
  /** Confirm one application whose API requires confirmation (87 b8). */
  confirmApplication(candidate: CandidateApplication): Promise<boolean>;
  /** PIN entry: digits, or undefined when the cardholder bypasses PIN entry. `attemptsLeft` from the PIN try counter. */
  enterPin(
    kind: "offline-plaintext" | "offline-enciphered" | "online",
    attemptsLeft: number | undefined,
  ): Promise<string | undefined>;
  /** A message for the cardholder display ("PIN OK", "INCORRECT PIN" …). */
  display(message: string): void;
  /**
   * Book 4 §11.1: the card's languages are none of the terminal's, which has several: one of `languages`, or
   * undefined to keep `fallback` (the terminal's default). Optional: without it the default is used.
   */
  chooseLanguage?(languages: readonly string[], fallback: string): Promise<string | undefined>;
}

export interface NonInteractiveOptions {
  /** The PIN to enter whenever one is asked for; without it PIN entry is bypassed. */
  readonly pin?: string;
}

export interface NonInteractive extends Interaction {
  /** Messages shown on the cardholder display, in order. */
  readonly displayed: readonly string[];
  /** What this interaction decided on the cardholder's behalf, in words (never the PIN). */
  readonly notes: readonly string[];
}

export function nonInteractive(options: NonInteractiveOptions = {}): NonInteractive {
  const displayed: string[] = [];
  const notes: string[] = [];
  const name = (c: CandidateApplication) => `${toHex(c.aid)} ${c.label}`;
  return {
    displayed,
    notes,
    async chooseApplication(candidates) {
      // The kernel offers candidates in priority order (Book 1 §12.4): the first is the highest priority.
      const first = candidates[0];
      if (!first) {
        notes.push("no candidate to choose from");
        return undefined;
      }
      notes.push(`chose the highest-priority application ${name(first)} of ${candidates.length}`);
      // Choosing an application whose API asks for confirmation (87 b8) is the cardholder's confirmation of it.
      if (first.confirmationRequired) notes.push(`confirmed application ${name(first)}`);
      return 0;
    },
    async confirmApplication(candidate) {
      notes.push(`confirmed application ${name(candidate)}`);
      return true;
    },
    async enterPin(kind, attemptsLeft) {
      const tries = attemptsLeft === undefined ? "" : ` (${attemptsLeft} tries left)`;
      if (options.pin === undefined) {
        notes.push(`bypassed ${kind} PIN entry${tries}`);
        return undefined;
      }
      notes.push(`entered the scripted PIN for ${kind} PIN${tries}`);
      return options.pin;
    },
    display(message) {
      displayed.push(message);
    },
    async chooseLanguage(languages, fallback) {
      notes.push(`kept the terminal's default language ${fallback} (offered ${languages.join(", ")})`);
      return undefined;
    },
  };
}
