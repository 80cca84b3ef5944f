// Outcome Parameter Set (EMV Contactless Book A §6.2 outcomes and their parameters; the 8-byte encoding of tag
// DF8129 is Book C-2 Annex A): what a kernel (or Entry Point) tells the reader to do at the end of a tap.

import { toHex } from "../bytes.js";
import type { FieldError } from "./field-error.js";

/** Book A §6.2: the outcomes. */
export const OUTCOME_STATUSES = [
  "Approved",
  "Declined",
  "Online Request",
  "End Application",
  "Select Next",
  "Try Another Interface",
  "Try Again",
] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export type Start = "A" | "B" | "C" | "D" | "N/A";
export type OnlineResponseData = "EMV Data" | "Any" | "N/A";
export type OutcomeCvm = "Online PIN" | "Confirmation Code Verified" | "Obtain Signature" | "No CVM" | "N/A";
export type AlternateInterface = "Contact Chip" | "Magnetic Stripe" | "N/A";

export interface OutcomeParameterSet {
  readonly status: OutcomeStatus;
  readonly start: Start;
  readonly onlineResponseData: OnlineResponseData;
  readonly cvm: OutcomeCvm;
  readonly uiRequestOnOutcomePresent: boolean;
  readonly uiRequestOnRestartPresent: boolean;
  readonly dataRecordPresent: boolean;
  readonly discretionaryDataPresent: boolean;
  readonly receipt: boolean;
  readonly alternateInterfacePreference: AlternateInterface;
  /** Field Off Request: "N/A" or a hold time in units of 100 ms. */
  readonly fieldOffRequest: number | "N/A";
  /** Removal Timeout in units of 100 ms. */
  readonly removalTimeout: number;
}

/** An OPS with every parameter N/A / absent, for `status`. */
export function outcomeParameters(
  status: OutcomeStatus,
  overrides: Partial<OutcomeParameterSet> = {},
): OutcomeParameterSet {
  return {
    status,
    start: "N/A",
    onlineResponseData: "N/A",
    cvm: "N/A",
    uiRequestOnOutcomePresent: false,
    uiRequestOnRestartPresent: false,
    dataRecordPresent: false,
    discretionaryDataPresent: false,
    receipt: false,
    alternateInterfacePreference: "N/A",
    fieldOffRequest: "N/A",
    removalTimeout: 0,
    ...overrides,
  };
}

// Book C-2 Annex A (DF8129): each parameter in the high nibble of its byte; 1111b = N/A.
const STATUS_CODE: Readonly<Record<OutcomeStatus, number>> = {
  Approved: 0x10,
  Declined: 0x20,
  "Online Request": 0x30,
  "End Application": 0x40,
  "Select Next": 0x50,
  "Try Another Interface": 0x60,
  "Try Again": 0x70,
};
const START_CODE: Readonly<Record<Start, number>> = { A: 0x00, B: 0x10, C: 0x20, D: 0x30, "N/A": 0xf0 };
// Book C-2 only uses N/A for Online Response Data; emvsim codes Book A's "EMV Data" and "Any" as 1 and 2.
const ONLINE_RESPONSE_CODE: Readonly<Record<OnlineResponseData, number>> = { "EMV Data": 0x10, Any: 0x20, "N/A": 0xf0 };
const CVM_CODE: Readonly<Record<OutcomeCvm, number>> = {
  "No CVM": 0x00,
  "Obtain Signature": 0x10,
  "Online PIN": 0x20,
  "Confirmation Code Verified": 0x30,
  "N/A": 0xf0,
};
const ALTERNATE_CODE: Readonly<Record<AlternateInterface, number>> = {
  "Contact Chip": 0x10,
  "Magnetic Stripe": 0x20,
  "N/A": 0xf0,
};

export function encodeOutcomeParameterSet(o: OutcomeParameterSet): Uint8Array {
  const flags =
    (o.uiRequestOnOutcomePresent ? 0x80 : 0) |
    (o.uiRequestOnRestartPresent ? 0x40 : 0) |
    (o.dataRecordPresent ? 0x20 : 0) |
    (o.discretionaryDataPresent ? 0x10 : 0) |
    (o.receipt ? 0x08 : 0);
  const clamp = (n: number, max: number) => Math.min(Math.max(0, Math.trunc(n)), max);
  return Uint8Array.of(
    STATUS_CODE[o.status],
    START_CODE[o.start],
    ONLINE_RESPONSE_CODE[o.onlineResponseData],
    CVM_CODE[o.cvm],
    flags,
    ALTERNATE_CODE[o.alternateInterfacePreference],
    o.fieldOffRequest === "N/A" ? 0xff : clamp(o.fieldOffRequest, 0xfe),
    clamp(o.removalTimeout, 0xff),
  );
}

function lookup<K extends string>(table: Readonly<Record<K, number>>, code: number): K | undefined {
  return (Object.keys(table) as K[]).find((k) => table[k] === code);
}

export function decodeOutcomeParameterSet(value: Uint8Array): OutcomeParameterSet | FieldError {
  const what = "Outcome Parameter Set (DF8129)";
  if (value.length !== 8) return { error: `${what}: length ${value.length}, expected 8` };
  const field = <K extends string>(i: number, name: string, table: Readonly<Record<K, number>>): K | FieldError => {
    const k = lookup(table, value[i]! & 0xf0);
    return k ?? { error: `${what}: byte ${i + 1} (${name}) ${toHex(value.subarray(i, i + 1))} is RFU` };
  };
  const status = field(0, "Status", STATUS_CODE);
  const start = field(1, "Start", START_CODE);
  const online = field(2, "Online Response Data", ONLINE_RESPONSE_CODE);
  const cvm = field(3, "CVM", CVM_CODE);
  const alternate = field(5, "Alternate Interface Preference", ALTERNATE_CODE);
  for (const f of [status, start, online, cvm, alternate]) if (typeof f === "object") return f;
  const flags = value[4]!;
  return {
    status: status as OutcomeStatus,
    start: start as Start,
    onlineResponseData: online as OnlineResponseData,
    cvm: cvm as OutcomeCvm,
    uiRequestOnOutcomePresent: (flags & 0x80) !== 0,
    uiRequestOnRestartPresent: (flags & 0x40) !== 0,
    dataRecordPresent: (flags & 0x20) !== 0,
    discretionaryDataPresent: (flags & 0x10) !== 0,
    receipt: (flags & 0x08) !== 0,
    alternateInterfacePreference: alternate as AlternateInterface,
    fieldOffRequest: value[6] === 0xff ? "N/A" : value[6]!,
    removalTimeout: value[7]!,
  };
}

/** Each parameter on its own line, as Book A names them. */
export function describeOutcomeParameterSet(o: OutcomeParameterSet): string[] {
  const yesNo = (b: boolean) => (b ? "Yes" : "No");
  return [
    `Status: ${o.status}`,
    `Start: ${o.start}`,
    `Online Response Data: ${o.onlineResponseData}`,
    `CVM: ${o.cvm}`,
    `UI Request on Outcome Present: ${yesNo(o.uiRequestOnOutcomePresent)}`,
    `UI Request on Restart Present: ${yesNo(o.uiRequestOnRestartPresent)}`,
    `Data Record Present: ${yesNo(o.dataRecordPresent)}`,
    `Discretionary Data Present: ${yesNo(o.discretionaryDataPresent)}`,
    `Receipt: ${o.receipt ? "Yes" : "N/A"}`,
    `Alternate Interface Preference: ${o.alternateInterfacePreference}`,
    `Field Off Request: ${o.fieldOffRequest === "N/A" ? "N/A" : `hold ${(o.fieldOffRequest / 10).toFixed(1)} s`}`,
    `Removal Timeout: ${(o.removalTimeout / 10).toFixed(1)} s`,
  ];
}
