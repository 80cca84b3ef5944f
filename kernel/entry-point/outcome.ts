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

/** The OPS parameters an outcome may set besides its status and the presence flags it derives. */
const PARAMETER_KEYS = [
  "start",
  "onlineResponseData",
  "cvm",
  "receipt",
  "alternateInterfacePreference",
  "fieldOffRequest",
  "removalTimeout",
] as const satisfies readonly (keyof OutcomeOptions)[];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An outcome whose OPS presence flags agree with what it carries. */
export function outcome(status: OutcomeStatus, source: string, reason: string, o: OutcomeOptions = {}): Outcome {
  // Built field by field, without rest and spread copies (an outcome is made on every tap): the same keys in the
  // same order as before.
  const parameters: Partial<Mutable<OutcomeParameterSet>> = {};
  for (const k of PARAMETER_KEYS) if (k in o) (parameters as Record<string, unknown>)[k] = o[k];
  parameters.uiRequestOnOutcomePresent = o.uiOnOutcome !== undefined;
  parameters.uiRequestOnRestartPresent = o.uiOnRestart !== undefined;
  parameters.dataRecordPresent = o.dataRecord !== undefined;
  parameters.discretionaryDataPresent = o.discretionaryData !== undefined;
  const result: Partial<Mutable<Outcome>> = { ops: outcomeParameters(status, parameters) };
  if (o.uiOnOutcome) result.uiOnOutcome = o.uiOnOutcome;
  if (o.uiOnRestart) result.uiOnRestart = o.uiOnRestart;
  if (o.dataRecord) result.dataRecord = o.dataRecord;
  if (o.discretionaryData) result.discretionaryData = o.discretionaryData;
  result.source = source;
  result.reason = reason;
  return result as Outcome;
}
