// Card-side pass criteria of a certification case: what a terminal must have sent the card, judged only from the
// command APDUs the card received and its own answers (what a lab's test card logs). Derived once from each case's
// `expected` (catalog/types.ts) and applied in both modes: to the in-process run of emvsim's kernel and to a terminal
// under test served the card through vpcd. What needs the terminal's own report (the outcome, the reason, the ODA
// result) is not visible to a card: in terminal-under-test mode those criteria are skipped with a note.

import { describeBits } from "../../emv/bits.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { decodeTlvs, findTlv, type Tlv } from "../../emv/tlv/ber.js";
import { type DolEntry, dolDataLength, parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TSI_BITS, TVR, TVR_BITS } from "../../emv/tvr.js";
import { TRANSACTION_TYPE_CODE } from "../../kernel/transaction-params.js";
import type { CardExchange } from "../../serve/exchange-recorder.js";
import { type CommandApdu, decodeCommandApdu } from "../../transport/apdu.js";
import { SCRIPT_COMMAND_NAMES } from "../../transport/apdu-text.js";
import type { CertCase } from "../catalog/types.js";
import { bitDifference } from "../harness.js";

export type JudgeMode = "kernel" | "terminal-under-test";

/** The criterion names, as failures and notes name them. */
export const CRITERIA = [
  "AID selected",
  "PDOL data",
  "records read",
  "INTERNAL AUTHENTICATE",
  "velocity GET DATA",
  "VERIFY",
  "GENERATE AC requested",
  "cryptogram returned",
  "TVR in CDOL data",
  "TSI in CDOL data",
  "CVM Results in CDOL data",
  "EXTERNAL AUTHENTICATE",
  "script commands",
  "command sequence",
  "SELECT sequence",
] as const;
export type Criterion = (typeof CRITERIA)[number];

/** One GENERATE AC as the card saw it. */
export interface CardGac {
  /** Requested cryptogram (P1 bits 8–7, Book 3 §6.5.5.2 Table 12). */
  readonly requested: string;
  /** P1 bit 5: CDA signature requested (Book 3 §6.5.5.2). */
  readonly cda: boolean;
  /** The cryptogram the card returned (CID bits 8–7, Book 3 §6.5.5.4), undefined when it answered an error. */
  readonly returned?: string;
  /** 95, 9B and 9F34 decoded from the CDOL data with the card's CDOL1/CDOL2, when the CDOL asks for them. */
  readonly tvr?: string;
  readonly tsi?: string;
  readonly cvmResults?: string;
}

/** The transaction as the card saw it: the inputs of the criteria and what the report shows in card-side mode. */
export interface CardView {
  readonly aid?: string;
  readonly commands: string[];
  readonly gacs: CardGac[];
}

export interface CardVerdict {
  /** One line per failed criterion, "card-side <criterion>: …". */
  readonly problems: string[];
  /** Criteria not judged (not visible to the card, or not applicable), one line each. */
  readonly notes: string[];
  readonly view: CardView;
}

interface Parsed {
  readonly c: CommandApdu;
  readonly data: Uint8Array;
  readonly sw: number;
  readonly name: string;
  readonly index: number;
}

const INS = {
  SELECT: 0xa4,
  READ_RECORD: 0xb2,
  GPO: 0xa8,
  GAC: 0xae,
  GET_DATA: 0xca,
  INTERNAL_AUTHENTICATE: 0x88,
  EXTERNAL_AUTHENTICATE: 0x82,
  GET_CHALLENGE: 0x84,
  VERIFY: 0x20,
  GET_RESPONSE: 0xc0,
} as const;

/** Issuer script commands (Book 3 §6.5: APPLICATION BLOCK/UNBLOCK, CARD BLOCK, PIN CHANGE/UNBLOCK, PUT DATA, UPDATE RECORD). */
const SCRIPT_INS = SCRIPT_COMMAND_NAMES;

/** The command name as the kernel's CardSession trace names it (by INS). */
export function commandName(ins: number): string {
  const names: Record<number, string> = {
    [INS.SELECT]: "SELECT",
    [INS.READ_RECORD]: "READ RECORD",
    [INS.GPO]: "GET PROCESSING OPTIONS",
    [INS.GAC]: "GENERATE AC",
    [INS.GET_DATA]: "GET DATA",
    [INS.INTERNAL_AUTHENTICATE]: "INTERNAL AUTHENTICATE",
    [INS.EXTERNAL_AUTHENTICATE]: "EXTERNAL AUTHENTICATE",
    [INS.GET_CHALLENGE]: "GET CHALLENGE",
    [INS.VERIFY]: "VERIFY",
    [INS.GET_RESPONSE]: "GET RESPONSE",
  };
  return names[ins] ?? SCRIPT_INS.get(ins) ?? `INS ${ins.toString(16).toUpperCase().padStart(2, "0")}`;
}

const CRYPTOGRAM = ["AAC", "TC", "ARQC", "RFU"] as const;

/** The BER-TLV objects of `data`, none when it is not BER-TLV (a card's data judged as sent). */
export function tlvs(data: Uint8Array): Tlv[] {
  try {
    return decodeTlvs(data);
  } catch {
    return [];
  }
}

/**
 * The exchanges as commands with their final answers (ISO 7816-3 §10.3.4, Book 1 §9.3.1: T=0 case 2/4): an answer
 * 61xx followed by GET RESPONSE becomes the GET RESPONSE's answer, and a 6Cxx followed by the same command with the
 * corrected Le is replaced by that repetition.
 */
export function finalExchanges(exchanges: readonly CardExchange[]): CardExchange[] {
  const out: CardExchange[] = [];
  for (const e of exchanges) {
    const prev = out.at(-1);
    const sw1 = prev ? prev.response[prev.response.length - 2] : undefined;
    if (prev && sw1 === 0x61 && e.command[1] === INS.GET_RESPONSE) {
      out[out.length - 1] = { command: prev.command, response: e.response };
      continue;
    }
    if (prev && sw1 === 0x6c && toHex(prev.command.subarray(0, 4)) === toHex(e.command.subarray(0, 4))) {
      out[out.length - 1] = e;
      continue;
    }
    out.push(e);
  }
  return out;
}

function parseAll(raw: readonly CardExchange[]): Parsed[] {
  const out: Parsed[] = [];
  const exchanges = finalExchanges(raw);
  exchanges.forEach((e, index) => {
    let c: CommandApdu;
    try {
      c = decodeCommandApdu(e.command);
    } catch {
      return;
    }
    const r = e.response;
    const sw = r.length >= 2 ? (r[r.length - 2]! << 8) | r[r.length - 1]! : 0;
    out.push({ c, data: r.subarray(0, Math.max(0, r.length - 2)), sw, name: commandName(c.ins), index });
  });
  return out;
}

/** 9000, or a warning 62xx/63xx (ISO 7816-4 §5.1.3: processing completed). */
function completed(sw: number): boolean {
  return sw === 0x9000 || sw >> 8 === 0x62 || sw >> 8 === 0x63;
}

/** BCD of n digits (Book 3 Annex A format n), right-justified. */
function bcd(value: number, bytes: number): string {
  return String(value)
    .padStart(bytes * 2, "0")
    .slice(-bytes * 2);
}

/** Decode DOL-related data into tag → hex value (Book 3 §5.4). */
export function dolValues(entries: readonly DolEntry[], data: Uint8Array): Map<number, string> {
  const out = new Map<number, string>();
  let pos = 0;
  for (const e of entries) {
    out.set(e.tag, toHex(data.subarray(pos, pos + e.length)));
    pos += e.length;
  }
  return out;
}

/** The entries of a DOL, undefined when absent or not a valid DOL. */
export function safeDol(value: Uint8Array | undefined): DolEntry[] | undefined {
  if (!value) return undefined;
  try {
    return parseDol(value);
  } catch {
    return undefined;
  }
}

/** `hex` with one named bit (emv/tvr.ts, emv/bits.ts definitions) cleared. */
export function clearBit(hex: string, def: { byte: number; bit: number }): string {
  const b = fromHex(hex);
  b[def.byte - 1] = b[def.byte - 1]! & ~(1 << (def.bit - 1));
  return toHex(b);
}

function hasBit(hex: string | undefined, def: { byte: number; bit: number }): boolean | undefined {
  if (hex === undefined) return undefined;
  return ((fromHex(hex)[def.byte - 1] ?? 0) & (1 << (def.bit - 1))) !== 0;
}

/** Records an AFL names, in order (Book 3 §10.2). */
function aflRecords(afl: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 < afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let r = afl[i + 1]!; r <= afl[i + 2]!; r++) out.push(`SFI ${sfi} record ${r}`);
  }
  return out;
}

/** The exchanges of a kernel trace (kernel/card-session.ts) that the card answered. */
export function cardExchanges(
  trace: readonly { readonly command: Uint8Array; readonly response: Uint8Array | undefined }[],
): CardExchange[] {
  return trace.flatMap((t) => (t.response ? [{ command: t.command, response: t.response }] : []));
}

/** Judge a case from the card's exchanges. */
export function judgeFromCard(c: CertCase, exchanges: readonly CardExchange[], mode: JudgeMode): CardVerdict {
  const e = c.expected;
  const p = c.params ?? {};
  const all = parseAll(exchanges);
  const problems: string[] = [];
  const notes: string[] = [];
  const fail = (what: Criterion, text: string) => problems.push(`card-side ${what}: ${text}`);
  const skip = (what: string, text: string) => notes.push(`${what}: ${text}`);
  const before = (x: Parsed, y: Parsed | undefined) => y === undefined || x.index < y.index;

  // The last GET PROCESSING OPTIONS: after a 6985 the terminal selects another application (Book 3 §10.1).
  const gpo = all.filter((x) => x.c.ins === INS.GPO).at(-1);
  const gacs = all.filter((x) => x.c.ins === INS.GAC);
  const firstGac = gacs[0];
  const secondGac = gacs[1];
  const terminated = e.outcome === "terminated";

  // --- AID selected (Book 1 §12.4: the final SELECT by DF name before GET PROCESSING OPTIONS)
  const selects = all.filter((x) => x.c.ins === INS.SELECT && x.c.p1 === 0x04 && (gpo ? x.index < gpo.index : true));
  const finalSelect = gpo ? selects.at(-1) : undefined;
  const aid = finalSelect ? toHex(finalSelect.c.data) : undefined;
  if (e.aid !== undefined) {
    if (aid !== e.aid)
      fail("AID selected", `expected final SELECT of ${e.aid}, card saw ${aid ?? "no GPO after a SELECT"}`);
  }

  // --- every SELECT (Book 1 §12.3: the names and first/next occurrence, P2 00/02), where the case states them; Le
  // left out, as a T=0 terminal sends the SELECT without it (case 4 becomes case 3, ISO 7816-3 §12.2).
  if (e.selects !== undefined) {
    const header = (hex: string) => hex.slice(0, 10 + 2 * Number.parseInt(hex.slice(8, 10), 16));
    const want = e.selects.map(header);
    const seen = all
      .filter((x) => x.c.ins === INS.SELECT)
      .map((x) => toHex(Uint8Array.of(x.c.cla, x.c.ins, x.c.p1, x.c.p2, x.c.data.length, ...x.c.data)));
    if (JSON.stringify(want) !== JSON.stringify(seen))
      fail("SELECT sequence", `expected ${want.join(", ")}, card saw ${seen.join(", ")}`);
  }

  // --- PDOL data (Book 3 §10.1: GPO data is 83 with the PDOL-related data)
  const fci = finalSelect ? tlvs(finalSelect.data) : [];
  // Book 1 §11.3.4 Table 45: the PDOL belongs to the FCI proprietary template (A5); a 9F38 elsewhere is no PDOL.
  const a5 = findTlv(fci, TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE);
  const pdol = safeDol(findTlv(a5?.children ?? [], TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST)?.value);
  if (gpo) {
    const want = e.apdus?.["GET PROCESSING OPTIONS"];
    if (want !== undefined && toHex(gpoCommandBytes(exchanges, gpo)) !== want)
      fail("PDOL data", `expected GPO ${want}, card saw ${toHex(gpoCommandBytes(exchanges, gpo))}`);
    const d = gpo.c.data;
    const length = pdol ? dolDataLength(pdol) : 0;
    if (d[0] !== 0x83 || d[1] !== length || d.length !== length + 2) {
      fail(
        "PDOL data",
        `GPO data ${toHex(d)} is not 83 ${length.toString(16).padStart(2, "0").toUpperCase()} followed by the ${length} bytes the PDOL asks for`,
      );
    } else if (pdol) {
      const values = dolValues(pdol, d.subarray(2));
      const amount = values.get(TAG.AMOUNT_AUTHORISED_NUMERIC);
      const wantAmount = bcd(p.amount ?? 1234, 6);
      if (amount !== undefined && amount !== wantAmount)
        fail("PDOL data", `Amount Authorised (9F02) ${amount}, expected ${wantAmount}`);
      const type = values.get(TAG.TRANSACTION_TYPE);
      const wantType = bcd(TRANSACTION_TYPE_CODE[p.type ?? "purchase"], 1);
      if (type !== undefined && type !== wantType)
        fail("PDOL data", `Transaction Type (9C) ${type}, expected ${wantType}`);
    }
  }

  // --- records read (Book 3 §10.2: every record the AFL names, in order)
  const gpoTlvs = gpo && gpo.sw === 0x9000 ? tlvs(gpo.data) : [];
  let aip: Uint8Array | undefined;
  let afl: Uint8Array | undefined;
  const format1 = findTlv(gpoTlvs, TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1);
  if (format1) {
    aip = format1.value.subarray(0, 2);
    afl = format1.value.subarray(2);
  } else {
    aip = findTlv(gpoTlvs, TAG.APPLICATION_INTERCHANGE_PROFILE)?.value;
    afl = findTlv(gpoTlvs, TAG.APPLICATION_FILE_LOCATOR)?.value;
  }
  const reads = all.filter(
    (x) => x.c.ins === INS.READ_RECORD && gpo && x.index > gpo.index && (x.c.p2 & 0x07) === 0x04,
  );
  const recordData = reads.filter((x) => x.sw === 0x9000).map((x) => tlvs(x.data));
  if (afl) {
    const want = aflRecords(afl);
    const got = reads.map((x) => `SFI ${x.c.p2 >> 3} record ${x.c.p1}`);
    const prefix = got.every((g, i) => g === want[i]);
    if (!prefix || (!terminated && got.length !== want.length))
      fail("records read", `expected ${want.join(", ") || "none"}, card saw ${got.join(", ") || "none"}`);
  }
  const fromRecords = (tag: number) => {
    for (const r of recordData) {
      const hit = findTlv(r, tag);
      if (hit) return hit.value;
    }
    return undefined;
  };

  // --- INTERNAL AUTHENTICATE when DDA is due (Book 2 §6.5, Book 3 §10.3)
  const internal = all.filter((x) => x.c.ins === INS.INTERNAL_AUTHENTICATE);
  if (e.oda) {
    if (e.oda.method === "DDA") {
      const n = e.oda.result === "passed" ? [1] : [0, 1];
      if (!n.includes(internal.length))
        fail("INTERNAL AUTHENTICATE", `DDA is due: expected 1, card saw ${internal.length}`);
      else if (internal[0] && !before(internal[0], firstGac))
        fail("INTERNAL AUTHENTICATE", "sent after the first GENERATE AC");
    } else if (internal.length > 0) {
      fail("INTERNAL AUTHENTICATE", `ODA method ${e.oda.method}: expected none, card saw ${internal.length}`);
    }
  } else skip("INTERNAL AUTHENTICATE", "the case states no ODA method");

  // --- GET DATA for velocity checking (Book 3 §10.6.3: ATC 9F36 and last online ATC 9F13 when LCOL and UCOL exist)
  const getData = all.filter((x) => x.c.ins === INS.GET_DATA);
  const velocityTags = (x: Parsed) => (x.c.p1 << 8) | x.c.p2;
  const hasLimits =
    fromRecords(TAG.LOWER_CONSECUTIVE_OFFLINE_LIMIT) !== undefined &&
    fromRecords(TAG.UPPER_CONSECUTIVE_OFFLINE_LIMIT) !== undefined;
  // Book 3 §10.6: terminal risk management when the AIP asks for it (byte 1 bit 4, Annex C1), if the case gives no TSI.
  const trm =
    hasBit(e.tsi, TSI.TERMINAL_RISK_MANAGEMENT_PERFORMED) ??
    (aip !== undefined && !terminated ? ((aip[0] ?? 0) & 0x08) !== 0 : undefined);
  const asked = [TAG.APPLICATION_TRANSACTION_COUNTER, TAG.LAST_ONLINE_ATC_REGISTER].map(
    (t) => getData.filter((x) => velocityTags(x) === t && before(x, firstGac)).length,
  );
  if (trm === undefined) skip("velocity GET DATA", "the case states no TSI and the card sent no AIP");
  else if (trm && hasLimits) {
    if (asked[0] !== 1 || asked[1] !== 1)
      fail(
        "velocity GET DATA",
        `LCOL and UCOL present: expected GET DATA 9F36 and 9F13 once each before the first GENERATE AC, card saw ${asked[0]} and ${asked[1]}`,
      );
  } else if ((asked[0] ?? 0) + (asked[1] ?? 0) > 0) {
    fail(
      "velocity GET DATA",
      `${trm ? "no LCOL/UCOL on the card" : "terminal risk management not performed"}: expected no GET DATA 9F36/9F13, card saw ${(asked[0] ?? 0) + (asked[1] ?? 0)}`,
    );
  }

  // --- VERIFY (Book 3 §6.5.12, §10.5: offline PIN method, format and answer)
  const verifies = all.filter((x) => x.c.ins === INS.VERIFY);
  const pinsEntered = (p.pins ?? []).filter((x) => x !== undefined).length;
  if (e.cvmResults !== undefined) {
    const cvm = e.cvmResults === null ? undefined : fromHex(e.cvmResults);
    const method = cvm ? cvm[0]! & 0x3f : undefined;
    const plaintext = method === 0x01 || method === 0x03;
    const enciphered = method === 0x04 || method === 0x05;
    const success = cvm?.[2] === 0x02;
    if (plaintext || enciphered) {
      const p2 = plaintext ? 0x80 : 0x88;
      const wrongFormat = verifies.filter((x) => x.c.p2 !== p2);
      if (wrongFormat.length)
        fail(
          "VERIFY",
          `${plaintext ? "plaintext" : "enciphered"} offline PIN: expected P2 ${p2.toString(16).toUpperCase()}, card saw P2 ${wrongFormat.map((x) => x.c.p2.toString(16).toUpperCase()).join(", ")}`,
        );
      if (success && (verifies.length === 0 || verifies.at(-1)?.sw !== 0x9000))
        fail(
          "VERIFY",
          `offline PIN verified: expected a VERIFY the card accepted last, card saw ${verifies.length} VERIFY, last answered ${verifies.at(-1)?.sw.toString(16).toUpperCase() ?? "none"}`,
        );
      if (pinsEntered > 0 && verifies.length > pinsEntered)
        fail("VERIFY", `${pinsEntered} PIN(s) entered, card saw ${verifies.length} VERIFY`);
      for (const v of verifies.filter((x) => x.c.p2 === 0x80)) {
        const problem = plaintextPinBlockProblem(v.c.data);
        if (problem) fail("VERIFY", `plaintext PIN block: ${problem}`);
      }
      if (enciphered) {
        // Book 2 §7.1: each enciphered PIN is preceded by GET CHALLENGE.
        for (const v of verifies) {
          const prev = all[all.indexOf(v) - 1];
          if (prev?.c.ins !== INS.GET_CHALLENGE) fail("VERIFY", "enciphered PIN not preceded by GET CHALLENGE");
        }
      }
    } else if (pinsEntered === 0 && verifies.length > 0) {
      fail(
        "VERIFY",
        `no offline PIN in the CVM performed and no PIN entered: expected no VERIFY, card saw ${verifies.length}`,
      );
    }
  } else skip("VERIFY", "the case states no CVM Results");

  // --- GENERATE AC: the cryptogram requested (P1 bits 8–7) and the CDA bit (P1 bit 5), Book 3 §6.5.5.2
  const cdol1 = safeDol(fromRecords(TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1));
  const cdol2 = safeDol(fromRecords(TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2));
  const cardGacs: CardGac[] = gacs.map((g, i) => {
    const dol = i === 0 ? cdol1 : cdol2;
    const values = dol?.length && dolDataLength(dol) === g.c.data.length ? dolValues(dol, g.c.data) : undefined;
    const r = tlvs(g.data);
    const f1 = findTlv(r, TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1);
    const cid = f1 ? f1.value[0] : findTlv(r, TAG.CRYPTOGRAM_INFORMATION_DATA)?.value[0];
    const tvr = values?.get(TAG.TERMINAL_VERIFICATION_RESULTS);
    const tsi = values?.get(TAG.TRANSACTION_STATUS_INFORMATION);
    const cvmResults = values?.get(TAG.CVM_RESULTS);
    return {
      requested: CRYPTOGRAM[g.c.p1 >> 6]!,
      cda: (g.c.p1 & 0x10) !== 0,
      ...(g.sw === 0x9000 && cid !== undefined ? { returned: CRYPTOGRAM[cid >> 6]! } : {}),
      ...(tvr !== undefined ? { tvr } : {}),
      ...(tsi !== undefined ? { tsi } : {}),
      ...(cvmResults !== undefined ? { cvmResults } : {}),
    };
  });
  gacs.forEach((g, i) => {
    const dol = i === 0 ? cdol1 : cdol2;
    if (dol && dolDataLength(dol) !== g.c.data.length)
      fail(
        "GENERATE AC requested",
        `GENERATE AC ${i + 1} data is ${g.c.data.length} bytes, CDOL${i + 1} asks for ${dolDataLength(dol)}`,
      );
  });
  if (e.cryptograms !== undefined) {
    const want = e.cryptograms.map(([r]) => r);
    const got = cardGacs.map((g) => g.requested);
    if (JSON.stringify(want) !== JSON.stringify(got))
      fail(
        "GENERATE AC requested",
        `expected ${want.join(", ") || "no GENERATE AC"}, card saw ${got.join(", ") || "none"}`,
      );
    const wantBack = e.cryptograms.map(([, r]) => r);
    const gotBack = cardGacs.map((g) => g.returned ?? "error");
    if (JSON.stringify(want) === JSON.stringify(got) && JSON.stringify(wantBack) !== JSON.stringify(gotBack))
      fail(
        "cryptogram returned",
        `expected the card to return ${wantBack.join(", ")}, it returned ${gotBack.join(", ")}`,
      );
    if (e.oda) {
      // Book 2 §6.6.1/§6.6.2: with CDA selected the terminal asks for the CDA signature on a TC or an ARQC. On an
      // AAC request the CDA bit is not judged (whether a terminal may ask CDA with an AAC differs between versions).
      cardGacs.forEach((g, i) => {
        if (g.requested === "AAC") return;
        const due = e.oda?.method === "CDA" && !hasBit(g.tvr, TVR.CDA_FAILED);
        if (g.cda !== due)
          fail(
            "GENERATE AC requested",
            `GENERATE AC ${i + 1} (${g.requested}): CDA bit ${g.cda ? "set" : "clear"}, expected ${due ? "set" : "clear"} (ODA method ${e.oda?.method})`,
          );
      });
    }
  } else skip("GENERATE AC requested", "the case states no cryptograms");

  // --- TVR, TSI, CVM Results the terminal sent in the last CDOL data (Book 3 Annex C5/C6, Book 4 §6.3)
  const last = cardGacs.at(-1);
  const lastIndex = gacs.at(-1)?.index ?? Number.POSITIVE_INFINITY;
  const scriptsBefore = all.some((x) => SCRIPT_INS.has(x.c.ins) && x.index < lastIndex);
  const scriptsAfter = all.some((x) => SCRIPT_INS.has(x.c.ins) && x.index > lastIndex);
  // The terminal stopped before the GENERATE ACs the books give (a failure of "GENERATE AC requested"): only the bits
  // settled before the first GENERATE AC are compared, not those of online processing and scripts.
  const partial = e.cryptograms !== undefined && cardGacs.length > 0 && cardGacs.length < e.cryptograms.length;
  const online = {
    tvr: [TVR.ISSUER_AUTHENTICATION_FAILED, TVR.SCRIPT_FAILED_BEFORE_FINAL_GENAC, TVR.SCRIPT_FAILED_AFTER_FINAL_GENAC],
    tsi: [TSI.CARD_RISK_MANAGEMENT_PERFORMED, TSI.ISSUER_AUTHENTICATION_PERFORMED, TSI.SCRIPT_PROCESSING_PERFORMED],
  };
  if (partial)
    skip(
      "TVR/TSI",
      `the terminal sent ${cardGacs.length} of ${e.cryptograms?.length} GENERATE ACs: bits of online processing and scripts not compared`,
    );
  if (e.tvr !== undefined) {
    if (!last) skip("TVR", "no GENERATE AC: the TVR is not visible to the card");
    else if (last.tvr === undefined) skip("TVR", "the card's CDOL does not ask for 95");
    else {
      // Set only after the final GENERATE AC: CDA failed (its signature is checked on the answer), script failed after.
      let want = clearBit(e.tvr, TVR.SCRIPT_FAILED_AFTER_FINAL_GENAC);
      let got = last.tvr;
      if (last.cda) {
        want = clearBit(want, TVR.CDA_FAILED);
        got = clearBit(got, TVR.CDA_FAILED);
      }
      if (partial)
        for (const b of online.tvr) {
          want = clearBit(want, b);
          got = clearBit(got, b);
        }
      if (want !== got)
        fail(
          "TVR in CDOL data",
          `GENERATE AC ${cardGacs.length}: expected ${want}, card saw ${got} (${bitDifference(TVR_BITS, want, got)})`,
        );
    }
  }
  if (e.tsi !== undefined) {
    if (!last) skip("TSI", "no GENERATE AC: the TSI is not visible to the card");
    else if (last.tsi === undefined) skip("TSI", "the card's CDOL does not ask for 9B");
    else {
      // Book 3 Annex C6: "card risk management performed" follows the first GENERATE AC; script processing is
      // performed after the final one when only template 72 scripts come.
      let want = e.tsi;
      let got = last.tsi;
      if (cardGacs.length === 1) want = clearBit(want, TSI.CARD_RISK_MANAGEMENT_PERFORMED);
      if (scriptsAfter && !scriptsBefore) want = clearBit(want, TSI.SCRIPT_PROCESSING_PERFORMED);
      if (partial)
        for (const b of online.tsi) {
          want = clearBit(want, b);
          got = clearBit(got, b);
        }
      if (want !== got)
        fail(
          "TSI in CDOL data",
          `GENERATE AC ${cardGacs.length}: expected ${want}, card saw ${got} (${bitDifference(TSI_BITS, want, got)})`,
        );
    }
  }
  if (e.cvmResults !== undefined) {
    // Book 3 §10.5: 9F34 is final before the first GENERATE AC; absent = zeros in DOL data (Book 3 §5.4).
    const want = e.cvmResults ?? "000000";
    for (const [i, g] of cardGacs.entries()) {
      if (g.cvmResults !== undefined && g.cvmResults !== want)
        fail("CVM Results in CDOL data", `GENERATE AC ${i + 1}: expected ${want}, card saw ${g.cvmResults}`);
    }
    if (cardGacs.length && cardGacs.every((g) => g.cvmResults === undefined))
      skip("CVM Results", "the card's CDOLs do not ask for 9F34");
  }

  // --- EXTERNAL AUTHENTICATE (Book 3 §10.9: issuer authentication when the AIP says it is supported)
  const external = all.filter((x) => x.c.ins === INS.EXTERNAL_AUTHENTICATE);
  const issuerAuth = hasBit(e.tsi, TSI.ISSUER_AUTHENTICATION_PERFORMED);
  const aipIssuerAuth = aip !== undefined && ((aip[0] ?? 0) & 0x04) !== 0; // AIP byte 1 bit 3, Book 3 Annex C1
  if (issuerAuth === undefined) skip("EXTERNAL AUTHENTICATE", "the case states no TSI");
  else if (issuerAuth && aipIssuerAuth) {
    if (external.length !== 1 || !(firstGac && external[0]!.index > firstGac.index && before(external[0]!, secondGac)))
      fail(
        "EXTERNAL AUTHENTICATE",
        `issuer authentication performed: expected one EXTERNAL AUTHENTICATE between the GENERATE ACs, card saw ${external.length}`,
      );
  } else if (external.length > 0) {
    fail(
      "EXTERNAL AUTHENTICATE",
      `expected none (${issuerAuth ? "AIP: issuer authentication not supported" : "issuer authentication not performed"}), card saw ${external.length}`,
    );
  }

  // --- issuer script commands and their order (Book 3 §10.10: 71 before, 72 after the final GENERATE AC; a
  // script stops at its first command the card refuses)
  const scriptCmds = all.filter((x) => SCRIPT_INS.has(x.c.ins));
  if (p.scripts?.length && (hasBit(e.tsi, TSI.SCRIPT_PROCESSING_PERFORMED) ?? true)) {
    const ordered = [...p.scripts.filter((s) => s.template === 71), ...p.scripts.filter((s) => s.template === 72)];
    let pos = 0;
    const wrong: string[] = [];
    for (const s of ordered) {
      for (const cmd of s.commands) {
        // A verbatim 86 that is no command APDU is not sent, and ends its script (Book 3 §10.10).
        if (cmd.command === "verbatim" && !isShortCommandApdu(fromHex(cmd.apdu))) break;
        const seen = scriptCmds[pos];
        const header = cmd.command === "raw" ? cmd.header : cmd.command === "verbatim" ? cmd.apdu : undefined;
        const name = scriptCommandName(cmd.command, header);
        if (!seen) {
          wrong.push(`${name} (template ${s.template}) not sent`);
          break;
        }
        pos++;
        if (seen.name !== name) wrong.push(`expected ${name}, card saw ${seen.name}`);
        const placed = s.template === 71 ? before(seen, secondGac) && secondGac !== undefined : seen.index > lastIndex;
        if (!placed)
          wrong.push(
            `${name} of template ${s.template} sent ${s.template === 71 ? "not before" : "not after"} the final GENERATE AC`,
          );
        if (!completed(seen.sw)) break; // the rest of this script is not sent
      }
    }
    if (pos < scriptCmds.length) wrong.push(`${scriptCmds.length - pos} script command(s) more than the scripts hold`);
    if (wrong.length) fail("script commands", wrong.join("; "));
  } else if (scriptCmds.length > 0 && !p.scripts?.length) {
    fail("script commands", `no script sent by the issuer, card saw ${scriptCmds.map((x) => x.name).join(", ")}`);
  }

  // --- the APDU sequence, where the case states it
  const names = all.map((x) => x.name);
  if (e.commands !== undefined && JSON.stringify(e.commands) !== JSON.stringify(names))
    fail("command sequence", `expected ${e.commands.join(", ")}, card saw ${names.join(", ")}`);

  if (mode === "terminal-under-test") {
    if (e.outcome !== undefined) skip("outcome", `expected ${e.outcome}: needs the terminal's own report, not judged`);
    if (e.never !== undefined) skip("outcome", `expected not ${e.never.join("/")}: needs the terminal's report`);
    if (e.reasonContains !== undefined) skip("reason", "needs the terminal's report, not judged");
    if (e.oda !== undefined) skip("ODA result", `expected ${e.oda.result}: needs the terminal's report`);
    if (e.language !== undefined) skip("language", `expected ${e.language.code}: needs the terminal's report`);
    if (e.tvr !== undefined && last?.tvr !== undefined)
      skip(
        "TVR",
        "bits set after the final GENERATE AC (CDA failed, script failed after) are in the terminal's report only",
      );
  }
  return { problems, notes, view: { ...(aid ? { aid } : {}), commands: names, gacs: cardGacs } };
}

function gpoCommandBytes(exchanges: readonly CardExchange[], gpo: Parsed): Uint8Array {
  return finalExchanges(exchanges)[gpo.index]!.command;
}

/** Book 3 §6.5.12.2 Table 24: C N P P P P P/F … F F, control 2, 4–12 digits, F filler. */
export function plaintextPinBlockProblem(block: Uint8Array): string | undefined {
  if (block.length !== 8) return `${block.length} bytes, not 8`;
  const hex = toHex(block);
  if (hex[0] !== "2") return `control field ${hex[0]}, not 2`;
  const n = Number.parseInt(hex[1]!, 16);
  if (n < 4 || n > 12) return `PIN length ${n}, not 4–12`;
  if (!/^[0-9]+$/.test(hex.slice(2, 2 + n))) return "PIN digits are not 0–9";
  if (!/^F*$/.test(hex.slice(2 + n))) return "filler is not F";
  return undefined;
}

/** ISO 7816-4 §5.1 short command cases 1–4: header, header ‖ Le, header ‖ Lc ‖ data, header ‖ Lc ‖ data ‖ Le. */
export function isShortCommandApdu(apdu: Uint8Array): boolean {
  if (apdu.length === 4 || apdu.length === 5) return true;
  const lc = apdu[4] ?? 0;
  return apdu.length > 5 && lc > 0 && (apdu.length === 5 + lc || apdu.length === 6 + lc);
}

/** The INS name a script command of emulator/host/config.ts becomes. */
function scriptCommandName(command: string, header: string | undefined): string {
  switch (command) {
    case "application-block":
      return "APPLICATION BLOCK";
    case "application-unblock":
      return "APPLICATION UNBLOCK";
    case "card-block":
      return "CARD BLOCK";
    case "pin-unblock":
    case "pin-change":
      return "PIN CHANGE/UNBLOCK";
    case "put-data":
      return "PUT DATA";
    case "update-record":
      return "UPDATE RECORD";
    default:
      return header ? commandName(fromHex(header)[1] ?? 0) : command;
  }
}

/** The registers in words, for reports. */
export function registerWords(hex: string, which: "TVR" | "TSI"): string {
  const names = describeBits(which === "TVR" ? TVR_BITS : TSI_BITS, fromHex(hex));
  return names.length ? names.join("; ") : "none";
}
