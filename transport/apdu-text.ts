// Command/response APDUs and BER-TLV data in words (EMV Book 3 §6.5 commands, Annex B TLV; Book 1 §11): shared by
// `emvsim decode` and the transaction report's trace. PAN, track and PIN data only in their masked display form.

import { hexByte, toHex } from "../emv/bytes.js";
import { describeField } from "../emv/fields/describe.js";
import { type Disclosure, displayValue } from "../emv/sensitive.js";
import { decodeTlvs, type Tlv, tagToHex } from "../emv/tlv/ber.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { tagName } from "../emv/tlv/tags.js";
import { decodeCommandApdu, decodeResponseApdu } from "./apdu.js";
import { describeStatusWord } from "./status-words.js";

export interface RenderOptions {
  readonly disclosure: Disclosure;
  /** INS of the command the data answers, to explain format 1 (tag 80) responses. */
  readonly ins?: number;
}

export function tlvName(node: Tlv, parent: number | undefined): string {
  return tagName(node.tag, parent) ?? "(unknown tag)";
}

/** Format 1 response templates (tag 80): GPO = AIP | AFL (Book 3 §6.5.8.4); GENERATE AC = CID | ATC | AC | IAD (§6.5.5.4). */
function explainFormat1(ins: number | undefined, value: Uint8Array): string[] | undefined {
  const field = (tag: number, v: Uint8Array) => [
    `${tagToHex(tag)} ${tagName(tag)}: ${toHex(v)}`,
    ...(describeField(tag, v) ?? []).map((l) => `  ${l}`),
  ];
  if (ins === 0xa8 && value.length >= 2)
    return [...field(0x82, value.subarray(0, 2)), ...field(0x94, value.subarray(2))];
  if (ins === 0xae && value.length >= 11) {
    return [
      ...field(TAG.CRYPTOGRAM_INFORMATION_DATA, value.subarray(0, 1)),
      ...field(TAG.APPLICATION_TRANSACTION_COUNTER, value.subarray(1, 3)),
      ...field(TAG.APPLICATION_CRYPTOGRAM, value.subarray(3, 11)),
      ...(value.length > 11 ? field(TAG.ISSUER_APPLICATION_DATA, value.subarray(11)) : []),
    ];
  }
  return undefined;
}

/** The indented tree: "TAG Name [length] value", explanations below, two spaces per level. */
export function renderTree(nodes: readonly Tlv[], options: RenderOptions, depth = 0, parent?: number): string[] {
  const lines: string[] = [];
  const pad = "  ".repeat(depth);
  for (const n of nodes) {
    const head = `${pad}${n.tagHex} ${tlvName(n, parent)} [${n.length}]`;
    if (n.children) {
      lines.push(head);
      lines.push(...renderTree(n.children, options, depth + 1, n.tag));
      continue;
    }
    lines.push(n.length ? `${head} ${displayValue(n.tag, n.value, options.disclosure)}` : head);
    const words =
      n.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1
        ? explainFormat1(options.ins, n.value)
        : describeField(n.tag, n.value);
    for (const w of words ?? []) lines.push(`${pad}   ${w}`);
  }
  return lines;
}

/** Issuer script commands by INS (EMV Book 3 §6.5.1–§6.5.3, §6.5.10; PUT DATA, UPDATE RECORD), as traces name them. */
export const SCRIPT_COMMAND_NAMES: ReadonlyMap<number, string> = new Map([
  [0x1e, "APPLICATION BLOCK"],
  [0x18, "APPLICATION UNBLOCK"],
  [0x16, "CARD BLOCK"],
  [0x24, "PIN CHANGE/UNBLOCK"],
  [0xda, "PUT DATA"],
  [0xdc, "UPDATE RECORD"],
]);

/** The command's name and its P1/P2 in words. */
export function describeCommand(cla: number, ins: number, p1: number, p2: number): string {
  const proprietary = (cla & 0x80) !== 0;
  switch (ins) {
    case 0xa4: {
      const by = p1 === 0x04 ? "by DF name" : `P1 ${hexByte(p1)}`;
      const occurrence = (p2 & 0x03) === 0x02 ? "next occurrence" : "first or only occurrence";
      return `SELECT ${by}, ${occurrence}`;
    }
    case 0xb2:
      return (p2 & 0x07) === 0x04
        ? `READ RECORD SFI ${p2 >> 3} record ${p1}`
        : `READ RECORD record ${p1}, P2 ${hexByte(p2)}`;
    case 0xa8:
      return "GET PROCESSING OPTIONS";
    case 0xae: {
      const type = ["AAC", "TC", "ARQC", "RFU"][p1 >> 6];
      return `GENERATE AC, ${type} requested${p1 & 0x10 ? ", CDA signature requested" : ""}`;
    }
    case 0xca:
      return `GET DATA ${tagToHex((p1 << 8) | p2)} (${tagName((p1 << 8) | p2) ?? "unknown tag"})`;
    case 0x88:
      return "INTERNAL AUTHENTICATE";
    case 0x82:
      return "EXTERNAL AUTHENTICATE";
    case 0x84:
      return "GET CHALLENGE";
    case 0x20:
      return `VERIFY, ${p2 === 0x80 ? "plaintext PIN" : p2 === 0x88 ? "enciphered PIN" : `P2 ${hexByte(p2)}`}`;
    case 0xc0:
      return "GET RESPONSE";
    default:
      return SCRIPT_COMMAND_NAMES.get(ins) ?? (proprietary ? "proprietary command" : "unknown command");
  }
}

/** INS of commands whose data is PIN data, never shown (VERIFY, PIN CHANGE/UNBLOCK). */
export function isPinCommand(ins: number): boolean {
  return ins === 0x20 || ins === 0x24;
}

/** The command's data field in words: TLV where it is TLV (GPO 83, SELECT name), hidden for PIN data. */
function describeCommandData(ins: number, data: Uint8Array, options: RenderOptions): string[] {
  if (data.length === 0) return [];
  if (isPinCommand(ins)) return [`  data: <${data.length} bytes hidden>`];
  if (ins === 0xa8) return ["  data:", ...renderTree(decodeTlvs(data), options, 2)];
  const label = ins === 0xae ? "CDOL related data" : ins === 0x88 ? "DDOL related data" : "data";
  const text = ins === 0xa4 && data.every((c) => c >= 0x20 && c < 0x7f) ? ` "${String.fromCharCode(...data)}"` : "";
  return [`  ${label}: ${toHex(data)}${text}`];
}

/**
 * A command and its response in words: the command named with its data, SW1SW2 explained and the response tree.
 * Throws ApduError / TlvError for bytes that are not an APDU or not TLV.
 */
export function describeApduPair(command: Uint8Array, response: Uint8Array, options: RenderOptions): string[] {
  const c = decodeCommandApdu(command);
  const r = decodeResponseApdu(response);
  const header = `CLA ${hexByte(c.cla)} INS ${hexByte(c.ins)} P1 ${hexByte(c.p1)} P2 ${hexByte(c.p2)}`;
  const withIns = { ...options, ins: c.ins };
  const lines = [`C-APDU ${header}: ${describeCommand(c.cla, c.ins, c.p1, c.p2)}`];
  if (c.data.length) lines.push(`  Lc ${c.data.length}`, ...describeCommandData(c.ins, c.data, withIns));
  if (c.le !== undefined) lines.push(`  Le ${c.le}`);
  lines.push(`R-APDU SW ${describeStatusWord(r.sw)}`);
  if (r.data.length) lines.push(...renderTree(decodeTlvs(r.data), withIns, 1));
  return lines;
}
