// Language selection (EMV Book 4 §11.1) from the card's Language Preference (5F2D).

import { describe, expect, it } from "vitest";
import type { Interaction } from "../interaction.js";
import { transactionReport } from "../report.js";
import { resultToJson } from "../result.js";
import { sampleRecord } from "../testing/record.js";
import { cardLanguages, matchLanguage, selectLanguage, terminalLanguages } from "./language.js";
import { scriptedInteraction, testContext } from "./testing/context.js";

const ascii = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => Buffer.from(s, "ascii").toString("hex").toUpperCase();

describe("Language Preference (5F2D) against the terminal's languages (Book 4 §11.1)", () => {
  it("reads the codes in the card's order, lower case, skipping what is not two letters", () => {
    expect(cardLanguages(ascii("frDE"))).toEqual(["fr", "de"]);
    expect(cardLanguages(ascii("f1deX"))).toEqual(["de"]);
    expect(cardLanguages(undefined)).toEqual([]);
  });

  it("takes the first card language the terminal has, not the terminal's order", () => {
    expect(matchLanguage(ascii("frde"), ["de", "en"])).toBe("de");
    expect(matchLanguage(ascii("ende"), ["de", "en"])).toBe("en");
    expect(matchLanguage(ascii("frit"), ["de", "en"])).toBeUndefined();
  });

  it("defaults to English when the configuration names no language", () => {
    expect(terminalLanguages({})).toEqual(["en"]);
    expect(terminalLanguages({ languages: ["nl", "en"] })).toEqual(["nl", "en"]);
  });
});

describe("selectLanguage after final selection", () => {
  const run = (languages: string[], card: Record<string, string>, interaction?: Interaction) => {
    const t = testContext({ config: { languages }, card, ...(interaction ? { interaction } : {}) });
    return selectLanguage(t.ctx);
  };

  it("card frde, terminal de en → de from the card", async () => {
    expect(await run(["de", "en"], { "5F2D": hex("frde") })).toEqual({ code: "de", source: "card" });
  });

  it("no match → the cardholder is asked with the default offered; no answer keeps the default", async () => {
    const offered: [readonly string[], string][] = [];
    const interaction: Interaction = {
      ...scriptedInteraction(),
      chooseLanguage: async (languages, fallback) => {
        offered.push([languages, fallback]);
        return undefined;
      },
    };
    expect(await run(["de", "en"], { "5F2D": hex("frit") }, interaction)).toEqual({
      code: "de",
      source: "terminal-default",
    });
    expect(offered).toEqual([[["de", "en"], "de"]]);
  });

  it("no match → the cardholder's choice when it is one of the terminal's languages, else the default", async () => {
    const choosing = (answer: string): Interaction => ({
      ...scriptedInteraction(),
      chooseLanguage: async () => answer,
    });
    expect(await run(["de", "en"], { "5F2D": hex("fr") }, choosing("en"))).toEqual({
      code: "en",
      source: "cardholder",
    });
    expect(await run(["de", "en"], { "5F2D": hex("fr") }, choosing("fr"))).toEqual({
      code: "de",
      source: "terminal-default",
    });
  });

  it("the PSE's 5F2D serves when the application's FCI has none; the application's wins when both have one", async () => {
    const pse = ascii("de");
    const t = testContext({ config: { languages: ["de", "it"] } });
    expect(await selectLanguage(t.ctx, pse)).toEqual({ code: "de", source: "card" });
    const both = testContext({ config: { languages: ["de", "it"] }, card: { "5F2D": hex("it") } });
    expect(await selectLanguage(both.ctx, pse)).toEqual({ code: "it", source: "card" });
  });

  it("card without 5F2D, one terminal language: its default, nobody asked", async () => {
    const interaction: Interaction = {
      ...scriptedInteraction(),
      chooseLanguage: async () => {
        throw new Error("must not be asked");
      },
    };
    expect(await run(["en"], {}, interaction)).toEqual({ code: "en", source: "terminal-default" });
  });
});

describe("the chosen language in the result and the report", () => {
  const record = sampleRecord({
    language: { code: "de", source: "card" },
    events: [{ step: "application-selection", message: "language de: the card prefers fr, de" }],
  });

  it("is in the JSON of `emvsim run --json`", () => {
    expect(resultToJson(record, { trace: false, unmask: false }).language).toEqual({ code: "de", source: "card" });
  });

  it("is a line of the application selection section of the report", () => {
    const text = transactionReport(record, { trace: false, unmask: false });
    expect(text).toContain("Language: de (the card's Language Preference)");
  });
});
