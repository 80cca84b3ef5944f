// The transaction report for people (EMV Book 3 §10 steps in order, Annex C5/C6 TVR/TSI bit by bit, Book 4 Annex
// A4 CVM Results, Book 3 §6.5.5 GENERATE AC): what the terminal did and why. PAN masked, track and PIN data hidden.

import { type BitDef, isBitSet, undefinedBits } from "../emv/bits.js";
import { hexByte, toHex } from "../emv/bytes.js";
import { describeCvmResults, parseCvmResults } from "../emv/fields/cvm-results.js";
import { isFieldError } from "../emv/fields/field-error.js";
import { type Disclosure, displayTlvBytes, displayValue, MASKED, UNMASKED } from "../emv/sensitive.js";
import { TlvError } from "../emv/tlv/ber.js";
import { decodeAmount, decodeDate, decodeTime, FormatError, formatDate } from "../emv/tlv/formats.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { describeApduPair } from "../transport/apdu-text.js";
import { describeCid } from "./contact/generate-ac.js";
import type { LanguageSource } from "./contact/language.js";
import {
  displayCommand,
  displayResponse,
  odaResultText,
  parseScriptResults,
  type Redactor,
  type ResultOptions,
  redactor,
  type TransactionOutcomeRecord,
} from "./result.js";
import { describeTermination } from "./termination.js";
import { type KernelEvent, TRANSACTION_TYPE_CODE } from "./transaction-params.js";

/** Report sections in Book 3 §10 order: kernel event step → title. Steps not listed follow in order of appearance. */
const SECTIONS: readonly (readonly [string, string])[] = [
  ["application-selection", "Application selection (Book 1 §12)"],
  ["initiate-application-processing", "Initiate application processing (Book 3 §10.1)"],
  ["read-application-data", "Read application data (Book 3 §10.2)"],
  ["offline-data-authentication", "Offline data authentication (Book 3 §10.3)"],
  ["processing-restrictions", "Processing restrictions (Book 3 §10.4)"],
  ["cardholder-verification", "Cardholder verification (Book 3 §10.5)"],
  ["terminal-risk-management", "Terminal risk management (Book 3 §10.6)"],
  ["action-analysis", "Terminal and card action analysis (Book 3 §10.7, §10.8)"],
  ["card-action-analysis", "Card action analysis: CDA signatures (Book 3 §10.8, Book 2 §6.6)"],
  ["online-processing", "Online processing (Book 3 §10.9)"],
  ["issuer-script-processing", "Issuer script processing (Book 3 §10.10)"],
  ["completion", "Completion (Book 3 §10.11)"],
];

const INDENT = "   ";

/** Each bit of a register: set bits by name with their byte/bit, then set RFU bits; "no bits set" when clear. */
export function explainRegister(defs: readonly BitDef[], value: Uint8Array): string[] {
  const lines = defs.filter((d) => isBitSet(value, d)).map((d) => `byte ${d.byte} bit ${d.bit}: ${d.name}`);
  for (const rfu of undefinedBits(defs, value)) lines.push(`${rfu}: RFU`);
  return lines.length ? lines : ["no bits set"];
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof FormatError) return undefined;
    throw e;
  }
}

function endsWith9000(response: Uint8Array): boolean {
  return response.length >= 2 && response[response.length - 2] === 0x90 && response[response.length - 1] === 0x00;
}

/** How the cardholder's language was chosen, in words (Book 4 §11.1). */
const LANGUAGE_SOURCE: Readonly<Record<LanguageSource, string>> = {
  card: "the card's Language Preference",
  cardholder: "chosen by the cardholder",
  "terminal-default": "the terminal's default",
};

/** Lines a section adds before its kernel events. */
function sectionFacts(step: string, record: TransactionOutcomeRecord, disclosure: Disclosure, r: Redactor): string[] {
  const data = record.data;
  const lines: string[] = [];
  switch (step) {
    case "application-selection": {
      if (record.aid) lines.push(`Selected: ${toHex(record.aid)}${record.label ? ` "${record.label}"` : ""}`);
      else lines.push("No application selected");
      if (record.language) lines.push(`Language: ${record.language.code} (${LANGUAGE_SOURCE[record.language.source]})`);
      break;
    }
    case "read-application-data": {
      // READ RECORDs after the (last) GET PROCESSING OPTIONS that the card answered with 9000: the AFL's records.
      let gpo = -1;
      record.trace.forEach((t, i) => {
        if (t.command[1] === 0xa8) gpo = i;
      });
      const reads = record.trace.filter(
        (t, i) => i > gpo && gpo >= 0 && t.command[1] === 0xb2 && t.response && endsWith9000(t.response),
      );
      if (reads.length) {
        const names = reads.map((t) => `SFI ${t.command[3]! >> 3} record ${t.command[2]!}`);
        lines.push(`Records read: ${names.join(", ")}`);
      }
      const pan = data.get(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
      if (pan) lines.push(`PAN: ${displayValue(0x5a, pan, disclosure)}`);
      const psn = data.get(TAG.PAN_SEQUENCE_NUMBER);
      if (psn) lines.push(`PAN sequence number: ${toHex(psn)}`);
      const expiry = data.get(TAG.APPLICATION_EXPIRATION_DATE);
      const expiryDate = expiry && safe(() => decodeDate(expiry));
      if (expiryDate) lines.push(`Expiry: ${formatDate(expiryDate)}`);
      const effective = data.get(TAG.APPLICATION_EFFECTIVE_DATE);
      const effectiveDate = effective && safe(() => decodeDate(effective));
      if (effectiveDate) lines.push(`Effective: ${formatDate(effectiveDate)}`);
      break;
    }
    case "offline-data-authentication": {
      const o = record.oda;
      lines.push(`Method: ${o.method}, result: ${odaResultText(o)}${o.reason ? ` — ${r.text(o.reason)}` : ""}`);
      break;
    }
    case "cardholder-verification": {
      if (!record.cvmResults) break;
      const cvm = parseCvmResults(record.cvmResults);
      lines.push(`CVM Results (9F34) ${toHex(record.cvmResults)}:`);
      if (isFieldError(cvm)) lines.push(`${INDENT}${cvm.error}`);
      else for (const l of describeCvmResults(cvm)) lines.push(`${INDENT}${l}`);
      break;
    }
    case "action-analysis":
    case "completion": {
      const first = step === "action-analysis";
      record.cryptograms.forEach((c, i) => {
        if ((i === 0) !== first) return;
        const n = i + 1;
        lines.push(
          `GENERATE AC ${n}: requested ${c.requested}${c.cdaRequested ? " with CDA signature" : ""}, card returned ${c.type}`,
        );
        lines.push(`${INDENT}CID ${hexByte(c.cid)}: ${describeCid(c.cid)}`);
        lines.push(`${INDENT}Application Cryptogram ${toHex(c.value)}`);
        if (c.atc) lines.push(`${INDENT}ATC ${toHex(c.atc)}`);
      });
      break;
    }
    case "online-processing": {
      const o = record.online;
      if (!o) break;
      if (!o.attempted) lines.push("Not attempted");
      else if (!o.reachable) lines.push("Issuer not reachable");
      if (o.responseCode !== undefined) lines.push(`Authorisation Response Code (8A): ${o.responseCode}`);
      lines.push(`Issuer authentication: ${o.issuerAuthentication}`);
      break;
    }
    case "issuer-script-processing": {
      const scripts = record.online ? parseScriptResults(record.online.scriptResults) : [];
      if (scripts.length === 0) break;
      lines.push(`Issuer Script Results (9F5B) ${toHex(record.online?.scriptResults ?? new Uint8Array(0))}:`);
      for (const s of scripts) {
        const where = s.command ? `, command ${s.command === 15 ? "15 or later" : s.command}` : "";
        lines.push(`${INDENT}script ${s.id}: ${s.result}${where}`);
      }
      break;
    }
  }
  return lines;
}

/** The transaction's amount, date and type as the terminal sent them (9F02, 5F2A, 9A, 9F21, 9C). */
function transactionLine(record: TransactionOutcomeRecord): string | undefined {
  const d = record.data;
  const amount = d.get(TAG.AMOUNT_AUTHORISED_NUMERIC);
  const exponent = d.get(TAG.TRANSACTION_CURRENCY_EXPONENT);
  const currency = d.get(TAG.TRANSACTION_CURRENCY_CODE);
  const date = d.get(TAG.TRANSACTION_DATE);
  const time = d.get(TAG.TRANSACTION_TIME);
  const type = d.get(TAG.TRANSACTION_TYPE);
  const parts: string[] = [];
  if (type) {
    const name = Object.entries(TRANSACTION_TYPE_CODE).find(([, code]) => code === type[0])?.[0];
    parts.push(`${name ?? "type"} (9C ${toHex(type)})`);
  }
  if (amount) {
    const text = safe(() => decodeAmount(amount, exponent?.[0] ?? 2));
    parts.push(`amount ${text ?? toHex(amount)}${currency ? ` (currency ${toHex(currency).replace(/^0/, "")})` : ""}`);
  }
  const when = date && safe(() => formatDate(decodeDate(date)));
  const at = time && safe(() => decodeTime(time));
  if (when) parts.push(`on ${when}${at ? ` ${at}` : ""}`);
  return parts.length ? `Transaction: ${parts.join(", ")}` : undefined;
}

/** The person-readable report, one string with lines separated by "\n". */
export function transactionReport(record: TransactionOutcomeRecord, options: ResultOptions): string {
  const disclosure: Disclosure = options.unmask ? UNMASKED : MASKED;
  const r = redactor(record.data, disclosure);
  const out: string[] = ["emvsim transaction report", ""];
  const tx = transactionLine(record);
  if (tx) out.push(tx);
  const cause = record.termination ? ` (${describeTermination(record.termination)})` : "";
  out.push(`Outcome: ${record.outcome.toUpperCase()}${cause} — ${r.text(record.reason)}`, "");

  const byStep = new Map<string, KernelEvent[]>();
  for (const e of record.events) {
    const list = byStep.get(e.step) ?? [];
    list.push(e);
    byStep.set(e.step, list);
  }
  const order: (readonly [string, string])[] = [...SECTIONS];
  for (const step of byStep.keys()) if (!SECTIONS.some(([s]) => s === step)) order.push([step, step]);
  let n = 0;
  for (const [step, title] of order) {
    const facts = sectionFacts(step, record, disclosure, r);
    const events = byStep.get(step) ?? [];
    if (facts.length === 0 && events.length === 0) continue;
    out.push(`${++n}. ${title}`);
    for (const f of facts) out.push(`${INDENT}${f}`);
    for (const e of events) out.push(`${INDENT}- ${r.text(e.message)}`);
    out.push("");
  }

  out.push(`TVR (95) ${toHex(record.tvr)}:`, ...explainRegister(TVR_BITS, record.tvr).map((l) => INDENT + l));
  out.push(`TSI (9B) ${toHex(record.tsi)}:`, ...explainRegister(TSI_BITS, record.tsi).map((l) => INDENT + l));
  if (record.authorizationData) {
    out.push(`Authorisation request ICC data: ${displayTlvBytes(record.authorizationData, disclosure, true)}`);
  }

  if (options.trace) {
    out.push("", `APDU trace (${record.trace.length} exchanges):`);
    record.trace.forEach((t, i) => {
      out.push(`#${i + 1} ${t.name}`);
      out.push(`${INDENT}> ${displayCommand(t.command)}`);
      if (t.response) out.push(`${INDENT}< ${displayResponse(t.response, disclosure)}`);
      if (t.error) out.push(`${INDENT}! ${r.text(t.error)}`);
      if (!t.response) return;
      for (const w of describeExchange(t.command, t.response, disclosure)) out.push(INDENT + w);
    });
  }
  // Last line of defence: the card's track data and (unless unmasked) its PAN never leave in clear.
  return out.map((l) => r.hex(l)).join("\n");
}

/**
 * A traced exchange in words; response data that is not BER-TLV (GET CHALLENGE, a card's error, a truncated record)
 * shown as hex with PAN-like content masked (emv/sensitive.ts displayTlvBytes).
 */
function describeExchange(command: Uint8Array, response: Uint8Array, disclosure: Disclosure): string[] {
  try {
    return describeApduPair(command, response, { disclosure });
  } catch (e) {
    if (!(e instanceof TlvError) || response.length < 2) return [`(not decodable: ${(e as Error).message})`];
    const sw = response.subarray(response.length - 2);
    const data = response.subarray(0, response.length - 2);
    try {
      return [
        ...describeApduPair(command, sw, { disclosure }),
        `  data (not BER-TLV): ${displayTlvBytes(data, disclosure)}`,
      ];
    } catch (e2) {
      return [`(not decodable: ${(e2 as Error).message})`];
    }
  }
}
