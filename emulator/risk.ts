// Card risk management: which cryptogram the card answers to a GENERATE AC request (EMV Book 3 §6.5.5.4:
// the card may answer with the requested type or a lower one, never a higher one; TC > ARQC > AAC).

import type { AcType } from "./context.js";
import type { ApplicationProfile } from "./profile-data.js";

/** Book 3 §6.5.5.4 order: a TC request may get TC, ARQC or AAC; an ARQC request ARQC or AAC; an AAC request AAC. */
export const AC_RANK: Readonly<Record<AcType, number>> = { AAC: 0, ARQC: 1, TC: 2 };

export interface FirstAcFacts {
  /** Amount Authorised (9F02) in minor units, when the CDOL1 carries it. */
  readonly amount: number | undefined;
  /** ATC − Last Online ATC before this transaction: consecutive offline transactions. */
  readonly consecutiveOffline: number;
  readonly pinTryCounter: number;
  readonly hasPin: boolean;
}

export interface Decision {
  readonly type: AcType;
  readonly reason: string;
}

function lower(requested: AcType, wanted: AcType, reason: string): Decision {
  return AC_RANK[wanted] < AC_RANK[requested] ? { type: wanted, reason } : { type: requested, reason: "as requested" };
}

/** First GENERATE AC (Book 3 §10.8 from the card's side): the profile's rules applied to the request. */
export function firstAcDecision(requested: AcType, app: ApplicationProfile, facts: FirstAcFacts): Decision {
  const risk = app.risk;
  if (requested === "AAC") return { type: "AAC", reason: "terminal requested AAC" };
  if (risk.declineWhenPinBlocked && facts.hasPin && facts.pinTryCounter === 0) {
    return { type: "AAC", reason: "PIN try limit exceeded" };
  }
  if (requested === "ARQC") {
    return risk.online === "decline"
      ? { type: "AAC", reason: "card does not go online" }
      : { type: "ARQC", reason: "terminal requested ARQC" };
  }
  // TC requested.
  if (risk.offline === "decline") return lower(requested, "AAC", "card declines offline");
  const goOnline = risk.online === "decline" ? "AAC" : "ARQC";
  if (risk.offline === "online") return lower(requested, goOnline, "card requests online authorisation");
  if (risk.offlineAmountLimit !== undefined && facts.amount !== undefined && facts.amount > risk.offlineAmountLimit) {
    return lower(requested, goOnline, `amount ${facts.amount} above the offline limit ${risk.offlineAmountLimit}`);
  }
  const lcol = app.counters.lcol;
  if (lcol !== undefined && facts.consecutiveOffline > lcol) {
    return lower(
      requested,
      goOnline,
      `${facts.consecutiveOffline} consecutive offline transactions exceed LCOL ${lcol}`,
    );
  }
  return { type: "TC", reason: "approved offline by the card" };
}

export interface SecondAcFacts {
  readonly externalAuthenticate: "none" | "passed" | "failed";
  /** Authorisation Response Code (8A) from the CDOL2 data, when present. */
  readonly authorisationResponseCode: Uint8Array | undefined;
  readonly consecutiveOffline: number;
}

/** "Z3": unable to go online, offline decision requested (Book 4 §6.3.6 Table 7 ARCs). */
const UNABLE_TO_GO_ONLINE = Uint8Array.of(0x5a, 0x33);

/** Second GENERATE AC: TC or AAC only (Book 3 §6.5.5.4); issuer authentication and UCOL rules. */
export function secondAcDecision(requested: AcType, app: ApplicationProfile, facts: SecondAcFacts): Decision {
  if (requested !== "TC") return { type: "AAC", reason: "terminal requested AAC" };
  const arc = facts.authorisationResponseCode;
  const offlineAfterFailure =
    arc !== undefined && arc[0] === UNABLE_TO_GO_ONLINE[0] && arc[1] === UNABLE_TO_GO_ONLINE[1];
  if (offlineAfterFailure) {
    const ucol = app.counters.ucol;
    if (ucol !== undefined && facts.consecutiveOffline >= ucol) {
      return {
        type: "AAC",
        reason: `unable to go online and ${facts.consecutiveOffline} offline transactions reach UCOL ${ucol}`,
      };
    }
    if (app.risk.online === undefined && app.risk.offline === "online") {
      return { type: "AAC", reason: "unable to go online and the card does not approve offline" };
    }
    return { type: "TC", reason: "unable to go online, approved offline by the card" };
  }
  if (app.risk.issuerAuthenticationRequired && facts.externalAuthenticate !== "passed") {
    return {
      type: "AAC",
      reason:
        facts.externalAuthenticate === "failed"
          ? "issuer authentication failed"
          : "issuer authentication not performed",
    };
  }
  return { type: "TC", reason: "approved after online authorisation" };
}
