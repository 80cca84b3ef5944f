// Application File Locator, tag 94 (EMV Book 3 §10.2): the records to read, four bytes per file.

import type { FieldError } from "./field-error.js";

export interface AflEntry {
  /** Short File Identifier, 1–30 (byte 1 bits 8–4). */
  readonly sfi: number;
  readonly first: number;
  readonly last: number;
  /** Number of records from `first` that take part in offline data authentication. */
  readonly odaCount: number;
}

const WHAT = "AFL (94)";

/**
 * Parse an AFL (Book 3 §10.2): length a multiple of 4; per entry SFI 1–30, first record ≥ 1, last ≥ first,
 * and the ODA record count no more than the records in the range. Errors name the entry (1-based).
 */
export function parseAfl(value: Uint8Array): AflEntry[] | FieldError {
  if (value.length % 4 !== 0) return { error: `${WHAT}: length ${value.length} is not a multiple of 4` };
  const entries: AflEntry[] = [];
  for (let i = 0; i < value.length; i += 4) {
    const n = i / 4 + 1;
    const [b1, first, last, odaCount] = [value[i]!, value[i + 1]!, value[i + 2]!, value[i + 3]!];
    const sfi = b1 >> 3;
    // Book 3 §10.2: bits 3–1 of byte 1 are zero (RFU); SFI 31 is RFU.
    if ((b1 & 0x07) !== 0) return { error: `${WHAT}: entry ${n} byte 1 bits 3–1 are not zero` };
    if (sfi < 1 || sfi > 30) return { error: `${WHAT}: entry ${n} has SFI ${sfi}, not 1–30` };
    if (first < 1) return { error: `${WHAT}: entry ${n} (SFI ${sfi}) starts at record 0` };
    if (last < first)
      return { error: `${WHAT}: entry ${n} (SFI ${sfi}) ends at record ${last} before its first ${first}` };
    if (odaCount > last - first + 1) {
      return {
        error: `${WHAT}: entry ${n} (SFI ${sfi}) has ${odaCount} ODA record(s) in a range of ${last - first + 1}`,
      };
    }
    entries.push({ sfi, first, last, odaCount });
  }
  return entries;
}

/** "SFI 2 records 1-2, 1 for offline data authentication". */
export function describeAflEntry(e: AflEntry): string {
  const range = e.first === e.last ? `record ${e.first}` : `records ${e.first}-${e.last}`;
  return `SFI ${e.sfi} ${range}${e.odaCount ? `, ${e.odaCount} for offline data authentication` : ""}`;
}
