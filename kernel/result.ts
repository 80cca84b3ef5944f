// The transaction result as data (EMV Book 3 §10.11 outcome; Book 3 Annex C5/C6 TVR/TSI; Book 4 Annex A4 CVM
// Results; Book 3 Annex A 9F5B): the JSON form of `emvsim run --json`, with PAN masked and track/PIN data hidden.

import { describeBits } from "../emv/bits.js";
import { hexByte, toHex } from "../emv/bytes.js";
import { parseCvmResults } from "../emv/fields/cvm-results.js";
import { isFieldError } from "../emv/fields/field-error.js";
import {
  type Disclosure,
  displayTlvBytes,
  MASKED,
  maskPan,
  maskPansInText,
  maskTrack2,
  UNMASKED,
} from "../emv/sensitive.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { isPinCommand } from "../transport/apdu-text.js";
import type { TraceEntry } from "./card-session.js";
import type { OdaState } from "./contact/context.js";
import type { AdviceRecord, CryptogramRecord, CryptogramType, OnlineRecord, Outcome } from "./contact/decision.js";
import type { LanguageChoice } from "./contact/language.js";
import type { TransactionData } from "./data/store.js";
import { type TerminationCause, type TerminationJson, terminationJson } from "./termination.js";
import type { KernelEvent } from "./transaction-params.js";

/** What the result and the report read from a finished transaction (kernel/transaction.ts TransactionRecord). */
export interface TransactionOutcomeRecord {
  readonly outcome: Outcome;
  /** The detail in words (PANs masked). */
  readonly reason: string;
  /** Why the transaction was terminated (Book 3 §10; its Book 4 §11.2 message): exactly when outcome is "terminated". */
  readonly termination?: TerminationCause;
  /** The selected application's AID (DF name), when one was selected. */
  readonly aid?: Uint8Array;
  readonly label?: string;
  /** The language chosen for the cardholder (Book 4 §11.1), once an application was selected. */
  readonly language?: LanguageChoice;
  readonly oda: OdaState;
  /** TVR (95), 5 bytes, and TSI (9B), 2 bytes, at the end of the transaction. */
  readonly tvr: Uint8Array;
  readonly tsi: Uint8Array;
  /** CVM Results (9F34), 3 bytes, when CVM processing ran. */
  readonly cvmResults?: Uint8Array;
  readonly cryptograms: readonly CryptogramRecord[];
  /** An advice the card asked for (CID b4, Book 3 §10.8). */
  readonly advice?: AdviceRecord;
  readonly online?: OnlineRecord;
  /** Authorisation request ICC data (BER-TLV) as sent to the issuer. */
  readonly authorizationData?: Uint8Array;
  readonly trace: readonly TraceEntry[];
  readonly events: readonly KernelEvent[];
  readonly data: TransactionData;
}

export interface ResultOptions {
  /** Include the APDU exchange. */
  readonly trace: boolean;
  /** Show what the card sent in clear (PANs, track data: `--unmask`). PIN data stays hidden whatever this says. */
  readonly unmask: boolean;
}

export type OdaResultText = "passed" | "failed" | "not-performed";

/** One processed issuer script, from 5 bytes of Issuer Script Results (Book 3 Annex A, 9F5B). */
export interface ScriptResult {
  /** Issuer Script Identifier (9F18), hex; 00000000 when the script had none. */
  readonly id: string;
  readonly result: "not-performed" | "failed" | "successful" | "RFU";
  /** Sequence number of the failing command (1..14, 15 = 15 or more); 0 when not specified. */
  readonly command: number;
}

export interface TransactionResultJson {
  outcome: Outcome;
  /** Present exactly when the outcome is "terminated": the typed cause and its Book 4 §11.2 message. */
  termination?: TerminationJson;
  reason: string;
  aid: string | null;
  label?: string;
  /** The cardholder's language (ISO 639-1) and how it was chosen (Book 4 §11.1). */
  language?: LanguageChoice;
  /** The PAN (masked unless unmasked). */
  pan?: string;
  oda: { method: OdaState["method"]; result: OdaResultText };
  odaReason?: string;
  tvr: string;
  tvrBits: string[];
  tsi: string;
  tsiBits: string[];
  cvmResults: string | null;
  cvm?: { method: string; condition: string; result: string };
  cryptograms: {
    type: CryptogramType;
    value: string;
    requested: CryptogramType;
    cid: string;
    atc?: string;
    cdaRequested: boolean;
  }[];
  online?: {
    attempted: boolean;
    reachable: boolean;
    responseCode?: string;
    issuerAuthentication: OnlineRecord["issuerAuthentication"];
    scriptResults: string;
    scripts: ScriptResult[];
  };
  authorizationData?: string;
  /** An advice the card asked for (CID b4, Book 3 §10.8). */
  advice?: { cid: string; generateAc: 1 | 2; reason: string };
  events: { step: string; message: string }[];
  trace?: { name: string; command: string; response: string | null; error?: string }[];
}

/** A CDA still pending at the end never reached GENERATE AC: it was not performed. */
export function odaResultText(oda: OdaState): OdaResultText {
  return oda.result === "pending" ? "not-performed" : oda.result;
}

/** Issuer Script Results (9F5B), 5 bytes per script: b8–b5 result, b4–b1 command sequence, then the script id. */
export function parseScriptResults(value: Uint8Array): ScriptResult[] {
  const out: ScriptResult[] = [];
  for (let i = 0; i + 5 <= value.length; i += 5) {
    const first = value[i]!;
    const status = first >> 4;
    out.push({
      id: toHex(value.subarray(i + 1, i + 5)),
      result: status === 0 ? "not-performed" : status === 1 ? "failed" : status === 2 ? "successful" : "RFU",
      command: first & 0x0f,
    });
  }
  return out;
}

/**
 * Redaction of text and hex that leaves the process: every occurrence of the card's track data (57, 9F6B, 56,
 * 9F1F, 9F20) is hidden, and of its PAN (5A) masked unless disclosed; PAN-like digit runs in text are masked too.
 */
export interface Redactor {
  /** Hex (upper case) with the card's sensitive values masked wherever they appear. */
  hex(text: string): string;
  /** Free text: the card's sensitive values and PAN-like digit runs masked. */
  text(text: string): string;
}

const TRACK_TAGS = [
  TAG.TRACK_2_EQUIVALENT_DATA,
  TAG.TRACK_2_DATA,
  TAG.TRACK_1_DATA,
  TAG.TRACK_1_DISCRETIONARY_DATA,
  TAG.TRACK_2_DISCRETIONARY_DATA,
] as const;

export function redactor(data: TransactionData, disclosure: Disclosure): Redactor {
  const replacements: [string, string][] = [];
  for (const tag of disclosure.unmaskTrack ? [] : TRACK_TAGS) {
    const v = data.get(tag);
    if (v && v.length >= 4) {
      const hex = toHex(v);
      replacements.push([
        hex,
        tag === TAG.TRACK_2_EQUIVALENT_DATA || tag === TAG.TRACK_2_DATA
          ? maskTrack2(hex, disclosure)
          : `<${v.length} bytes hidden>`,
      ]);
    }
  }
  const pan = data.get(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  if (pan && pan.length >= 4 && !disclosure.unmaskPan) {
    const hex = toHex(pan);
    replacements.push([hex, maskPan(hex)]);
    const digits = hex.replace(/F+$/i, "");
    if (digits !== hex) replacements.push([digits, maskPan(digits)]);
  }
  // Longest first, so that a PAN inside track 2 data is handled as part of the track.
  replacements.sort((a, b) => b[0].length - a[0].length);
  const apply = (s: string) => {
    let out = s;
    for (const [from, to] of replacements) {
      if (out.toUpperCase().includes(from)) out = out.replace(new RegExp(from, "gi"), to);
    }
    return out;
  };
  return {
    hex: apply,
    text: (s) => {
      const r = apply(s);
      return disclosure.unmaskPan ? r : maskPansInText(r);
    },
  };
}

/** A traced command as shown: PIN data (VERIFY, PIN CHANGE/UNBLOCK) hidden, whatever the options. */
export function displayCommand(command: Uint8Array): string {
  if (command.length > 5 && isPinCommand(command[1]!)) {
    return `${toHex(command.subarray(0, 5))}[<${command[4]!} bytes hidden>]${toHex(command.subarray(5 + command[4]!))}`;
  }
  return toHex(command);
}

/** A traced response as shown: its TLV data with PAN/track data masked, then SW1 SW2. */
export function displayResponse(response: Uint8Array, disclosure: Disclosure): string {
  if (response.length < 2) return toHex(response);
  const data = response.subarray(0, response.length - 2);
  return displayTlvBytes(data, disclosure) + toHex(response.subarray(response.length - 2));
}

/** The `emvsim run --json` object for a finished transaction. */
export function resultToJson(record: TransactionOutcomeRecord, options: ResultOptions): TransactionResultJson {
  const disclosure: Disclosure = options.unmask ? UNMASKED : MASKED;
  const r = redactor(record.data, disclosure);
  const pan = record.data.get(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  const out: TransactionResultJson = {
    outcome: record.outcome,
    ...(record.termination ? { termination: terminationJson(record.termination) } : {}),
    reason: r.text(record.reason),
    aid: record.aid ? toHex(record.aid) : null,
    ...(record.label !== undefined ? { label: record.label } : {}),
    ...(record.language ? { language: { ...record.language } } : {}),
    ...(pan ? { pan: options.unmask ? toHex(pan).replace(/F+$/i, "") : maskPan(toHex(pan)) } : {}),
    oda: { method: record.oda.method, result: odaResultText(record.oda) },
    ...(record.oda.reason !== undefined ? { odaReason: r.text(record.oda.reason) } : {}),
    tvr: toHex(record.tvr),
    tvrBits: describeBits(TVR_BITS, record.tvr),
    tsi: toHex(record.tsi),
    tsiBits: describeBits(TSI_BITS, record.tsi),
    cvmResults: record.cvmResults ? toHex(record.cvmResults) : null,
    cryptograms: record.cryptograms.map((c) => ({
      type: c.type,
      value: toHex(c.value),
      requested: c.requested,
      cid: hexByte(c.cid),
      ...(c.atc ? { atc: toHex(c.atc) } : {}),
      cdaRequested: c.cdaRequested,
    })),
    events: record.events.map((e) => ({ step: e.step, message: r.text(e.message) })),
  };
  if (record.cvmResults) {
    const cvm = parseCvmResults(record.cvmResults);
    if (!isFieldError(cvm)) out.cvm = { method: cvm.methodName, condition: cvm.conditionName, result: cvm.result };
  }
  if (record.online) {
    const o = record.online;
    out.online = {
      attempted: o.attempted,
      reachable: o.reachable,
      ...(o.responseCode !== undefined ? { responseCode: o.responseCode } : {}),
      issuerAuthentication: o.issuerAuthentication,
      scriptResults: toHex(o.scriptResults),
      scripts: parseScriptResults(o.scriptResults),
    };
  }
  if (record.advice) {
    const a = record.advice;
    out.advice = { cid: hexByte(a.cid), generateAc: a.generateAc, reason: a.reason };
  }
  if (record.authorizationData) {
    out.authorizationData = r.hex(displayTlvBytes(record.authorizationData, disclosure, true));
  }
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
