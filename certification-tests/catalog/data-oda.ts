// Catalog: GPO / initiate (Book 3 §10.1, Book 1 §12.4), read application data (Book 3 §10.2) and offline data
// authentication (Book 3 §10.3, §10.8; Book 2 §5–§6, §11.2): status words, format 2 answers, AFL and record rules,
// CA key expiry and revocation, remainders, DDOL, SDAD length, SDA tag list, CDA on an AAC and on each GENERATE AC.

import { PSE, SDA_READS } from "./front.js";
import type { CardOverrides, CertCase, Expected } from "./types.js";

/** Selection of visa-offline-only's application, then GPO: where a GPO or AFL problem ends the transaction. */
const TO_GPO = [...PSE, "SELECT", "GET PROCESSING OPTIONS"] as const;
/** DDA card, visa-cvn10-dda AFL 08010100 10010101 18010200: four records (Book 3 §10.2). */
const DDA_READS = ["READ RECORD", "READ RECORD", "READ RECORD", "READ RECORD"] as const;
/** An online transaction that the issuer approves, with issuer authentication (AIP byte 1 b3 set). */
const ONLINE_APPROVED = [
  ["ARQC", "ARQC"],
  ["TC", "TC"],
] as const;

/** Ended before any TVR/TSI bit could be set, no GENERATE AC (Book 3 §10.1–§10.2 "terminate the transaction"). */
const NOTHING_SET = { tvr: "0000000000", tsi: "0000", cryptograms: [] } as const;

/** GET PROCESSING OPTIONS answered `sw`: only 6985 sends the terminal back to selection; anything else terminates. */
function gpoStatus(id: string, sw: string, meaning: string): CertCase {
  return {
    id,
    family: "GPO / initiate",
    title: `GPO answered ${sw} (${meaning}): the transaction is terminated, no return to selection`,
    ref: "Book 3 §10.1, §6.5.8.5; Book 1 §12.4",
    profile: "visa-offline-only",
    card: { faults: [{ kind: "sw", command: "GET PROCESSING OPTIONS", sw }] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: `SW ${sw}`,
      ...NOTHING_SET,
      commands: [...TO_GPO],
    },
    why: `Book 3 §10.1: only 6985 (conditions of use not satisfied) removes the application and returns to selection; ${sw} is an error status → terminate (card error) without another SELECT and without READ RECORD.`,
  };
}

/** The AFL replaced by `afl`: an entry Book 3 §10.2 does not allow ends the transaction before any READ RECORD. */
function badAfl(id: string, afl: string, what: string, rule: string): CertCase {
  return {
    id,
    family: "read application data",
    title: `AFL entry with ${what}: terminate before reading`,
    ref: "Book 3 §10.2",
    profile: "visa-offline-only",
    card: { afl },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "AFL (94)",
      ...NOTHING_SET,
      commands: [...TO_GPO],
    },
    why: `${rule} The bad entry is the first of the AFL, so no READ RECORD can be sent for it: terminate (card error) right after GPO; no ODA, so TVR and TSI stay 0.`,
  };
}

/** visa-offline-only SFI 1 record 1: Track 2 Equivalent Data (57) and Cardholder Name (5F20), as in the profile. */
const TRACK2 = ["57", "4761750000000001D301220100000000000F"] as const;
const NAME = ["5F20", "544553542F43415244484F4C444552"] as const;

/** A CDA card whose risk declines a TC request with an AAC (visa-cvn18-cda, card risk "decline"). */
const CDA_AAC: CardOverrides = { risk: { offline: "decline" } };
/**
 * visa-cvn18-cda asked for a TC with CDA (P1 50) answers an AAC: declined offline after one GENERATE AC, TSI E800
 * (ODA, CVM, card and terminal risk management). CDA "failed" sets B1b3; otherwise the TVR stays 0.
 */
function cdaAacCase(
  id: string,
  title: string,
  card: CardOverrides,
  cda: "not-performed" | "passed" | "failed",
  why: string,
): CertCase {
  return {
    id,
    ...ODA,
    title,
    ref: "Book 2 §6.6.2; Book 3 §10.8",
    profile: "visa-cvn18-cda",
    card,
    expected: {
      outcome: "declined",
      oda: { method: "CDA", result: cda },
      tvr: cda === "failed" ? "0400000000" : "0000000000",
      tsi: "E800",
      cryptograms: [["TC", "AAC"]],
      commands: [...TO_GPO, ...DDA_READS, "GENERATE AC"],
    },
    why,
  };
}

/** Offline data authentication cases on the attended POS. */
const ODA = { family: "ODA SDA/DDA/CDA", config: "attended-pos" } as const;
/** visa-cvn10-dda without its DDOL (9F49): the terminal's default DDOL decides (Book 2 §6.5.1). */
const NO_CARD_DDOL = { ...ODA, profile: "visa-cvn10-dda", card: { removeTags: ["9F49"] } } as const;

/**
 * SDA on visa-offline-only (AIP 5C00, attended-pos 9F33 C8 → SDA). Passed: only B1b2 'SDA selected', TC approved
 * offline (as ODA-SDA-001). Failed: B1b7 with B1b2; TAC-online DC has B1b7 → ARQC, which this card declines → AAC.
 */
function sdaCase(
  id: string,
  title: string,
  ref: string,
  setup: Pick<CertCase, "card" | "terminal">,
  sda: "passed" | "failed",
  why: string,
): CertCase {
  const expected: Expected =
    sda === "passed"
      ? { outcome: "approved", oda: { method: "SDA", result: "passed" }, tvr: "0200000000", tsi: "E800" }
      : {
          outcome: "declined",
          oda: { method: "SDA", result: "failed" },
          tvr: "4200000000",
          tsi: "E800",
          cryptograms: [["ARQC", "AAC"]],
        };
  return {
    id,
    family: "ODA SDA/DDA/CDA",
    title,
    ref,
    profile: "visa-offline-only",
    config: "attended-pos",
    ...setup,
    expected,
    why,
  };
}

export const DATA_ODA_CASES: readonly CertCase[] = [
  gpoStatus("GPO-SW-001", "6A81", "function not supported"),
  gpoStatus("GPO-SW-002", "6D00", "instruction not supported"),
  gpoStatus("GPO-SW-003", "6700", "wrong length"),
  {
    id: "GPO-FMT2-002",
    family: "GPO / initiate",
    title: "GPO format 2 answer (77) without the AIP (82): terminate",
    ref: "Book 3 §6.5.8.4, §10.1",
    profile: "visa-offline-only",
    card: { gpoFormat: 2, faults: [{ kind: "gpo-omit", tag: "82" }] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "no AIP (82)",
      ...NOTHING_SET,
      commands: [...TO_GPO],
    },
    why: "Book 3 §6.5.8.4: a format 2 response shall contain the AIP and the AFL; without 82 the terminal cannot know what the card supports → the answer is invalid → terminate (card error) before READ RECORD.",
  },
  {
    id: "GPO-FMT2-003",
    family: "GPO / initiate",
    title: "GPO format 2 answer (77) without the AFL (94): terminate",
    ref: "Book 3 §6.5.8.4, §10.1",
    profile: "visa-offline-only",
    card: { gpoFormat: 2, faults: [{ kind: "gpo-omit", tag: "94" }] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "no AFL (94)",
      ...NOTHING_SET,
      commands: [...TO_GPO],
    },
    why: "Book 3 §6.5.8.4: 94 is mandatory in format 2; without it there are no records to read, and 5A/5F24/8C/8D (Book 3 §7.2) cannot be found → terminate (card error) at GPO.",
  },
  {
    id: "GPO-PDOL-002",
    family: "GPO / initiate",
    title: "PDOL placed in 6F outside the FCI proprietary template A5: not a PDOL, GPO sends 83 00",
    ref: "Book 1 §11.3.4 Table 45; Book 3 §10.1",
    profile: "visa-offline-only",
    card: { faults: [{ kind: "pdol-outside-a5", pdol: "9F02069F1A02" }] },
    config: "attended-pos",
    expected: {
      outcome: "approved",
      apdus: { "GET PROCESSING OPTIONS": "80A8000002830000" },
      oda: { method: "SDA", result: "passed" },
      tvr: "0200000000",
      tsi: "E800",
      commands: [...TO_GPO, ...SDA_READS, "GENERATE AC"],
    },
    why: "Book 1 Table 45 defines the PDOL (9F38) as a data object of A5; a 9F38 directly in 6F is not the application's PDOL, so the card gave none → 83 00 (Lc 02). The card expects no PDOL data; the rest is ODA-SDA-001 (SDA passed, B1b2, TC approved offline). Had the misplaced PDOL been used, the card would answer 6700 and the transaction end.",
  },
  badAfl(
    "RD-AFL-002",
    "000101001001010118010200",
    "SFI 0",
    "Book 3 §10.2: the SFI in AFL byte 1 bits 8–4 is 1–30; SFI 0 names no file.",
  ),
  badAfl("RD-AFL-003", "F80101001001010118010200", "SFI 31", "Book 3 §10.2: SFI 31 (byte 1 F8) is RFU, outside 1–30."),
  badAfl(
    "RD-AFL-004",
    "080001001001010118010200",
    "first record 0",
    "Book 3 §10.2: AFL byte 2, the first record to read, shall not be 0 (records are numbered from 1).",
  ),
  badAfl(
    "RD-AFL-005",
    "080201001001010118010200",
    "last record 1 before first record 2",
    "Book 3 §10.2: AFL byte 3, the last record, shall be greater than or equal to byte 2.",
  ),
  badAfl(
    "RD-AFL-006",
    "080101021001010118010200",
    "2 ODA records in a range of 1",
    "Book 3 §10.2: AFL byte 4, the number of records for offline data authentication, shall not exceed the records from byte 2 to byte 3 (here 1).",
  ),
  {
    id: "RD-TPL-001",
    family: "read application data",
    title: "SFI 1 record answered in template 77 instead of 70: terminate",
    ref: "Book 3 §10.2",
    profile: "visa-offline-only",
    // 77 26 { 57 12 …, 5F20 0F … }: the same data objects, in the wrong template.
    card: { records: [{ sfi: 1, record: 1, raw: `7726${TRACK2[0]}12${TRACK2[1]}${NAME[0]}0F${NAME[1]}` }] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "SFI 1 record 1 is template 77, not 70",
      ...NOTHING_SET,
      commands: [...TO_GPO, "READ RECORD"],
    },
    why: "Book 3 §10.2: records of SFI 1–10 are coded in template 70; one that is not cannot be parsed as EMV data → terminate at the first READ RECORD (card error); ODA not reached, TVR 0.",
  },
  {
    id: "RD-TPL-002",
    family: "read application data",
    title: "SFI 11 record for ODA outside template 70: not a termination, SDA fails",
    ref: "Book 3 §10.2, §10.3",
    profile: "visa-offline-only",
    card: {
      afl: "08010100100101011801020058010101",
      records: [{ sfi: 11, record: 1, raw: "DF010101" }],
    },
    config: "attended-pos",
    expected: {
      outcome: "declined",
      oda: { method: "SDA", result: "failed" },
      tvr: "4200000000",
      tsi: "E800",
      cryptograms: [["ARQC", "AAC"]],
      commands: [...TO_GPO, ...SDA_READS, "READ RECORD", "GENERATE AC"],
    },
    why: "Book 3 §10.2 leaves SFI 11–30 to the issuer (no termination), but §10.3: a record for ODA from SFI 11–30 not coded in 70 makes ODA fail → B1b7 with B1b2; TAC-online DC has B1b7 → ARQC; this card declines ARQC requests → AAC.",
  },
  {
    id: "RD-DUP-001",
    family: "read application data",
    title: "Application Expiration Date (5F24) in two records: terminate at the second",
    ref: "Book 3 §10.2",
    profile: "visa-offline-only",
    card: { records: [{ sfi: 1, record: 1, tlvs: [TRACK2, NAME, ["5F24", "301231"]] }] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "data object 5F24 appears in SFI 1 record 1 and again in SFI 2 record 1",
      ...NOTHING_SET,
      commands: [...TO_GPO, "READ RECORD", "READ RECORD"],
    },
    why: "Book 3 §10.2: if a record contains a primitive data object that was already read, the terminal terminates; 5F24 comes in SFI 1 record 1 and again in SFI 2 record 1 → terminate after the second READ RECORD, no ODA.",
  },
  {
    id: "RD-DUP-002",
    family: "read application data",
    title: "Cardholder Name (5F20) twice in one record: terminate at that record",
    ref: "Book 3 §10.2",
    profile: "visa-offline-only",
    card: { records: [{ sfi: 1, record: 1, tlvs: [TRACK2, NAME, NAME], unchecked: true }] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "data object 5F20 appears in SFI 1 record 1 and again in SFI 1 record 1",
      ...NOTHING_SET,
      commands: [...TO_GPO, "READ RECORD"],
    },
    why: "Book 3 §10.2: the second 5F20 is a data object already read, even within one record → terminate at the first READ RECORD.",
  },
  {
    id: "RD-MAND-004",
    family: "read application data",
    title: "CDOL1 present but CDOL2 (8D) missing: mandatory data object → terminate after the last record",
    ref: "Book 3 §7.2, §10.2",
    profile: "visa-offline-only",
    card: { removeTags: ["8D"] },
    config: "attended-pos",
    expected: {
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "CDOL2 (8D)",
      ...NOTHING_SET,
      commands: [...TO_GPO, ...SDA_READS],
    },
    why: "Book 3 §7.2 lists 8D with 5F24, 5A and 8C as mandatory (an offline-only card needs no second GENERATE AC, the rule still applies); missing once every AFL record is read → terminate before ODA.",
  },
  sdaCase(
    "ODA-CAPK-001",
    "CA public key expired the day before the transaction (251128 < 9A 251129): SDA failed",
    "Book 2 §5.2, §11.2; Book 3 §10.3",
    { terminal: { caKeyExpiry: [{ rid: "A000000003", index: 1, expiry: "251128" }] } },
    "failed",
    "Book 2 §11.2: a CA key is withdrawn at its expiry date, so on 251129 the terminal has no usable key A000000003/01 → as §5.2 'CA key not present': SDA failed (B1b7, with B1b2); terminal-side, so not ICC data missing; TAC-online → ARQC → this card declines.",
  ),
  sdaCase(
    "ODA-CAPK-002",
    "CA public key expiring on the transaction date (251129): still used, SDA passes",
    "Book 2 §11.2; Book 3 §10.3",
    { terminal: { caKeyExpiry: [{ rid: "A000000003", index: 1, expiry: "251129" }] } },
    "passed",
    "The key is valid through its expiry date (boundary of ODA-CAPK-001) → ODA-SDA-001's result: SDA passed, only B1b2, TC approved offline.",
  ),
  sdaCase(
    "ODA-REV-001",
    "Issuer certificate A000000003 / 01 / serial 000001 on the revocation list: SDA failed",
    "Book 2 §5.3 step 10; Book 3 §10.3",
    { terminal: { revocationList: [{ rid: "A000000003", index: 1, serialNumber: "000001" }] } },
    "failed",
    "Book 2 §5.3 step 10: RID ‖ CA index ‖ certificate serial number (000001, the profile's) found on the revocation list → SDA failed (B1b7 with B1b2) → TAC-online → ARQC → the card declines.",
  ),
  sdaCase(
    "ODA-REV-002",
    "Revocation list naming another serial (000002): the certificate is not revoked, SDA passes",
    "Book 2 §5.3 step 10",
    { terminal: { revocationList: [{ rid: "A000000003", index: 1, serialNumber: "000002" }] } },
    "passed",
    "Step 10 matches the whole RID ‖ index ‖ serial; 000001 is not listed → ODA-SDA-001's result.",
  ),
  {
    id: "ODA-REM-001",
    ...ODA,
    title: "Issuer Public Key Remainder (92) missing although the 1152-bit key needs it: ICC data missing, SDA failed",
    ref: "Book 2 §5.1, §5.3 step 7; Book 3 §10.3",
    profile: "mastercard-cvn16-sda",
    card: { removeTags: ["92"] },
    expected: {
      outcome: "online-approved",
      oda: { method: "SDA", result: "failed" },
      tvr: "6200000000",
      tsi: "E800",
      cryptograms: ONLINE_APPROVED,
      commands: [...TO_GPO, ...SDA_READS, "GENERATE AC", "GENERATE AC"],
    },
    why: "CA key 02 has 176 bytes: the certificate holds NCA − 36 = 140 of the issuer modulus's 144 bytes, so 4 must come from 92 (Book 2 §5.1); without it the key cannot be rebuilt → ICC data missing (B1b6) and SDA failed (B1b7), with B1b2. This card always goes online (ARQC; TAC-online F4 has B1b7 too); the host approves; its CDOL2 asks for 91, so the ARPC goes in the second GENERATE AC (Book 3 §10.9) with no EXTERNAL AUTHENTICATE and TSI b5 stays clear → TC.",
  },
  {
    id: "ODA-DDOL-001",
    title: "Card without a DDOL (9F49): the terminal's default DDOL 9F3704 9F1A02 builds INTERNAL AUTHENTICATE",
    ref: "Book 2 §6.5.1; Book 3 §10.3, §6.5.9",
    ...NO_CARD_DDOL,
    terminal: { aid: { defaultDdol: "9F37049F1A02" } },
    expected: {
      outcome: "approved",
      oda: { method: "DDA", result: "passed" },
      tvr: "0000000000",
      tsi: "E800",
      apdus: { "INTERNAL AUTHENTICATE": "008800000611111111084000" },
      commands: [...TO_GPO, ...DDA_READS, "INTERNAL AUTHENTICATE", "GENERATE AC"],
    },
    why: "No 9F49 → the default DDOL, which holds 9F37: data = UN 11111111 (the catalog's random bytes) ‖ 9F1A 0840 → 00 88 00 00 06 … 00. The card signs whatever it gets; DDA passes; the rest as ODA-DDA-001 (TC, TVR 0). The card's own DDOL was 9F3704, so the 6-byte data shows the default was used.",
  },
  {
    id: "ODA-DDOL-002",
    title: "No DDOL in the card and no default DDOL: DDA failed with ICC data missing, no INTERNAL AUTHENTICATE",
    ref: "Book 2 §6.5.1; Book 3 §10.3",
    ...NO_CARD_DDOL,
    terminal: { aid: { defaultDdol: "" } },
    expected: {
      outcome: "online-approved",
      oda: { method: "DDA", result: "failed" },
      tvr: "2800000000",
      tsi: "F800",
      cryptograms: ONLINE_APPROVED,
      commands: [...TO_GPO, ...DDA_READS, "GENERATE AC", "EXTERNAL AUTHENTICATE", "GENERATE AC"],
    },
    why: "Book 2 §6.5.1: without a card DDOL the default DDOL is used; with neither there is no DDOL data → DDA failed (B1b4) and ICC data missing (B1b6) = 28, no INTERNAL AUTHENTICATE; TAC-online DC has B1b4 → ARQC; AIP 3C00 b3 → EXTERNAL AUTHENTICATE with the ARPC; approved → TC.",
  },
  {
    id: "ODA-DDA-005",
    ...ODA,
    title: "SDAD one byte longer than the ICC modulus (leading 00): DDA failed",
    ref: "Book 2 §6.5.2 step 1; Book 3 §10.3",
    profile: "visa-cvn10-dda",
    card: { faults: [{ kind: "sdad-length" }] },
    expected: {
      outcome: "online-approved",
      oda: { method: "DDA", result: "failed" },
      tvr: "0800000000",
      tsi: "F800",
      cryptograms: ONLINE_APPROVED,
    },
    why: "Book 2 §6.5.2 step 1: an SDAD whose length differs from the ICC modulus length (128) fails DDA, even though 00 ‖ signature is the same number → B1b4 → TAC-online → ARQC → approved online (as ODA-DDA-003).",
  },
  sdaCase(
    "ODA-SDA-006",
    "9F4A = 82 but the card signed its records without the AIP: SDA failed",
    "Book 3 §10.3; Book 2 §5.4 step 5",
    { card: { faults: [{ kind: "static-data-without-tag-list" }] } },
    "failed",
    "Book 3 §10.3: with 9F4A = 82 the AIP (5C00) is appended to the static data the terminal hashes; the SSAD's hash covers the records alone → hash mismatch (Book 2 §5.4 step 7) → B1b7 with B1b2 → ARQC → declined.",
  ),
  sdaCase(
    "ODA-SDA-007",
    "No Static Data Authentication Tag List (9F4A removed): the records alone are signed, SDA passes",
    "Book 3 §10.3; Book 2 §5.4",
    { card: { removeTags: ["9F4A"] } },
    "passed",
    "Without 9F4A nothing is appended to the ODA records; the card signed the same → SDA passes (together with ODA-SDA-001 and -006: the AIP is hashed exactly when 9F4A names it).",
  ),
  sdaCase(
    "ODA-SDA-008",
    "9F4A naming 5F24 instead of 82: SDA failed",
    "Book 3 §10.3",
    { card: { tags: { "9F4A": "5F24" } } },
    "failed",
    "Book 3 §10.3: a Static Data Authentication Tag List that holds any tag other than 82 makes offline data authentication fail (not ICC data missing) → B1b7 with B1b2 → ARQC → declined. The card signed its records ‖ 5F24's value 301231, so a terminal that hashed what the list names instead of refusing it would pass SDA.",
  ),
  cdaAacCase(
    "ODA-CDA-005",
    "CDA requested, the card answers with an unsigned AAC: nothing to verify, CDA not failed",
    CDA_AAC,
    "not-performed",
    "TVR 0 → TC with CDA (P1 50); the card declines → AAC, which by default carries no SDAD (Book 2 §6.6): no signature to check, so no CDA failed bit; the transaction is declined offline by the card. The ICC key was recovered (TSI b8) but the signature step never happened.",
  ),
  cdaAacCase(
    "ODA-CDA-006",
    "Card signs its AAC with CDA (cdaOnAac): the signature is checked and verifies",
    { ...CDA_AAC, cdaOnAac: true },
    "passed",
    "An AAC with 9F4B in its format 2 answer is verified like any CDA response (CID 00 in the signature, hash over PDOL, CDOL1 and response data) → verifies → CDA passed, TVR unchanged; the AAC still declines.",
  ),
  cdaAacCase(
    "ODA-CDA-007",
    "Card signs its AAC with CDA but the signature is bad: CDA failed (B1b3), declined",
    { ...CDA_AAC, cdaOnAac: true, faults: [{ kind: "bad-cda-signature", occurrence: 1 }] },
    "failed",
    "The SDAD of the AAC does not recover to a valid signature → CDA failed (B1b3); declined by the AAC in any case. Shows the terminal does check an AAC's signature when one is there (ODA-CDA-006 alone could pass without checking).",
  ),
  {
    id: "ODA-CDA-008",
    ...ODA,
    title: "CDA signature on the first GENERATE AC's ARQC does not verify: no online request, AAC at the second",
    ref: "Book 2 §6.6.2; Book 3 §10.8",
    profile: "visa-cvn18-cda",
    card: { faults: [{ kind: "bad-cda-signature", occurrence: 1 }] },
    expected: {
      outcome: "declined",
      oda: { method: "CDA", result: "failed" },
      tvr: "0400000000",
      tsi: "E800",
      cryptograms: [
        ["TC", "ARQC"],
        ["AAC", "AAC"],
      ],
      commands: [...TO_GPO, ...DDA_READS, "GENERATE AC", "GENERATE AC"],
    },
    why: "Book 2 §6.6.2: an ARQC whose CDA signature fails is not sent online (its cryptogram is not trusted): CDA failed (B1b3) and the terminal completes with a second GENERATE AC asking for an AAC; no EXTERNAL AUTHENTICATE, no issuer authentication (TSI b5 clear).",
  },
  {
    id: "ODA-CDA-009",
    ...ODA,
    title: "CDA signature on the second GENERATE AC's TC does not verify: declined after the issuer's approval",
    ref: "Book 2 §6.6.2; Book 3 §10.11",
    profile: "visa-cvn18-cda",
    card: { faults: [{ kind: "bad-cda-signature", occurrence: 2 }] },
    expected: {
      outcome: "online-declined",
      oda: { method: "CDA", result: "failed" },
      tvr: "0400000000",
      tsi: "F800",
      cryptograms: [
        ["TC", "ARQC"],
        ["TC", "TC"],
      ],
      commands: [...TO_GPO, ...DDA_READS, "GENERATE AC", "EXTERNAL AUTHENTICATE", "GENERATE AC"],
    },
    why: "The first ARQC verifies (as ODA-CDA-001), the issuer approves with an ARPC (TSI b5); the second GENERATE AC asks for a TC with CDA and its signature fails → CDA failed (B1b3) and Book 2 §6.6.2: the TC is not accepted → the transaction is declined.",
  },
];
