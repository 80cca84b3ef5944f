// ISO 8583:1987 message codec (ISO 8583:1987 §4): MTI as 2 bytes BCD, primary bitmap (8 bytes, bit 1 announces
// the secondary bitmap), then the present data elements in field-number order, each per its FieldDef.
// Decoding never throws anything but Iso8583Error, whose message names the field and the offset.

import { FIELD_BY_NUMBER, type FieldDef } from "./fields.js";

export type Iso8583ErrorKind =
  | "truncated"
  | "bad-mti"
  | "unknown-field"
  | "bad-length"
  | "bad-digit"
  | "bad-character"
  | "trailing-bytes"
  | "bad-value";

export class Iso8583Error extends Error {
  constructor(
    readonly kind: Iso8583ErrorKind,
    message: string,
    readonly field?: number,
    /** When decoding: the MTI and the fields decoded before the failure (a host echoes DE 11/41 in its answer). */
    readonly partial?: Iso8583Message,
  ) {
    super(message);
    this.name = "Iso8583Error";
  }
}

/** A decoded message: MTI and field values (digits or text as strings, binary as bytes). */
export interface Iso8583Message {
  readonly mti: string;
  readonly fields: ReadonlyMap<number, string | Uint8Array>;
}

const NIBBLE_DIGITS = "0123456789";
const Z_DIGITS = "0123456789=D"; // track 2: digits and the field separator ('=' in magstripe, nibble D in chip)

function packBcd(digits: string, what: string, field: number): Uint8Array {
  const text = digits.length % 2 === 1 ? `0${digits}` : digits;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    let v = NIBBLE_DIGITS.indexOf(c);
    if (v < 0 && field === 35 && (c === "D" || c === "=")) v = 0xd;
    if (v < 0) throw new Iso8583Error("bad-digit", `${what}: '${c}' is not a digit`, field);
    out[i >> 1] = (out[i >> 1] as number) | (i % 2 === 0 ? v << 4 : v);
  }
  return out;
}

function unpackBcd(bytes: Uint8Array, digits: number, what: string, field: number, track2: boolean): string {
  let text = "";
  const pad = bytes.length * 2 - digits;
  for (let i = 0; i < bytes.length * 2; i++) {
    const b = bytes[i >> 1] as number;
    const v = i % 2 === 0 ? b >> 4 : b & 0xf;
    if (i < pad) {
      if (v !== 0 && !(track2 && v === 0xf))
        throw new Iso8583Error("bad-digit", `${what}: padding nibble is ${v.toString(16).toUpperCase()}, not 0`, field);
      continue;
    }
    if (v <= 9) text += String(v);
    else if (track2 && v === 0xd) text += "D";
    else throw new Iso8583Error("bad-digit", `${what}: nibble ${v.toString(16).toUpperCase()} is not a digit`, field);
  }
  return text;
}

const bcdBytes = (digits: number) => Math.ceil(digits / 2);

function fieldName(def: FieldDef): string {
  return `field ${def.number} (${def.name})`;
}

function encodeContent(def: FieldDef, value: string | Uint8Array): { body: Uint8Array; units: number } {
  const what = fieldName(def);
  if (def.content === "b") {
    if (!(value instanceof Uint8Array))
      throw new Iso8583Error("bad-value", `${what}: binary field needs bytes`, def.number);
    return { body: value, units: value.length };
  }
  if (typeof value !== "string") throw new Iso8583Error("bad-value", `${what}: needs a string`, def.number);
  if (def.content === "n" || def.content === "z") {
    for (const c of value) {
      if (!(def.content === "z" ? Z_DIGITS : NIBBLE_DIGITS).includes(c)) {
        throw new Iso8583Error("bad-digit", `${what}: '${c}' is not allowed`, def.number);
      }
    }
    return { body: packBcd(value, what, def.number), units: value.length };
  }
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e)
      throw new Iso8583Error("bad-character", `${what}: character code ${c} is not printable ASCII`, def.number);
    bytes[i] = c;
  }
  return { body: bytes, units: value.length };
}

function encodeField(def: FieldDef, value: string | Uint8Array): Uint8Array {
  const what = fieldName(def);
  const { body, units } = encodeContent(def, value);
  if (def.lengthKind === "fixed") {
    if (units !== def.length)
      throw new Iso8583Error("bad-length", `${what}: length ${units}, fixed length is ${def.length}`, def.number);
    return body;
  }
  if (units > def.length)
    throw new Iso8583Error("bad-length", `${what}: length ${units} exceeds the maximum ${def.length}`, def.number);
  const prefix = packBcd(String(units).padStart(def.lengthKind === "llvar" ? 2 : 4, "0"), what, def.number);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/** Encodes a message; throws Iso8583Error on a value that does not fit its definition. */
export function encodeMessage(message: Iso8583Message): Uint8Array {
  if (!/^[0-9]{4}$/.test(message.mti)) throw new Iso8583Error("bad-mti", `MTI '${message.mti}' is not 4 digits`);
  const numbers = [...message.fields.keys()].sort((a, b) => a - b);
  const secondary = numbers.some((n) => n > 64);
  const bitmap = new Uint8Array(secondary ? 16 : 8);
  if (secondary) (bitmap[0] as number) |= 0x80;
  const parts: Uint8Array[] = [packBcd(message.mti, "MTI", 0), bitmap];
  for (const n of numbers) {
    const def = FIELD_BY_NUMBER.get(n);
    if (!def || n === 1) throw new Iso8583Error("unknown-field", `field ${n} is not defined for this link`, n);
    bitmap[(n - 1) >> 3] = (bitmap[(n - 1) >> 3] as number) | (0x80 >> ((n - 1) & 7));
    parts.push(encodeField(def, message.fields.get(n) as string | Uint8Array));
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Decodes one whole message (without the TCP length header); throws Iso8583Error, never anything else. */
export function decodeMessage(buf: Uint8Array): Iso8583Message {
  let pos = 0;
  const take = (n: number, what: string, field?: number): Uint8Array => {
    if (pos + n > buf.length) {
      throw new Iso8583Error(
        "truncated",
        `${what}: needs ${n} bytes at offset ${pos}, message has ${buf.length - pos} left`,
        field,
      );
    }
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const mtiBytes = take(2, "MTI");
  let mti: string;
  try {
    mti = unpackBcd(mtiBytes, 4, "MTI", 0, false);
  } catch {
    throw new Iso8583Error(
      "bad-mti",
      `MTI bytes ${[...mtiBytes].map((b) => b.toString(16).padStart(2, "0")).join("")} are not 4 BCD digits`,
    );
  }
  const fields = new Map<number, string | Uint8Array>();
  try {
    const primary = take(8, "primary bitmap");
    const hasSecondary = ((primary[0] as number) & 0x80) !== 0;
    const bitmap = hasSecondary ? new Uint8Array([...primary, ...take(8, "secondary bitmap")]) : primary;
    for (let n = 2; n <= bitmap.length * 8; n++) {
      if (((bitmap[(n - 1) >> 3] as number) & (0x80 >> ((n - 1) & 7))) === 0) continue;
      const def = FIELD_BY_NUMBER.get(n);
      if (!def)
        throw new Iso8583Error("unknown-field", `bitmap announces field ${n}, which is not defined for this link`, n);
      const what = fieldName(def);
      let units = def.length;
      if (def.lengthKind !== "fixed") {
        const digits = def.lengthKind === "llvar" ? 2 : 4;
        const prefix = take(digits / 2, `${what} length`, n);
        units = Number(unpackBcd(prefix, digits, `${what} length`, n, false));
        if (units > def.length)
          throw new Iso8583Error("bad-length", `${what}: length ${units} exceeds the maximum ${def.length}`, n);
      }
      if (def.content === "b") {
        fields.set(n, take(units, what, n).slice());
      } else if (def.content === "n" || def.content === "z") {
        fields.set(n, unpackBcd(take(bcdBytes(units), what, n), units, what, n, def.content === "z"));
      } else {
        const bytes = take(units, what, n);
        let text = "";
        for (const b of bytes) {
          if (b < 0x20 || b > 0x7e)
            throw new Iso8583Error("bad-character", `${what}: byte ${b} is not printable ASCII`, n);
          text += String.fromCharCode(b);
        }
        fields.set(n, text);
      }
    }
  } catch (e) {
    if (e instanceof Iso8583Error) throw new Iso8583Error(e.kind, e.message, e.field, { mti, fields });
    throw e;
  }
  if (pos !== buf.length)
    throw new Iso8583Error(
      "trailing-bytes",
      `${buf.length - pos} bytes after the last field (offset ${pos})`,
      undefined,
      {
        mti,
        fields,
      },
    );
  return { mti, fields };
}
