// Card state that outlives a command: counters, PIN, block flags (non-volatile, Book 3 §6.5) and the current
// transaction's progress (volatile). Non-volatile state is optionally kept in a JSON state file across sessions.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { toHex } from "../emv/bytes.js";
import type { CardProfile } from "./profile-data.js";

/** Non-volatile state of one application. */
export interface ApplicationState {
  /** Application Transaction Counter (9F36). */
  atc: number;
  /** Last Online ATC Register (9F13). */
  lastOnlineAtc: number;
  /** Reference PIN (changed by PIN CHANGE) and PIN Try Counter (9F17). */
  pin: string | undefined;
  pinTryCounter: number;
  /** APPLICATION BLOCK / UNBLOCK (Book 3 §6.5.1, §6.5.2). */
  blocked: boolean;
  /** Amount (minor units) approved offline on the contactless interface since the last online transaction. */
  offlineAmountTotal: number;
  /**
   * The last contactless ARQC when the card offered issuer update (CTQ B2b7): the next presentation may bring the
   * issuer's answer (EXTERNAL AUTHENTICATE, scripts) without a GPO (Book C-3 issuer update processing).
   */
  issuerUpdate: { readonly atc: number; readonly arqc: string } | undefined;
  /** The last transaction went online but the issuer authentication failed or was not done (for the CVR). */
  issuerAuthenticationFailedLastOnline: boolean;
  /** Values written by PUT DATA (tag hex → value hex) and records by UPDATE RECORD ("sfi/record" → hex). */
  dataObjects: Record<string, string>;
  records: Record<string, string>;
}

export interface CardState {
  /** CARD BLOCK (Book 3 §6.5.3): every SELECT answers 6A81. */
  cardBlocked: boolean;
  /** By AID (hex). */
  applications: Record<string, ApplicationState>;
}

export function initialState(profile: CardProfile): CardState {
  const applications: Record<string, ApplicationState> = {};
  for (const app of profile.applications) {
    applications[toHex(app.aid)] = {
      atc: app.counters.atc,
      lastOnlineAtc: app.counters.lastOnlineAtc,
      pin: app.pin?.value,
      pinTryCounter: app.pin?.tryCounter ?? 0,
      blocked: app.blocked,
      offlineAmountTotal: 0,
      issuerUpdate: undefined,
      issuerAuthenticationFailedLastOnline: false,
      dataObjects: {},
      records: {},
    };
  }
  return { cardBlocked: false, applications };
}

/** Read a state file written by saveState; a missing file gives the profile's initial state. */
export function loadState(profile: CardProfile, file: string): CardState {
  const initial = initialState(profile);
  if (!existsSync(file)) return initial;
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`card state file ${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof saved !== "object" || saved === null || (saved as { profile?: unknown }).profile !== profile.id) {
    throw new Error(`card state file ${file}: was written for another profile than '${profile.id}'`);
  }
  const s = saved as { cardBlocked?: unknown; applications?: Record<string, Partial<ApplicationState>> };
  const out: CardState = { cardBlocked: s.cardBlocked === true, applications: initial.applications };
  for (const [aid, app] of Object.entries(initial.applications)) {
    const from = s.applications?.[aid];
    if (!from) continue;
    out.applications[aid] = {
      atc: typeof from.atc === "number" ? from.atc : app.atc,
      lastOnlineAtc: typeof from.lastOnlineAtc === "number" ? from.lastOnlineAtc : app.lastOnlineAtc,
      pin: typeof from.pin === "string" ? from.pin : app.pin,
      pinTryCounter: typeof from.pinTryCounter === "number" ? from.pinTryCounter : app.pinTryCounter,
      blocked: typeof from.blocked === "boolean" ? from.blocked : app.blocked,
      offlineAmountTotal: typeof from.offlineAmountTotal === "number" ? from.offlineAmountTotal : 0,
      issuerUpdate: issuerUpdateOf(from.issuerUpdate),
      issuerAuthenticationFailedLastOnline: from.issuerAuthenticationFailedLastOnline === true,
      dataObjects: stringMap(from.dataObjects),
      records: stringMap(from.records),
    };
  }
  return out;
}

function issuerUpdateOf(v: unknown): ApplicationState["issuerUpdate"] {
  if (typeof v !== "object" || v === null) return undefined;
  const { atc, arqc } = v as { atc?: unknown; arqc?: unknown };
  return typeof atc === "number" && typeof arqc === "string" ? { atc, arqc } : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v !== "object" || v === null) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

export function saveState(profile: CardProfile, state: CardState, file: string): void {
  writeFileSync(file, `${JSON.stringify({ profile: profile.id, ...state }, null, 2)}\n`);
}
