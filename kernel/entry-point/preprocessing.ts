// Entry Point pre-processing (EMV Contactless Book B §3.1.1): per reader combination, the indicators and the TTQ
// copy from the amount and the combination's limits; when no combination allows contactless, Try Another Interface.

import { UI_MESSAGE, uiRequest } from "../../emv/fields/ui-request.js";
import type { ReaderCombination, ReaderConfig } from "../config/reader-types.js";
import { type Outcome, outcome } from "./outcome.js";

/** Book A Table 5-3: Entry Point Pre-Processing Indicators, and the TTQ copy the kernel sends. */
export interface PreProcessingIndicators {
  readonly statusCheckRequested: boolean;
  readonly contactlessApplicationNotAllowed: boolean;
  readonly zeroAmount: boolean;
  readonly cvmRequiredLimitExceeded: boolean;
  readonly floorLimitExceeded: boolean;
  /** Copy of the TTQ with byte 2 b8 (online cryptogram required) and b7 (CVM required) as pre-processing set them. */
  readonly ttq?: Uint8Array;
}

export interface CombinationState {
  readonly combination: ReaderCombination;
  readonly indicators: PreProcessingIndicators;
}

export interface PreProcessingResult {
  readonly combinations: readonly CombinationState[];
  /** Try Another Interface when contactless is not allowed for any combination (§3.1.1.13). */
  readonly outcome?: Outcome;
}

const ONLINE_CRYPTOGRAM_REQUIRED = 0x80; // TTQ byte 2 b8
const CVM_REQUIRED = 0x40; // TTQ byte 2 b7
const OFFLINE_ONLY_READER = 0x08; // TTQ byte 1 b4

/** Book B §3.1.1.1–12 for one combination. `unit` is one unit of the currency in minor units (10^exponent). */
export function preProcessCombination(c: ReaderCombination, amount: number, unit: number): PreProcessingIndicators {
  // §3.1.1.2: the TTQ copy with byte 2 b8 and b7 cleared.
  const ttq = c.ttq?.slice();
  if (ttq) ttq[1]! &= ~(ONLINE_CRYPTOGRAM_REQUIRED | CVM_REQUIRED);
  // §3.1.1.3: a status check is an amount of one currency unit.
  const statusCheckRequested = c.statusCheckSupport && amount === unit;
  let notAllowed = false;
  let zeroAmount = false;
  // §3.1.1.4: zero amount.
  if (amount === 0) {
    if (!c.zeroAmountAllowed) notAllowed = true;
    else zeroAmount = true;
  }
  // §3.1.1.5: amount >= Reader Contactless Transaction Limit.
  if (c.transactionLimit !== undefined && amount >= c.transactionLimit) notAllowed = true;
  // §3.1.1.6 and §3.1.1.7: amount > Reader Contactless Floor Limit, else > Terminal Floor Limit (9F1B).
  const floor = c.floorLimit ?? c.terminalFloorLimit;
  const floorLimitExceeded = floor !== undefined && amount > floor;
  // §3.1.1.8: amount >= Reader CVM Required Limit.
  const cvmRequiredLimitExceeded = c.cvmRequiredLimit !== undefined && amount >= c.cvmRequiredLimit;
  if (ttq) {
    // §3.1.1.9–10: floor limit exceeded or status check: online cryptogram required.
    if (floorLimitExceeded || statusCheckRequested) ttq[1]! |= ONLINE_CRYPTOGRAM_REQUIRED;
    // §3.1.1.11: zero amount: online if the reader can go online, else not allowed.
    if (zeroAmount) {
      if (ttq[0]! & OFFLINE_ONLY_READER) notAllowed = true;
      else ttq[1]! |= ONLINE_CRYPTOGRAM_REQUIRED;
    }
    // §3.1.1.12: CVM required limit reached.
    if (cvmRequiredLimitExceeded) ttq[1]! |= CVM_REQUIRED;
  }
  return {
    statusCheckRequested,
    contactlessApplicationNotAllowed: notAllowed,
    zeroAmount,
    cvmRequiredLimitExceeded,
    floorLimitExceeded,
    ...(ttq ? { ttq } : {}),
  };
}

/** Book B §3.1.1 for every combination of the reader. */
export function preProcess(reader: ReaderConfig, amount: number): PreProcessingResult {
  const unit = 10 ** reader.terminal.currencyExponent;
  const combinations = reader.combinations.map((combination) => ({
    combination,
    indicators: preProcessCombination(combination, amount, unit),
  }));
  if (combinations.every((c) => c.indicators.contactlessApplicationNotAllowed)) {
    // §3.1.1.13: Try Another Interface, "Please Insert or Swipe Card", status Processing Error.
    return {
      combinations,
      outcome: outcome(
        "Try Another Interface",
        "Entry Point",
        `contactless not allowed for any combination at amount ${amount} (Book B §3.1.1.13)`,
        { uiOnOutcome: uiRequest(UI_MESSAGE.INSERT_OR_SWIPE, "Processing Error") },
      ),
    };
  }
  return { combinations };
}
