// Catalog: application selection objectives of EMV Book 1 §12 and language selection (Book 4 §11.1): PSE records
// with several entries, several records and DDF entries; exact-match AIDs with SELECT next; confirmation, cardholder
// choice, priority 0, a terminal without cardholder selection; 6A81 and a wrong DF name at final SELECT; 5F2D.

import type { LanguageChoice } from "../../kernel/contact/language.js";
import type { ApplicationOverride, CardOverrides, CaseParams, CertCase, Expected, TerminalOverrides } from "./types.js";

/** Base card: visa-offline-only, one SDA application A0000000031010 "VISA OFFLINE", API 01, 5F2D "en", PSE SFI 1. */
const PROFILE = "visa-offline-only";

const CREDIT = "A0000000031010";
const ELECTRON = "A0000000032010";
const MASTERCARD = "A0000000041010";

/** SELECT by DF name (Book 1 §11.3.2): CLA 00 INS A4 P1 04, P2 00 first / 02 next occurrence, Lc, name, Le 00. */
function select(name: string, next = false): string {
  const lc = (name.length / 2).toString(16).toUpperCase().padStart(2, "0");
  return `00A404${next ? "02" : "00"}${lc}${name}00`;
}

const SELECT_PSE = select("315041592E5359532E4444463031");
/** The attended-pos AIDs after the first two, in its order: Mastercard, Maestro, Amex. */
const OTHER_TERMINAL_AIDS = [select(MASTERCARD), select("A0000000043060"), select("A00000002501")];

/** Directory reads: SELECT PSE, records 1..n, record n + 1 answered 6A83 (Book 1 §12.3.2). */
const pse = (records: number) => ["SELECT", ...Array<string>(records + 1).fill("READ RECORD")];

/** After final selection, as SEL-PSE-001: GPO, the AFL's four records, one GENERATE AC. */
const TRANSACTION = [
  "GET PROCESSING OPTIONS",
  "READ RECORD",
  "READ RECORD",
  "READ RECORD",
  "READ RECORD",
  "GENERATE AC",
];

/**
 * The base card's transaction once an application is selected (as SEL-PSE-001 and ODA-SDA-001): AIP 5C00 with 9F33
 * byte 3 C8 → SDA, which passes → TVR B1b2 'SDA selected' only; AUC FF00, 9F08 = 9F09 008C for every attended-pos
 * AID, dates valid; CVM list 1E03 → signature (TSI CVM performed); TACs match nothing → TC asked, the card approves.
 * TSI E800: ODA, CVM, card risk management, terminal risk management performed.
 */
const APPROVED: Expected = { outcome: "approved", tvr: "0200000000", tsi: "E800", cryptograms: [["TC", "TC"]] };

/** Ended during selection: nothing after it ran, so no TVR or TSI bit and no cryptogram. */
const ENDED_IN_SELECTION: Expected = { outcome: "terminated", tvr: "0000000000", tsi: "0000", cryptograms: [] };

const DDF = "A000000003444446";

/** A copy of the base application under another AID (same records and keys), with its label and API priority. */
const copy = (aid: string, label: string, priority: number, more: Partial<ApplicationOverride> = {}) => ({
  app: 0,
  copy: true,
  aid,
  label,
  priority,
  ...more,
});

/** The base card's transaction after selecting `aid` (APPROVED), with the commands and SELECT APDUs seen. */
const approved = (aid: string, commands: readonly string[], selects?: readonly string[]): Expected => ({
  ...APPROVED,
  aid,
  commands: [...commands, ...TRANSACTION],
  ...(selects ? { selects } : {}),
});

/** Terminated during selection with this cause and reason, after exactly these commands. */
const ended = (termination: Expected["termination"], reason: string, commands: readonly string[]): Expected => ({
  ...ENDED_IN_SELECTION,
  termination,
  reasonContains: reason,
  commands,
});

/** A case of this file: the base card under attended-pos, with the case's changes. */
function selectionCase(c: {
  readonly id: string;
  readonly title: string;
  readonly ref: string;
  readonly card: CardOverrides;
  readonly terminal?: TerminalOverrides;
  readonly params?: CaseParams;
  readonly expected: Expected;
  readonly why: string;
}): CertCase {
  return {
    family: "application selection",
    profile: PROFILE,
    config: "attended-pos",
    ...c,
  };
}

/**
 * A language selection case (Book 4 §11.1): the card's 5F2D as overridden, the terminal's languages, the
 * cardholder's pick when asked; the transaction otherwise as APPROVED for A0000000031010.
 */
function languageCase(c: {
  readonly id: string;
  readonly title: string;
  readonly ref: string;
  readonly card: CardOverrides;
  readonly languages: readonly string[];
  readonly pick?: string;
  readonly language: LanguageChoice;
  readonly why: string;
}): CertCase {
  return selectionCase({
    id: c.id,
    title: c.title,
    ref: c.ref,
    card: c.card,
    terminal: { languages: c.languages },
    ...(c.pick ? { params: { language: c.pick } } : {}),
    expected: { ...APPROVED, aid: CREDIT, language: c.language },
    why: c.why,
  });
}

/** No PSE; the base application as A000000003101001 with a second copy …101002 and A0000000032010 (priorities). */
const UNDER_ONE_PREFIX = (p: readonly [number, number, number]): CardOverrides => ({
  pse: null,
  applications: [
    { app: 0, aid: "A000000003101001", label: "VISA GOLD", priority: p[0] },
    copy("A000000003101002", "VISA PLATINUM", p[1]),
    copy(ELECTRON, "VISA ELECTRON", p[2]),
  ],
});

/** The list of AIDs on UNDER_ONE_PREFIX: A0000000031010 first, next, next (→ 6A82), then the other four AIDs. */
const LIST_OF_AIDS = [
  SELECT_PSE,
  select(CREDIT),
  select(CREDIT, true),
  select(CREDIT, true),
  select(ELECTRON),
  ...OTHER_TERMINAL_AIDS,
];

/** Two applications in the default PSE: the base one (API 01) and A0000000032010 (API 02). */
const TWO_APPS = [copy(ELECTRON, "VISA ELECTRON", 2)];

export const SELECTION_CASES: readonly CertCase[] = [
  selectionCase({
    id: "SEL-PSE-002",
    title: "PSE record with two entries, a second record: every entry is read, the cardholder chooses the second",
    ref: "Book 1 §12.2.3, §12.3.2, §12.4",
    card: {
      applications: [copy(ELECTRON, "VISA ELECTRON", 2), copy("A0000000039999", "VISA OTHER", 3)],
      pse: { sfi: 1, records: [[{ aid: CREDIT }, { aid: "A0000000039999" }], [{ aid: ELECTRON }]] },
    },
    params: { choices: [1] },
    expected: {
      ...approved(ELECTRON, [...pse(2), "SELECT"], [SELECT_PSE, select(ELECTRON)]),
      apdus: { "READ RECORD": "00B2010C00" },
    },
    why: "Record 1 (SFI 1: P2 0C) holds two directory entries (two 61 in one 70), record 2 a third, record 3 → 6A83 ends the directory. A0000000039999 begins with no terminal AID → not a candidate; A0000000031010 (API 01) and A0000000032010 (02) are offered in priority order; the cardholder takes the second → final SELECT of A0000000032010, then the base card's SDA transaction.",
  }),
  selectionCase({
    id: "SEL-PSE-003",
    title: "PSE entry for a DDF (9D): the DDF is selected and its directory read after the PSE's",
    ref: "Book 1 §12.2.3, §12.3.2",
    card: {
      applications: [{ app: 0, priority: 2 }, copy(ELECTRON, "VISA ELECTRON", 1)],
      pse: {
        sfi: 1,
        records: [[{ aid: CREDIT }, { ddf: DDF }]],
        ddfs: [{ name: DDF, sfi: 2, records: [[{ aid: ELECTRON }]] }],
      },
    },
    // PSE: SELECT, record 1, record 2 → 6A83; DDF: SELECT, record 1 (SFI 2), record 2 → 6A83.
    expected: approved(ELECTRON, [...pse(1), ...pse(1), "SELECT"], [SELECT_PSE, select(DDF), select(ELECTRON)]),
    why: "The PSE record holds an ADF entry (A0000000031010, API 02) and a DDF entry 61 { 9D A000000003444446 }; after the PSE directory ends (6A83) the terminal SELECTs the DDF by name, reads its directory from the SFI in its FCI (88 = 2) until 6A83 and finds A0000000032010 with API 01. It has the highest priority, so the cardholder (choosing the first offered) gets it: only a terminal that followed the DDF can select A0000000032010.",
  }),
  selectionCase({
    id: "SEL-EXA-001",
    title: "List of AIDs, ASI exact: SELECT next walks the longer DF names, only the exact match is a candidate",
    ref: "Book 1 §12.3.1, §12.3.3",
    card: UNDER_ONE_PREFIX([1, 1, 1]),
    terminal: { aid: { partialSelection: false } },
    expected: approved(ELECTRON, Array<string>(9).fill("SELECT"), [...LIST_OF_AIDS, select(ELECTRON)]),
    why: "No PSE (6A82) → list of AIDs. SELECT A0000000031010 answers A000000003101001: longer than the terminal AID, and the ASI asks for the same length → no candidate; SELECT next (P2 02) answers A000000003101002, again no candidate; the next SELECT next finds no further occurrence (6A82). SELECT A0000000032010 answers that exact DF name → candidate, and an exact match ends that AID; the three other terminal AIDs are absent. One candidate, no confirmation → final SELECT A0000000032010.",
  }),
  selectionCase({
    id: "SEL-EXA-002",
    title: "List of AIDs, ASI partial: every occurrence under the terminal AID is a candidate, offered by priority",
    ref: "Book 1 §12.3.1, §12.3.3, §12.4",
    card: UNDER_ONE_PREFIX([3, 2, 1]),
    params: { choices: [2] },
    expected: approved("A000000003101001", Array<string>(9).fill("SELECT"), [
      ...LIST_OF_AIDS,
      select("A000000003101001"),
    ]),
    why: "Same card as SEL-EXA-001 under attended-pos's ASI (partial allowed): A000000003101001 and A000000003101002 begin with A0000000031010 → both candidates, SELECT next after each until 6A82; A0000000032010 is an exact match. Offered in priority order 01 (…32010), 02 (…101002), 03 (…101001); the cardholder takes the third → final SELECT of the full DF name A000000003101001.",
  }),
  selectionCase({
    id: "SEL-CNF-001",
    title: "One candidate whose API requires confirmation (87 = 81): the cardholder confirms, the transaction goes on",
    ref: "Book 1 §12.2.3 Table 48, §12.4",
    card: { applications: [{ app: 0, confirmationRequired: true }] },
    params: { confirmations: [true] },
    expected: approved(CREDIT, [...pse(1), "SELECT"], [SELECT_PSE, select(CREDIT)]),
    why: "API b8 = 1: the only candidate is selected only with the cardholder's confirmation; confirmed → final SELECT A0000000031010 and the base card's SDA transaction.",
  }),
  selectionCase({
    id: "SEL-CNF-002",
    title: "One candidate whose API requires confirmation: the cardholder does not confirm → terminated",
    ref: "Book 1 §12.4",
    card: { applications: [{ app: 0, confirmationRequired: true }] },
    params: { confirmations: [false] },
    expected: ended("cancelled", "cardholder did not confirm application A0000000031010", pse(1)),
    why: "Book 1 §12.4: one mutually supported application with b8 = 1 that the cardholder does not approve → the terminal terminates the session; no final SELECT is sent.",
  }),
  selectionCase({
    id: "SEL-CHO-001",
    title: "Several candidates: the cardholder cancels the choice → terminated, no final SELECT",
    ref: "Book 1 §12.4",
    card: { applications: TWO_APPS },
    params: { choices: [undefined] },
    expected: ended("cancelled", "application selection cancelled", pse(2)),
    why: "Two candidates from the PSE (records 1 and 2) are offered to the cardholder; without a choice no application is selected and the transaction ends before any final SELECT.",
  }),
  selectionCase({
    id: "SEL-PRI-003",
    title: "Priority 0 (no priority assigned) is offered after the prioritised applications",
    ref: "Book 1 §12.2.3 Table 48, §12.4",
    card: {
      applications: [{ app: 0, priority: 0 }, copy(ELECTRON, "VISA ELECTRON", 2), copy(MASTERCARD, "MASTERCARD", 1)],
    },
    params: { choices: [2] },
    expected: approved(CREDIT, [...pse(3), "SELECT"], [SELECT_PSE, select(CREDIT)]),
    why: "API b4–b1 = 0000 means no priority assigned (Table 48), which ranks below every priority 1–15: the list is A0000000041010 (1), A0000000032010 (2), A0000000031010 (0). The cardholder takes the third → A0000000031010. Ranking 0 as the numerically highest priority would make the third A0000000032010.",
  }),
  selectionCase({
    id: "SEL-NCS-001",
    title: "Terminal without cardholder selection: highest priority that needs no confirmation (87 = 81 excluded)",
    ref: "Book 1 §12.4",
    card: {
      applications: [
        { app: 0, priority: 1, confirmationRequired: true },
        copy(ELECTRON, "VISA ELECTRON", 3, { confirmationRequired: false }),
        copy(MASTERCARD, "MASTERCARD", 2, { confirmationRequired: false }),
      ],
    },
    terminal: { cardholderSelection: false },
    params: { choices: [0] },
    expected: approved(MASTERCARD, [...pse(3), "SELECT"], [SELECT_PSE, select(MASTERCARD)]),
    why: "Without cardholder selection the terminal selects the highest-priority candidate, leaving out those whose API requires confirmation: A0000000031010 (81) is excluded, A0000000041010 (02) beats A0000000032010 (03). The scripted cardholder would take the first offered (A0000000031010) if asked, so the AID shows nobody was. Mastercard TACs (F45084800C) meet no TVR bit → TC.",
  }),
  selectionCase({
    id: "SEL-PRI-004",
    title: "Two applications of equal priority, terminal without cardholder selection: the first the card lists",
    ref: "Book 1 §12.4",
    card: { applications: [{ app: 0, priority: 2 }, copy(ELECTRON, "VISA ELECTRON", 2)] },
    terminal: { cardholderSelection: false },
    expected: approved(CREDIT, [...pse(2), "SELECT"], [SELECT_PSE, select(CREDIT)]),
    why: "Both carry priority 2; the order among equals is the card's (the PSE lists A0000000031010 in record 1, A0000000032010 in record 2), so the terminal, which may not ask the cardholder, finally selects A0000000031010. The rest as SEL-PSE-001: SDA passes → TVR 0200000000, TSI E800, TC.",
  }),
  selectionCase({
    id: "SEL-NCS-002",
    title: "Terminal without cardholder confirmation, one candidate requiring it: terminated",
    ref: "Book 1 §12.4",
    card: { applications: [{ app: 0, confirmationRequired: true }] },
    terminal: { cardholderSelection: false },
    expected: ended("not-accepted", "every candidate requires cardholder confirmation", pse(1)),
    why: "Book 1 §12.4: one application with b8 = 1 on a terminal that does not provide for confirmation → terminate the session, before any final SELECT.",
  }),
  selectionCase({
    id: "SEL-FIN-001",
    title: "Final SELECT answered 6A81 (card blocked or SELECT not supported): the transaction is terminated",
    ref: "Book 1 §12.3.2 step 1, §12.4",
    card: { applications: TWO_APPS, faults: [{ kind: "select-sw", name: CREDIT, sw: "6A81" }] },
    expected: {
      ...ended("card-blocked", "SW 6A81", [...pse(2), "SELECT"]),
      selects: [SELECT_PSE, select(CREDIT)],
    },
    why: "6A81 means the card is blocked or does not support SELECT (Book 1 §12.3.2 step 1 terminates on it at the PSE); at final selection it says the same of the whole card, so the terminal terminates instead of trying A0000000032010 (which a removed-candidate answer like 6A82 would lead to).",
  }),
  selectionCase({
    id: "SEL-FIN-002",
    title: "Final SELECT whose FCI DF name (84) differs from the AID selected: removed, the next candidate selected",
    ref: "Book 1 §12.4",
    card: { applications: TWO_APPS, faults: [{ kind: "fci-df-name", aid: CREDIT, dfName: "A000000003109999" }] },
    expected: approved(ELECTRON, [...pse(2), "SELECT", "SELECT"], [SELECT_PSE, select(CREDIT), select(ELECTRON)]),
    why: "The highest-priority candidate A0000000031010 answers SELECT with 84 = A000000003109999, not the name selected → it is removed from the candidate list (TRY AGAIN); the one left, A0000000032010 without confirmation, is selected without asking and its FCI names it.",
  }),
  languageCase({
    id: "SEL-LNG-001",
    title: "Language: card 5F2D 'frde', terminal de and en → German (the first card language the terminal has)",
    ref: "Book 4 §11.1; Book 1 §11.3.4",
    card: { applications: [{ app: 0, language: "frde" }] },
    languages: ["de", "en"],
    language: { code: "de", source: "card" },
    why: "5F2D lists the card's languages in order of preference: fr is not supported by the terminal, de is → de, chosen from the card's preference (not the terminal's first language by accident: de is also the terminal's default, see SEL-LNG-002 for the difference in source).",
  }),
  languageCase({
    id: "SEL-LNG-007",
    title: "Language: card 'ende', terminal de and en → English: the card's order decides, not the terminal's",
    ref: "Book 4 §11.1; Book 1 §11.3.4",
    card: { applications: [{ app: 0, language: "ende" }] },
    languages: ["de", "en"],
    language: { code: "en", source: "card" },
    why: "Both card languages are supported; 5F2D is in the card's order of preference, so its first, en, wins over the terminal's first (de).",
  }),
  languageCase({
    id: "SEL-LNG-002",
    title: "Language: card 'frit', terminal de and en → no match, the terminal's default (German)",
    ref: "Book 4 §11.1",
    card: { applications: [{ app: 0, language: "frit" }] },
    languages: ["de", "en"],
    language: { code: "de", source: "terminal-default" },
    why: "No card language is supported; the terminal has two, so the cardholder may be asked — the scripted cardholder picks none → the terminal's default language, its first (de).",
  }),
  languageCase({
    id: "SEL-LNG-003",
    title: "Language: card without 5F2D (neither the ADF's nor the PSE's FCI) → the terminal's default",
    ref: "Book 4 §11.1; Book 1 §12.2.2",
    card: { applications: [{ app: 0, language: null }], pse: { sfi: 1, language: null } },
    languages: ["de", "en"],
    language: { code: "de", source: "terminal-default" },
    why: "Without a Language Preference anywhere there is nothing to match → the terminal's default (de).",
  }),
  languageCase({
    id: "SEL-LNG-004",
    title: "Language: no match, the cardholder picks English from the terminal's languages",
    ref: "Book 4 §11.1",
    card: { applications: [{ app: 0, language: "fr" }] },
    languages: ["de", "en"],
    pick: "en",
    language: { code: "en", source: "cardholder" },
    why: "fr is not supported and the terminal has more than one language → the cardholder chooses; en is one of the terminal's → en, by the cardholder.",
  }),
  languageCase({
    id: "SEL-LNG-005",
    title: "Language: 5F2D only in the PSE's FCI ('it') → used for the application selected",
    ref: "Book 1 §12.2.2; Book 4 §11.1",
    card: { applications: [{ app: 0, language: null }], pse: { sfi: 1, language: "it" } },
    languages: ["de", "it"],
    language: { code: "it", source: "card" },
    why: "Book 1 §12.2.2: the Language Preference may be in the PSE's FCI and the ADF's; present in one only, the terminal uses that one → it, which the terminal supports (its default would be de).",
  }),
  languageCase({
    id: "SEL-LNG-006",
    title: "Language: ADF 'it' and PSE 'de' differ → the application's (ADF) preference is used",
    ref: "Book 1 §12.2.2; Book 4 §11.1",
    card: { applications: [{ app: 0, language: "it" }], pse: { sfi: 1, language: "de" } },
    languages: ["de", "it"],
    language: { code: "it", source: "card" },
    why: "Present in both FCIs with different values: the selected application's (ADF) Language Preference is the one for its transaction → it; using the PSE's would give de.",
  }),
];
