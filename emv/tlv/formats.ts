// EMV data element formats (Book 3 §4.3): numeric (n, BCD right-justified with leading zeros), compressed
// numeric (cn, BCD left-justified padded with F), dates YYMMDD, times HHMMSS, and amounts with a currency exponent.

import { toHex } from "../bytes.js";

/** A value that does not follow its EMV format; the message names the format and the offending nibble or field. */
export class FormatError extends Error {
  override readonly name = "FormatError";
}

function nibbles(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) out.push(b >>> 4, b & 0x0f);
  return out;
}

/** Format n (Book 3 §4.3): every nibble a decimal digit. Returns all digits, leading zeros included. */
export function decodeNumeric(bytes: Uint8Array, what = "numeric (n) value"): string {
  let s = "";
  for (let i = 0; i < bytes.length * 2; i++) {
    const d = i & 1 ? bytes[i >> 1]! & 0x0f : bytes[i >> 1]! >>> 4;
    if (d > 9) throw new FormatError(`${what}: nibble ${i + 1} is ${d.toString(16).toUpperCase()}, not a digit`);
    s += d;
  }
  return s;
}

/** Format n (Book 3 §4.3): digits right-justified in `length` bytes, padded with leading zeros. */
export function encodeNumeric(digits: string, length: number, what = "numeric (n) value"): Uint8Array {
  // One pass over the characters (this runs for every amount, counter and code of every transaction).
  let first = digits.length;
  for (let i = digits.length - 1; i >= 0; i--) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) throw new FormatError(`${what}: '${digits}' is not all decimal digits`);
    if (c !== 48) first = i;
  }
  const significant = digits.length - first;
  if (significant > length * 2) {
    throw new FormatError(`${what}: ${significant} significant digits do not fit in ${length} byte(s)`);
  }
  const out = new Uint8Array(length);
  // Nibble k from the right holds digit digits.length - 1 - k.
  for (let k = 0; k < significant; k++) {
    const d = digits.charCodeAt(digits.length - 1 - k) - 48;
    const byte = length - 1 - (k >> 1);
    out[byte] = out[byte]! | (k & 1 ? d << 4 : d);
  }
  return out;
}

/** Application PAN (5A, cn) as its digits without the trailing F padding; lenient (for lookups and messages). */
export function panDigits(value: Uint8Array): string {
  const hex = toHex(value);
  let end = hex.length;
  while (end > 0 && hex.charCodeAt(end - 1) === 0x46) end--; // trailing "F" nibbles (toHex is upper case)
  return end === hex.length ? hex : hex.slice(0, end);
}

/** Format cn (Book 3 §4.3): digits left-justified, trailing nibbles F. Returns the digits without the padding. */
export function decodeCompressedNumeric(bytes: Uint8Array, what = "compressed numeric (cn) value"): string {
  let s = "";
  let padding = false;
  const ns = nibbles(bytes);
  for (let i = 0; i < ns.length; i++) {
    const d = ns[i]!;
    if (d === 0x0f) {
      padding = true;
    } else if (d > 9) {
      throw new FormatError(`${what}: nibble ${i + 1} is ${d.toString(16).toUpperCase()}, not a digit or F padding`);
    } else if (padding) {
      throw new FormatError(`${what}: digit ${d} at nibble ${i + 1} follows F padding`);
    } else {
      s += d;
    }
  }
  return s;
}

/** Format cn (Book 3 §4.3): digits left-justified in `length` bytes, padded with trailing F nibbles. */
export function encodeCompressedNumeric(
  digits: string,
  length: number,
  what = "compressed numeric (cn) value",
): Uint8Array {
  if (!/^[0-9]*$/.test(digits)) throw new FormatError(`${what}: '${digits}' is not all decimal digits`);
  if (digits.length > length * 2) {
    throw new FormatError(`${what}: ${digits.length} digits do not fit in ${length} byte(s)`);
  }
  const padded = digits.padEnd(length * 2, "F");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates and times

export interface EmvDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Two-digit years: 00–49 are 2000–2049, 50–99 are 1950–1999 (Book 4 §6.7.3, Book 3 Annex A dates). */
export function expandYear(yy: number): number {
  return yy < 50 ? 2000 + yy : 1900 + yy;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days of `month` (1–12) in the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Date in format n 6 YYMMDD (5F24, 5F25, 9A), checked for a real calendar date. */
export function decodeDate(bytes: Uint8Array, what = "date (YYMMDD)"): EmvDate {
  if (bytes.length !== 3) throw new FormatError(`${what}: length ${bytes.length}, expected 3`);
  const digits = decodeNumeric(bytes, what);
  const year = expandYear(Number(digits.slice(0, 2)));
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  if (month < 1 || month > 12) throw new FormatError(`${what}: month ${digits.slice(2, 4)} is not 01–12`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new FormatError(`${what}: day ${digits.slice(4, 6)} does not exist in ${year}-${digits.slice(2, 4)}`);
  }
  return { year, month, day };
}

/** Encode a date as n 6 YYMMDD; years outside 1950–2049 cannot be written. */
export function encodeDate(date: EmvDate, what = "date (YYMMDD)"): Uint8Array {
  if (date.year < 1950 || date.year > 2049) throw new FormatError(`${what}: year ${date.year} is outside 1950–2049`);
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    throw new FormatError(`${what}: ${formatDate(date)} is not a calendar date`);
  }
  const text = [date.year % 100, date.month, date.day].map((n) => String(n).padStart(2, "0")).join("");
  return encodeNumeric(text, 3, what);
}

/** ISO form "2025-12-31". */
export function formatDate(date: EmvDate): string {
  const p = (n: number, w: number) => String(n).padStart(w, "0");
  return `${p(date.year, 4)}-${p(date.month, 2)}-${p(date.day, 2)}`;
}

/** Compare two dates: negative when a is before b. */
export function compareDates(a: EmvDate, b: EmvDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Time in format n 6 HHMMSS (9F21), checked. Returns "HH:MM:SS". */
export function decodeTime(bytes: Uint8Array, what = "time (HHMMSS)"): string {
  if (bytes.length !== 3) throw new FormatError(`${what}: length ${bytes.length}, expected 3`);
  const d = decodeNumeric(bytes, what);
  const [h, m, s] = [d.slice(0, 2), d.slice(2, 4), d.slice(4, 6)];
  if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59)
    throw new FormatError(`${what}: ${h}:${m}:${s} is not a time`);
  return `${h}:${m}:${s}`;
}

// ---------------------------------------------------------------------------------------------
// Amounts (n 12, e.g. 9F02/9F03, with the Transaction Currency Exponent 5F36 — Book 3 Annex A)

/** Amount in minor units as a decimal string with `exponent` fraction digits: 000000001234, 2 → "12.34". Exact. */
export function decodeAmount(bytes: Uint8Array, exponent: number, what = "amount"): string {
  checkExponent(exponent, what);
  const digits = decodeNumeric(bytes, what).replace(/^0+(?=\d)/, "");
  if (exponent === 0) return digits;
  const padded = digits.padStart(exponent + 1, "0");
  return `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** A decimal string ("12.34", "12", "0.5") in minor units as n, `length` bytes (default 6 = n 12). Exact, no rounding. */
export function encodeAmount(decimal: string, exponent: number, length = 6, what = "amount"): Uint8Array {
  checkExponent(exponent, what);
  const m = /^([0-9]+)(?:\.([0-9]*))?$/.exec(decimal.trim());
  if (!m) throw new FormatError(`${what}: '${decimal}' is not a non-negative decimal number`);
  const whole = m[1]!;
  const fraction = m[2] ?? "";
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) {
    throw new FormatError(
      `${what}: '${decimal}' has more than ${exponent} decimal place(s) for currency exponent ${exponent}`,
    );
  }
  const minor = whole + fraction.slice(0, exponent).padEnd(exponent, "0");
  return encodeNumeric(minor, length, what);
}

/** Amount in minor units as a bigint (exact for the full n 12 range). */
export function amountMinorUnits(bytes: Uint8Array, what = "amount"): bigint {
  return BigInt(decodeNumeric(bytes, what) || "0");
}

function checkExponent(exponent: number, what: string): void {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 9) {
    throw new FormatError(`${what}: currency exponent ${exponent} is not 0–9`);
  }
}
