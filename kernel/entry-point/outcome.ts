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
  return assemble(outcomeParameters(status, parameters), o, o.discretionaryData, source, reason);
}

/**
 * The outcome's fields in one order whatever it carries. Not an object spread with keys added after it: V8 gives
 * such an object a new hidden class every time, and the reader's inline caches then miss on every outcome.
 */
function assemble(
  ops: OutcomeParameterSet,
  o: Pick<OutcomeOptions, "uiOnOutcome" | "uiOnRestart" | "dataRecord">,
  discretionaryData: Uint8Array | undefined,
  source: string,
  reason: string,
): Outcome {
  const result: Partial<Mutable<Outcome>> = { ops };
  if (o.uiOnOutcome) result.uiOnOutcome = o.uiOnOutcome;
  if (o.uiOnRestart) result.uiOnRestart = o.uiOnRestart;
  if (o.dataRecord) result.dataRecord = o.dataRecord;
  if (discretionaryData) result.discretionaryData = discretionaryData;
  result.source = source;
  result.reason = reason;
  return result as Outcome;
}

/** The outcome with Discretionary Data (Book C-2 Annex A FF8106) and the OPS flag that says so. */
export function withDiscretionaryData(o: Outcome, discretionaryData: Uint8Array): Outcome {
  const ops: Mutable<OutcomeParameterSet> = { ...o.ops };
  ops.discretionaryDataPresent = true;
  return assemble(ops, o, discretionaryData, o.source, o.reason);
}
