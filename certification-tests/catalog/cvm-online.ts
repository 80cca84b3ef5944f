// Catalog: every CVM condition and code (Book 3 §10.5, Annex C3 Tables 39/40), PIN retries and blocking, malformed
// CVM Lists, AIP bits clear, invalid CIDs and advices (Book 3 §10.8), referrals and the terminal's own 8A codes in
// the CDOL2 data (Book 3 §10.9–§10.11, Book 4 Annex A), the default TDOL (Book 3 §5.4, TVR B5b8), Issuer Script
// Results (9F5B) and script processing (Book 3 §10.10), transaction types (9C) and amounts out of range.
// Base cards: visa-offline-only (SDA: TVR B1b2 "SDA selected" = 0200000000; IACs zero; TC offline; declines every
// ARQC request) and visa-cvn10-dda (DDA passes: TVR 0000000000; TC up to 50.00; ARQC when asked; the host verifies it
// and answers with an ARPC). Terminal attended-pos: 9F35 22, 9F33 E0F8C8 (byte 2 F8: plaintext PIN, online PIN,
// signature, enciphered PIN, no CVM), TACs denial 0010000000 / online DC4004F800 / default DC4000A800, floor limit
// 50.00, random selection from 25.00; the harness's unpredictable number is 11111111 and the date 251129.

import { createHash } from "node:crypto";
import type { CaseParams, CertCase } from "./types.js";

const SDA = "visa-offline-only";
const DDA = "visa-cvn10-dda";
const POS = "attended-pos";
const PIN = { value: "1234", tryLimit: 3, tryCounter: 3 } as const;
/** A CVM List: amount X and Y (minor units, 4 bytes binary each) then the CV Rules (Book 3 Annex C3). */
const cvmList = (x: number, y: number, ...rules: string[]) =>
  `${x.toString(16).padStart(8, "0")}${y.toString(16).padStart(8, "0")}${rules.join("")}`.toUpperCase();

/** n12 amount as 6 bytes BCD (Book 3 Annex A, 9F02/9F03). */
const n12 = (minor: number) => String(minor).padStart(12, "0");
/** The Authorisation Response Code (8A, an 2) as hex of its two ASCII characters. */
const arcHex = (code: string) => Buffer.from(code, "ascii").toString("hex").toUpperCase();

interface CdolValues {
  readonly amount?: number;
  readonly other?: number;
  readonly tvr: string;
  readonly type?: string;
  readonly cvm?: string;
}

/** The shipped Visa CDOL1 9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704 9F3501 9F3403, terminal attended-pos. */
function cdol1Data(v: CdolValues): string {
  return `${n12(v.amount ?? 1234)}${n12(v.other ?? 0)}0840${v.tvr}0840251129${v.type ?? "00"}1111111122${v.cvm ?? "1E0300"}`;
}
/** The shipped Visa CDOL2 8A02 9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704. */
function cdol2Data(arc: string, v: CdolValues): string {
  return `${arcHex(arc)}${n12(v.amount ?? 1234)}${n12(v.other ?? 0)}0840${v.tvr}0840251129${v.type ?? "00"}11111111`;
}
/** GENERATE AC (Book 3 §6.5.5.2): 80 AE P1 00 Lc data 00; P1 b8–b7 AAC 00 / TC 40 / ARQC 80, b5 CDA. */
function generateAc(p1: string, data: string): string {
  return `80AE${p1}00${(data.length / 2).toString(16).padStart(2, "0").toUpperCase()}${data}00`;
}
const sha1 = (hex: string) => createHash("sha1").update(Buffer.from(hex, "hex")).digest("hex").toUpperCase();

const SDA_FRONT = ["SELECT", "READ RECORD", "READ RECORD", "SELECT", "GET PROCESSING OPTIONS"] as const;
const SDA_READS = ["READ RECORD", "READ RECORD", "READ RECORD", "READ RECORD"] as const;
const DDA_PRE = [...SDA_FRONT, ...SDA_READS, "INTERNAL AUTHENTICATE"] as const;
const ONLINE_TAIL = ["GENERATE AC", "EXTERNAL AUTHENTICATE", "GENERATE AC"] as const;
/** The SDA card's plain offline approval at attended-pos: SDA passed (B1b2), signature (1E0300), TC. */
const SDA_TC = {
  outcome: "approved",
  tvr: "0200000000",
  tsi: "E800",
  cvmResults: "1E0300",
  cryptograms: [["TC", "TC"]],
} as const;

/** Cardholder verification not performed on the SDA card (3F0000, TSI without b7: 80|20|08), TC offline. */
const NO_CVM_PERFORMED = {
  outcome: "approved",
  cvmResults: "3F0000",
  tvr: "0200000000",
  tsi: "A800",
  cryptograms: [["TC", "TC"]],
} as const;

const ONLINE = [
  ["ARQC", "ARQC"],
  ["TC", "TC"],
] as const;
const ONLINE_DECLINED = [
  ["ARQC", "ARQC"],
  ["AAC", "AAC"],
] as const;

/**
 * Conditions 01, 02, 04, 05 (Book 3 Annex C3 Table 40) on the SDA card: the rule under test, then 1F00 (No CVM,
 * always). When its condition holds the rule's signature is performed (result unknown, 00); when it does not, 1F00
 * applies (successful, 02). Either way no TVR byte 3 bit: TVR 0200000000, TC.
 */
function conditionCase(c: {
  readonly id: string;
  readonly title: string;
  readonly rule: string;
  readonly applies: boolean;
  readonly why: string;
  readonly config?: string;
  readonly params?: CaseParams;
  readonly tags?: Readonly<Record<string, string>>;
  readonly pin?: boolean;
}): CertCase {
  return {
    id: c.id,
    family: "cardholder verification",
    title: c.title,
    ref: "Book 3 §10.5, Annex C3 Table 40; Book 4 Annex A1 (9F35)",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, c.rule, "1F00"), ...c.tags }, ...(c.pin ? { pin: PIN } : {}) },
    config: c.config ?? POS,
    ...(c.params ? { params: c.params } : {}),
    expected: {
      outcome: "approved",
      cvmResults: c.applies ? `${c.rule}00` : "1F0002",
      tvr: "0200000000",
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
    },
    why: c.why,
  };
}

/**
 * Amount conditions 06–09 (Book 3 Annex C3 Table 40): 06/07 against X, 08/09 against Y, strictly under (<) or over
 * (>), and only for a transaction in the application currency (9F42 = 5F2A 0840). The rule 1Fcc (No CVM) then 1E03;
 * satisfied → 1Fcc02, else signature 1E0300. Amounts stay below the random-selection threshold 25.00 (draw 99).
 */
function amountCase(
  id: string,
  condition: "06" | "07" | "08" | "09",
  limit: number,
  amount: number,
  currency?: string,
) {
  const onX = condition === "06" || condition === "07";
  const under = condition === "06" || condition === "08";
  const inCurrency = currency === undefined;
  const holds = under ? amount < limit : amount > limit;
  const satisfied = inCurrency && holds;
  const name = `${under ? "under" : "over"} ${onX ? "X" : "Y"}`;
  const relation = `${amount} ${holds ? (under ? "<" : ">") : under ? "≮" : "≯"} ${onX ? "X" : "Y"} ${limit}`;
  const why = inCurrency
    ? `${relation} in the application currency → ${satisfied ? `1F${condition} applies → No CVM, successful (02)` : `1F${condition} skipped → 1E03 signature, unknown (00)`}.`
    : `${relation}, but 9F42 ${currency} ≠ 5F2A 0840: amount conditions hold only in the application currency → 1F${condition} skipped → 1E03.`;
  const c: CertCase = {
    id,
    family: "cardholder verification",
    title: `Condition ${condition} '${name}' (${limit / 100}), amount ${amount / 100}${inCurrency ? "" : `, 9F42 ${currency} ≠ 5F2A 0840`}: ${satisfied ? "applies" : "skipped"}`,
    ref: "Book 3 §10.5, Annex C3 Table 40",
    profile: SDA,
    card: {
      tags: {
        "8E": cvmList(onX ? limit : 0, onX ? 0 : limit, `1F${condition}`, "1E03"),
        ...(currency ? { "9F42": currency } : {}),
      },
    },
    config: POS,
    params: { amount },
    expected: {
      outcome: "approved",
      cvmResults: satisfied ? `1F${condition}02` : "1E0300",
      tvr: "0200000000",
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
    },
    why,
  };
  return c;
}

export const CVM_CONDITION_CASES: readonly CertCase[] = [
  {
    id: "CVM-COND-007",
    family: "cardholder verification",
    title: "Condition 01 'unattended cash' at an ATM (9F35 14) for cash: online PIN applies",
    ref: "Book 3 §10.5, Annex C3 Table 40; Book 4 Annex A1",
    profile: DDA,
    card: { tags: { "8E": cvmList(0, 0, "0201", "1F00") } },
    config: "atm",
    params: { type: "cash", pins: ["1234"] },
    expected: {
      outcome: "online-approved",
      cvmResults: "020100",
      tvr: "0000048000",
      tsi: "F800",
      cryptograms: ONLINE,
    },
    why: "9F35 14 has second digit 4 (unattended) and 9C 01 is cash → 0201 applies; 9F33 byte 2 40 supports online PIN → result unknown (00), B3b3; floor limit 0 → B4b8 → ARQC; the host approves with an ARPC → TC.",
  },
  conditionCase({
    id: "CVM-COND-008",
    title: "Condition 01 'unattended cash' on cash at an attended POS: skipped, No CVM",
    rule: "0201",
    applies: false,
    params: { type: "cash" },
    why: "9F35 22 is attended (second digit 2): cash here is manual cash, not unattended cash → 0201 skipped; 1F00 always applies.",
  }),
  conditionCase({
    id: "CVM-COND-009",
    title: "Condition 04 'manual cash' on cash at an attended POS: signature applies",
    rule: "1E04",
    applies: true,
    params: { type: "cash" },
    why: "Attended terminal and 9C 01 → manual cash → 1E04 applies; signature supported (9F33 byte 2 b6) → unknown (00).",
  }),
  conditionCase({
    id: "CVM-COND-010",
    title: "Condition 04 'manual cash' on cash at an unattended terminal (9F35 25): skipped, no VERIFY",
    rule: "0104",
    applies: false,
    config: "unattended",
    params: { type: "cash" },
    pin: true,
    why: "9F35 25 is unattended: cash there is not manual cash → 0104 skipped (no VERIFY); 9F33 E0D8C8 byte 2 has No CVM; 12.34 < floor limit 20.00, draw 99 above any target → TC.",
  }),
  conditionCase({
    id: "CVM-COND-011",
    title: "Condition 02 'not unattended cash, not manual cash, not cashback' on a purchase: applies",
    rule: "1E02",
    applies: true,
    why: "9C 00 purchase is neither cash nor cashback → 1E02 applies → signature, unknown.",
  }),
  conditionCase({
    id: "CVM-COND-012",
    title: "Condition 02 on a purchase with cashback: skipped, No CVM",
    rule: "1E02",
    applies: false,
    params: { type: "cashback", amount: 1234, otherAmount: 200 },
    tags: { "9F07": "FF80" },
    why: "9C 09 is purchase with cashback → 1E02 not satisfied → 1F00; AUC FF80 allows domestic cashback (no B2b5, Book 3 §10.4.2).",
  }),
  conditionCase({
    id: "CVM-COND-013",
    title: "Condition 02 on manual cash: skipped, No CVM",
    rule: "1E02",
    applies: false,
    params: { type: "cash" },
    why: "Cash at an attended terminal is manual cash → 1E02 not satisfied → 1F00 successful.",
  }),
  conditionCase({
    id: "CVM-COND-014",
    title: "Condition 05 'purchase with cashback' on a cashback: applies",
    rule: "1E05",
    applies: true,
    params: { type: "cashback", amount: 1234, otherAmount: 200 },
    tags: { "9F07": "FF80" },
    why: "9C 09 → 1E05 applies → signature, unknown (00).",
  }),
  {
    id: "CVM-COND-015",
    family: "cardholder verification",
    title: "Condition 03 'if terminal supports the CVM' with offline plaintext PIN supported: VERIFY, successful",
    ref: "Book 3 Annex C3 Table 40; Book 3 §10.5.1",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "0103", "1E03") }, pin: PIN },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "010302",
      tvr: "0200000000",
      commands: [...SDA_FRONT, ...SDA_READS, "GET DATA", "VERIFY", "GENERATE AC"],
    },
    why: "9F33 byte 2 b8 (plaintext PIN for ICC verification) set → 0103 applies; GET DATA 9F17 then VERIFY 9000 → successful (02).",
  },
  {
    id: "CVM-COND-024",
    family: "cardholder verification",
    title: "Condition 03 'if terminal supports the CVM' with plaintext PIN not in 9F33 (E078C8): skipped, no VERIFY",
    ref: "Book 3 Annex C3 Table 40; Book 4 Annex A2 (9F33)",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "0103", "1E03") }, pin: PIN },
    config: POS,
    terminal: { capabilities: "E078C8" },
    params: { pins: ["1234"] },
    expected: {
      ...SDA_TC,
      commands: [...SDA_FRONT, ...SDA_READS, "GENERATE AC"],
    },
    why: "9F33 byte 2 78 lacks b8 (plaintext PIN for ICC verification) → 0103's condition is not satisfied (the rule is skipped, not failed): no GET DATA 9F17, no VERIFY; 1E03 signature, supported → unknown.",
  },
  amountCase("CVM-COND-016", "08", 2000, 1234),
  amountCase("CVM-COND-017", "08", 2000, 2000),
  amountCase("CVM-COND-018", "09", 2000, 2001),
  amountCase("CVM-COND-019", "09", 2000, 2000),
  amountCase("CVM-COND-020", "07", 1000, 1234, "0978"),
  amountCase("CVM-COND-021", "06", 2000, 1234, "0978"),
  amountCase("CVM-COND-022", "09", 1000, 1234, "0978"),
  amountCase("CVM-COND-023", "08", 2000, 1234, "0978"),
];

export const CVM_CODE_CASES: readonly CertCase[] = [
  {
    id: "CVM-CODE-001",
    family: "cardholder verification",
    title: "CVM 00 'fail CVM processing', b7 clear: cardholder verification failed",
    ref: "Book 3 §10.5, Annex C3 Table 39",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "0000", "1F00") } },
    config: POS,
    expected: {
      outcome: "approved",
      cvmResults: "000001",
      tvr: "0200800000",
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
    },
    why: "Rule 0000 always applies and fails; b7 = 0 → stop: B3b8, CVM Results 00 00 01; B3b8 is in no Visa TAC (byte 3 00/04/00) and the IACs are zero → TC.",
  },
  {
    id: "CVM-CODE-002",
    family: "cardholder verification",
    title: "CVM 40 'fail CVM processing' with b7 'apply succeeding rule': next rule No CVM",
    ref: "Book 3 §10.5, Annex C3 Table 39",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "4000", "1F00") } },
    config: POS,
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "1F0002",
      tvr: "0200000000",
    },
    why: "4000 fails but b7 = 1 → 1F00 succeeds; a later success leaves B3b8 clear.",
  },
  {
    id: "CVM-CODE-003",
    family: "cardholder verification",
    title: "CVM 03 offline plaintext PIN and signature, right PIN: result unknown, signature still due",
    ref: "Book 3 §10.5, §10.5.1, Annex C3 Table 39; Book 4 Annex A4",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "0300") }, pin: PIN },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "030000",
      tvr: "0200000000",
      apdus: { VERIFY: "0020008008<PIN block withheld>" },
      commands: [...SDA_FRONT, ...SDA_READS, "GET DATA", "VERIFY", "GENERATE AC"],
    },
    why: "9F33 byte 2 has plaintext PIN (80) and signature (20) → supported; VERIFY P2 80 with the 8-byte format 2 block answers 9000; with a signature still to check on the receipt the result is unknown (00).",
  },
  {
    id: "CVM-CODE-004",
    family: "cardholder verification",
    title: "CVM 04 offline enciphered PIN: GET CHALLENGE, VERIFY P2 88, successful",
    ref: "Book 3 §10.5.1, Annex C3 Table 39; Book 2 §7.2",
    profile: DDA,
    card: { tags: { "8E": cvmList(0, 0, "0400") }, pin: PIN },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "040002",
      tvr: "0000000000",
      tsi: "E800",
      apdus: { VERIFY: "0020008880<PIN block withheld>" },
      commands: [...DDA_PRE, "GET DATA", "GET CHALLENGE", "VERIFY", "GENERATE AC"],
    },
    why: "Code 04 is offline enciphered PIN (Table 39; online PIN is 02); 9F33 byte 2 b5 set; no PIN encipherment key on the card → the ICC key (1024 bits, Book 2 §7.1) enciphers the block with the ICC challenge → VERIFY P2 88, Lc 80 (128 bytes) → 9000 → 02.",
  },
  {
    id: "CVM-CODE-005",
    family: "cardholder verification",
    title: "CVM 05 offline enciphered PIN and signature, right PIN: result unknown",
    ref: "Book 3 §10.5.1, Annex C3 Table 39; Book 4 Annex A4",
    profile: DDA,
    card: { tags: { "8E": cvmList(0, 0, "0500") }, pin: PIN },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "050000",
      tvr: "0000000000",
      commands: [...DDA_PRE, "GET DATA", "GET CHALLENGE", "VERIFY", "GENERATE AC"],
    },
    why: "Enciphered PIN (b5) and signature (b6) both in 9F33 byte 2 → PIN verified by the card, signature still due → unknown (00).",
  },
  {
    id: "CVM-CODE-006",
    family: "cardholder verification",
    title: "CVM 44 (enciphered PIN, apply succeeding) bypassed: next rule signature",
    ref: "Book 3 §10.5, §10.5.1, Annex C3",
    profile: DDA,
    card: { tags: { "8E": cvmList(0, 0, "4400", "1E00") }, pin: PIN },
    config: POS,
    params: { pins: [undefined] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "1E0000",
      tvr: "0000080000",
    },
    why: "PIN entry bypassed → B3b4, the PIN CVM fails; b7 = 1 → 1E00 signature → unknown (00); B3b8 stays clear.",
  },
  {
    id: "CVM-CODE-007",
    family: "cardholder verification",
    title: "CVM 04 (enciphered PIN, b7 clear) bypassed: cardholder verification failed",
    ref: "Book 3 §10.5, §10.5.1, Annex C3",
    profile: DDA,
    card: { tags: { "8E": cvmList(0, 0, "0400", "1E00") }, pin: PIN },
    config: POS,
    params: { pins: [undefined] },
    expected: {
      tsi: "E800",
      outcome: "approved",
      cvmResults: "040001",
      tvr: "0000880000",
      cryptograms: [["TC", "TC"]],
    },
    why: "Bypass → B3b4; b7 = 0 → the next rule is not tried: failed (01), B3b8; neither bit is in the Visa TACs → TC.",
  },
];

export const CVM_PIN_CASES: readonly CertCase[] = [
  {
    id: "CVM-PIN-008",
    family: "cardholder verification",
    title: "Wrong offline PIN twice (63C2, 63C1), then the right one (9000): successful",
    ref: "Book 3 §10.5.1; Book 3 §6.5.12.4",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "0100") }, pin: PIN },
    config: POS,
    params: { pins: ["1111", "2222", "1234"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "010002",
      tvr: "0200000000",
      commands: [...SDA_FRONT, ...SDA_READS, "GET DATA", "VERIFY", "VERIFY", "VERIFY", "GENERATE AC"],
    },
    why: "63Cx = wrong PIN, x tries left: the terminal asks again while x > 0; the third VERIFY answers 9000 → successful; no TVR byte 3 bit (the limit was never reached).",
  },
  {
    id: "CVM-PIN-009",
    family: "cardholder verification",
    title: "PIN blocked during VERIFY (6983) although GET DATA 9F17 said 3 tries: try limit exceeded",
    ref: "Book 3 §10.5.1; Book 3 §6.5.12.4",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "0100") }, pin: PIN, faults: [{ kind: "sw", command: "VERIFY", sw: "6983" }] },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "010001",
      tvr: "0200A00000",
      commands: [...SDA_FRONT, ...SDA_READS, "GET DATA", "VERIFY", "GENERATE AC"],
    },
    why: "6983 (authentication method blocked) → B3b6 'PIN Try Limit exceeded', no further VERIFY; b7 = 0 → failed, B3b8; not in the Visa TACs → TC.",
  },
  {
    id: "CVM-PIN-010",
    family: "cardholder verification",
    title: "Three wrong PINs (63C2, 63C1, 63C0), rule 41 'apply succeeding': try limit exceeded, then signature",
    ref: "Book 3 §10.5, §10.5.1",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "4100", "1E00") }, pin: PIN },
    config: POS,
    params: { pins: ["1111", "2222", "3333"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "1E0000",
      tvr: "0200200000",
      commands: [...SDA_FRONT, ...SDA_READS, "GET DATA", "VERIFY", "VERIFY", "VERIFY", "GENERATE AC"],
    },
    why: "63C0 → B3b6; the PIN CVM failed with b7 = 1 → 1E00 signature → unknown (00); B3b6 stays, B3b8 does not (a later CVM succeeded).",
  },
  {
    id: "CVM-PIN-011",
    family: "cardholder verification",
    title: "PIN Try Counter 0 by GET DATA, rule 41 'apply succeeding': no VERIFY, No CVM",
    ref: "Book 3 §10.5.1",
    profile: SDA,
    card: { tags: { "8E": cvmList(0, 0, "4100", "1F00") }, pin: { value: "1234", tryLimit: 3, tryCounter: 0 } },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "1F0002",
      tvr: "0200200000",
      commands: [...SDA_FRONT, ...SDA_READS, "GET DATA", "GENERATE AC"],
    },
    why: "9F17 = 0 → B3b6 and the CVM fails without PIN entry or VERIFY; b7 = 1 → 1F00 succeeds.",
  },
  {
    id: "CVM-LIST-002",
    family: "cardholder verification",
    title: "CVM List of 9 bytes (amounts and half a rule): treated as missing, ICC data missing",
    ref: "Book 3 §10.5; Book 3 Annex A (8E: 10–252 bytes)",
    profile: SDA,
    card: { tags: { "8E": "000000000000000001" }, uncheckedRecords: true },
    config: POS,
    expected: {
      outcome: "approved",
      cvmResults: "3F0000",
      tvr: "2200000000",
      tsi: "A800",
      cryptograms: [["TC", "TC"]],
    },
    why: "A CVM List holds X, Y and whole 2-byte rules; 9 bytes cannot be processed → as if absent: B1b6 'ICC data missing', CVM not performed (3F0000), TSI b7 clear; B1b6 (20) is not in DC/00/DC → TC.",
  },
  {
    id: "CVM-LIST-003",
    family: "cardholder verification",
    title: "CVM List of 7 bytes (shorter than X and Y): treated as missing, ICC data missing",
    ref: "Book 3 §10.5; Book 3 Annex A (8E)",
    profile: SDA,
    card: { tags: { "8E": "00000000000000" }, uncheckedRecords: true },
    config: POS,
    expected: {
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      cvmResults: "3F0000",
      tvr: "2200000000",
      tsi: "A800",
    },
    why: "Not even the 8 bytes of X and Y → no usable list → B1b6, 3F0000, TSI b7 clear.",
  },
  {
    id: "CVM-LIST-004",
    family: "cardholder verification",
    title: "CVM List with X and Y only (8 bytes, no CV Rule): no CVM performed, no TVR bit",
    ref: "Book 3 §10.5",
    profile: SDA,
    card: { tags: { "8E": "0000000000000000" }, uncheckedRecords: true },
    config: POS,
    expected: {
      ...NO_CVM_PERFORMED,
    },
    why: "A list present with no CV Rules ends cardholder verification without setting TSI b7; nothing is missing, so no TVR bit.",
  },
  {
    id: "CVM-AIP-001",
    family: "cardholder verification",
    title: "AIP without 'cardholder verification supported' (4C00): no CVM, TSI b7 clear, 3F0000",
    ref: "Book 3 §10.5; Book 3 Annex C1 (AIP B1b5)",
    profile: SDA,
    card: { aip: "4C00", pin: PIN, tags: { "8E": cvmList(0, 0, "0100") } },
    config: POS,
    params: { pins: ["1234"] },
    expected: {
      ...NO_CVM_PERFORMED,
      commands: [...SDA_FRONT, ...SDA_READS, "GENERATE AC"],
    },
    why: "AIP B1b5 clear → cardholder verification is not performed although the list asks for PIN: no VERIFY, no TVR byte 3 bit, TSI 80|20|08 = A8.",
  },
];

export const TRM_AIP_CASES: readonly CertCase[] = [
  {
    id: "TRM-AIP-001",
    family: "terminal risk management",
    title: "AIP without 'terminal risk management is to be performed' (5400): the floor limit is still checked",
    ref: "Book 3 §10.6, §10.6.1; Book 4 §6.3.5",
    profile: SDA,
    card: { aip: "5400" },
    config: POS,
    params: { amount: 5000 },
    expected: {
      cvmResults: "1E0300",
      outcome: "declined",
      tvr: "0200008000",
      tsi: "E800",
      cryptograms: [["ARQC", "AAC"]],
    },
    why: "The terminal performs terminal risk management whatever AIP B1b4 says (a card cannot switch off the terminal's floor limit): 5000 ≥ 5000 → B4b8, TSI b4; TAC-online F8 → ARQC; this card declines ARQC requests.",
  },
];

export const ACTION_AIP_CASES: readonly CertCase[] = [
  {
    id: "TAA-AIP-001",
    family: "terminal action analysis",
    title: "AIP with no ODA method (1C00) on the SDA card: ODA not performed → online codes → ARQC",
    ref: "Book 3 §10.3, §10.7; Book 3 Annex C1",
    profile: SDA,
    card: { aip: "1C00" },
    config: POS,
    expected: {
      cvmResults: "1E0300",
      outcome: "declined",
      tvr: "8000000000",
      tsi: "6800",
      oda: { method: "none", result: "not-performed" },
      cryptograms: [["ARQC", "AAC"]],
    },
    why: "No SDA/DDA/CDA bit → B1b8 'ODA not performed', TSI b8 clear; TAC-online DC has B1b8 → ARQC; the card declines ARQC requests → AAC.",
  },
];

export const CARD_ACTION_CASES: readonly CertCase[] = [
  {
    id: "CAA-CID-001",
    family: "card action analysis",
    title: "First GENERATE AC answers CID C0 (cryptogram type 11, RFU): terminated",
    ref: "Book 3 §10.8; Book 3 §6.5.5.4 Table 14",
    profile: SDA,
    card: { faults: [{ kind: "cid-byte", occurrence: 1, cid: "C0" }] },
    config: POS,
    expected: {
      tvr: "0200000000",
      cvmResults: "1E0300",
      outcome: "terminated",
      termination: "card-error",
      reasonContains: "CID C0 has the RFU cryptogram type 11",
      commands: [...SDA_FRONT, ...SDA_READS, "GENERATE AC"],
    },
    why: "CID b8–b7 = 11 is RFU: the answer is no cryptogram the terminal can act on → terminate.",
  },
  {
    id: "CAA-CID-002",
    family: "card action analysis",
    title: "CID 70 (TC with payment-system-specific bits b6–b5 = 11): a TC, approved",
    ref: "Book 3 §6.5.5.4 Table 14, §10.8",
    profile: SDA,
    card: { faults: [{ kind: "cid-byte", occurrence: 1, cid: "70" }] },
    config: POS,
    expected: {
      ...SDA_TC,
      advice: null,
    },
    why: "b8–b7 = 01 → TC; b6–b5 are the payment system's own bits and b4 (advice) is clear → approved offline, no advice.",
  },
  {
    id: "CAA-ADV-001",
    family: "card action analysis",
    title: "TC with 'advice required' (CID 48): approved, advice recorded",
    ref: "Book 3 §10.8; Book 3 §6.5.5.4 Table 14",
    profile: SDA,
    card: { faults: [{ kind: "cid-byte", occurrence: 1, cid: "48" }] },
    config: POS,
    expected: {
      ...SDA_TC,
      advice: "48",
    },
    why: "CID b4 set → the card asks for an advice: the terminal records one with the transaction; the TC still approves.",
  },
  {
    id: "CAA-ADV-002",
    family: "card action analysis",
    title: "AAC with advice and reason 'service not allowed' (CID 09): declined, advice recorded",
    ref: "Book 3 §10.8; Book 3 §6.5.5.4 Table 14",
    profile: SDA,
    card: { faults: [{ kind: "cid-byte", occurrence: 1, cid: "09" }] },
    config: POS,
    expected: {
      tsi: "E800",
      cvmResults: "1E0300",
      outcome: "declined",
      tvr: "0200000000",
      cryptograms: [["TC", "AAC"]],
      advice: "09",
    },
    why: "b8–b7 = 00 → AAC: declined offline; b4 → advice; b3–b1 001 'service not allowed' is the advice's reason code.",
  },
  {
    id: "CAA-ADV-003",
    family: "card action analysis",
    title: "Second GENERATE AC answers TC with advice (CID 48): online approved, advice recorded",
    ref: "Book 3 §10.8, §10.11",
    profile: DDA,
    card: { faults: [{ kind: "cid-byte", occurrence: 2, cid: "48" }] },
    config: POS,
    params: { amount: 5000 },
    expected: {
      cvmResults: "1E0300",
      outcome: "online-approved",
      tvr: "0000008000",
      tsi: "F800",
      cryptograms: ONLINE,
      advice: "48",
    },
    why: "An advice may be asked for at either GENERATE AC; the TC at completion still approves.",
  },
  {
    id: "CAA-TDOL-001",
    family: "card action analysis",
    title: "CDOL1 asks for the TC Hash Value (98), card without TDOL: default TDOL, TVR B5b8, hash exact",
    ref: "Book 3 §5.4, §10.7 (TC Hash Value); Book 3 Annex C5 B5b8",
    profile: SDA,
    card: { tags: { "8C": "9F02069F03069F1A0295055F2A029A039C019F37049F35019F34039814" } },
    config: POS,
    expected: {
      tsi: "E800",
      cvmResults: "1E0300",
      outcome: "approved",
      tvr: "0200000080",
      cryptograms: [["TC", "TC"]],
      apduSequence: {
        "GENERATE AC": [
          generateAc(
            "40",
            `${cdol1Data({ tvr: "0200000080" })}${sha1([n12(1234), "0840", "251129", "00", "0200000080", "11111111"].join(""))}`,
          ),
        ],
      },
    },
    why: "No 97 on the card → the terminal's default TDOL 9F0206 5F2A02 9A03 9C01 9505 9F3704 and B5b8 'Default TDOL used' (set before the TDOL data is built, so 95 in it already has it); 98 = SHA-1 of 000000001234 0840 251129 00 0200000080 11111111; B5b8 is in no TAC → TC.",
  },
  {
    id: "CAA-TDOL-002",
    family: "card action analysis",
    title: "CDOL1 asks for 98 and the card has a TDOL (9F0206 5F2A02): no B5b8, hash of the card's TDOL data",
    ref: "Book 3 §5.4; Book 3 Annex C5 B5b8",
    profile: SDA,
    card: { tags: { "8C": "9F02069F03069F1A0295055F2A029A039C019F37049F35019F34039814", "97": "9F02065F2A02" } },
    config: POS,
    expected: {
      ...SDA_TC,
      apduSequence: {
        "GENERATE AC": [generateAc("40", `${cdol1Data({ tvr: "0200000000" })}${sha1(`${n12(1234)}0840`)}`)],
      },
    },
    why: "The card's own TDOL is used → B5b8 stays clear; 98 = SHA-1 of 000000001234 0840.",
  },
  {
    id: "CAA-TDOL-003",
    family: "card action analysis",
    title: "CDOL1 asks for 98, no TDOL on the card nor in the terminal: hash of no data, no B5b8",
    ref: "Book 3 §5.4; Book 3 Annex C5 B5b8",
    profile: SDA,
    card: { tags: { "8C": "9F02069F03069F1A0295055F2A029A039C019F37049F35019F34039814" } },
    config: POS,
    terminal: { aid: { defaultTdol: "" } },
    expected: {
      ...SDA_TC,
      apduSequence: { "GENERATE AC": [generateAc("40", `${cdol1Data({ tvr: "0200000000" })}${sha1("")}`)] },
    },
    why: "Without any TDOL the TDOL data is empty: 98 = SHA-1 of nothing (DA39A3EE…); no default TDOL was used → B5b8 clear.",
  },
];

/** The DDA card's 50.00 purchase (floor limit reached: TVR 0000008000) at the first GENERATE AC (ARQC, P1 80). */
const AT_FLOOR = { amount: 5000, tvr: "0000008000" } as const;
/** Both GENERATE ACs of that purchase: the ARQC, then P1 `p1` with the Authorisation Response Code `arc` in CDOL2. */
const bothGenerateAcs = (p1: string, arc: string) => ({
  "GENERATE AC": [generateAc("80", cdol1Data(AT_FLOOR)), generateAc(p1, cdol2Data(arc, AT_FLOOR))],
});

/** Book 4 Annex A (8A 01/02): an issuer referral; this terminal has no voice path, so it completes declined. */
function referralCase(id: string, code: "01" | "02", title: string, why: string): CertCase {
  return {
    id,
    family: "online processing / issuer authentication",
    title,
    ref: "Book 3 §10.9, §10.11; Book 4 Annex A (8A)",
    profile: DDA,
    config: POS,
    params: { amount: 5000, hostRules: [{ decision: "referral", responseCode: code }] },
    expected: {
      outcome: "online-declined",
      tvr: "0000008000",
      tsi: "F800",
      cryptograms: ONLINE_DECLINED,
      cvmResults: "1E0300",
      reasonContains: `issuer referral (${code})`,
      commands: [...DDA_PRE, ...ONLINE_TAIL],
      apduSequence: bothGenerateAcs("00", code),
    },
    why,
  };
}

export const ONLINE_REFERRAL_CASES: readonly CertCase[] = [
  referralCase(
    "ONL-REF-001",
    "01",
    "Issuer referral 8A '01': no voice referral here, AAC with 8A 3031 in the CDOL2 data",
    "A referral is not an approval; this terminal has no attendant voice-authorisation path, so it completes as a decline (AAC, P1 00) and passes the issuer's 8A '01' to the card; the ARPC over 01 still verifies at EXTERNAL AUTHENTICATE (TSI b5).",
  ),
  referralCase(
    "ONL-REF-002",
    "02",
    "Issuer referral 8A '02' (special condition): AAC with 8A 3032 in the CDOL2 data",
    "As ONL-REF-001 with the other referral code: the card sees the issuer's '02' in the second GENERATE AC.",
  ),
];

export const COMPLETION_ARC_CASES: readonly CertCase[] = [
  {
    id: "CMP-ARC-001",
    family: "completion",
    title: "Unable to go online, default codes do not match: TC with 8A 'Y3' (5933) in the CDOL2 data",
    ref: "Book 3 §10.7, §10.11; Book 4 Annex A (8A Y3)",
    profile: DDA,
    config: POS,
    terminal: { aid: { tacDefault: "0000000000" } },
    params: { amount: 5000, host: "unreachable" },
    expected: {
      cvmResults: "1E0300",
      outcome: "approved",
      tvr: "0000008000",
      tsi: "E800",
      cryptograms: [
        ["ARQC", "ARQC"],
        ["TC", "TC"],
      ],
      apduSequence: bothGenerateAcs("40", "Y3"),
    },
    why: "B4b8 → ARQC; the host does not answer → default codes: TAC-default 00 and IAC-default 00 → TC (P1 40) with the terminal's 'Y3' (unable to go online, offline approved); no EXTERNAL AUTHENTICATE (TSI b5 clear).",
  },
  {
    id: "CMP-ARC-002",
    family: "completion",
    title: "Unable to go online, TAC-default holds B4b8: AAC with 8A 'Z3' (5A33) in the CDOL2 data",
    ref: "Book 3 §10.7, §10.11; Book 4 Annex A (8A Z3)",
    profile: DDA,
    config: POS,
    params: { amount: 5000, host: "unreachable" },
    expected: {
      tsi: "E800",
      cvmResults: "1E0300",
      outcome: "declined",
      tvr: "0000008000",
      cryptograms: ONLINE_DECLINED,
      apduSequence: bothGenerateAcs("00", "Z3"),
    },
    why: "TAC-default DC4000A800 byte 4 A8 has B4b8 → AAC (P1 00) with 'Z3' (unable to go online, offline declined).",
  },
  {
    id: "CMP-ARC-003",
    family: "completion",
    title: "CDA fails on the ARQC: no authorisation, AAC with 8A 'Z1' (5A31) in the CDOL2 data",
    ref: "Book 2 §6.6.2; Book 3 §10.8, §10.11; Book 4 Annex A (8A Z1)",
    profile: "visa-cvn18-cda",
    card: { faults: [{ kind: "bad-sdad-signature" }] },
    config: POS,
    expected: {
      tsi: "E800",
      cvmResults: "1E0300",
      outcome: "declined",
      tvr: "0400000000",
      cryptograms: [
        ["TC", "ARQC"],
        ["AAC", "AAC"],
      ],
      apduSequence: {
        "GENERATE AC": [
          generateAc("50", cdol1Data({ tvr: "0000000000" })),
          generateAc("00", cdol2Data("Z1", { tvr: "0400000000" })),
        ],
      },
    },
    why: "TVR 0 → TC with CDA (P1 40|10); the card answers ARQC with a signature that does not verify → B1b3 'CDA failed'; the terminal does not go online and completes offline declined: AAC (no CDA on an AAC request) with 'Z1'.",
  },
];

const unblock = { command: "application-unblock" as const };

export const SCRIPT_RESULT_CASES: readonly CertCase[] = [
  {
    id: "SCR-MIX-001",
    family: "issuer scripts",
    title: "Scripts 71 and 72 in one response: one command before, one after the second GENERATE AC; 9F5B exact",
    ref: "Book 3 §10.10; Book 3 Annex A (9F5B)",
    profile: DDA,
    config: POS,
    params: {
      amount: 5000,
      scripts: [
        { template: 71, id: "00000011", commands: [unblock] },
        { template: 72, id: "00000012", commands: [unblock] },
      ],
    },
    expected: {
      cvmResults: "1E0300",
      outcome: "online-approved",
      tvr: "0000008000",
      tsi: "FC00",
      cryptograms: ONLINE,
      scriptResults: "20000000112000000012",
      commands: [
        ...DDA_PRE,
        "GENERATE AC",
        "EXTERNAL AUTHENTICATE",
        "APPLICATION UNBLOCK",
        "GENERATE AC",
        "APPLICATION UNBLOCK",
      ],
    },
    why: "71 before the final GENERATE AC, 72 after it; 9F5B: per script result nibble 2 (successful) ‖ sequence 0, then 9F18, in processing order.",
  },
  {
    id: "SCR-MUL-001",
    family: "issuer scripts",
    title: "Two scripts 71 of two commands each (the second without 9F18): four commands, 9F5B of 10 bytes",
    ref: "Book 3 §10.10; Book 3 Annex A (9F5B)",
    profile: DDA,
    config: POS,
    params: {
      amount: 5000,
      scripts: [
        { template: 71, id: "00000021", commands: [unblock, { command: "put-data", tag: "9F4F", value: "01" }] },
        { template: 71, commands: [unblock, unblock] },
      ],
    },
    expected: {
      cvmResults: "1E0300",
      cryptograms: ONLINE,
      outcome: "online-approved",
      tvr: "0000008000",
      tsi: "FC00",
      scriptResults: "20000000212000000000",
      commands: [
        ...DDA_PRE,
        "GENERATE AC",
        "EXTERNAL AUTHENTICATE",
        "APPLICATION UNBLOCK",
        "PUT DATA",
        "APPLICATION UNBLOCK",
        "APPLICATION UNBLOCK",
        "GENERATE AC",
      ],
    },
    why: "Every 86 of every script is sent in order; a script without an Issuer Script Identifier gets 00000000 in its 9F5B entry.",
  },
  {
    id: "SCR-MID-001",
    family: "issuer scripts",
    title: "Middle command of three refused (6988): the third is not sent, the next script still runs",
    ref: "Book 3 §10.10; Book 3 Annex A (9F5B)",
    profile: DDA,
    config: POS,
    params: {
      amount: 5000,
      scripts: [
        {
          template: 71,
          id: "00000031",
          commands: [unblock, { command: "raw", header: "84DA9F4F", data: "01", badMac: true }, unblock],
        },
        { template: 71, id: "00000032", commands: [unblock] },
      ],
    },
    expected: {
      cvmResults: "1E0300",
      cryptograms: ONLINE,
      outcome: "online-approved",
      tvr: "0000008020",
      tsi: "FC00",
      scriptResults: "12000000312000000032",
      commands: [
        ...DDA_PRE,
        "GENERATE AC",
        "EXTERNAL AUTHENTICATE",
        "APPLICATION UNBLOCK",
        "PUT DATA",
        "APPLICATION UNBLOCK",
        "GENERATE AC",
      ],
    },
    why: "SW1 69 on command 2 ends that script: 9F5B 1 (failed) ‖ 2 (sequence); B5b6 'script processing failed before final GENERATE AC'; script 00000032 is its own and succeeds (one command): 2 + 1 = 3 commands sent.",
  },
  {
    id: "SCR-WARN-001",
    family: "issuer scripts",
    title: "First script command answers 6283 (warning): processing continues, script successful",
    ref: "Book 3 §10.10",
    profile: DDA,
    card: { faults: [{ kind: "sw", command: "ISSUER SCRIPT", sw: "6283", occurrence: 1 }] },
    config: POS,
    params: { amount: 5000, scripts: [{ template: 71, id: "00000041", commands: [unblock, unblock] }] },
    expected: {
      cvmResults: "1E0300",
      cryptograms: ONLINE,
      outcome: "online-approved",
      tvr: "0000008000",
      tsi: "FC00",
      scriptResults: "2000000041",
      commands: [
        ...DDA_PRE,
        "GENERATE AC",
        "EXTERNAL AUTHENTICATE",
        "APPLICATION UNBLOCK",
        "APPLICATION UNBLOCK",
        "GENERATE AC",
      ],
    },
    why: "SW1 62 is a warning: the terminal goes on with the next command; both done → successful (2), no TVR byte 5 bit.",
  },
  {
    id: "SCR-WARN-002",
    family: "issuer scripts",
    title: "Script 72 command answers 63C1 (warning): processing continues, script successful",
    ref: "Book 3 §10.10",
    profile: DDA,
    card: { faults: [{ kind: "sw", command: "ISSUER SCRIPT", sw: "63C1", occurrence: 1 }] },
    config: POS,
    params: { amount: 5000, scripts: [{ template: 72, id: "00000042", commands: [unblock, unblock] }] },
    expected: {
      cvmResults: "1E0300",
      cryptograms: ONLINE,
      outcome: "online-approved",
      tvr: "0000008000",
      tsi: "FC00",
      scriptResults: "2000000042",
      commands: [...DDA_PRE, ...ONLINE_TAIL, "APPLICATION UNBLOCK", "APPLICATION UNBLOCK"],
    },
    why: "SW1 63 continues like 62 and 90: two commands after the final GENERATE AC, script successful.",
  },
  {
    id: "SCR-BAD-001",
    family: "issuer scripts",
    title: "Issuer Script Command of 2 bytes (no header): not sent, script failed at command 1",
    ref: "Book 3 §10.10; Book 3 Annex A (9F5B)",
    profile: DDA,
    config: POS,
    params: {
      amount: 5000,
      scripts: [{ template: 71, id: "00000051", commands: [{ command: "verbatim", apdu: "84DA" }, unblock] }],
    },
    expected: {
      cvmResults: "1E0300",
      cryptograms: ONLINE,
      outcome: "online-approved",
      tvr: "0000008020",
      tsi: "FC00",
      scriptResults: "1100000051",
      commands: [...DDA_PRE, ...ONLINE_TAIL],
    },
    why: "An 86 shorter than CLA INS P1 P2 is no command: nothing of the script goes to the card; 9F5B 1 (failed) ‖ 1; B5b6.",
  },
  {
    id: "SCR-BAD-002",
    family: "issuer scripts",
    title: "Issuer Script Command longer than its Lc says (72): not sent, script failed after final GENERATE AC",
    ref: "Book 3 §10.10; ISO 7816-4 §5.1",
    profile: DDA,
    config: POS,
    params: {
      amount: 5000,
      scripts: [
        { template: 72, id: "00000052", commands: [unblock, { command: "verbatim", apdu: "84DA9F4F0201020304" }] },
      ],
    },
    expected: {
      cvmResults: "1E0300",
      cryptograms: ONLINE,
      outcome: "online-approved",
      tvr: "0000008010",
      tsi: "FC00",
      scriptResults: "1200000052",
      commands: [...DDA_PRE, ...ONLINE_TAIL, "APPLICATION UNBLOCK"],
    },
    why: "Lc 02 + 2 data bytes + Le leaves 1 byte too many (9 > 5 + 2 + 1): not a command → not sent, failed at 2; template 72 → B5b5.",
  },
  {
    id: "SCR-AAC-001",
    family: "issuer scripts",
    title: "Issuer declines (51) with a script 72: the script is still sent after the AAC",
    ref: "Book 3 §10.10, §10.11",
    profile: DDA,
    config: POS,
    params: { amount: 1_000_001, scripts: [{ template: 72, id: "00000061", commands: [unblock] }] },
    expected: {
      cvmResults: "1E0300",
      outcome: "online-declined",
      tvr: "0000008000",
      tsi: "FC00",
      cryptograms: ONLINE_DECLINED,
      scriptResults: "2000000061",
      commands: [...DDA_PRE, ...ONLINE_TAIL, "APPLICATION UNBLOCK"],
    },
    why: "Script processing depends on the issuer sending scripts, not on the decision: 72 follows the final GENERATE AC whether it gave a TC or an AAC.",
  },
];

export const TRANSACTION_TYPE_CASES: readonly CertCase[] = [
  {
    id: "PR-TYP-001",
    family: "processing restrictions",
    title: "Refund (9C 20): 9C 20 in the CDOL1 data, no usage-control restriction, TC",
    ref: "Book 3 §10.4.2; Book 3 Annex A (9C)",
    profile: SDA,
    config: POS,
    params: { type: "refund" },
    expected: {
      ...SDA_TC,
      apduSequence: { "GENERATE AC": [generateAc("40", cdol1Data({ tvr: "0200000000", type: "20" }))] },
    },
    why: "The AUC checks cover cash, goods/services and cashback only; a refund goes through the same flow with 9C 20 in the card's data; signature supported → 1E0300; TVR 02… → TC.",
  },
  {
    id: "PR-TYP-002",
    family: "processing restrictions",
    title: "Zero amount: 9F02 000000000000; 'under X' (X = 10.00) applies",
    ref: "Book 3 §10.6.1, Annex C3",
    profile: SDA,
    card: { tags: { "8E": cvmList(1000, 0, "1F06", "1E03") } },
    config: POS,
    params: { amount: 0 },
    expected: {
      tsi: "E800",
      cryptograms: [["TC", "TC"]],
      outcome: "approved",
      tvr: "0200000000",
      cvmResults: "1F0602",
      apduSequence: { "GENERATE AC": [generateAc("40", cdol1Data({ amount: 0, tvr: "0200000000", cvm: "1F0602" }))] },
    },
    why: "0 < X 1000 → 1F06; 0 < floor limit; random draw 99 above 25 % → no TVR byte 4 bit → TC.",
  },
  {
    id: "PR-TYP-003",
    family: "processing restrictions",
    title: "Amount 10 000 000 000.00 (13 digits) does not fit n12: an error value, nothing sent to the card",
    ref: "Book 3 Annex A (9F02 n 12); Book 3 §5.4",
    profile: SDA,
    config: POS,
    params: { amount: 1_000_000_000_000 },
    expected: {
      tvr: "0000000000",
      tsi: "0000",
      cvmResults: null,
      cryptograms: [],
      outcome: "terminated",
      termination: "processing-error",
      reasonContains: "Amount, Authorised (9F02):",
      commands: [],
    },
    why: "9F02 is n 12: 999999999999 is the largest amount; the parameter is refused before selection (no throw, no APDU).",
  },
  {
    id: "PR-TYP-004",
    family: "processing restrictions",
    title: "Cashback amount other 10 000 000 000.00: Amount, Other (9F03) out of range",
    ref: "Book 3 Annex A (9F03 n 12)",
    profile: SDA,
    config: POS,
    params: { type: "cashback", amount: 1234, otherAmount: 1_000_000_000_000 },
    expected: {
      tvr: "0000000000",
      tsi: "0000",
      cvmResults: null,
      cryptograms: [],
      outcome: "terminated",
      termination: "processing-error",
      reasonContains: "Amount, Other (9F03):",
      commands: [],
    },
    why: "9F03 is n 12 like 9F02: the same bound.",
  },
  {
    id: "PR-TYP-005",
    family: "processing restrictions",
    title: "Amount 9 999 999 999.99 (the largest n12): accepted, above the floor limit",
    ref: "Book 3 Annex A (9F02); Book 3 §10.6.1",
    profile: SDA,
    config: POS,
    params: { amount: 999_999_999_999 },
    expected: {
      tsi: "E800",
      cvmResults: "1E0300",
      outcome: "declined",
      tvr: "0200008000",
      cryptograms: [["ARQC", "AAC"]],
    },
    why: "999999999999 fits n12; ≥ floor limit → B4b8 → ARQC (TAC-online F8); this card declines ARQC requests.",
  },
];
