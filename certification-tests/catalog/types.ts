// The certification catalog's case shape (EMVCo Level 2 test families, EMV Books 1–4): what card, what terminal,
// what transaction, and the exact result the books imply.

import type { DecisionRule, ScriptConfig } from "../../emulator/host/config.js";
import type { PseJson } from "../../emulator/profile-schema.js";
import type { CryptogramType, Outcome } from "../../kernel/contact/decision.js";
import type { LanguageChoice } from "../../kernel/contact/language.js";
import type { TerminationCause } from "../../kernel/termination.js";
import type { TransactionType } from "../../kernel/transaction-params.js";
import { C2_FAMILIES } from "./c2-types.js";
import { CONTACTLESS_FAMILIES } from "./contactless-types.js";

/** The test families, named like the EMVCo Level 2 families. */
export const FAMILIES = [
  "application selection",
  "GPO / initiate",
  "read application data",
  "ODA SDA/DDA/CDA",
  "processing restrictions",
  "cardholder verification",
  "terminal risk management",
  "terminal action analysis",
  "card action analysis",
  "online processing / issuer authentication",
  "issuer scripts",
  "completion",
  "profile × configuration matrix",
] as const;
export type Family = (typeof FAMILIES)[number];

/** Changes to a built-in card profile's JSON, validated again by emulator/profile.ts parseProfile. */
export interface CardOverrides {
  /** Which application of the profile (default 0). */
  readonly app?: number;
  /** Application Interchange Profile, hex. */
  readonly aip?: string;
  /** The application's AID (4F/84), hex: the PSE entry and the FCI follow it. */
  readonly aid?: string;
  /** Data objects in the application's records: replaced where present, else added to the record holding 5A. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly removeTags?: readonly string[];
  /** Mark the application's records 'unchecked' so deliberately malformed values (e.g. a 9-byte 8E) are kept. */
  readonly uncheckedRecords?: boolean;
  /** Card counters (atc, lastOnlineAtc, lcol, ucol). */
  readonly counters?: Readonly<Record<string, number>>;
  /** The card's own risk settings (emulator/profile-schema.ts `risk`). */
  readonly risk?: Readonly<Record<string, unknown>>;
  /** GET PROCESSING OPTIONS response format (1: tag 80, 2: tag 77) and the PDOL in the FCI. */
  readonly gpoFormat?: 1 | 2;
  readonly pdol?: string;
  /** Deliberate card faults (emulator/profile-schema.ts faultSchema), added to the profile's own. */
  readonly faults?: readonly Readonly<Record<string, unknown>>[];
  /** Offline PIN of the card (value, tryLimit, tryCounter). */
  readonly pin?: { readonly value: string; readonly tryLimit: number; readonly tryCounter: number };
  /** Application File Locator (94), hex. */
  readonly afl?: string;
  /** Whole records (emulator/profile-schema.ts recordSchema): replace the record with this SFI and number, else added. */
  readonly records?: readonly Readonly<Record<string, unknown>>[];
  /** Sign an AAC with CDA too (emulator/profile-schema.ts `cdaOnAac`). */
  readonly cdaOnAac?: boolean;
  /** The card's PSE instead of the profile's (emulator/profile-schema.ts pseSchema: records, DDFs); null: none. */
  readonly pse?: PseJson | null;
  /** Selection data of applications, in order; applied after the fields above (which change application `app`). */
  readonly applications?: readonly ApplicationOverride[];
}

/** Book 1 §12 data of one application of the profile, or of a copy of it appended to the card's applications. */
export interface ApplicationOverride {
  /** The application changed, or with `copy` the one copied (its records, keys and counters) and appended. */
  readonly app: number;
  readonly copy?: boolean;
  readonly aid?: string;
  readonly label?: string;
  /** Application Priority Indicator (87) b4–b1, 0 = none, and b8 (cardholder confirmation required). */
  readonly priority?: number;
  readonly confirmationRequired?: boolean;
  /** Language Preference (5F2D) letters, e.g. "frde"; null removes it. */
  readonly language?: string | null;
  /** Listed in the default PSE directory (ignored when the PSE lays out its records). */
  readonly inDirectory?: boolean;
}

/** Changes to a built-in terminal configuration (after kernel/config/load.ts validated it). */
export interface TerminalOverrides {
  /** Keep only these terminal AIDs (hex), in this order. */
  readonly onlyAids?: readonly string[];
  /** Applied to every AID entry. */
  readonly aid?: {
    readonly floorLimit?: number;
    readonly tacDenial?: string;
    readonly tacOnline?: string;
    readonly tacDefault?: string;
    readonly applicationVersion?: string;
    /** Application Selection Indicator: whether a card AID longer than the terminal's may match (Book 1 §12.3.1). */
    readonly partialSelection?: boolean;
    readonly randomSelection?: { threshold: number; targetPercent: number; maxTargetPercent: number };
    /** Default DDOL, hex; "" for none (Book 3 §10.3). */
    readonly defaultDdol?: string;
    /** The terminal's default TDOL, hex ("" = none; Book 3 §5.4). */
    readonly defaultTdol?: string;
  };
  /** Expiry dates (YYMMDD) given to the terminal's CA public keys of this RID and index (Book 2 §11.2). */
  readonly caKeyExpiry?: readonly { readonly rid: string; readonly index: number; readonly expiry: string }[];
  /** Issuer certificates the terminal holds as revoked (Book 2 §5.3 step 10): RID, CA index, serial number hex. */
  readonly revocationList?: readonly { readonly rid: string; readonly index: number; readonly serialNumber: string }[];
  readonly capabilities?: string;
  /** Terminal Type (9F35) digits, e.g. "22", and Additional Terminal Capabilities (9F40), hex. */
  readonly terminalType?: string;
  readonly additionalCapabilities?: string;
  readonly pinPadPresent?: boolean;
  /** The terminal's transaction log (oldest first), for the split-sales floor-limit check. */
  readonly transactionLog?: readonly { pan: string; panSequenceNumber?: number; amount: number; date?: string }[];
  /** PANs on the terminal exception file. */
  readonly exceptionFile?: readonly string[];
  readonly countryCode?: number;
  /** Whether the cardholder may choose and confirm applications (Book 1 §12.4). */
  readonly cardholderSelection?: boolean;
  /** The terminal's display languages, default first (Book 4 §11.1). */
  readonly languages?: readonly string[];
}

export interface CaseParams {
  readonly type?: TransactionType;
  /** Minor units; default 1234 (below every shipped floor limit except the zero ones). */
  readonly amount?: number;
  readonly otherAmount?: number;
  /** YYMMDD; default 251129. */
  readonly date?: string;
  /** Random selection draws 1..99, in order; default 99 (never selected). */
  readonly randomPercents?: readonly number[];
  readonly forceOnline?: boolean;
  /** PINs the cardholder enters, in order; undefined = bypass. Default: none (every PIN entry bypassed). */
  readonly pins?: readonly (string | undefined)[];
  /**
   * The issuer host: true (default) the emulator's host (emulator/host), false none configured, "unreachable" one
   * configured that does not answer (the terminal is "unable to go online", Book 3 §10.7).
   */
  readonly host?: boolean | "unreachable";
  /** Decision rules the host applies before its own (emulator/host/config.ts `rules`), e.g. a response code 08. */
  readonly hostRules?: readonly DecisionRule[];
  /** Issuer scripts the host sends (emulator/host/config.ts format). */
  readonly scripts?: readonly ScriptConfig[];
  /** The cardholder's PIN as the issuer holds it for this profile: online PIN blocks are checked against it. */
  readonly issuerPin?: string;
  /**
   * The cardholder's application choices, in order: the index in the list offered (priority order, Book 1 §12.4),
   * undefined to cancel. Default: the first offered (highest priority).
   */
  readonly choices?: readonly (number | undefined)[];
  /** The cardholder's answers when asked to confirm an application (API b8), in order. Default: confirmed. */
  readonly confirmations?: readonly boolean[];
  /** The language the cardholder picks when asked (Book 4 §11.1); default: none picked (terminal's default). */
  readonly language?: string;
}

/** The exact result; every field given is asserted. Hex strings upper case. */
export interface Expected {
  /** Omitted in matrix cases, which assert the invariants of the books instead (certification-tests/invariants.ts). */
  readonly outcome?: Outcome;
  /** Outcomes that must not happen (e.g. "terminated" for a well-formed card). */
  readonly never?: readonly Outcome[];
  readonly tvr?: string;
  readonly tsi?: string;
  /** 9F34; null = not set. */
  readonly cvmResults?: string | null;
  /** [requested, returned] per GENERATE AC. */
  readonly cryptograms?: readonly (readonly [CryptogramType, CryptogramType])[];
  readonly oda?: { readonly method: "CDA" | "DDA" | "SDA" | "none"; readonly result: string };
  /** APDU command names in order (CardSession trace names). */
  readonly commands?: readonly string[];
  /** Whole command APDUs (hex) of the first command of each name given, e.g. GET PROCESSING OPTIONS. */
  readonly apdus?: Readonly<Record<string, string>>;
  /** Every SELECT command APDU (hex), in order: which names were selected, first (P2 00) or next (P2 02). */
  readonly selects?: readonly string[];
  /** The cardholder's language and how it was chosen (Book 4 §11.1). */
  readonly language?: LanguageChoice;
  /** Every command APDU (hex) of each name given, in order (e.g. both GENERATE ACs with their CDOL data). */
  readonly apduSequence?: Readonly<Record<string, readonly string[]>>;
  /** Issuer Script Results (9F5B) as the transaction ends, hex ("" = no script processed). */
  readonly scriptResults?: string;
  /** An advice the card asked for (CID b4, Book 3 §10.8): the CID that asked, hex; null = no advice. */
  readonly advice?: string | null;
  /**
   * The Authorisation Response Code (8A) as the transaction ends, as text: the issuer's, or the one the terminal set
   * itself (Book 4 Annex A: Y1 / Z1 offline approved / declined, Y3 / Z3 unable to go online); null = none.
   */
  readonly arc?: string | null;
  /** A substring of the final reason. */
  readonly reasonContains?: string;
  /** Selected AID, hex. */
  readonly aid?: string;
  /** Why a terminated transaction ended (kernel/termination.ts). */
  readonly termination?: TerminationCause;
}

export interface CertCase {
  readonly id: string;
  readonly family: Family;
  readonly title: string;
  /** Book and section checked, e.g. "Book 3 §10.4.3". */
  readonly ref: string;
  readonly profile: string;
  readonly card?: CardOverrides;
  readonly config: string;
  readonly terminal?: TerminalOverrides;
  readonly params?: CaseParams;
  readonly expected: Expected;
  /** One line: why the books give this result. */
  readonly why: string;
  /** Extra checks every case of the matrix makes (invariants of the books); see matrix.ts. */
  readonly invariants?: boolean;
  /**
   * Values captured from a reviewed run, not derived from the books: a regression guard. Checked against emvsim's
   * own kernel only (never a pass criterion for a terminal under test) and labelled as such in every report.
   */
  readonly guard?: RegressionGuard;
}

export interface RegressionGuard {
  readonly expected: Expected;
  /** Where the values were captured, e.g. "certification-tests/fixtures/matrix-golden.json". */
  readonly source: string;
}

/** Every family a certify report can hold, in report order: contact, then Entry Point and C-3, then C-2. */
export const REPORT_FAMILIES = [...FAMILIES, ...CONTACTLESS_FAMILIES, ...C2_FAMILIES] as const;
export type ReportFamily = (typeof REPORT_FAMILIES)[number];
