// ISO 8583:1987 data element definitions used by the emvsim issuer link, as data (ISO 8583:1987 §4.3 field
// layout). Encoding choices for this link: numeric (n) and track-2 (z) content as packed BCD, LL/LLL length
// prefixes as packed BCD digits, alphanumeric (an/ans) as ASCII, binary (b) as raw bytes, bitmap binary.

/** Content class of a data element: n numeric, an/ans text, z track-2 digits and separator, b binary. */
export type FieldContent = "n" | "an" | "ans" | "z" | "b";
/** Fixed length, or a 2-digit (LLVAR) or 3-digit (LLLVAR) length prefix. */
export type FieldLengthKind = "fixed" | "llvar" | "lllvar";

export interface FieldDef {
  readonly number: number;
  readonly name: string;
  readonly content: FieldContent;
  readonly lengthKind: FieldLengthKind;
  /** Fixed length, or the maximum for variable fields: in digits for n/z, characters for an/ans, bytes for b. */
  readonly length: number;
  /** Holds card data that must never be logged or stored in clear (PAN, track 2, PIN block). */
  readonly sensitive?: boolean;
}

const f = (
  number: number,
  name: string,
  content: FieldContent,
  lengthKind: FieldLengthKind,
  length: number,
  sensitive = false,
): FieldDef => ({ number, name, content, lengthKind, length, ...(sensitive ? { sensitive } : {}) });

/** The data elements this link carries (ISO 8583:1987 Annex A names). */
export const FIELDS: readonly FieldDef[] = [
  f(2, "Primary account number", "n", "llvar", 19, true),
  f(3, "Processing code", "n", "fixed", 6),
  f(4, "Amount, transaction", "n", "fixed", 12),
  f(7, "Transmission date and time", "n", "fixed", 10),
  f(11, "Systems trace audit number", "n", "fixed", 6),
  f(12, "Time, local transaction", "n", "fixed", 6),
  f(13, "Date, local transaction", "n", "fixed", 4),
  f(14, "Date, expiration", "n", "fixed", 4),
  f(22, "Point of service entry mode", "n", "fixed", 3),
  f(23, "Card sequence number", "n", "fixed", 3),
  f(35, "Track 2 data", "z", "llvar", 37, true),
  f(37, "Retrieval reference number", "an", "fixed", 12),
  f(38, "Authorization identification response", "an", "fixed", 6),
  f(39, "Response code", "an", "fixed", 2),
  f(41, "Card acceptor terminal identification", "ans", "fixed", 8),
  f(42, "Card acceptor identification code", "ans", "fixed", 15),
  f(49, "Currency code, transaction", "n", "fixed", 3),
  f(52, "Personal identification number data", "b", "fixed", 8, true),
  f(55, "ICC system related data (BER-TLV)", "b", "lllvar", 999),
  f(63, "Reserved private: issuer host reason text", "ans", "lllvar", 999),
  f(64, "Message authentication code", "b", "fixed", 8),
  f(90, "Original data elements", "n", "fixed", 42),
  f(128, "Message authentication code", "b", "fixed", 8),
];

export const FIELD_BY_NUMBER: ReadonlyMap<number, FieldDef> = new Map(FIELDS.map((d) => [d.number, d]));

/** Message type indicators this link exchanges (ISO 8583:1987 §4.1). */
export const MTI = {
  AUTHORIZATION_REQUEST: "0100",
  AUTHORIZATION_RESPONSE: "0110",
  ADVICE_REQUEST: "0120",
  ADVICE_RESPONSE: "0130",
  FINANCIAL_REQUEST: "0200",
  FINANCIAL_RESPONSE: "0210",
  REVERSAL_REQUEST: "0400",
  REVERSAL_RESPONSE: "0410",
} as const;
export type Mti = (typeof MTI)[keyof typeof MTI];

export const REQUEST_MTIS: ReadonlySet<string> = new Set(["0100", "0120", "0200", "0400"]);

/** The response MTI for a request MTI (ISO 8583:1987: the function digit plus one). */
export function responseMti(requestMti: string): string {
  return requestMti.slice(0, 2) + String(Number(requestMti[2]) + 1) + requestMti[3];
}
