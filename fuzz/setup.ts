// What a fuzzed session runs on: a built-in card profile under a shipped terminal (contact) or reader (contactless)
// configuration, with the card's
// test CA keys given to the terminal, the default issuer host and seeded random sources (repeatable sessions).

import { caPublicKeysForProfile } from "../emulator/ca-keys.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { PaypassCard, paypassCaPublicKey } from "../emulator/contactless/paypass.js";
import {
  builtInPaypassProfileIds,
  loadPaypassProfile,
  type PaypassProfile,
} from "../emulator/contactless/paypass-profile.js";
import { defaultIssuerHost } from "../emulator/host/index.js";
import { type CardProfile, listProfiles, loadProfile } from "../emulator/profile.js";
import type { IssuerHost } from "../emv/authorisation.js";
import { seededBytes, seededRandom } from "../emv/random.js";
import { systemClock } from "../kernel/c2/clock.js";
import { createKernel2 } from "../kernel/c2/kernel.js";
import { kernel3 } from "../kernel/c3/kernel.js";
import { builtInTerminalConfigIds, loadTerminalConfig, withCaKeys } from "../kernel/config/load.js";
import { builtInReaderConfigIds, loadReaderConfig } from "../kernel/config/reader-load.js";
import type { ReaderConfig } from "../kernel/config/reader-types.js";
import type { TerminalConfig } from "../kernel/config/types.js";
import { runTransaction, type TransactionRecord } from "../kernel/contact/transaction.js";
import { runTap, type TapRecord } from "../kernel/entry-point/entry-point.js";
import { fieldWithCard } from "../kernel/entry-point/field.js";
import { nonInteractive } from "../kernel/interaction.js";
import type { TransactionParams } from "../kernel/transaction-params.js";
import type { CardChannel } from "../transport/channel.js";

export interface Pairing {
  /**
   * contact: the contact kernel under a terminal configuration; contactless: Entry Point with Kernels 2 and 3 under
   * a reader configuration (the emulator's cards, or a Mastercard-style card of emulator/profiles/paypass/).
   */
  readonly kind: "contact" | "contactless";
  readonly profileId: string;
  /** The emulator card profile; undefined for a Mastercard-style card (then `paypass`). */
  readonly profile?: CardProfile;
  readonly paypass?: PaypassProfile;
  /** The terminal (contact) or reader (contactless) configuration id. */
  readonly terminalId: string;
  readonly config: TerminalConfig;
  /** The reader configuration, with the card's CA keys (contactless). */
  readonly reader?: ReaderConfig;
}

let cached: Pairing[] | undefined;

/**
 * Every built-in card profile under every shipped configuration of each interface it has (loaded once): contact
 * cards under every terminal configuration, contactless cards under every reader configuration.
 */
export function pairings(): Pairing[] {
  if (cached) return cached;
  const out: Pairing[] = [];
  const terminals = builtInTerminalConfigIds().map((id) => {
    const c = loadTerminalConfig(id);
    if (!c.ok) throw new Error(`terminal configuration ${id}: ${c.error}`);
    return { id, config: c.config };
  });
  const readers = builtInReaderConfigIds().map((id) => {
    const c = loadReaderConfig(id);
    if (!c.ok) throw new Error(`reader configuration ${id}: ${c.error}`);
    return { id, config: c.config };
  });
  for (const profileId of listProfiles()) {
    const p = loadProfile(profileId);
    if (!p.ok) throw new Error(`profile ${profileId}: ${p.error.message}`);
    const keys = caPublicKeysForProfile(p.value);
    const profile = p.value;
    if (profile.interfaces.includes("contact"))
      for (const t of terminals)
        out.push({ kind: "contact", profileId, profile, terminalId: t.id, config: withCaKeys(t.config, keys) });
    if (profile.interfaces.includes("contactless"))
      for (const r of readers) {
        const terminal = withCaKeys(r.config.terminal, keys);
        out.push({
          kind: "contactless",
          profileId,
          profile,
          terminalId: r.id,
          config: terminal,
          reader: { ...r.config, terminal },
        });
      }
  }
  for (const id of builtInPaypassProfileIds()) {
    const p = loadPaypassProfile(id);
    if (!p.ok) throw new Error(`profile ${id}: ${p.error}`);
    const ca = paypassCaPublicKey(p.profile);
    for (const r of readers) {
      const terminal = ca ? withCaKeys(r.config.terminal, [ca]) : r.config.terminal;
      out.push({
        kind: "contactless",
        profileId: id,
        paypass: p.profile,
        terminalId: r.id,
        config: terminal,
        reader: { ...r.config, terminal },
      });
    }
  }
  cached = out;
  return out;
}

let host: IssuerHost | undefined;
/** The default in-process issuer host (knows every built-in card's keys), built once. */
export function sharedHost(): IssuerHost {
  host ??= defaultIssuerHost();
  return host;
}

export interface SessionSpec {
  readonly pairing: Pairing;
  readonly seed: string;
  readonly amount: number;
  readonly pin?: string;
  /** Wraps the emulated card's channel (mutations, tracing). */
  readonly wrapChannel?: (channel: CardChannel) => CardChannel;
  readonly host?: IssuerHost;
  readonly hostTimeoutMs?: number;
}

function cardProfile(p: Pairing): CardProfile {
  if (!p.profile) throw new Error(`${p.profileId}: not an emulator card profile`);
  return p.profile;
}

function paramsFor(spec: SessionSpec): TransactionParams {
  return {
    type: "purchase",
    amount: spec.amount,
    otherAmount: 0,
    date: "251115",
    time: "120000",
    sequenceCounter: 1,
    random: seededRandom(spec.seed),
  };
}

/** One contactless transaction (Entry Point, Book B, with Kernel 3, Book C-3) against a fresh emulated card. */
export async function runTapSession(spec: SessionSpec): Promise<TapRecord> {
  const reader = spec.pairing.reader;
  if (!reader) throw new Error(`${spec.pairing.profileId}: no reader configuration for a contactless session`);
  const random = seededBytes(spec.seed, "card");
  // A Mastercard-style card times its relay resistance on a simulated clock Kernel 2 reads (as emvsim run does).
  let simulatedMicros = 0;
  const kernel2 = createKernel2({
    clock: { wallMs: systemClock.wallMs, monotonicMicros: () => systemClock.monotonicMicros() + simulatedMicros },
  });
  const inner: CardChannel = spec.pairing.paypass
    ? new PaypassCard(spec.pairing.paypass, { time: { advanceMicros: (n) => (simulatedMicros += n) }, random })
    : openEmulatorChannel(cardProfile(spec.pairing), { random, interface: "contactless" });
  const channel = spec.wrapChannel ? spec.wrapChannel(inner) : inner;
  try {
    return await runTap({
      reader,
      params: paramsFor(spec),
      field: fieldWithCard(channel),
      kernels: new Map([
        [2, kernel2],
        [3, kernel3],
      ]),
      host: spec.host ?? sharedHost(),
      interaction: nonInteractive(spec.pin === undefined ? {} : { pin: spec.pin }),
      ...(spec.hostTimeoutMs !== undefined ? { hostTimeoutMs: spec.hostTimeoutMs } : {}),
    });
  } finally {
    await channel.close();
  }
}

/** One contact transaction against a fresh emulated card. */
export async function runSession(spec: SessionSpec): Promise<TransactionRecord> {
  const inner = openEmulatorChannel(cardProfile(spec.pairing), { random: seededBytes(spec.seed, "card") });
  const channel = spec.wrapChannel ? spec.wrapChannel(inner) : inner;
  const params = paramsFor(spec);
  try {
    return await runTransaction({
      config: spec.pairing.config,
      params,
      channel,
      host: spec.host ?? sharedHost(),
      interaction: nonInteractive(spec.pin === undefined ? {} : { pin: spec.pin }),
      ...(spec.hostTimeoutMs !== undefined ? { hostTimeoutMs: spec.hostTimeoutMs } : {}),
    });
  } finally {
    await channel.close();
  }
}
