// Test support (D2): a TransactionContext over a scripted card, with a terminal configuration, transaction
// parameters and data objects given per test. Data is put into ctx.data by source as the orchestrator does.

import type { IssuerHost } from "../../../emv/authorisation.js";
import { fromHex } from "../../../emv/bytes.js";
import type { RandomSource } from "../../../emv/random.js";
import { newTsi, newTvr } from "../../../emv/tvr.js";
import type { CardChannel } from "../../../transport/channel.js";
import { CardSession } from "../../card-session.js";
import type { AidConfig, TerminalConfig } from "../../config/types.js";
import { TransactionData } from "../../data/store.js";
import type { Interaction } from "../../interaction.js";
import type { KernelEvent, TransactionParams } from "../../transaction-params.js";
import type { OdaState, TransactionContext } from "../context.js";
import { ScriptedChannel, type ScriptStep } from "./scripted-channel.js";

export const TEST_AID: AidConfig = {
  aid: fromHex("A0000000031010"),
  partialSelection: false,
  applicationVersion: fromHex("008C"),
  tacDenial: fromHex("0000000000"),
  tacOnline: fromHex("0000000000"),
  tacDefault: fromHex("0000000000"),
  floorLimit: 10000,
  randomSelection: { threshold: 0, targetPercent: 0, maxTargetPercent: 0 },
  defaultDdol: fromHex("9F3704"),
  defaultTdol: fromHex(""),
};

export const TEST_CONFIG: TerminalConfig = {
  id: "test",
  description: "test terminal (attended online POS)",
  terminalType: 0x22,
  capabilities: fromHex("E0F8C8"),
  additionalCapabilities: fromHex("F000F0A001"),
  countryCode: 528,
  currencyCode: 978,
  currencyExponent: 2,
  terminalData: new Map(),
  aids: [TEST_AID],
  caKeys: [],
  revocationList: [],
  exceptionFile: [],
  onlineCapable: true,
  pinPadPresent: true,
  pinBypass: false,
  specVersion: "4.3",
  transactionLogEnabled: false,
};

/** Deterministic random source: fixed bytes pattern and a queue of percentages. */
export function fixedRandom(percents: number[] = [], byte = 0x11): RandomSource {
  const queue = [...percents];
  return {
    bytes: (n) => new Uint8Array(n).fill(byte),
    percent: () => queue.shift() ?? 99,
  };
}

export interface ScriptedInteraction extends Interaction {
  readonly displayed: string[];
  readonly pinRequests: { kind: string; attemptsLeft: number | undefined }[];
}

/** Answers PIN requests from a queue (undefined = bypass) and records displayed messages. */
export function scriptedInteraction(pins: (string | undefined)[] = []): ScriptedInteraction {
  const queue = [...pins];
  const displayed: string[] = [];
  const pinRequests: { kind: string; attemptsLeft: number | undefined }[] = [];
  return {
    displayed,
    pinRequests,
    chooseApplication: async () => 0,
    confirmApplication: async () => true,
    enterPin: async (kind, attemptsLeft) => {
      pinRequests.push({ kind, attemptsLeft });
      return queue.shift();
    },
    display: (message) => {
      displayed.push(message);
    },
  };
}

export interface TestContextOptions {
  readonly config?: Partial<TerminalConfig>;
  readonly aid?: Partial<AidConfig>;
  readonly params?: Partial<TransactionParams>;
  /** Tag hex → value hex, by source. */
  readonly terminal?: Record<string, string>;
  readonly transaction?: Record<string, string>;
  readonly card?: Record<string, string>;
  readonly script?: readonly ScriptStep[];
  readonly interaction?: Interaction;
  readonly host?: IssuerHost;
  readonly oda?: Partial<OdaState>;
  /** A real card channel (e.g. the emulator) instead of the scripted one. */
  readonly cardChannel?: CardChannel;
}

export interface TestContext {
  readonly ctx: TransactionContext;
  readonly channel: ScriptedChannel;
  readonly events: KernelEvent[];
}

export function testContext(options: TestContextOptions = {}): TestContext {
  const aid: AidConfig = { ...TEST_AID, ...options.aid };
  const config: TerminalConfig = { ...TEST_CONFIG, aids: [aid], ...options.config };
  const params: TransactionParams = {
    type: "purchase",
    amount: 1000,
    otherAmount: 0,
    date: "250511",
    time: "120000",
    sequenceCounter: 1,
    random: fixedRandom(),
    ...options.params,
  };
  const data = new TransactionData();
  const tvr = newTvr();
  const tsi = newTsi();
  data.compute(0x95, () => tvr.bytes);
  data.compute(0x9b, () => tsi.bytes);
  for (const [source, values] of [
    ["terminal", options.terminal],
    ["transaction", options.transaction],
    ["card", options.card],
  ] as const) {
    for (const [tag, value] of Object.entries(values ?? {})) data.set(source, Number.parseInt(tag, 16), fromHex(value));
  }
  const channel = new ScriptedChannel(options.script ?? []);
  const events: KernelEvent[] = [];
  const ctx: TransactionContext = {
    config,
    params,
    data,
    tvr,
    tsi,
    card: new CardSession(options.cardChannel ?? channel),
    interaction: options.interaction ?? scriptedInteraction(),
    host: options.host,
    aid,
    pdolData: undefined,
    oda: { method: "none", result: "not-performed", ...options.oda },
    log: (step, message) => {
      events.push({ step, message: typeof message === "string" ? message : message() });
    },
  };
  return { ctx, channel, events };
}

/** Vector data objects [{tag, value}] as a tag → value record for testContext. */
export function byTag(list: readonly { readonly tag: string; readonly value: string }[]): Record<string, string> {
  return Object.fromEntries(list.map((t) => [t.tag, t.value]));
}
