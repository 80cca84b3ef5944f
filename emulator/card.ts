// The emulated EMV contact card (EMV Book 1 §11, Book 3 §6): one synchronous transmit() per command APDU,
// never throwing — malformed commands get the status word a real card gives.

import { copyBytes, toHex } from "../emv/bytes.js";
import { systemRandomBytes } from "../emv/random.js";
import { type CommandApdu, decodeCommandApdu } from "../transport/apdu.js";
import { externalAuthenticate } from "./commands/external-authenticate.js";
import { generateAc } from "./commands/generate-ac.js";
import { getData } from "./commands/get-data.js";
import { getProcessingOptions } from "./commands/get-processing-options.js";
import { internalAuthenticate } from "./commands/internal-authenticate.js";
import { ISSUER_SCRIPT_INS, issuerScriptCommand } from "./commands/issuer-script.js";
import { readRecord } from "./commands/read-record.js";
import { select } from "./commands/select.js";
import { getChallenge, verify } from "./commands/verify.js";
import { contactlessAtr } from "./contactless/atr.js";
import { type CardContext, type CommandHandler, newSession, type PersonalisedApplication } from "./context.js";
import { personalise } from "./personalise.js";
import { type CardInterface, type CardProfile, type CommandName, ProfileError } from "./profile-data.js";
import { type CardState, initialState, loadState, saveState } from "./state.js";
import { respond, SW } from "./status.js";

export interface EmulatedCardOptions {
  /** Keep non-volatile state in this JSON file across sessions (only when the profile sets persistState). */
  readonly stateFile?: string;
  /** Random source for GET CHALLENGE and ICC dynamic numbers (default node:crypto). */
  readonly random?: (n: number) => Uint8Array;
  /**
   * The interface the card is presented on (Book A §5): "contact" (PSE, the profile's ATR) or "contactless" (PPSE,
   * the ATR a PC/SC reader builds for an ISO 14443-4 card). Default: contact when the card has it, else contactless.
   */
  readonly interface?: CardInterface;
}

interface Route {
  readonly name: CommandName;
  /** Class bytes the command is defined with (Book 3 §6.5). */
  readonly cla: readonly number[];
  readonly handler: CommandHandler;
}

/** INS → command (Book 3 §6.5, Table 13). */
const ROUTES: ReadonlyMap<number, Route> = new Map<number, Route>([
  [0xa4, { name: "SELECT", cla: [0x00], handler: select }],
  [0xb2, { name: "READ RECORD", cla: [0x00], handler: readRecord }],
  [0xa8, { name: "GET PROCESSING OPTIONS", cla: [0x80], handler: getProcessingOptions }],
  [0xca, { name: "GET DATA", cla: [0x80], handler: getData }],
  [0x88, { name: "INTERNAL AUTHENTICATE", cla: [0x00], handler: internalAuthenticate }],
  [0x84, { name: "GET CHALLENGE", cla: [0x00], handler: getChallenge }],
  [0x20, { name: "VERIFY", cla: [0x00], handler: verify }],
  [0xae, { name: "GENERATE AC", cla: [0x80], handler: generateAc }],
  [0x82, { name: "EXTERNAL AUTHENTICATE", cla: [0x00], handler: externalAuthenticate }],
  ...ISSUER_SCRIPT_INS.map((ins): [number, Route] => [
    ins,
    { name: "ISSUER SCRIPT", cla: [0x84], handler: issuerScriptCommand },
  ]),
]);

/** Class bytes this card understands at all (ISO 7816-4 §5.4.1): interindustry 00, proprietary 80, SM 84. */
const KNOWN_CLA = new Set([0x00, 0x80, 0x84]);

export class EmulatedCard {
  readonly atr: Uint8Array;
  readonly profile: CardProfile;
  /** The interface this card was opened on. */
  readonly interface: CardInterface;
  private readonly applications: readonly PersonalisedApplication[];
  private readonly state: CardState;
  private readonly ctx: CardContext;
  private readonly counts = new Map<CommandName, number>();
  private powered = false;

  /** Throws ProfileError-style Error when the profile cannot be personalised (e.g. missing keys). */
  constructor(
    profile: CardProfile,
    private readonly options: EmulatedCardOptions = {},
  ) {
    this.profile = profile;
    const iface = options.interface ?? profile.interfaces[0]!;
    if (!profile.interfaces.includes(iface))
      throw new ProfileError(profile.source, [
        `interfaces: the card has no ${iface} interface (it has ${profile.interfaces.join(" and ")})`,
      ]);
    this.interface = iface;
    this.atr = iface === "contactless" ? contactlessAtr(profile.historicalBytes) : profile.atr;
    this.applications = personalise(profile);
    this.state =
      options.stateFile && profile.persistState ? loadState(profile, options.stateFile) : initialState(profile);
    const random = options.random ?? systemRandomBytes;
    this.ctx = {
      profile,
      interface: iface,
      applications: this.applications,
      state: this.state,
      session: newSession(),
      random,
    };
  }

  /** Cold reset: a new session; non-volatile state stays. Returns the ATR. */
  powerOn(): Uint8Array {
    this.powered = true;
    this.ctx.session = newSession();
    this.counts.clear();
    return this.atr;
  }

  /** Deactivation: the session ends; persistent state is saved when configured. */
  powerOff(): void {
    this.powered = false;
    this.ctx.session = newSession();
    this.persist();
  }

  /** The current non-volatile state (for tests and reports). */
  snapshot(): CardState {
    return structuredClone(this.state);
  }

  /** One command APDU in, the response APDU (data ‖ SW1 SW2) out. Never throws. */
  transmit(apdu: Uint8Array): Uint8Array {
    if (!this.powered) this.powerOn();
    let command: CommandApdu;
    try {
      // Decoded from a pooled copy: the command's data is a view of it, and a view of an array still on V8's heap
      // would first move that array off-heap (emv/bytes allocBytes).
      command = decodeCommandApdu(copyBytes(apdu));
    } catch {
      return respond(SW.WRONG_LENGTH);
    }
    if (command.extended) return respond(SW.WRONG_LENGTH);
    if (!KNOWN_CLA.has(command.cla)) return respond(SW.CLA_NOT_SUPPORTED);
    const route = ROUTES.get(command.ins);
    if (!route) return respond(SW.INS_NOT_SUPPORTED);
    if (!route.cla.includes(command.cla)) return respond(SW.CLA_NOT_SUPPORTED);
    const occurrence = (this.counts.get(route.name) ?? 0) + 1;
    this.counts.set(route.name, occurrence);
    const faults = this.profile.faults;
    const forced =
      faults.length > 0
        ? faults.find((f) => f.kind === "sw" && f.command === route.name && (f.occurrence ?? occurrence) === occurrence)
        : undefined;
    if (forced?.kind === "sw") return respond(Number.parseInt(forced.sw, 16));
    let response: Uint8Array;
    try {
      response = route.handler(this.ctx, command);
    } catch (e) {
      // A handler bug must not take the reader down: answer like a card with an internal error.
      if (process.env["EMVSIM_DEBUG"]) process.stderr.write(`emulator: ${route.name}: ${(e as Error).message}\n`);
      response = respond(0x6f00);
    }
    const cut =
      faults.length > 0
        ? faults.find(
            (f) => f.kind === "truncate" && f.command === route.name && (f.occurrence ?? occurrence) === occurrence,
          )
        : undefined;
    if (cut?.kind === "truncate" && response.length - 2 > cut.keep) {
      response = respond(0x9000, response.subarray(0, cut.keep));
    }
    if (this.options.stateFile && this.profile.persistState) this.persist();
    return response;
  }

  private persist(): void {
    if (this.options.stateFile && this.profile.persistState)
      saveState(this.profile, this.state, this.options.stateFile);
  }

  /** Short description for channel listings, e.g. "emulator:visa-cvn18-cda" ("…(contactless)" on that interface). */
  get description(): string {
    return `emulator:${this.profile.id}${this.interface === "contactless" ? " (contactless)" : ""}`;
  }

  /** Hex ATR for logs. */
  get atrHex(): string {
    return toHex(this.atr);
  }
}
