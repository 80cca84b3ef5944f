// The parser targets of `npm run fuzz`: each reads one input and says how it ended. "error" is a documented
// outcome (an error value, or a thrown error of the class the parser's contract names); an exception of any other
// class is an undocumented throw; "mismatch" is a round trip (decode → encode → decode, or encode → decode) that
// does not give back what it started from.

import { toHex } from "../emv/bytes.js";
import { type AflEntry, describeAflEntry, parseAfl } from "../emv/fields/afl.js";
import { describeCid, parseCid } from "../emv/fields/cid.js";
import { describeCvmList, parseCvmList } from "../emv/fields/cvm-list.js";
import { describeCvmResults, parseCvmResults } from "../emv/fields/cvm-results.js";
import { describeField } from "../emv/fields/describe.js";
import { type FieldError, isFieldError } from "../emv/fields/field-error.js";
import { describeMastercardIad, parseMastercardIad } from "../emv/fields/mastercard-iad.js";
import { describeTerminalType, parseTerminalType } from "../emv/fields/terminal-type.js";
import { describeVisaIad, parseVisaIad } from "../emv/fields/visa-iad.js";
import { displayTlvBytes, MASKED } from "../emv/sensitive.js";
import {
  decodeTlv,
  decodeTlvs,
  encodeLength,
  encodeTag,
  encodeTlvs,
  type Tlv,
  TlvError,
  type TlvInput,
  toTlvInput,
} from "../emv/tlv/ber.js";
import { buildDolData, DolError, dolDataLength, parseDol } from "../emv/tlv/dol.js";
import {
  decodeAmount,
  decodeCompressedNumeric,
  decodeDate,
  decodeNumeric,
  decodeTime,
  FormatError,
} from "../emv/tlv/formats.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { allTagInfo } from "../emv/tlv/tags.js";
import { encodeCommand } from "../kernel/card-session.js";
import { commandFromApdu } from "../kernel/contact/issuer-scripts.js";
import { decodeMessage, encodeMessage, Iso8583Error } from "../online/iso8583/codec.js";
import { FrameReader, frame } from "../online/iso8583/framing.js";
import { authorizationRequestOf, authorizationResponseOf } from "../online/iso8583/mapping.js";
import {
  ApduError,
  decodeCommandApdu,
  decodeResponseApdu,
  describeCommandApdu,
  encodeCommandApdu,
  encodeResponseApdu,
} from "../transport/apdu.js";
import { describeApduPair, renderTree } from "../transport/apdu-text.js";
import { AtrError, emvAtrRemarks, explainAtr, parseAtr } from "../transport/atr.js";
import { encodeFrame, FrameDecoder, FrameType } from "../transport/framing.js";
import { decodeBlock, encodeBlock, type T1Edc } from "../transport/t1.js";
import type { Corpus } from "./corpus.js";
import type { Rng } from "./rng.js";

export type InputResult =
  | { readonly kind: "ok" }
  | { readonly kind: "error" }
  | { readonly kind: "mismatch"; readonly detail: string };

export interface Target {
  readonly name: string;
  readonly description: string;
  /** Well-formed inputs the mutations start from. */
  seeds(corpus: Corpus): Uint8Array[];
  /** Longest purely random input. */
  readonly maxRandom?: number;
  /** Run one input (`rng` for targets that build or choose). Throws only what `documented` accepts, if correct. */
  run(input: Uint8Array, rng: Rng): InputResult;
  /** Whether a thrown value is the documented error of this target's parsers. */
  documented(e: unknown): boolean;
}

const OK: InputResult = { kind: "ok" };
const ERROR: InputResult = { kind: "error" };
const mismatch = (detail: string): InputResult => ({ kind: "mismatch", detail });

/** A tree as comparable text: tag, then the value's hex or the children. */
function canonical(nodes: readonly Tlv[] | readonly TlvInput[]): string {
  return nodes
    .map((n) => {
      const children = "children" in n ? n.children : undefined;
      if (children) return `${n.tag.toString(16)}{${canonical(children)}}`;
      return `${n.tag.toString(16)}=${toHex((n as { value: Uint8Array }).value)}`;
    })
    .join(",");
}

const tlv: Target = {
  name: "tlv",
  description: "BER-TLV decode (sequence and single template), display and re-encode round trip (Book 3 Annex B)",
  seeds: (c) => c.tlv,
  maxRandom: 96,
  documented: (e) => e instanceof TlvError,
  run(input) {
    const text = displayTlvBytes(input, MASKED);
    if (typeof text !== "string") return mismatch("displayTlvBytes returned no text");
    try {
      decodeTlv(input);
    } catch (e) {
      if (!(e instanceof TlvError)) throw e;
    }
    const nodes = decodeTlvs(input);
    renderTree(nodes, { disclosure: MASKED });
    const again = encodeTlvs(nodes.map(toTlvInput));
    const back = decodeTlvs(again);
    if (canonical(back) !== canonical(nodes)) return mismatch(`${toHex(input)} re-encoded as ${toHex(again)}`);
    if (toHex(encodeTlvs(back.map(toTlvInput))) !== toHex(again)) return mismatch(`${toHex(input)}: encoding unstable`);
    return OK;
  },
};

/** A random tree of data objects (tags of 1–3 bytes, constructed or primitive, values of 0–300 bytes). */
function randomTree(rng: Rng, depth: number): TlvInput[] {
  const out: TlvInput[] = [];
  for (let i = rng.int(4) + (depth === 0 ? 1 : 0); i > 0; i--) {
    const constructed = depth < 4 && rng.chance(0.3);
    out.push(
      constructed
        ? { tag: randomTag(rng, true), children: randomTree(rng, depth + 1) }
        : { tag: randomTag(rng, false), value: rng.bytes(rng.chance(0.1) ? rng.int(300) : rng.int(20)) },
    );
  }
  return out;
}

/** A valid BER tag (Annex B1): first byte not 00/FF (padding), subsequent bytes with b8 set except the last. */
function randomTag(rng: Rng, constructed: boolean): number {
  const cls = rng.int(4) << 6;
  const kind = constructed ? 0x20 : 0;
  const size = rng.pick([1, 1, 2, 2, 3]);
  if (size === 1) {
    let t: number;
    do t = cls | kind | rng.int(31);
    while (t === 0x00);
    return t;
  }
  const first = cls | kind | 0x1f;
  if (first === 0xff) return randomTag(rng, constructed);
  if (size === 2) return first * 256 + (1 + rng.int(127));
  return (first * 256 + (0x80 | rng.int(128))) * 256 + rng.int(128);
}

const tlvEncode: Target = {
  name: "tlv-encode",
  description: "random BER-TLV trees encoded then decoded: the same tree back",
  seeds: () => [],
  documented: () => false,
  run(_input, rng) {
    const tree = randomTree(rng, 0);
    const bytes = encodeTlvs(tree);
    const back = decodeTlvs(bytes, { allowPadding: false });
    if (canonical(back) !== canonical(tree)) return mismatch(`tree ${canonical(tree)} decoded as ${canonical(back)}`);
    return OK;
  },
};

function encodeDol(entries: readonly { tag: number; length: number }[]): Uint8Array {
  const parts: number[] = [];
  for (const e of entries) parts.push(...encodeTag(e.tag), ...encodeLength(e.length));
  return Uint8Array.from(parts);
}

const dol: Target = {
  name: "dol",
  description: "DOL parse, DOL-related data built to its length, re-encode round trip (Book 3 §5.4)",
  seeds: (c) => c.dols,
  maxRandom: 32,
  documented: (e) => e instanceof DolError,
  run(input, rng) {
    const entries = parseDol(input);
    const values = new Map(entries.map((e) => [e.tag, rng.bytes(rng.int(e.length + 3))] as const));
    const data = buildDolData(entries, { get: (t) => (rng.chance(0.8) ? values.get(t) : undefined) });
    if (data.length !== dolDataLength(entries)) return mismatch(`${toHex(input)}: data ${data.length} bytes`);
    const again = parseDol(encodeDol(entries));
    if (JSON.stringify(again) !== JSON.stringify(entries))
      return mismatch(`${toHex(input)}: entries differ re-encoded`);
    return OK;
  },
};

type FieldParser = (value: Uint8Array) => "ok" | "error";
function describeOr<T>(r: T | FieldError, describe: (v: T) => unknown): "ok" | "error" {
  if (isFieldError(r)) return "error";
  describe(r);
  return "ok";
}
const formatCall = (f: () => unknown): "ok" | "error" => {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof FormatError) return "error";
    throw e;
  }
};
const FIELD_PARSERS: readonly (readonly [string, FieldParser])[] = [
  ["AFL", (v) => describeOr(parseAfl(v), (es: AflEntry[]) => es.map(describeAflEntry))],
  ["CID", (v) => describeOr(parseCid(v), describeCid)],
  ["CVM List", (v) => describeOr(parseCvmList(v), describeCvmList)],
  ["CVM Results", (v) => describeOr(parseCvmResults(v), describeCvmResults)],
  ["Terminal Type", (v) => describeOr(parseTerminalType(v), describeTerminalType)],
  ["Visa IAD", (v) => describeOr(parseVisaIad(v), describeVisaIad)],
  ["Mastercard IAD", (v) => describeOr(parseMastercardIad(v), describeMastercardIad)],
  ["n", (v) => formatCall(() => decodeNumeric(v))],
  ["cn", (v) => formatCall(() => decodeCompressedNumeric(v))],
  ["date", (v) => formatCall(() => decodeDate(v))],
  ["time", (v) => formatCall(() => decodeTime(v))],
  ["amount", (v) => formatCall(() => decodeAmount(v, 2))],
];
const TAGS = allTagInfo().map((t) => t.tag);

const fields: Target = {
  name: "fields",
  description: "every card-data parser in emv/fields and the format decoders; describeField for every dictionary tag",
  seeds: (c) => [...c.values.values()].flat(),
  maxRandom: 40,
  documented: (e) => e instanceof FormatError,
  run(input, rng) {
    let errors = 0;
    for (const [, parse] of FIELD_PARSERS) if (parse(input) === "error") errors++;
    const lines = describeField(rng.pick(TAGS), input);
    if (lines !== undefined && !Array.isArray(lines)) return mismatch("describeField gave no lines");
    return errors === FIELD_PARSERS.length ? ERROR : OK;
  },
};

const apdu: Target = {
  name: "apdu",
  description: "command and response APDU decode/encode round trip, description in words (ISO 7816-4 §5.1)",
  seeds: (c) => [...c.commands, ...c.responses],
  maxRandom: 40,
  documented: (e) => e instanceof ApduError || e instanceof TlvError,
  run(input, rng) {
    describeCommandApdu(input);
    const r = decodeResponseApdu(input.length >= 2 ? input : Uint8Array.of(0x90, 0x00));
    if (toHex(encodeResponseApdu(r)) !== toHex(input.length >= 2 ? input : Uint8Array.of(0x90, 0x00)))
      return mismatch(`response ${toHex(input)} re-encoded differently`);
    try {
      describeApduPair(input, rng.chance(0.5) ? input : Uint8Array.of(0x90, 0x00), { disclosure: MASKED });
    } catch (e) {
      if (!(e instanceof TlvError || e instanceof ApduError)) throw e;
    }
    const c = decodeCommandApdu(input);
    const again = encodeCommandApdu(c);
    if (toHex(again) !== toHex(input)) return mismatch(`command ${toHex(input)} re-encoded as ${toHex(again)}`);
    return OK;
  },
};

const script: Target = {
  name: "script",
  description: "issuer script templates 71/72 and their commands (Book 3 §10.10): decode, command round trip",
  seeds: (c) => [...c.scripts, ...c.commands],
  maxRandom: 48,
  documented: (e) => e instanceof TlvError,
  run(input) {
    const direct = commandFromApdu(input);
    if (!("error" in direct)) {
      const again = encodeCommand(direct);
      if (toHex(again) !== toHex(input))
        return mismatch(`script command ${toHex(input)} re-encoded as ${toHex(again)}`);
    }
    let template: Tlv;
    try {
      template = decodeTlv(input);
    } catch (e) {
      if (e instanceof TlvError) return "error" in direct ? ERROR : OK;
      throw e;
    }
    for (const c of template.children ?? []) {
      if (c.tag !== TAG.ISSUER_SCRIPT_COMMAND) continue;
      const cmd = commandFromApdu(c.value);
      if ("error" in cmd) continue;
      if (toHex(encodeCommand(cmd)) !== toHex(c.value)) return mismatch(`86 ${toHex(c.value)} re-encoded differently`);
    }
    return OK;
  },
};

const t1: Target = {
  name: "t1",
  description: "T=1 blocks (ISO 7816-3, Book 1 §9.2.4), LRC and CRC: decode, re-encode round trip",
  seeds: (c) => c.t1,
  maxRandom: 24,
  documented: () => false,
  run(input, rng) {
    const edc: T1Edc = rng.chance(0.5) ? "LRC" : "CRC";
    const b = decodeBlock(input, edc);
    if ("invalid" in b) return ERROR;
    const again = encodeBlock(b, edc, input[0]);
    if (toHex(again) !== toHex(input)) return mismatch(`${edc} block ${toHex(input)} re-encoded as ${toHex(again)}`);
    return OK;
  },
};

const iso8583: Target = {
  name: "iso8583",
  description: "ISO 8583:1987 messages (online/iso8583): decode, re-encode round trip, authorisation mapping",
  seeds: (c) => c.iso8583,
  maxRandom: 64,
  documented: (e) => e instanceof Iso8583Error,
  run(input) {
    const m = decodeMessage(input);
    const again = encodeMessage(m);
    if (toHex(again) !== toHex(input)) return mismatch(`message ${toHex(input)} re-encoded as ${toHex(again)}`);
    for (const map of [authorizationRequestOf, authorizationResponseOf]) {
      try {
        map(m);
      } catch (e) {
        if (!(e instanceof Iso8583Error)) throw e;
      }
    }
    return OK;
  },
};

const atr: Target = {
  name: "atr",
  description: "Answer To Reset (ISO 7816-3 §8, Book 1 §8): parse and explain",
  seeds: (c) => c.atrs,
  maxRandom: 33,
  documented: (e) => e instanceof AtrError,
  run(input) {
    const a = parseAtr(input);
    explainAtr(a);
    emvAtrRemarks(a);
    return OK;
  },
};

/** Split a stream into 1–4 chunks at random places (the decoders see bytes as they arrive). */
function chunks(input: Uint8Array, rng: Rng): Uint8Array[] {
  const cuts = [0, ...Array.from({ length: rng.int(4) }, () => rng.int(input.length + 1)), input.length].sort(
    (a, b) => a - b,
  );
  return cuts.slice(1).map((end, i) => input.subarray(cuts[i]!, end));
}

const framing: Target = {
  name: "framing",
  description: "byte streams: the emvsim serial frame decoder (transport/framing.ts) and ISO 8583 2-byte framing",
  seeds: (c) => [
    ...c.commands.slice(0, 40).map((payload, seq) => encodeFrame({ type: FrameType.APDU, seq: seq & 0xff, payload })),
    ...c.iso8583.map((m) => frame(m)),
  ],
  maxRandom: 64,
  documented: () => false,
  run(input, rng) {
    const decoder = new FrameDecoder();
    const text = toHex(input);
    for (const part of chunks(input, rng))
      for (const f of decoder.push(part)) {
        // A frame comes from the stream: its encoding is there, byte for byte.
        if (!text.includes(toHex(encodeFrame(f)))) return mismatch(`frame ${toHex(encodeFrame(f))} not in ${text}`);
      }
    const reader = new FrameReader();
    const messages = chunks(input, rng).flatMap((part) => reader.push(part));
    const consumed = toHex(input.subarray(0, input.length - reader.pending));
    if (messages.map((m) => toHex(frame(m))).join("") !== consumed)
      return mismatch(`ISO 8583 framing: ${messages.length} message(s) do not re-frame to ${consumed}`);
    return OK;
  },
};

export const TARGETS: readonly Target[] = [tlv, tlvEncode, dol, fields, apdu, script, t1, iso8583, atr, framing];
