// Terminal-under-test mode for the Kernel 2 catalog (EMV Contactless Book C-2): the case's Mastercard-style card
// served through vpcd as an ISO 14443-4 card (emulator/contactless/paypass.ts PaypassServedCard), the catalog's
// Kernel 2 reader given to the terminal as a reader configuration file, and the case judged from what the card saw:
// the APDU sequence, the GENERATE AC P1 (cryptogram type, CDA), the TVR and CVM Results in the CDOL1 data, and the
// number of EXCHANGE RELAY RESISTANCE DATA commands.

import { PaypassServedCard } from "../../emulator/contactless/paypass.js";
import { findTlv } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import { TRANSACTION_TYPE_CODE } from "../../kernel/transaction-params.js";
import type { CardExchange } from "../../serve/exchange-recorder.js";
import { c2CaseProfile, catalogK2Combination } from "../c2-harness.js";
import type { C2Case } from "../catalog/c2-types.js";
import type { CaseReport } from "../report.js";
import { tapEntry } from "../runner.js";
import { cardVerdict, majorUnits, observedTap, tapReport, tapView, writeReaderConfig } from "./contactless.js";
import { clearBit, dolValues, safeDol, tlvs } from "./criteria.js";
import { DEFAULT_VPCD_READER, serveToTerminal, type TutOptions } from "./runner.js";

/** What the case asks that the runner cannot pass to a reader: relay resistance timing and tearing need the clock. */
export function unportableC2Setup(c: C2Case): string[] {
  const p = c2CaseProfile(c);
  if (!p.ok) return [];
  return [
    ...(p.profile.relayResistance
      ? ["relay resistance timed on the catalog's simulated clock (a real link adds its own time)"]
      : []),
    ...(p.profile.faults.some((f) => f.startsWith("tear"))
      ? ["a torn transaction: the card leaves the field and is presented again"]
      : []),
  ];
}

export function portableC2(c: C2Case): boolean {
  return unportableC2Setup(c).length === 0;
}

/** The catalog's Kernel 2 reader for the case as a reader configuration file (kernel/config/reader-schema.ts). */
export function c2ReaderConfigFor(c: C2Case): string {
  return writeReaderConfig(c.id, {
    id: c.id.toLowerCase(),
    description: `Kernel 2 reader of catalog case ${c.id}: ${c.title}`,
    terminal: c.reader?.terminal ?? "attended-pos",
    kernels: [2],
    combinations: [{ kernel: 2, statusCheckSupport: false, zeroAmountAllowed: false, ...catalogK2Combination(c) }],
  });
}

export function c2Variables(c: C2Case, reader: string): Record<string, string> {
  const file = c2ReaderConfigFor(c);
  return {
    amount: majorUnits(c.params.amount),
    otheramount: "0.00",
    type: c.params.type ?? "purchase",
    pin: c.params.pin ?? "",
    case: c.id,
    reader,
    terminal: file,
    readerconfig: file,
    interface: "contactless",
    date: "261203",
    amountminor: String(c.params.amount),
    otherminor: "0",
    typecode: TRANSACTION_TYPE_CODE[c.params.type ?? "purchase"].toString(16).padStart(2, "0"),
    isodate: "2026-12-03",
  };
}

export interface C2CardView {
  readonly commands: string[];
  readonly p1: string | undefined;
  readonly tvr: string | undefined;
  readonly cvmResults: string | undefined;
  readonly errd: number;
}

/** The card's view of a Kernel 2 tap. */
export function c2View(exchanges: readonly CardExchange[]): C2CardView {
  const base = tapView(exchanges);
  let cdol1: Uint8Array | undefined;
  let last: { p1: number; data: Uint8Array } | undefined;
  for (const x of exchanges) {
    const ins = x.command[1] ?? 0;
    const response = x.response.subarray(0, Math.max(0, x.response.length - 2));
    // CDOL1 (8C) as the card gave it in its records; the last GENERATE AC's data laid out by it (Book 3 §5.4).
    if (ins === 0xb2) cdol1 = findTlv(tlvs(response), TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1)?.value ?? cdol1;
    if (ins === 0xae) last = { p1: x.command[2] ?? 0, data: x.command.subarray(5, 5 + (x.command[4] ?? 0)) };
  }
  const entries = safeDol(cdol1);
  const sent = last && entries ? dolValues(entries, last.data) : new Map<number, string>();
  return {
    commands: base.commands,
    p1: last?.p1.toString(16).toUpperCase().padStart(2, "0"),
    tvr: sent.get(TAG.TERMINAL_VERIFICATION_RESULTS),
    cvmResults: sent.get(TAG.CVM_RESULTS),
    errd: base.commands.filter((n) => n === "EXCHANGE RELAY RESISTANCE DATA").length,
  };
}

/** A Kernel 2 case judged from the card's side. */
export function judgeC2FromCard(
  c: C2Case,
  exchanges: readonly CardExchange[],
): { problems: string[]; notes: string[]; view: C2CardView } {
  const e = c.expected;
  const view = c2View(exchanges);
  const { problems, notes, want, hide } = cardVerdict();
  want("APDU sequence", e.commands, view.commands);
  want("GENERATE AC P1", e.p1, view.p1);
  // The TVR as sent in the CDOL1 data: 'CDA failed' comes only after the answer (Book C-2), so it is left out.
  if (e.tvr !== undefined)
    want(
      "TVR (95) in the CDOL1 data",
      clearBit(e.tvr, TVR.CDA_FAILED),
      view.tvr && view.tvr.length === 10 ? clearBit(view.tvr, TVR.CDA_FAILED) : view.tvr,
    );
  want("CVM Results (9F34) in the CDOL1 data", e.cvmResults, view.cvmResults);
  want("EXCHANGE RELAY RESISTANCE DATA count", e.errd, view.errd);
  hide([
    ["outcome", e.outcome],
    ["outcomes of the restarts", e.outcomes],
    ["CVM of the outcome", e.cvm],
    // Byte 2 (the CVM capability) is set after the records are read, later than the PDOL data the card receives.
    ["Terminal Capabilities (9F33) as finally set", e.terminalCapabilities],
    ["CDA result", e.cda],
    ["reason", e.reasonContains],
  ]);
  return { problems, notes, view };
}

/** One Kernel 2 case on the terminal under test. */
export async function evaluateC2OnTerminal(c: C2Case, options: TutOptions): Promise<CaseReport> {
  const entry = tapEntry({ kind: "c2", case: c });
  const profile = c2CaseProfile(c);
  if (!profile.ok) return { ...entry, passed: false, problems: [`setup: ${profile.error}`] };
  const notes = unportableC2Setup(c).map((s) => `setup the terminal must have (not passed by the runner): ${s}`);
  const card = new PaypassServedCard(profile.profile);
  const served = await serveToTerminal(c.id, card, c2Variables(c, options.reader ?? DEFAULT_VPCD_READER), options);
  if (served.aborted) return { ...entry, passed: false, problems: [...served.problems], notes };
  const verdict = judgeC2FromCard(c, served.exchanges);
  const actual = observedTap({ ...verdict.view, selected: undefined, ttq: undefined }, served.exchanges);
  return tapReport(entry, served, verdict, true, actual, notes);
}
