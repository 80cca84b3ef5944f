// `emvsim decode`: BER-TLV data (EMV Book 3 Annex B) as an indented tree with names and values in words,
// or a command/response APDU pair (Book 3 §6.5) with the command named and the status word explained.

import { fromHex, toHex } from "../../kernel/bytes.js";
import { describeField } from "../../kernel/fields/describe.js";
import { type Disclosure, displayValue, MASKED, PAN_TAGS, SECRET_TAGS } from "../../kernel/sensitive.js";
import { decodeTlvs, type Tlv, tagToHex } from "../../kernel/tlv/ber.js";
import { tagName } from "../../kernel/tlv/tags.js";
import { decodeCommandApdu, decodeResponseApdu } from "../../transport/apdu.js";
import { describeStatusWord } from "../../transport/status-words.js";
import { type CliIo, type Command, UsageError } from "../command.js";

/** One node of `--json` output. `children` only on constructed data objects; hex upper-case. */
export interface JsonNode {
  tag: string;
  name: string;
  length: number;
  /** Hex of the value; sensitive values (and templates holding them) in their masked display form. */
  value: string;
  children?: JsonNode[];
}

interface RenderOptions {
  readonly disclosure: Disclosure;
  /** INS of the command the data answers, to explain format 1 (tag 80) responses. */
  readonly ins?: number;
}

function nameOf(node: Tlv, parent: number | undefined): string {
  return tagName(node.tag, parent) ?? "(unknown tag)";
}

function isSensitive(tag: number): boolean {
  return PAN_TAGS.has(tag) || SECRET_TAGS.has(tag);
}

/** The value as shown: hex, or the masked display form of sensitive data (also inside templates). */
function shownValue(node: Tlv, disclosure: Disclosure): string {
  if (!node.children) return displayValue(node.tag, node.value, disclosure);
  if (!containsSensitive(node.children)) return toHex(node.value);
  // A template holding sensitive data: hex of its bytes with each sensitive value replaced by its display form.
  let out = "";
  let pos = node.valueOffset;
  for (const leaf of sensitiveLeaves(node.children)) {
    out += toHex(node.source.subarray(pos, leaf.valueOffset));
    out += `[${displayValue(leaf.tag, leaf.value, disclosure)}]`;
    pos = leaf.valueOffset + leaf.length;
  }
  return out + toHex(node.source.subarray(pos, node.valueOffset + node.length));
}

function containsSensitive(nodes: readonly Tlv[]): boolean {
  return nodes.some((n) => isSensitive(n.tag) || (n.children !== undefined && containsSensitive(n.children)));
}

function sensitiveLeaves(nodes: readonly Tlv[], out: Tlv[] = []): Tlv[] {
  for (const n of nodes) {
    if (isSensitive(n.tag) && !n.children) out.push(n);
    else if (n.children) sensitiveLeaves(n.children, out);
  }
  return out;
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
      ...field(0x9f27, value.subarray(0, 1)),
      ...field(0x9f36, value.subarray(1, 3)),
      ...field(0x9f26, value.subarray(3, 11)),
      ...(value.length > 11 ? field(0x9f10, value.subarray(11)) : []),
    ];
  }
  return undefined;
}

/** The indented tree: "TAG Name [length] value", explanations below, two spaces per level. */
export function renderTree(nodes: readonly Tlv[], options: RenderOptions, depth = 0, parent?: number): string[] {
  const lines: string[] = [];
  const pad = "  ".repeat(depth);
  for (const n of nodes) {
    const head = `${pad}${n.tagHex} ${nameOf(n, parent)} [${n.length}]`;
    if (n.children) {
      lines.push(head);
      lines.push(...renderTree(n.children, options, depth + 1, n.tag));
      continue;
    }
    lines.push(n.length ? `${head} ${displayValue(n.tag, n.value, options.disclosure)}` : head);
    const words = n.tag === 0x80 ? explainFormat1(options.ins, n.value) : describeField(n.tag, n.value);
    for (const w of words ?? []) lines.push(`${pad}   ${w}`);
  }
  return lines;
}

export function toJsonNodes(nodes: readonly Tlv[], disclosure: Disclosure, parent?: number): JsonNode[] {
  return nodes.map((n) => {
    const node: JsonNode = {
      tag: n.tagHex,
      name: nameOf(n, parent),
      length: n.length,
      value: shownValue(n, disclosure),
    };
    if (n.children) node.children = toJsonNodes(n.children, disclosure, n.tag);
    return node;
  });
}

// ---------------------------------------------------------------------------------------------
// Command APDUs (Book 3 §6.5, Book 1 §11)

const hex2 = (b: number) => toHex(Uint8Array.of(b));

/** The command's name and its P1/P2 in words. */
function describeCommand(cla: number, ins: number, p1: number, p2: number): string {
  const proprietary = (cla & 0x80) !== 0;
  switch (ins) {
    case 0xa4: {
      const by = p1 === 0x04 ? "by DF name" : `P1 ${hex2(p1)}`;
      const occurrence = (p2 & 0x03) === 0x02 ? "next occurrence" : "first or only occurrence";
      return `SELECT ${by}, ${occurrence}`;
    }
    case 0xb2:
      return (p2 & 0x07) === 0x04
        ? `READ RECORD SFI ${p2 >> 3} record ${p1}`
        : `READ RECORD record ${p1}, P2 ${hex2(p2)}`;
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
      return `VERIFY, ${p2 === 0x80 ? "plaintext PIN" : p2 === 0x88 ? "enciphered PIN" : `P2 ${hex2(p2)}`}`;
    case 0xc0:
      return "GET RESPONSE";
    case 0x1e:
      return "APPLICATION BLOCK";
    case 0x18:
      return "APPLICATION UNBLOCK";
    case 0x16:
      return "CARD BLOCK";
    case 0x24:
      return "PIN CHANGE/UNBLOCK";
    case 0xda:
      return "PUT DATA";
    case 0xdc:
      return "UPDATE RECORD";
    default:
      return proprietary ? "proprietary command" : "unknown command";
  }
}

/** The command's data field in words: TLV where it is TLV (GPO 83, SELECT name), hidden for PIN data. */
function describeCommandData(ins: number, data: Uint8Array, options: RenderOptions): string[] {
  if (data.length === 0) return [];
  if (ins === 0x20 || ins === 0x24) return [`  data: <${data.length} bytes hidden>`];
  if (ins === 0xa8) return ["  data:", ...renderTree(decodeTlvs(data), options, 2)];
  const label = ins === 0xae ? "CDOL related data" : ins === 0x88 ? "DDOL related data" : "data";
  const text = ins === 0xa4 && data.every((c) => c >= 0x20 && c < 0x7f) ? ` "${String.fromCharCode(...data)}"` : "";
  return [`  ${label}: ${toHex(data)}${text}`];
}

function decodeApduPair(cHex: string, rHex: string, options: RenderOptions): string[] {
  const c = decodeCommandApdu(fromHex(cHex, "C-APDU"));
  const r = decodeResponseApdu(fromHex(rHex, "R-APDU"));
  const header = `CLA ${hex2(c.cla)} INS ${hex2(c.ins)} P1 ${hex2(c.p1)} P2 ${hex2(c.p2)}`;
  const withIns = { ...options, ins: c.ins };
  const lines = [`C-APDU ${header}: ${describeCommand(c.cla, c.ins, c.p1, c.p2)}`];
  if (c.data.length) lines.push(`  Lc ${c.data.length}`, ...describeCommandData(c.ins, c.data, withIns));
  if (c.le !== undefined) lines.push(`  Le ${c.le}`);
  lines.push(`R-APDU SW ${describeStatusWord(r.sw)}`);
  if (r.data.length) lines.push(...renderTree(decodeTlvs(r.data), withIns, 1));
  return lines;
}

// ---------------------------------------------------------------------------------------------

const USAGE = [
  "Usage: emvsim decode [--json] [--unmask] <hex | ->",
  "       emvsim decode --apdu [--unmask] <c-apdu> <r-apdu>",
  "",
  "Decodes BER-TLV data (spaces allowed; '-' reads standard input) into a tree: tag, name, [length], value,",
  "and in words what the value means (set bits, CVM rules, AFL entries, dates, amounts, DOL entries).",
  "  --json     JSON array of nodes {tag, name, length, value, children} (children on templates only)",
  "  --apdu     decode a command and its response: the command named, its data, SW1SW2 and the response tree",
  "  --unmask   show PANs in clear (track data and PIN data stay hidden)",
].join("\n");

async function hexArgument(args: string[], io: CliIo): Promise<string> {
  if (args.length === 1 && args[0] === "-") return io.readStdin();
  if (args.length === 0) throw new UsageError("expected hex data (see 'emvsim decode --help')");
  return args.join("");
}

export const command: Command = {
  name: "decode",
  summary: "decode BER-TLV data or a C-APDU/R-APDU pair into named, explained data objects",
  usage: USAGE,
  async run(args, io) {
    const flags = new Set(args.filter((a) => a.startsWith("--")));
    for (const f of flags) {
      if (!["--json", "--unmask", "--apdu"].includes(f)) throw new UsageError(`unknown option ${f}`);
    }
    const positional = args.filter((a) => !a.startsWith("--"));
    const options: RenderOptions = { disclosure: flags.has("--unmask") ? { unmaskPan: true } : MASKED };
    if (flags.has("--apdu")) {
      let pair = positional;
      if (pair.length === 1 && pair[0] === "-") pair = (await io.readStdin()).split(/\r?\n/).filter((l) => l.trim());
      if (pair.length !== 2) throw new UsageError("--apdu expects a C-APDU and an R-APDU in hex");
      const lines = decodeApduPair(pair[0]!, pair[1]!, options);
      io.out(lines.join("\n"));
      return 0;
    }
    const data = fromHex(await hexArgument(positional, io), "input");
    const nodes = decodeTlvs(data);
    if (flags.has("--json")) io.out(JSON.stringify(toJsonNodes(nodes, options.disclosure), null, 2));
    else io.out(renderTree(nodes, options).join("\n"));
    return 0;
  },
};
