// What a fuzzed session runs on: a built-in card profile under a shipped terminal configuration, with the card's
// test CA keys given to the terminal, the default issuer host and seeded random sources (repeatable sessions).

import { caPublicKeysForProfile } from "../emulator/ca-keys.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { defaultIssuerHost } from "../emulator/host/index.js";
import { type CardProfile, listProfiles, loadProfile } from "../emulator/profile.js";
import type { IssuerHost } from "../emv/authorisation.js";
import { seededBytes, seededRandom } from "../emv/random.js";
import { builtInTerminalConfigIds, loadTerminalConfig, withCaKeys } from "../kernel/config/load.js";
import type { TerminalConfig } from "../kernel/config/types.js";
import { runTransaction, type TransactionRecord } from "../kernel/contact/transaction.js";
import { nonInteractive } from "../kernel/interaction.js";
import type { TransactionParams } from "../kernel/transaction-params.js";
import type { CardChannel } from "../transport/channel.js";

export interface Pairing {
  readonly profileId: string;
  readonly profile: CardProfile;
  readonly terminalId: string;
  readonly config: TerminalConfig;
}

let cached: Pairing[] | undefined;

/** Every built-in card profile under every shipped terminal configuration (loaded once). */
export function pairings(): Pairing[] {
  if (cached) return cached;
  const out: Pairing[] = [];
  const terminals = builtInTerminalConfigIds().map((id) => {
    const c = loadTerminalConfig(id);
    if (!c.ok) throw new Error(`terminal configuration ${id}: ${c.error}`);
    return { id, config: c.config };
  });
  for (const profileId of listProfiles()) {
    const p = loadProfile(profileId);
    if (!p.ok) throw new Error(`profile ${profileId}: ${p.error.message}`);
    const keys = caPublicKeysForProfile(p.value);
    for (const t of terminals)
      out.push({ profileId, profile: p.value, terminalId: t.id, config: withCaKeys(t.config, keys) });
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

/** One transaction against a fresh emulated card. */
export async function runSession(spec: SessionSpec): Promise<TransactionRecord> {
  const inner = openEmulatorChannel(spec.pairing.profile, { random: seededBytes(spec.seed, "card") });
  const channel = spec.wrapChannel ? spec.wrapChannel(inner) : inner;
  const params: TransactionParams = {
    type: "purchase",
    amount: spec.amount,
    otherAmount: 0,
    date: "251115",
    time: "120000",
    sequenceCounter: 1,
    random: seededRandom(spec.seed),
  };
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
