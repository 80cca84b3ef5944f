// Outcomes as Entry Point and the kernels hand them to the reader (EMV Contactless Book A §6.2 outcomes and Outcome
// Parameter Set, §7.1 UI Requests; Book B §3.5 outcome processing): a typed value with the reason in words.

import {
  type OutcomeParameterSet,
  type OutcomeStatus,
  outcomeParameters,
} from "../../emv/fields/outcome-parameter-set.js";
import type { UiRequest } from "../../emv/fields/ui-request.js";

export interface Outcome {
  readonly ops: OutcomeParameterSet;
  readonly uiOnOutcome?: UiRequest;
  readonly uiOnRestart?: UiRequest;
  /** Data Record (BER-TLV), for Approved/Declined/Online Request: what the reader sends to the acquirer. */
  readonly dataRecord?: Uint8Array;
  /** Discretionary Data (BER-TLV). */
  readonly discretionaryData?: Uint8Array;
  /** Who decided: "Entry Point" or the kernel, e.g. "Kernel 3". */
  readonly source: string;
  /** Why, in words (PANs masked by the caller). */
  readonly reason: string;
}

export interface OutcomeOptions extends Partial<Omit<OutcomeParameterSet, "status">> {
  readonly uiOnOutcome?: UiRequest;
  readonly uiOnRestart?: UiRequest;
  readonly dataRecord?: Uint8Array;
  readonly discretionaryData?: Uint8Array;
}

/** An outcome whose OPS presence flags agree with what it carries. */
export function outcome(status: OutcomeStatus, source: string, reason: string, o: OutcomeOptions = {}): Outcome {
  const { uiOnOutcome, uiOnRestart, dataRecord, discretionaryData, ...parameters } = o;
  return {
    ops: outcomeParameters(status, {
      ...parameters,
      uiRequestOnOutcomePresent: uiOnOutcome !== undefined,
      uiRequestOnRestartPresent: uiOnRestart !== undefined,
      dataRecordPresent: dataRecord !== undefined,
      discretionaryDataPresent: discretionaryData !== undefined,
    }),
    ...(uiOnOutcome ? { uiOnOutcome } : {}),
    ...(uiOnRestart ? { uiOnRestart } : {}),
    ...(dataRecord ? { dataRecord } : {}),
    ...(discretionaryData ? { discretionaryData } : {}),
    source,
    reason,
  };
}
