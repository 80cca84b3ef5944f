// What every command handler of the emulated card sees: the profile, the personalised applications (records
// with certificates resolved, keys), the non-volatile state and the current session (Book 3 §6).

import type { RsaPrivateKey } from "../emv/crypto/rsa.js";
import type { DolEntry } from "../emv/tlv/dol.js";
import type { CommandApdu } from "../transport/apdu.js";
import type { CaKeyMaterial } from "./keystore.js";
import type { ApplicationProfile, CardInterface, CardProfile } from "./profile-data.js";
import type { ApplicationState, CardState } from "./state.js";

/** The keys a personalised application signs with (Book 2 §5, §6): CA, issuer and ICC private keys. */
export interface OdaKeys {
  readonly ca: CaKeyMaterial;
  readonly issuer: RsaPrivateKey;
  readonly icc: RsaPrivateKey | undefined;
}

/** One application ready to answer commands. */
export interface PersonalisedApplication {
  readonly profile: ApplicationProfile;
  /** The AID in hex, the key of the application's state (CardState.applications). */
  readonly aidHex: string;
  /** READ RECORD response data by `sfi * 256 + record`. */
  readonly records: ReadonlyMap<number, Uint8Array>;
  readonly cdol1: readonly DolEntry[] | undefined;
  readonly cdol2: readonly DolEntry[] | undefined;
  readonly pdol: readonly DolEntry[];
  /** PAN digits (5A without F padding) and PAN Sequence Number (5F34) from the records, for key derivation. */
  readonly pan: string | undefined;
  readonly panSequenceNumber: string | undefined;
  /** Issuer and ICC RSA keys when the application does ODA or enciphered PIN. */
  readonly keys: OdaKeys | undefined;
  /** The application on the contactless interface (parsed PDOL), undefined when contact only. */
  readonly contactless: { readonly pdol: readonly DolEntry[] } | undefined;
  /**
   * Records holding Card Authentication Related Data (9F69), by `sfi * 256 + record`: the record with this
   * transaction's value in (Book C-3: the card UN changes at every GPO).
   */
  readonly cardAuthenticationRecords: ReadonlyMap<number, (cardAuthenticationData: Uint8Array) => Uint8Array>;
}

export type AcType = "AAC" | "TC" | "ARQC";

/** Volatile state of the current card session (reset by every successful SELECT). */
export interface Session {
  /** What the last successful SELECT chose. */
  selected:
    | { readonly kind: "pse" }
    /** A DDF below the PSE (Book 1 §12.2.3), by its index in the profile's `pse.ddfs`. */
    | { readonly kind: "ddf"; readonly index: number }
    | { readonly kind: "ppse" }
    | { readonly kind: "app"; readonly index: number }
    | undefined;
  /** DF name of the last SELECT and the index of the application it found, for next-occurrence selection. */
  lastSelect: { readonly name: Uint8Array; readonly index: number } | undefined;
  gpoDone: boolean;
  pdolData: Uint8Array;
  /** GENERATE AC progress: how many were answered and the first answer. */
  generateAcCount: number;
  firstAc: { readonly type: AcType; readonly cryptogram: Uint8Array; readonly cdol1Data: Uint8Array } | undefined;
  externalAuthenticate: "none" | "passed" | "failed";
  /** ICC unpredictable number from GET CHALLENGE, consumed by the next VERIFY. */
  challenge: Uint8Array | undefined;
  offlinePin: "none" | "passed" | "failed";
  scriptCommands: number;
  scriptFailed: boolean;
  /** Contactless GPO done in qVSDC mode (no GENERATE AC follows) and the 9F69 it returned. */
  qvsdc: { readonly cardAuthenticationData: Uint8Array | undefined } | undefined;
  /** This presentation brings the issuer's answer to the last contactless ARQC (issuer update, no GPO). */
  issuerUpdate: boolean;
}

export function newSession(): Session {
  return {
    selected: undefined,
    lastSelect: undefined,
    gpoDone: false,
    pdolData: new Uint8Array(0),
    generateAcCount: 0,
    firstAc: undefined,
    externalAuthenticate: "none",
    challenge: undefined,
    offlinePin: "none",
    scriptCommands: 0,
    scriptFailed: false,
    qvsdc: undefined,
    issuerUpdate: false,
  };
}

export interface CardContext {
  readonly profile: CardProfile;
  /** The interface the card was opened on (Book A §5): contact answers PSE, contactless the PPSE. */
  readonly interface: CardInterface;
  readonly applications: readonly PersonalisedApplication[];
  readonly state: CardState;
  session: Session;
  /** Random bytes (injectable for repeatable runs). */
  random(n: number): Uint8Array;
}

/** The selected application with its state, or undefined when none is selected. */
export function selectedApplication(
  ctx: CardContext,
): { readonly app: PersonalisedApplication; readonly state: ApplicationState } | undefined {
  const sel = ctx.session.selected;
  if (sel?.kind !== "app") return undefined;
  const app = ctx.applications[sel.index]!;
  return { app, state: applicationState(ctx, app) };
}

export function applicationState(ctx: CardContext, app: PersonalisedApplication): ApplicationState {
  return ctx.state.applications[app.aidHex]!;
}

export type CommandHandler = (ctx: CardContext, command: CommandApdu) => Uint8Array;
