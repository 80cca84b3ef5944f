// Reader (contactless) configuration as Entry Point uses it (EMV Contactless Book A §5.7 Table 5-2, Book B §3.1):
// per combination of AID and kernel, the TTQ base value and the limits pre-processing compares the amount with.

import type { C2Config } from "./reader-c2-schema.js";
import type { TerminalConfig } from "./types.js";

export interface ReaderCombination {
  /** Reader AID (exact or prefix match against the PPSE ADF Name, Book B §3.3.2.5 B). */
  readonly aid: Uint8Array;
  /** EMVCo Short Kernel ID (1–8) or a domestic kernel id of 3 bytes; the combination's Kernel ID. */
  readonly kernelId: Uint8Array;
  readonly label?: string;
  /** Terminal Transaction Qualifiers (9F66) base value, 4 bytes; byte 2 b8–b7 set per transaction (Book B §3.1.1). */
  readonly ttq?: Uint8Array;
  /** Reader Contactless Transaction Limit, minor units; absent: no limit. */
  readonly transactionLimit?: number;
  /** Reader Contactless Floor Limit; absent: the Terminal Floor Limit (9F1B) of the terminal's AID, if any. */
  readonly floorLimit?: number;
  /** Terminal Floor Limit (9F1B) of the terminal configuration's matching AID: the floor-limit fallback. */
  readonly terminalFloorLimit?: number;
  /** Reader CVM Required Limit. */
  readonly cvmRequiredLimit?: number;
  readonly statusCheckSupport: boolean;
  readonly zeroAmountAllowed: boolean;
  readonly extendedSelectionSupport: boolean;
  /** Kernel 2 configuration data (Book C-2 Annex A), kernel 2 combinations only. */
  readonly c2?: C2Config;
}

export interface ReaderConfig {
  readonly id: string;
  readonly description: string;
  /** Terminal data, CA keys, exception file and online capability, as for contact. */
  readonly terminal: TerminalConfig;
  /** Short Kernel IDs the reader has. */
  readonly kernels: readonly number[];
  /** In the reader's order (Book B §3.3.2.5 processes them in this order). */
  readonly combinations: readonly ReaderCombination[];
}
