// Language selection (EMV Book 4 §11.1): the card's Language Preference (5F2D, Book 1 §11.3.4 Table 45: up to four
// ISO 639-1 codes in the FCI, most preferred first) against the languages the terminal can display. The first card
// language the terminal has wins; without one the cardholder may choose, else the terminal's default is used.

import { TAG } from "../../emv/tlv/tag-names.js";
import type { TerminalConfig } from "../config/types.js";
import type { TransactionContext } from "./context.js";

const STEP = "application-selection";

/** The terminal's languages when its configuration names none. */
export const DEFAULT_LANGUAGES: readonly string[] = ["en"];

/** How the language was chosen: from the card's preference, by the cardholder, or the terminal's default. */
export type LanguageSource = "card" | "cardholder" | "terminal-default";

export interface LanguageChoice {
  /** ISO 639-1 code, lower case. */
  readonly code: string;
  readonly source: LanguageSource;
}

/** The terminal's display languages, its default first (Book 4 §11.1). */
export function terminalLanguages(config: Pick<TerminalConfig, "languages">): readonly string[] {
  return config.languages && config.languages.length > 0 ? config.languages : DEFAULT_LANGUAGES;
}

/**
 * The codes of a Language Preference value, in the card's order, lower case (EMVCo: terminals accept upper and lower
 * case); pairs that are not two letters are skipped, as is a trailing odd byte.
 */
export function cardLanguages(preference: Uint8Array | undefined): string[] {
  if (!preference) return [];
  const out: string[] = [];
  for (let i = 0; i + 2 <= preference.length; i += 2) {
    const code = String.fromCharCode(preference[i]!, preference[i + 1]!).toLowerCase();
    if (/^[a-z]{2}$/.test(code)) out.push(code);
  }
  return out;
}

/** Book 4 §11.1: the first language of the card's preference that the terminal supports, if any. */
export function matchLanguage(preference: Uint8Array | undefined, terminal: readonly string[]): string | undefined {
  return cardLanguages(preference).find((code) => terminal.includes(code));
}

/**
 * Book 4 §11.1 after final selection: 5F2D from the selected application's FCI (in the data store), else the PSE's
 * (Book 1 §12.2.2: the one present is used, the ADF's when both are), against the terminal's languages. No match: a
 * terminal with more than one language asks the cardholder (the interaction's answer must be one of them);
 * otherwise, or without an answer, its default (the first) is used.
 */
export async function selectLanguage(
  ctx: TransactionContext,
  pseLanguagePreference?: Uint8Array,
): Promise<LanguageChoice> {
  const terminal = terminalLanguages(ctx.config);
  const fallback = terminal[0]!;
  const preference = ctx.data.get(TAG.LANGUAGE_PREFERENCE) ?? pseLanguagePreference;
  const card = cardLanguages(preference);
  const matched = matchLanguage(preference, terminal);
  if (matched) {
    ctx.log(STEP, `language ${matched}: the card prefers ${card.join(", ")}; the terminal has ${terminal.join(", ")}`);
    return { code: matched, source: "card" };
  }
  const why = card.length > 0 ? `none of the card's ${card.join(", ")} is supported` : "the card gives no 5F2D";
  if (terminal.length > 1 && ctx.interaction.chooseLanguage) {
    const chosen = await ctx.interaction.chooseLanguage(terminal, fallback);
    if (chosen !== undefined && terminal.includes(chosen)) {
      ctx.log(STEP, `language ${chosen}: chosen by the cardholder (${why})`);
      return { code: chosen, source: "cardholder" };
    }
  }
  ctx.log(STEP, `language ${fallback}: the terminal's default (${why})`);
  return { code: fallback, source: "terminal-default" };
}
