// A contactless tap as data (`emvsim run --interface contactless --json`) and as a report for people: pre-processing
// (Book B §3.1: limits, indicators, the TTQ bit by bit), the PPSE candidates (§3.3), the kernel (CTQ bit by bit,
// the card's decision, fDDA, CVM), the outcome with its parameter set and UI requests (Book A §6.2, §7.1). PAN masked,
// track 2 hidden, as in the contact report.

import { describeBits } from "../../emv/bits.js";
import { toHex } from "../../emv/bytes.js";
import { CTQ_BITS } from "../../emv/fields/ctq.js";
import { describeOutcomeParameterSet, encodeOutcomeParameterSet } from "../../emv/fields/outcome-parameter-set.js";
import { TTQ_BITS } from "../../emv/fields/ttq.js";
import { describeUiRequest, messageName, type UiRequest } from "../../emv/fields/ui-request.js";
import { type Disclosure, displayTlvBytes, MASKED, UNMASKED } from "../../emv/sensitive.js";
import type { ReaderConfig } from "../config/reader-types.js";
import { TransactionData } from "../data/store.js";
import { explainRegister } from "../report.js";
import { displayCommand, displayResponse, type ResultOptions, redactor } from "../result.js";
import type { TapRecord } from "./entry-point.js";
import type { CombinationState } from "./preprocessing.js";

const INDENT = "   ";

function uiJson(u: UiRequest | undefined) {
  return u
    ? {
        messageId: toHex(Uint8Array.of(u.messageId)),
        message: messageName(u.messageId),
        status: u.status,
        holdTime: u.holdTime,
      }
    : null;
}

function floorLimit(s: CombinationState): { value: number | null; source: string } {
  const c = s.combination;
  if (c.floorLimit !== undefined) return { value: c.floorLimit, source: "reader contactless floor limit" };
  if (c.terminalFloorLimit !== undefined) return { value: c.terminalFloorLimit, source: "terminal floor limit (9F1B)" };
  return { value: null, source: "none" };
}

function indicatorNames(s: CombinationState): string[] {
  const i = s.indicators;
  return [
    ...(i.statusCheckRequested ? ["Status Check Requested"] : []),
    ...(i.contactlessApplicationNotAllowed ? ["Contactless Application Not Allowed"] : []),
    ...(i.zeroAmount ? ["Zero Amount"] : []),
    ...(i.cvmRequiredLimitExceeded ? ["Reader CVM Required Limit Exceeded"] : []),
    ...(i.floorLimitExceeded ? ["Reader Contactless Floor Limit Exceeded"] : []),
  ];
}

/** The `--json` object of a tap. */
export function tapToJson(record: TapRecord, reader: ReaderConfig, options: ResultOptions): Record<string, unknown> {
  const disclosure: Disclosure = options.unmask ? UNMASKED : MASKED;
  const data = record.kernel?.context.data ?? new TransactionData();
  const r = redactor(data, disclosure);
  const o = record.outcome;
  const k = record.kernelDetails;
  const out: Record<string, unknown> = {
    interface: "contactless",
    reader: reader.id,
    outcome: o.ops.status,
    source: o.source,
    reason: r.text(o.reason),
    outcomeParameters: { ...o.ops, encoded: toHex(encodeOutcomeParameterSet(o.ops)) },
    uiRequestOnOutcome: uiJson(o.uiOnOutcome),
    uiRequestOnRestart: uiJson(o.uiOnRestart),
    outcomes: record.outcomes.map((x) => ({ status: x.ops.status, source: x.source, reason: r.text(x.reason) })),
    taps: record.taps,
    preProcessing: record.preProcessing.combinations.map((s) => ({
      aid: toHex(s.combination.aid),
      kernel: toHex(s.combination.kernelId),
      transactionLimit: s.combination.transactionLimit ?? null,
      floorLimit: floorLimit(s),
      cvmRequiredLimit: s.combination.cvmRequiredLimit ?? null,
      statusCheckSupport: s.combination.statusCheckSupport,
      zeroAmountAllowed: s.combination.zeroAmountAllowed,
      indicators: { ...s.indicators, ttq: undefined },
      ttq: s.indicators.ttq ? toHex(s.indicators.ttq) : null,
      ttqBits: s.indicators.ttq ? describeBits(TTQ_BITS, s.indicators.ttq) : [],
    })),
    ppse: (record.directory ?? []).map((e) => ({
      order: e.order + 1,
      aid: e.adfName ? toHex(e.adfName) : null,
      label: e.label ?? null,
      priority: e.priority ?? null,
      kernelIdentifier: e.kernelIdentifier ? toHex(e.kernelIdentifier) : null,
      extendedSelection: e.extendedSelection ? toHex(e.extendedSelection) : null,
    })),
    candidates: record.candidates.map((c) => ({
      aid: toHex(c.adfName),
      kernel: toHex(c.state.combination.kernelId),
      priority: c.entry.priority ?? null,
      order: c.entry.order + 1,
    })),
    selected: record.selected
      ? { aid: toHex(record.selected.adfName), kernel: toHex(record.selected.state.combination.kernelId) }
      : null,
    kernel: k
      ? {
          name: k.kernel,
          ttq: k.ttq ? toHex(k.ttq) : null,
          ttqBits: k.ttq ? describeBits(TTQ_BITS, k.ttq) : [],
          ctq: k.ctq ? toHex(k.ctq) : null,
          ctqBits: k.ctq ? describeBits(CTQ_BITS, k.ctq) : [],
          cryptogram: k.cryptogram ? { type: k.cryptogram.type, from: k.cryptogram.from } : null,
          fdda: k.fdda ? { result: k.fdda.result, ...(k.fdda.reason ? { reason: r.text(k.fdda.reason) } : {}) } : null,
          cvm: k.cvm ?? null,
          rules: k.rules.map((x) => r.text(x)),
          issuerUpdate: k.issuerUpdate ?? null,
          notes: (k.notes ?? []).map((x) => r.text(x)),
        }
      : null,
    online: record.online
      ? {
          reachable: record.online.reachable,
          responseCode: record.online.responseCode ?? null,
          approved: record.online.approved,
          reason: r.text(record.online.reason),
        }
      : null,
    dataRecord: o.dataRecord ? r.hex(displayTlvBytes(o.dataRecord, disclosure, true)) : null,
    events: record.events.map((e) => ({ step: e.step, message: r.text(e.message) })),
  };
  if (options.trace) {
    out.trace = record.trace.map((t) => ({
      name: t.name,
      command: r.hex(displayCommand(t.command)),
      response: t.response ? r.hex(displayResponse(t.response, disclosure)) : null,
      ...(t.error !== undefined ? { error: r.text(t.error) } : {}),
    }));
  }
  return out;
}

/** The text report of a tap. */
export function tapReport(record: TapRecord, reader: ReaderConfig, options: ResultOptions): string {
  const disclosure: Disclosure = options.unmask ? UNMASKED : MASKED;
  const data = record.kernel?.context.data ?? new TransactionData();
  const r = redactor(data, disclosure);
  const o = record.outcome;
  const out: string[] = ["emvsim contactless transaction report", ""];
  out.push(`Reader: ${reader.id} — ${reader.description}`);
  out.push(`Outcome: ${o.ops.status.toUpperCase()} (${o.source}) — ${r.text(o.reason)}`);
  if (record.online) out.push(`Online: ${r.text(record.online.reason)}`);
  out.push("");

  out.push("1. Pre-processing (Book B §3.1)");
  for (const s of record.preProcessing.combinations) {
    const c = s.combination;
    const fl = floorLimit(s);
    out.push(`${INDENT}${toHex(c.aid)} kernel ${toHex(c.kernelId)}${c.label ? ` "${c.label}"` : ""}`);
    out.push(
      `${INDENT}${INDENT}limits: transaction ${c.transactionLimit ?? "none"}, floor ${fl.value ?? "none"} (${fl.source}), CVM required ${c.cvmRequiredLimit ?? "none"}; status check ${c.statusCheckSupport ? "supported" : "not supported"}, zero amount ${c.zeroAmountAllowed ? "allowed" : "not allowed"}`,
    );
    const names = indicatorNames(s);
    out.push(`${INDENT}${INDENT}indicators: ${names.length ? names.join(", ") : "none set"}`);
    if (s.indicators.ttq) {
      out.push(`${INDENT}${INDENT}TTQ (9F66) ${toHex(s.indicators.ttq)}:`);
      for (const l of explainRegister(TTQ_BITS, s.indicators.ttq)) out.push(`${INDENT}${INDENT}${INDENT}${l}`);
    }
  }
  out.push("");

  out.push("2. Combination selection (Book B §3.3)");
  if (!record.directory) out.push(`${INDENT}PPSE not read`);
  else if (record.directory.length === 0) out.push(`${INDENT}PPSE: no directory entries`);
  for (const e of record.directory ?? []) {
    out.push(
      `${INDENT}PPSE entry ${e.order + 1}: ${e.adfName ? toHex(e.adfName) : "(no ADF Name)"}${e.label ? ` "${e.label}"` : ""}${e.priority !== undefined ? `, priority ${e.priority & 0x0f}` : ""}${e.kernelIdentifier ? `, kernel identifier ${toHex(e.kernelIdentifier)}` : ", no kernel identifier"}`,
    );
  }
  for (const c of record.candidates)
    out.push(`${INDENT}candidate: ${toHex(c.adfName)} with kernel ${toHex(c.state.combination.kernelId)}`);
  for (const x of record.rejections)
    out.push(`${INDENT}not a candidate: ${x.entry.adfName ? toHex(x.entry.adfName) : "(no ADF Name)"} — ${x.reason}`);
  if (record.selected)
    out.push(
      `${INDENT}selected: ${toHex(record.selected.adfName)} (kernel ${toHex(record.selected.state.combination.kernelId)})`,
    );
  out.push("");

  const k = record.kernelDetails;
  if (k) {
    out.push(`3. ${k.kernel} (Book ${k.kernel === "Kernel 2" ? "C-2" : "C-3"})`);
    if (k.ttq) {
      out.push(`${INDENT}TTQ sent (9F66) ${toHex(k.ttq)}:`);
      for (const l of explainRegister(TTQ_BITS, k.ttq)) out.push(`${INDENT}${INDENT}${l}`);
    }
    if (k.ctq) {
      out.push(`${INDENT}CTQ (9F6C) ${toHex(k.ctq)}:`);
      for (const l of explainRegister(CTQ_BITS, k.ctq)) out.push(`${INDENT}${INDENT}${l}`);
    }
    if (k.cryptogram) out.push(`${INDENT}card's decision: ${k.cryptogram.type} (from ${k.cryptogram.from})`);
    if (k.fdda) out.push(`${INDENT}fDDA: ${k.fdda.result}${k.fdda.reason ? ` — ${r.text(k.fdda.reason)}` : ""}`);
    if (k.cvm) out.push(`${INDENT}CVM: ${k.cvm}`);
    for (const rule of k.rules) out.push(`${INDENT}rule: ${r.text(rule)}`);
    if (k.issuerUpdate) out.push(`${INDENT}issuer update: ${k.issuerUpdate}`);
    for (const note of k.notes ?? []) out.push(`${INDENT}${r.text(note)}`);
    out.push("");
  }

  out.push(`${k ? 4 : 3}. Outcome (Book B §3.5, Book A §6.2)`);
  if (record.outcomes.length > 1)
    out.push(
      `${INDENT}outcomes in order: ${record.outcomes.map((x) => x.ops.status).join(" → ")} (${record.taps} tap(s))`,
    );
  out.push(`${INDENT}Outcome Parameter Set ${toHex(encodeOutcomeParameterSet(o.ops))}:`);
  for (const l of describeOutcomeParameterSet(o.ops)) out.push(`${INDENT}${INDENT}${l}`);
  if (o.uiOnOutcome) out.push(`${INDENT}UI Request on Outcome: ${describeUiRequest(o.uiOnOutcome)}`);
  if (o.uiOnRestart) out.push(`${INDENT}UI Request on Restart: ${describeUiRequest(o.uiOnRestart)}`);
  if (o.dataRecord) out.push(`${INDENT}Data Record: ${displayTlvBytes(o.dataRecord, disclosure, true)}`);
  out.push("", "Events:");
  for (const e of record.events) out.push(`${INDENT}[${e.step}] ${r.text(e.message)}`);
  if (options.trace) {
    out.push("", `APDU trace (${record.trace.length} exchanges):`);
    record.trace.forEach((t, i) => {
      out.push(`#${i + 1} ${t.name}`);
      out.push(`${INDENT}> ${displayCommand(t.command)}`);
      if (t.response) out.push(`${INDENT}< ${displayResponse(t.response, disclosure)}`);
      if (t.error) out.push(`${INDENT}! ${r.text(t.error)}`);
    });
  }
  return out.map((l) => r.hex(l)).join("\n");
}
