// BER-TLV codec for EMV data objects (EMV Book 3 Annex B; ISO/IEC 8825-1 subset).
//
// Decoding keeps offsets into the caller's buffer: values are views (subarray), never copies.
// Every malformed input ends in a TlvError naming the byte offset and the tag being read.

import { allocBytes, toHex } from "../bytes.js";

/** Longest tag field accepted, in bytes (EMV uses 1–3 byte tags, e.g. DF8101). */
export const MAX_TAG_BYTES = 3;
/** Longest length field accepted after the 8x byte (81..84). */
export const MAX_LENGTH_BYTES = 4;
/** Default nesting limit for constructed data objects. */
export const DEFAULT_MAX_DEPTH = 32;

export type TlvErrorKind =
  | "empty"
  | "truncated-tag"
  | "tag-too-long"
  | "truncated-length"
  | "indefinite-length"
  | "length-too-long"
  | "value-beyond-buffer"
  | "trailing-data"
  | "padding-outside-template"
  | "depth-exceeded";

/** A malformed BER-TLV encoding: what went wrong, at which byte offset, in which tag. */
export class TlvError extends Error {
  override readonly name = "TlvError";
  constructor(
    readonly kind: TlvErrorKind,
    /** Byte offset in the decoded buffer where the problem was found. */
    readonly offset: number,
    /** Upper-case hex of the tag being read, when known. */
    readonly tag: string | undefined,
    detail: string,
  ) {
    super(`BER-TLV${tag ? ` tag ${tag}` : ""} at offset ${offset}: ${detail}`);
  }
}

/** One decoded data object. `value` is a view over the decoded buffer. */
export class Tlv {
  constructor(
    /** The buffer this node was decoded from (or built into). */
    readonly source: Uint8Array,
    /** Tag bytes as a big-endian number: 0x9F02, 0xDF8101. */
    readonly tag: number,
    /** Offset of the first tag byte in `source`. */
    readonly offset: number,
    /** Offset of the first value byte in `source`. */
    readonly valueOffset: number,
    /** Value length in bytes. */
    readonly length: number,
    /** Children of a constructed data object (tag bit b6 of the first byte set); undefined when primitive. */
    readonly children: Tlv[] | undefined,
  ) {}

  /** The view `value` made on first use (a kernel reads the same value several times). */
  #value: Uint8Array | undefined;

  /** The value bytes (a view, not a copy), made on first use. */
  get value(): Uint8Array {
    this.#value ??= this.source.subarray(this.valueOffset, this.valueOffset + this.length);
    return this.#value;
  }

  /** The whole encoding: tag, length and value (a view). */
  get encoded(): Uint8Array {
    return this.source.subarray(this.offset, this.valueOffset + this.length);
  }

  get constructed(): boolean {
    return this.children !== undefined;
  }

  /** Upper-case hex of the tag: "9F02". */
  get tagHex(): string {
    return tagToHex(this.tag);
  }

  /** First descendant (depth-first, document order) with this tag. */
  find(tag: number): Tlv | undefined {
    return this.children ? findTlv(this.children, tag) : undefined;
  }
}

/** Number of bytes in a tag given as a number. */
export function tagByteLength(tag: number): number {
  return tag > 0xffff ? 3 : tag > 0xff ? 2 : 1;
}

export function tagToHex(tag: number): string {
  return tag
    .toString(16)
    .toUpperCase()
    .padStart(tagByteLength(tag) * 2, "0");
}

/** Parse "9F02" into 0x9F02, checking that the bytes form one well-formed tag. */
export function tagFromHex(text: string): number {
  const clean = text.replace(/\s+/g, "");
  if (!/^([0-9A-Fa-f]{2}){1,3}$/.test(clean)) throw new TlvError("truncated-tag", 0, clean, "not a 1–3 byte hex tag");
  const bytes = Buffer.from(clean, "hex");
  const { tag, end } = readTag(bytes, 0, bytes.length);
  if (end !== bytes.length) throw new TlvError("trailing-data", end, clean, "tag has bytes after its last byte");
  return tag;
}

/** True when the first tag byte has the constructed bit (b6) set. */
export function isConstructedTag(tag: number): boolean {
  const first = tag > 0xffff ? tag >>> 16 : tag > 0xff ? tag >>> 8 : tag;
  return (first & 0x20) !== 0;
}

/** A tag read from a buffer: its value and the offset just after its last byte. */
export interface TagRead {
  tag: number;
  end: number;
}

/** Read one BER tag at `pos` (bytes before `limit`); TlvError on a truncated or over-long tag. `pos` must be < `limit`. */
export function readTag(buf: Uint8Array, pos: number, limit: number): TagRead {
  const first = buf[pos]!;
  let tag = first;
  let p = pos + 1;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent bytes follow while b8 is set (Annex B1).
    let b: number;
    do {
      if (p >= limit) {
        throw new TlvError("truncated-tag", pos, toHex(buf.subarray(pos, p)), "tag is truncated, expecting more bytes");
      }
      if (p - pos >= MAX_TAG_BYTES) {
        throw new TlvError(
          "tag-too-long",
          pos,
          toHex(buf.subarray(pos, p + 1)),
          `tag is longer than ${MAX_TAG_BYTES} bytes`,
        );
      }
      b = buf[p++]!;
      tag = tag * 256 + b;
    } while (b & 0x80);
  }
  return { tag, end: p };
}

export interface DecodeOptions {
  /** Nesting limit for constructed objects (default 32). */
  maxDepth?: number;
  /** Skip 00 and FF bytes where a tag is expected (Book 3 Annex B). Default true. */
  allowPadding?: boolean;
}

/**
 * Decode a sequence of data objects filling `buf[start, end)`.
 * 00/FF padding before, between and after objects is skipped.
 */
export function decodeTlvs(buf: Uint8Array, options: DecodeOptions = {}): Tlv[] {
  return decodeRange(buf, 0, buf.length, 0, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.allowPadding ?? true);
}

/**
 * Decode exactly one data object spanning the whole buffer (a card response template, for example). Padding is
 * skipped inside its templates only: "padding shall not be applied outside templates" (EMVCo SU 69 on Book 3
 * Annex B), so a 00 before the object is an error (never a tag 00) and bytes after it are trailing data.
 */
export function decodeTlv(buf: Uint8Array, options: DecodeOptions = {}): Tlv {
  if (buf.length === 0) throw new TlvError("empty", 0, undefined, "no data object: input is empty");
  if (buf[0] === 0x00 && (options.allowPadding ?? true)) {
    throw new TlvError(
      "padding-outside-template",
      0,
      undefined,
      "00 padding before the data object (allowed inside templates only: EMV SU 69)",
    );
  }
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const node = decodeOne(buf, 0, buf.length, 0, maxDepth, options.allowPadding ?? true);
  const end = node.valueOffset + node.length;
  if (end !== buf.length) {
    throw new TlvError("trailing-data", end, node.tagHex, `${buf.length - end} byte(s) after the data object`);
  }
  return node;
}

function decodeRange(
  buf: Uint8Array,
  start: number,
  end: number,
  depth: number,
  maxDepth: number,
  padding: boolean,
): Tlv[] {
  const out: Tlv[] = [];
  let pos = start;
  while (pos < end) {
    const b = buf[pos]!;
    if (padding && (b === 0x00 || b === 0xff)) {
      pos++;
      continue;
    }
    const node = decodeOne(buf, pos, end, depth, maxDepth, padding);
    out.push(node);
    pos = node.valueOffset + node.length;
  }
  return out;
}

// The hot path: tag and length are read inline (no per-node objects besides the node and its child array).
function decodeOne(buf: Uint8Array, pos: number, end: number, depth: number, maxDepth: number, padding: boolean): Tlv {
  const first = buf[pos]!;
  let tag = first;
  let p = pos + 1;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes follow while b8 is set (Annex B1); readTag builds the precise error.
    let b: number;
    do {
      if (p >= end || p - pos >= MAX_TAG_BYTES) return decodeOneSlow(buf, pos, end);
      b = buf[p++]!;
      tag = tag * 256 + b;
    } while (b & 0x80);
  }
  if (p >= end) throw new TlvError("truncated-length", p, tagToHex(tag), "length is missing, expecting 1 byte");
  const l0 = buf[p++]!;
  let length: number;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 === 0x80) {
    throw new TlvError("indefinite-length", p - 1, tagToHex(tag), "indefinite length (80) is not allowed in EMV");
  } else {
    const n = l0 & 0x7f;
    if (n > MAX_LENGTH_BYTES) {
      throw new TlvError(
        "length-too-long",
        p - 1,
        tagToHex(tag),
        `length field of ${n} bytes exceeds ${MAX_LENGTH_BYTES}`,
      );
    }
    if (p + n > end) {
      throw new TlvError("truncated-length", p, tagToHex(tag), `length is truncated, expecting ${n} byte(s)`);
    }
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  if (length > end - p) {
    throw new TlvError(
      "value-beyond-buffer",
      p,
      tagToHex(tag),
      `value of ${length} byte(s) runs past the end${depth > 0 ? " of its template" : ""} (${end - p} byte(s) left)`,
    );
  }
  let children: Tlv[] | undefined;
  if (first & 0x20) {
    if (depth + 1 > maxDepth) {
      throw new TlvError("depth-exceeded", pos, tagToHex(tag), `templates nested deeper than ${maxDepth}`);
    }
    children = decodeRange(buf, p, p + length, depth + 1, maxDepth, padding);
  }
  return new Tlv(buf, tag, pos, p, length, children);
}

/** A malformed multi-byte tag: let readTag name the problem. */
function decodeOneSlow(buf: Uint8Array, pos: number, end: number): never {
  readTag(buf, pos, end);
  throw new TlvError("truncated-tag", pos, undefined, "tag is malformed");
}

// ---------------------------------------------------------------------------------------------
// Queries

/** First node with `tag`, depth-first in document order, searching into templates. */
export function findTlv(nodes: readonly Tlv[], tag: number): Tlv | undefined {
  for (const n of nodes) {
    if (n.tag === tag) return n;
    if (n.children) {
      const hit = findTlv(n.children, tag);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Every node with `tag`, anywhere in the tree (for duplicate detection). */
export function findAllTlvs(nodes: readonly Tlv[], tag: number, out: Tlv[] = []): Tlv[] {
  for (const n of nodes) {
    if (n.tag === tag) out.push(n);
    if (n.children) findAllTlvs(n.children, tag, out);
  }
  return out;
}

/** Node at a template path, e.g. [0x6F, 0xA5, 0xBF0C]: each step looks only at direct children. */
export function findPath(nodes: readonly Tlv[], path: readonly number[]): Tlv | undefined {
  let level: readonly Tlv[] | undefined = nodes;
  let hit: Tlv | undefined;
  for (const tag of path) {
    if (!level) return undefined;
    hit = level.find((n) => n.tag === tag);
    if (!hit) return undefined;
    level = hit.children;
  }
  return hit;
}

/** Visit every node depth-first with its depth. */
export function walkTlvs(nodes: readonly Tlv[], visit: (node: Tlv, depth: number) => void, depth = 0): void {
  for (const n of nodes) {
    visit(n, depth);
    if (n.children) walkTlvs(n.children, visit, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding (canonical: minimal length form)

export function encodeTag(tag: number): Uint8Array {
  const out = new Uint8Array(tagByteLength(tag));
  writeTag(tag, out, 0);
  return out;
}

/** The tag's bytes at `pos`; returns the position after them. */
function writeTag(tag: number, out: Uint8Array, pos: number): number {
  const n = tagByteLength(tag);
  for (let i = n - 1, t = tag; i >= 0; i--, t = Math.floor(t / 256)) out[pos + i] = t & 0xff;
  return pos + n;
}

/** Bytes of the minimal definite length form of `length` (1 to 5); RangeError when out of range. */
function lengthByteLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0 || length > 0xffffffff) {
    throw new RangeError(`BER-TLV length ${length} is out of range`);
  }
  return length < 0x80 ? 1 : length <= 0xff ? 2 : length <= 0xffff ? 3 : length <= 0xffffff ? 4 : 5;
}

/** The length's bytes at `pos` (minimal form); returns the position after them. */
function writeLength(length: number, out: Uint8Array, pos: number): number {
  const n = lengthByteLength(length);
  if (n === 1) {
    out[pos] = length;
    return pos + 1;
  }
  out[pos] = 0x80 | (n - 1);
  for (let i = n - 1, l = length; i >= 1; i--, l = Math.floor(l / 256)) out[pos + i] = l & 0xff;
  return pos + n;
}

/** Minimal definite length: 0..127 in one byte, then 81, 82, 83, 84 forms. */
export function encodeLength(length: number): Uint8Array {
  const out = new Uint8Array(lengthByteLength(length));
  writeLength(length, out, 0);
  return out;
}

/** A data object to encode: a primitive value or a list of children. */
export type TlvInput = { tag: number; value: Uint8Array } | { tag: number; children: readonly TlvInput[] };

/** Encode one primitive data object. */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const out = allocBytes(tagByteLength(tag) + lengthByteLength(value.length) + value.length);
  out.set(value, writeLength(value.length, out, writeTag(tag, out, 0)));
  return out;
}

// Encoding writes into one buffer sized up front; nothing is allocated per tag or length.
function valueSize(node: TlvInput): number {
  if ("value" in node) return node.value.length;
  let n = 0;
  for (const c of node.children) n += encodedSize(c);
  return n;
}

function encodedSize(node: TlvInput): number {
  const valueLength = valueSize(node);
  return tagByteLength(node.tag) + lengthByteLength(valueLength) + valueLength;
}

function writeNode(node: TlvInput, out: Uint8Array, pos: number): number {
  pos = writeLength(valueSize(node), out, writeTag(node.tag, out, pos));
  if ("value" in node) {
    out.set(node.value, pos);
    return pos + node.value.length;
  }
  for (const c of node.children) pos = writeNode(c, out, pos);
  return pos;
}

/** Encode a list of data objects (primitive or constructed) in order, canonical lengths. */
export function encodeTlvs(nodes: readonly TlvInput[]): Uint8Array {
  let size = 0;
  for (const n of nodes) size += encodedSize(n);
  const out = allocBytes(size);
  let pos = 0;
  for (const n of nodes) pos = writeNode(n, out, pos);
  return out;
}

/** Turn decoded nodes back into encoder input (values stay views). */
export function toTlvInput(node: Tlv): TlvInput {
  return node.children
    ? { tag: node.tag, children: node.children.map(toTlvInput) }
    : { tag: node.tag, value: node.value };
}
