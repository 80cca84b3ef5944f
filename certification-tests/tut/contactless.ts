// Terminal-under-test mode for the contactless catalog (EMV Contactless Book B Entry Point, Book C-3): the case's
// card — an emulator profile on its contactless interface, or the case's scripted card — served through vpcd as an
// ISO 14443-4 card (the PC/SC Part 3 ATR a reader builds for it, PPSE), and the case judged from what the card saw:
// the APDU sequence, the combination selected, the TTQ in the GPO data. What only the reader knows (the outcome and
// its parameter set, UI messages, fDDA, the online answer) is noted as not judged.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatedCard } from "../../emulator/card.js";
import { contactlessAtr } from "../../emulator/contactless/atr.js";
import { loadProfile } from "../../emulator/profile.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { findTlv } from "../../emv/tlv/ber.js";
import { type DolEntry, dolDataLength } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TRANSACTION_TYPE_CODE } from "../../kernel/transaction-params.js";
import type { CardExchange } from "../../serve/exchange-recorder.js";
import type { ServedCard } from "../../serve/served-card.js";
import { traceCommand } from "../../transport/trace.js";
import type { ContactlessCase, ScriptedCard } from "../catalog/contactless-types.js";
import { scriptedResponder } from "../contactless-harness.js";
import type { Observed } from "../harness.js";
import type { CaseReport } from "../report.js";
import { tapEntry } from "../runner.js";
import { commandName, dolValues, safeDol, tlvs } from "./criteria.js";
import { DEFAULT_VPCD_READER, type ServedRun, serveToTerminal, shownExchanges, type TutOptions } from "./runner.js";

/** "2PAY.SYS.DDF01" (Book B §3.3.2.2): the name SELECT PPSE carries. */
const PPSE_NAME = toHex(new TextEncoder().encode("2PAY.SYS.DDF01"));
/** Historical bytes of a scripted card's ATR: "EMVSIM" (the reader builds 3B 8n 80 01 ‖ these ‖ TCK). */
const SCRIPTED_HISTORICAL_BYTES = new TextEncoder().encode("EMVSIM");
const SW_UNKNOWN = Uint8Array.of(0x6f, 0x00);

/**
 * A scripted contactless card (catalog/contactless-types.ts ScriptedCard) as a server presents it: the contactless
 * ATR, the script's answers; a scripted removal cannot leave a real reader's field, it answers 6F00 instead (such a
 * case is not portable, see unportableTapSetup).
 */
export class ScriptedServedCard implements ServedCard {
  readonly atr = contactlessAtr(SCRIPTED_HISTORICAL_BYTES);
  private readonly respond: ReturnType<typeof scriptedResponder>;
  private index = 0;
  constructor(script: ScriptedCard) {
    this.respond = scriptedResponder(script);
  }
  powerOn(): Uint8Array {
    return this.atr;
  }
  powerOff(): void {}
  transmit(apdu: Uint8Array): Uint8Array {
    const a = this.respond(toHex(apdu), this.index++);
    return typeof a === "string" ? fromHex(a) : SW_UNKNOWN;
  }
}

/** The card a tap case serves: its emulator profile opened on the contactless interface, or its scripted card. */
export function tapCardToServe(c: ContactlessCase): { ok: true; value: ServedCard } | { ok: false; error: string } {
  if ("script" in c.card) return { ok: true, value: new ScriptedServedCard(c.card.script) };
  const p = loadProfile(c.card.profile);
  if (!p.ok) return { ok: false, error: p.error.message };
  try {
    return { ok: true, value: new EmulatedCard(p.value, { interface: "contactless" }) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** What the case asks of the reader that the runner cannot pass on a command line: the operator must set it up. */
export function unportableTapSetup(c: ContactlessCase): string[] {
  const p = c.params ?? {};
  const field = c.field ?? ["card"];
  const script = "script" in c.card ? c.card.script : undefined;
  return [
    ...(field.length !== 1 || field[0] !== "card" ? [`the field events ${field.join(", ")}`] : []),
    ...(script?.removedAt !== undefined ? [`the card leaving the field at command ${script.removedAt + 1}`] : []),
    ...(typeof p.host === "object" ? [`an issuer answering ${p.host.code}`] : []),
    ...((c.expected.taps ?? 1) > 1 ? [`${c.expected.taps} taps (the card presented again)`] : []),
  ];
}

/**
 * Whether a tap case runs on a terminal given only {amount} {type} {pin} {readerconfig} (a shipped reader
 * configuration, or the file the runner writes for the case's combinations).
 */
export function portableTap(c: ContactlessCase): boolean {
  return unportableTapSetup(c).length === 0;
}

let readerDir: string | undefined;

/** A reader configuration (kernel/config/reader-schema.ts JSON) written for a case; its path. */
export function writeReaderConfig(id: string, json: Readonly<Record<string, unknown>>): string {
  readerDir ??= mkdtempSync(join(tmpdir(), "emvsim-tut-readers-"));
  mkdirSync(readerDir, { recursive: true });
  const file = join(readerDir, `${id}.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

/**
 * The case's reader configuration as `emvsim run --reader-config` takes it: a shipped id, or a file written for the
 * case's combinations over the attended-pos terminal (kernel/config/reader-schema.ts: the JSON a lab would load into
 * its reader for the case).
 */
export function readerConfigFor(c: ContactlessCase): string {
  if (typeof c.reader === "string") return c.reader;
  const kernels =
    c.reader.kernels ??
    [...new Set(c.reader.combinations.map((k) => k.kernel))].filter((k): k is number => typeof k === "number");
  const json = {
    id: c.id.toLowerCase(),
    description: `reader of catalog case ${c.id}: ${c.title}`,
    terminal: "attended-pos",
    kernels,
    combinations: c.reader.combinations.map((k) => ({ statusCheckSupport: false, zeroAmountAllowed: false, ...k })),
  };
  return writeReaderConfig(c.id, json);
}

/** An amount in minor units as major units with two decimals, as a command line takes it ("12.34"). */
export function majorUnits(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

/** The variables of a tap case for --run, unquoted ({terminal} and {readerconfig}: the reader configuration). */
export function tapVariables(c: ContactlessCase, reader: string): Record<string, string> {
  const p = c.params ?? {};
  const type = p.type ?? "purchase";
  const readerConfig = readerConfigFor(c);
  return {
    amount: majorUnits(p.amount ?? 1000),
    otheramount: majorUnits(p.otherAmount ?? 0),
    type,
    pin: p.pin ?? "",
    case: c.id,
    reader,
    terminal: readerConfig,
    readerconfig: readerConfig,
    interface: "contactless",
    date: "261203",
    amountminor: String(p.amount ?? 1000),
    otherminor: String(p.otherAmount ?? 0),
    typecode: TRANSACTION_TYPE_CODE[type].toString(16).padStart(2, "0"),
    isodate: "2026-12-03",
  };
}

/** What the card saw of a tap: command names, the combination finally selected, the TTQ it was sent. */
export interface TapCardView {
  readonly commands: string[];
  readonly selected: string | undefined;
  readonly ttq: string | undefined;
}

/** The PDOL-related data of a GPO (Book 3 §6.5.8.3: command template 83) by tag, hex; empty without the 83. */
function gpoDolValues(pdol: readonly DolEntry[], gpoData: Uint8Array): Map<number, string> {
  const t = tlvs(gpoData).find((n) => n.tag === 0x83);
  return t && t.value.length >= dolDataLength(pdol) ? dolValues(pdol, t.value) : new Map();
}

/** Command names as the kernels' traces give them; Kernel 2's own commands (Book C-2) added to the contact ones. */
export function tapCommandName(ins: number): string {
  if (ins === 0xea) return "EXCHANGE RELAY RESISTANCE DATA";
  if (ins === 0xd0) return "RECOVER AC";
  return commandName(ins);
}

/** The card's view of the exchanges (command names as the kernel's trace names them). */
export function tapView(exchanges: readonly CardExchange[]): TapCardView {
  const commands: string[] = [];
  let selected: string | undefined;
  let fci: Uint8Array | undefined;
  let ttq: string | undefined;
  let lastSelect: { aid: string; fci: Uint8Array } | undefined;
  for (const x of exchanges) {
    const ins = x.command[1] ?? 0;
    const lc = x.command.length > 5 ? x.command[4]! : 0;
    const data = x.command.subarray(5, 5 + lc);
    const response = x.response.subarray(0, Math.max(0, x.response.length - 2));
    if (ins === 0xa4 && x.command[2] === 0x04) {
      const ppse = toHex(data) === PPSE_NAME;
      commands.push(ppse ? "SELECT PPSE" : "SELECT");
      if (!ppse) lastSelect = { aid: toHex(data), fci: response };
      continue;
    }
    commands.push(tapCommandName(ins));
    if (ins === 0xa8) {
      // Book B §3.3.3: the combination finally selected is the last SELECT before GET PROCESSING OPTIONS.
      selected = lastSelect?.aid;
      fci = lastSelect?.fci;
      const pdol = safeDol(fci && findTlv(tlvs(fci), TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST)?.value);
      ttq = (pdol && gpoDolValues(pdol, data).get(TAG.TERMINAL_TRANSACTION_QUALIFIERS)) ?? ttq;
    }
  }
  return { commands, selected, ttq };
}

/** A tap case judged from the card's side: problems (failed criteria) and notes (criteria a card cannot judge). */
export function judgeTapFromCard(
  c: ContactlessCase,
  exchanges: readonly CardExchange[],
): { problems: string[]; notes: string[]; view: TapCardView } {
  const e = c.expected;
  const view = tapView(exchanges);
  const { problems, notes, want, hide } = cardVerdict();
  want("APDU sequence", e.commands, view.commands);
  want("combination selected", e.selected, view.selected);
  // The TTQ is judged where the card received it: in the GPO data, at 9F66's place in the card's PDOL.
  if (e.ttq !== undefined && view.commands.includes("GET PROCESSING OPTIONS")) want("TTQ (9F66) sent", e.ttq, view.ttq);
  else if (e.ttq !== undefined) notes.push(`TTQ ${e.ttq}: no GET PROCESSING OPTIONS, the card never saw it`);
  hide([
    ["outcome", e.outcome],
    ["outcomes of the restarts", e.outcomes],
    ["outcome parameter set", e.ops],
    ["UI message", e.uiMessage],
    ["fDDA result", e.fdda],
    ["online answer", e.online],
    ["reason", e.reasonContains],
  ]);
  return { problems, notes, view };
}

/**
 * The verdict of a tap judged from the card: `want` a criterion (a difference is a problem naming what the card saw),
 * `hide` what only the reader knows (a note each, never a problem).
 */
export function cardVerdict() {
  const problems: string[] = [];
  const notes: string[] = [];
  return {
    problems,
    notes,
    want(what: string, expected: unknown, got: unknown): void {
      if (expected !== undefined && JSON.stringify(expected) !== JSON.stringify(got))
        problems.push(`card-side ${what}: expected ${JSON.stringify(expected)}, card saw ${JSON.stringify(got)}`);
    },
    hide(readerOnly: readonly (readonly [string, unknown])[]): void {
      for (const [what, v] of readerOnly)
        if (v !== undefined)
          notes.push(`${what} (${JSON.stringify(v)}): the reader's own result, not visible to the card`);
    },
  };
}

/** The report entry of a tap a terminal under test ran: served problems, silence where commands were due, verdict. */
export function tapReport(
  entry: ReturnType<typeof tapEntry>,
  served: ServedRun,
  verdict: { readonly problems: readonly string[]; readonly notes: readonly string[] },
  expectsCommands: boolean,
  actual: Observed,
  setupNotes: readonly string[],
): CaseReport {
  const silent =
    served.exchanges.length === 0 && expectsCommands ? ["terminal under test: the card received no command"] : [];
  const problems = [...served.problems, ...silent, ...verdict.problems];
  return { ...entry, passed: problems.length === 0, actual, problems, notes: [...setupNotes, ...verdict.notes] };
}

/** The card's view in the report's terms (contact-only fields say they are not visible). */
export function observedTap(view: TapCardView, exchanges: readonly CardExchange[]): Observed {
  return {
    outcome: "not visible to the card",
    reason: "terminal under test: judged from the card's side",
    ...(view.selected ? { aid: view.selected } : {}),
    tvr: "",
    tsi: "",
    cvmResults: null,
    cryptograms: [],
    oda: { method: "not visible to the card", result: "not visible to the card" },
    commands: view.commands,
    apdus: exchanges.map((x) => traceCommand(x.command)),
    exchanges: shownExchanges(exchanges),
  };
}

/** One tap case on the terminal under test. */
export async function evaluateTapOnTerminal(c: ContactlessCase, options: TutOptions): Promise<CaseReport> {
  const entry = tapEntry({ kind: "contactless", case: c });

  const card = tapCardToServe(c);
  if (!card.ok) return { ...entry, passed: false, problems: [`setup: ${card.error}`] };
  const notes = unportableTapSetup(c).map((s) => `setup the terminal must have (not passed by the runner): ${s}`);
  const served = await serveToTerminal(
    c.id,
    card.value,
    tapVariables(c, options.reader ?? DEFAULT_VPCD_READER),
    options,
  );
  if (served.aborted) return { ...entry, passed: false, problems: [...served.problems], notes };
  const verdict = judgeTapFromCard(c, served.exchanges);
  // Pre-processing may end a tap before any command (Try Another Interface): silence is then what the case expects.
  const actual = observedTap(verdict.view, served.exchanges);
  return tapReport(entry, served, verdict, c.expected.commands.length > 0, actual, notes);
}
