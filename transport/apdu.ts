// Command and response APDUs (ISO/IEC 7816-4 §5.1, EMV Book 1 §9.4): cases 1–4, short and extended lengths.

import { allocBytes, concatBytes, toHex } from "../emv/bytes.js";

/** ISO 7816-4 §5.1 command APDU cases: 1 (no data, no Le), 2 (Le), 3 (data), 4 (data and Le). */
export type ApduCase = 1 | 2 | 3 | 4;

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data field (Lc bytes); empty for cases 1 and 2. */
  data: Uint8Array;
  /** Expected response length Ne: undefined = absent (cases 1, 3); 256 (short) or 65536 (extended) = "maximum". */
  le: number | undefined;
  /** Whether the encoding uses extended length fields (ISO 7816-4 §5.1). */
  extended: boolean;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw1: number;
  sw2: number;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  sw: number;
}

/** A malformed APDU: what is wrong and at which byte offset. */
export class ApduError extends Error {
  override readonly name = "ApduError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function apduCase(c: Pick<CommandApdu, "data" | "le">): ApduCase {
  if (c.data.length === 0) return c.le === undefined ? 1 : 2;
  return c.le === undefined ? 3 : 4;
}

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new ApduError(`command APDU: ${name} ${v} is not a byte`, 0);
}

/** Build a command APDU; extended lengths are chosen when Lc > 255 or Ne > 256 unless forced. */
export function commandApdu(
  cla: number,
  ins: number,
  p1: number,
  p2: number,
  data: Uint8Array = new Uint8Array(0),
  le?: number,
  extended?: boolean,
): CommandApdu {
  const ext = extended ?? (data.length > 255 || (le !== undefined && le > 256));
  return { cla, ins, p1, p2, data, le, extended: ext };
}

/** Encode a command APDU (ISO 7816-4 §5.1, Table 1). Le 256 (short) / 65536 (extended) encode as 00 / 0000. */
export function encodeCommandApdu(c: CommandApdu): Uint8Array {
  checkByte("CLA", c.cla);
  checkByte("INS", c.ins);
  checkByte("P1", c.p1);
  checkByte("P2", c.p2);
  const maxLc = c.extended ? 65535 : 255;
  const maxLe = c.extended ? 65536 : 256;
  if (c.data.length > maxLc)
    throw new ApduError(`command APDU: Lc ${c.data.length} exceeds ${maxLc} (${c.extended ? "extended" : "short"})`, 4);
  if (c.le !== undefined && (!Number.isInteger(c.le) || c.le < 1 || c.le > maxLe))
    throw new ApduError(`command APDU: Le ${c.le} is outside 1..${maxLe} (${c.extended ? "extended" : "short"})`, 4);
  if (!c.extended) {
    // Short form, written into one buffer: header, [Lc data], [Le].
    const lc = c.data.length > 0 ? 1 + c.data.length : 0;
    const out = allocBytes(4 + lc + (c.le !== undefined ? 1 : 0));
    out[0] = c.cla;
    out[1] = c.ins;
    out[2] = c.p1;
    out[3] = c.p2;
    if (lc > 0) {
      out[4] = c.data.length;
      out.set(c.data, 5);
    }
    if (c.le !== undefined) out[4 + lc] = c.le & 0xff;
    return out;
  }
  const parts: Uint8Array[] = [Uint8Array.of(c.cla, c.ins, c.p1, c.p2)];
  const le2 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
  if (c.data.length > 0) {
    parts.push(Uint8Array.of(0, c.data.length >> 8, c.data.length & 0xff), c.data);
    if (c.le !== undefined) parts.push(le2(c.le & 0xffff));
  } else if (c.le !== undefined) {
    parts.push(Uint8Array.of(0), le2(c.le & 0xffff));
  }
  return concatBytes(...parts);
}

/** Decode a command APDU (ISO 7816-4 §5.1): the body length decides the case and short/extended form. */
export function decodeCommandApdu(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) throw new ApduError(`command APDU: ${bytes.length} bytes, the header needs 4`, bytes.length);
  const cla = bytes[0]!;
  const ins = bytes[1]!;
  const p1 = bytes[2]!;
  const p2 = bytes[3]!;
  const body = bytes.subarray(4);
  const none = new Uint8Array(0);
  const mk = (data: Uint8Array, le: number | undefined, extended: boolean): CommandApdu => ({
    cla,
    ins,
    p1,
    p2,
    data,
    le,
    extended,
  });
  if (body.length === 0) return mk(none, undefined, false); // case 1
  if (body.length === 1) return mk(none, body[0] === 0 ? 256 : body[0], false); // case 2S
  const b1 = body[0]!;
  if (b1 !== 0) {
    // short Lc = b1: case 3S (body = 1 + Lc) or 4S (body = 2 + Lc)
    if (body.length === 1 + b1) return mk(body.subarray(1), undefined, false);
    if (body.length === 2 + b1) {
      const le = body[1 + b1]!;
      return mk(body.subarray(1, 1 + b1), le === 0 ? 256 : le, false);
    }
    throw new ApduError(
      `command APDU: Lc ${b1} (offset 4) does not match the ${body.length - 1} bytes that follow (expected ${b1} or ${b1 + 1})`,
      4,
    );
  }
  // b1 = 00 and body ≥ 2: extended form
  if (body.length === 3) {
    const le = (body[1]! << 8) | body[2]!;
    return mk(none, le === 0 ? 65536 : le, true); // case 2E
  }
  if (body.length < 3)
    throw new ApduError(`command APDU: extended length field at offset 4 is truncated (${body.length} bytes)`, 4);
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) throw new ApduError("command APDU: extended Lc at offset 4 is 0000", 5);
  if (body.length === 3 + lc) return mk(body.subarray(3), undefined, true); // case 3E
  if (body.length === 5 + lc) {
    const le = (body[3 + lc]! << 8) | body[4 + lc]!;
    return mk(body.subarray(3, 3 + lc), le === 0 ? 65536 : le, true); // case 4E
  }
  throw new ApduError(
    `command APDU: extended Lc ${lc} (offset 5) does not match the ${body.length - 3} bytes that follow (expected ${lc} or ${lc + 2})`,
    5,
  );
}

/** Split a response APDU into data and SW1 SW2 (ISO 7816-4 §5.1). */
export function decodeResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2)
    throw new ApduError(`response APDU: ${bytes.length} byte(s), a status word needs 2`, bytes.length);
  const sw1 = bytes[bytes.length - 2]!;
  const sw2 = bytes[bytes.length - 1]!;
  return { data: bytes.subarray(0, bytes.length - 2), sw1, sw2, sw: (sw1 << 8) | sw2 };
}

export function encodeResponseApdu(r: { data: Uint8Array; sw1: number; sw2: number }): Uint8Array {
  return concatBytes(r.data, Uint8Array.of(r.sw1, r.sw2));
}

/** One-line description of a command APDU for logs, e.g. "00A40400 Lc=7 Le=256". Data is not shown. */
export function describeCommandApdu(bytes: Uint8Array): string {
  try {
    const c = decodeCommandApdu(bytes);
    const lc = c.data.length > 0 ? ` Lc=${c.data.length}` : "";
    const le = c.le !== undefined ? ` Le=${c.le}` : "";
    return `${toHex(bytes.subarray(0, 4))} case ${apduCase(c)}${c.extended ? "E" : ""}${lc}${le}`;
  } catch (e) {
    return `${toHex(bytes.subarray(0, 4))} (${(e as Error).message})`;
  }
}
