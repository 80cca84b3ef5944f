// The state the second half of a contact transaction carries from step to step (EMV Book 3 §10.7–§10.11): what
// terminal action analysis requested, the CDOL1 data, the authorisation exchange, the second GENERATE AC, the
// script results; and how a back-half step ends (go on, or a Decision).

import type { AuthorizationResponse } from "../../emv/authorisation.js";
import { parseCid } from "../../emv/fields/cid.js";
import type { TerminationCause } from "../termination.js";
import type { TransactionContext } from "./context.js";
import type {
  ActionCodes,
  AdviceRecord,
  CryptogramRecord,
  CryptogramType,
  Decision,
  IssuerActionCodes,
  OnlineRecord,
  Outcome,
} from "./decision.js";
import type { CdaVerifier, GenerateAcOutcome } from "./generate-ac.js";

/** Online processing as far as it went (Book 3 §10.9). */
export type OnlineProgress =
  | { readonly kind: "unable"; readonly reason: string }
  | {
      readonly kind: "answered";
      readonly response: AuthorizationResponse;
      /** The Authorisation Response Code (8A) as text, e.g. "00". */
      readonly arc: string;
      issuerAuthentication: OnlineRecord["issuerAuthentication"];
    };

export interface BackHalf {
  readonly verifyCda: CdaVerifier;
  readonly hostTimeoutMs: number;
  readonly cryptograms: CryptogramRecord[];
  /** Book 3 §10.7: the terminal's and the card's action codes, and the cryptogram the terminal asks for first. */
  tacs?: ActionCodes;
  iacs?: IssuerActionCodes;
  requested?: CryptogramType;
  /** Book 3 §10.8: the CDOL1 data sent with the first GENERATE AC (part of the CDA hash at the second). */
  cdol1Data?: Uint8Array;
  /** Book 3 §10.9: the authorisation request ICC data and how the request went. */
  authorizationData?: Uint8Array;
  online?: OnlineProgress;
  /** Book 3 §10.11: the second GENERATE AC, and what the terminal requested in it. */
  second?: Extract<GenerateAcOutcome, { ok: true }>;
  secondRequested?: "TC" | "AAC";
  /** Book 3 §10.10: Issuer Script Results (9F5B), 5 bytes per script, in processing order. */
  scriptResults: Uint8Array;
  /** Scripts after the second GENERATE AC that stopped on a transport error (the outcome stands). */
  scriptsAfterError?: string;
}

/** How a back-half step ends: the next step, or the transaction's decision. */
export type BackStep = { readonly kind: "continue" } | { readonly kind: "decided"; readonly decision: Decision };

export type BackHalfStep = (ctx: TransactionContext, back: BackHalf) => BackStep | Promise<BackStep>;

export const NEXT: BackStep = Object.freeze({ kind: "continue" });

export function newBackHalf(verifyCda: CdaVerifier, hostTimeoutMs: number): BackHalf {
  return { verifyCda, hostTimeoutMs, cryptograms: [], scriptResults: new Uint8Array(0) };
}

/** The online record as far as online processing went; none when the transaction never asked to go online. */
export function onlineRecord(ctx: TransactionContext, back: BackHalf): OnlineRecord | undefined {
  const online = back.online;
  if (!online) return undefined;
  if (online.kind === "unable")
    return {
      attempted: ctx.host !== undefined && ctx.config.onlineCapable,
      reachable: false,
      issuerAuthentication: "not-performed",
      scriptResults: new Uint8Array(0),
    };
  return {
    attempted: true,
    reachable: true,
    responseCode: online.arc,
    issuerAuthentication: online.issuerAuthentication,
    scriptResults: back.scriptResults,
  };
}

/** The transaction's decision, with the cryptograms and the online exchange so far. */
export function decide(
  ctx: TransactionContext,
  back: BackHalf,
  outcome: Exclude<Outcome, "terminated">,
  reason: string,
): BackStep {
  return { kind: "decided", decision: decision(ctx, back, outcome, reason) };
}

/** Book 3 §10: "terminate the transaction" from the back half, with its typed cause. */
export function terminateBack(
  ctx: TransactionContext,
  back: BackHalf,
  cause: TerminationCause,
  reason: string,
): BackStep {
  return { kind: "decided", decision: decision(ctx, back, "terminated", reason, cause) };
}

/** Book 3 §10.8: the first GENERATE AC whose CID has b4 "advice required" set, as the advice to record. */
export function adviceRequested(cryptograms: readonly CryptogramRecord[]): AdviceRecord | undefined {
  for (const [i, c] of cryptograms.entries()) {
    const info = parseCid(Uint8Array.of(c.cid));
    if ("error" in info || !info.adviceRequired) continue;
    return { cid: c.cid, generateAc: i === 0 ? 1 : 2, reason: info.reasonName };
  }
  return undefined;
}

function decision(
  ctx: TransactionContext,
  back: BackHalf,
  outcome: Outcome,
  reason: string,
  cause?: TerminationCause,
): Decision {
  ctx.log("completion", `${outcome}: ${reason}`);
  const online = onlineRecord(ctx, back);
  const advice = adviceRequested(back.cryptograms);
  if (advice)
    ctx.log("completion", `the card asked for an advice at GENERATE AC ${advice.generateAc} (${advice.reason})`);
  return {
    outcome,
    reason,
    ...(cause ? { cause } : {}),
    cryptograms: [...back.cryptograms],
    ...(online ? { online } : {}),
    ...(back.online && back.authorizationData ? { authorizationData: back.authorizationData } : {}),
    ...(advice ? { advice } : {}),
  };
}
