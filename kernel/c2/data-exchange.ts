// Data exchange between Kernel 2 and the terminal application (EMV Contactless Book C-2 §3.x "Data Exchange",
// signals DEK and DET; Annex A DF8106 Data Needed, FF8104 Data To Send): the kernel sends what it has read and asks
// for data it needs; the terminal application answers with updates. An API with a bounded wait, and one built-in use:
// the Merchant Custom Data (9F7C; the shared dictionary's Customer Exclusive Data) the terminal application chooses once it knows the card (CDOL1 carries it).

import { panDigits } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { C2_TAG } from "./tags.js";

export interface DataExchangeRequest {
  /** Where the kernel is, e.g. "after READ RECORD". */
  readonly step: string;
  /** Data To Send (FF8104): the data objects the kernel hands over. */
  readonly dataToSend: ReadonlyMap<number, Uint8Array>;
  /** Data Needed (DF8106): the tags the kernel asks the terminal application for. */
  readonly dataNeeded: readonly number[];
}

/** DEK → DET: the terminal application's answer, data objects by tag. */
export type DataExchange = (request: DataExchangeRequest) => Promise<ReadonlyMap<number, Uint8Array>>;

/** Tags the terminal application may update by DET at this point (before GENERATE AC), with their lengths. */
export const DET_UPDATABLE: ReadonlyMap<number, number> = new Map([
  [C2_TAG.MERCHANT_CUSTOM_DATA, 20],
  [TAG.AMOUNT_AUTHORISED_NUMERIC, 6],
  [TAG.AMOUNT_OTHER_NUMERIC, 6],
]);

export type DataExchangeResult =
  | { readonly ok: true; readonly updates: ReadonlyMap<number, Uint8Array>; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Send DEK and wait at most `timeoutMs` for DET; updates outside DET_UPDATABLE or of the wrong length are ignored. */
export async function exchangeData(
  exchange: DataExchange,
  request: DataExchangeRequest,
  timeoutMs: number,
): Promise<DataExchangeResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  let answer: ReadonlyMap<number, Uint8Array> | "timeout";
  try {
    answer = await Promise.race([exchange(request), timeout]);
  } catch (e) {
    return { ok: false, reason: `data exchange failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(timer);
  }
  if (answer === "timeout") return { ok: false, reason: `no DET from the terminal application within ${timeoutMs} ms` };
  const updates = new Map<number, Uint8Array>();
  const ignored: string[] = [];
  for (const [tag, value] of answer) {
    const length = DET_UPDATABLE.get(tag);
    const name = tag.toString(16).toUpperCase();
    if (length === undefined) ignored.push(`${name}: not updatable by DET here`);
    else if (value.length !== length) ignored.push(`${name}: ${value.length} bytes, expected ${length}`);
    else updates.set(tag, value);
  }
  return { ok: true, updates, ignored };
}

/** The built-in use: Merchant Custom Data (9F7C) from the terminal application, chosen from the card's PAN. */
export function merchantCustomData(choose: (panDigits: string | undefined) => Uint8Array): DataExchange {
  return async (request) => {
    const pan = request.dataToSend.get(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
    const digits = pan ? panDigits(pan) : undefined;
    return request.dataNeeded.includes(C2_TAG.MERCHANT_CUSTOM_DATA)
      ? new Map([[C2_TAG.MERCHANT_CUSTOM_DATA, choose(digits)]])
      : new Map();
  };
}
