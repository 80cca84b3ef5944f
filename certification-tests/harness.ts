// Runs one certification case (EMV Book 3 §10, whole transaction) on the software card and compares the result
// with the catalog's expectation, field by field, TVR/TSI differences in words (Book 3 Annex C5/C6).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openEmulatorChannel } from "../emulator/channel.js";
import { defaultHostConfig, type HostConfig, SimulatedIssuerHost } from "../emulator/host/index.js";
import { builtInProfileDir, type CardProfile, parseProfile } from "../emulator/profile.js";
import type { IssuerHost } from "../emv/authorisation.js";
import { type BitDef, describeBits } from "../emv/bits.js";
import { fromHex, toHex } from "../emv/bytes.js";
import type { RandomSource } from "../emv/random.js";
import { MASKED, maskPansInText } from "../emv/sensitive.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { loadTerminalConfig } from "../kernel/config/load.js";
import type { TerminalConfig } from "../kernel/config/types.js";
import type { Outcome } from "../kernel/contact/decision.js";
import type { LanguageChoice } from "../kernel/contact/language.js";
import { responseCodeText } from "../kernel/contact/online.js";
import { runTransaction, type TransactionRecord } from "../kernel/contact/transaction.js";
import { type Interaction, nonInteractive } from "../kernel/interaction.js";
import { odaResultText, resultToJson } from "../kernel/result.js";
import type { TransactionParams } from "../kernel/transaction-params.js";
import { describeApduPair } from "../transport/apdu-text.js";
import type {
  ApplicationOverride,
  CardOverrides,
  CaseParams,
  CertCase,
  Expected,
  TerminalOverrides,
} from "./catalog/types.js";

export type Built<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

type Json = Record<string, unknown>;
type TlvPair = [string, string];

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Set-up shared by the cases of one run (issue 14: a case should cost about its transaction): the built-in data
 * is read once per process. Profiles and configurations are immutable values, so a cached one is safe to share.
 */
const profileCache = new Map<string, Built<CardProfile>>();
const terminalCache = new Map<string, ReturnType<typeof loadTerminalConfig>>();
let hostBase: HostConfig | undefined;

/** The built-in profile's JSON with the overrides applied, validated again through parseProfile (cached). */
export function profileWithOverrides(id: string, over: CardOverrides | undefined): Built<CardProfile> {
  const key = `${id}\u0000${JSON.stringify(over ?? null)}`;
  const cached = profileCache.get(key);
  if (cached) return cached;
  const built = buildProfile(id, over);
  // Property suites draw thousands of distinct overrides: keep the cache bounded.
  if (profileCache.size >= 1000) profileCache.clear();
  profileCache.set(key, built);
  return built;
}

function buildProfile(id: string, over: CardOverrides | undefined): Built<CardProfile> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(builtInProfileDir(), `${id}.json`), "utf8"));
  } catch (e) {
    return { ok: false, error: `profile ${id}: ${(e as Error).message}` };
  }
  if (over && isObject(json)) {
    const apps = json.applications;
    const app = Array.isArray(apps) ? apps[over.app ?? 0] : undefined;
    if (!isObject(app)) return { ok: false, error: `profile ${id}: no application ${over.app ?? 0}` };
    if (over.aip !== undefined) app.aip = over.aip;
    if (over.aid !== undefined) app.aid = over.aid;
    if (over.counters) app.counters = { ...(isObject(app.counters) ? app.counters : {}), ...over.counters };
    if (over.risk) app.risk = { ...(isObject(app.risk) ? app.risk : {}), ...over.risk };
    if (over.pin) app.pin = { ...over.pin };
    if (over.gpoFormat !== undefined) app.gpoFormat = over.gpoFormat;
    if (over.pdol !== undefined) app.pdol = over.pdol;
    if (over.afl !== undefined) app.afl = over.afl;
    if (over.cdaOnAac !== undefined) app.cdaOnAac = over.cdaOnAac;
    if (over.faults) json.faults = [...(Array.isArray(json.faults) ? json.faults : []), ...over.faults];
    if (over.pse !== undefined) json.pse = over.pse;
    if (over.records) app.records = withRecords(Array.isArray(app.records) ? app.records : [], over.records);
    const records = (Array.isArray(app.records) ? app.records : []).filter(isObject);
    if (over.uncheckedRecords) for (const r of records) r.unchecked = true;
    const lists = records.map((r) => (Array.isArray(r.tlvs) ? (r.tlvs as TlvPair[]) : undefined));
    for (const tag of over.removeTags ?? []) {
      records.forEach((r, i) => {
        const l = lists[i];
        if (l) r.tlvs = lists[i] = l.filter(([t]) => t.toUpperCase() !== tag.toUpperCase());
      });
    }
    for (const [tag, value] of Object.entries(over.tags ?? {})) {
      let found = false;
      for (const l of lists) {
        for (const pair of l ?? []) {
          if (pair[0].toUpperCase() === tag.toUpperCase()) {
            pair[1] = value;
            found = true;
          }
        }
      }
      if (!found) {
        const home = lists.find((l) => l?.some(([t]) => t.toUpperCase() === "5A"));
        if (!home) return { ok: false, error: `profile ${id}: no record holds 5A to add ${tag} to` };
        home.push([tag, value]);
      }
    }
  }
  if (over?.applications && isObject(json) && Array.isArray(json.applications)) {
    const error = applyApplicationOverrides(json.applications, over.applications);
    if (error) return { ok: false, error: `profile ${id}: ${error}` };
  }
  const parsed = parseProfile(json, `${id} (with certification overrides)`);
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, error: parsed.error.message };
}

/** Book 1 §12 data of applications (CardOverrides.applications), changed in place or on appended copies. */
function applyApplicationOverrides(apps: unknown[], overrides: readonly ApplicationOverride[]): string | undefined {
  for (const o of overrides) {
    const source = apps[o.app];
    if (!isObject(source)) return `no application ${o.app}`;
    const app = o.copy ? structuredClone(source) : source;
    if (o.copy) apps.push(app);
    if (o.aid !== undefined) {
      // It keeps its keystore keys under the new AID (emulator/profile-schema.ts keysOf).
      app.keysOf ??= source.aid;
      app.aid = o.aid;
    }
    if (o.label !== undefined) app.label = o.label;
    if (o.priority !== undefined) app.priority = o.priority;
    if (o.confirmationRequired !== undefined) app.confirmationRequired = o.confirmationRequired;
    if (o.inDirectory !== undefined) app.inDirectory = o.inDirectory;
    if (o.language === null) delete app.language;
    else if (o.language !== undefined) app.language = o.language;
  }
  return undefined;
}

/** Records replaced where SFI and record number match, else appended (CardOverrides.records). */
function withRecords(records: unknown[], extra: readonly Readonly<Json>[]): unknown[] {
  const out = [...records];
  for (const r of extra) {
    const i = out.findIndex((o) => isObject(o) && o.sfi === r.sfi && o.record === r.record);
    if (i >= 0) out[i] = { ...r };
    else out.push({ ...r });
  }
  return out;
}

/** The built-in terminal configuration with the overrides applied. */
export function configWithOverrides(id: string, over: TerminalOverrides | undefined): Built<TerminalConfig> {
  const loaded = terminalCache.get(id) ?? loadTerminalConfig(id);
  terminalCache.set(id, loaded);
  if (!loaded.ok) return { ok: false, error: loaded.error };
  const c = loaded.config;
  if (!over) return { ok: true, value: c };
  const a = over.aid;
  const kept = over.onlyAids ? c.aids.filter((x) => over.onlyAids?.includes(toHex(x.aid))) : c.aids;
  const aids = kept.map((x) => ({
    ...x,
    ...(a?.floorLimit !== undefined ? { floorLimit: a.floorLimit } : {}),
    ...(a?.tacDenial ? { tacDenial: fromHex(a.tacDenial) } : {}),
    ...(a?.tacOnline ? { tacOnline: fromHex(a.tacOnline) } : {}),
    ...(a?.tacDefault ? { tacDefault: fromHex(a.tacDefault) } : {}),
    ...(a?.applicationVersion ? { applicationVersion: fromHex(a.applicationVersion) } : {}),
    ...(a?.partialSelection !== undefined ? { partialSelection: a.partialSelection } : {}),
    ...(a?.randomSelection ? { randomSelection: a.randomSelection } : {}),
    ...(a?.defaultDdol !== undefined ? { defaultDdol: fromHex(a.defaultDdol) } : {}),
    ...(a?.defaultTdol !== undefined ? { defaultTdol: fromHex(a.defaultTdol) } : {}),
  }));
  const expiryOf = (k: TerminalConfig["caKeys"][number]) =>
    over.caKeyExpiry?.find((e) => e.rid === toHex(k.rid) && e.index === k.index)?.expiry;
  return {
    ok: true,
    value: {
      ...c,
      aids,
      ...(over.capabilities ? { capabilities: fromHex(over.capabilities) } : {}),
      ...(over.terminalType ? { terminalType: Number.parseInt(over.terminalType, 16) } : {}),
      ...(over.additionalCapabilities ? { additionalCapabilities: fromHex(over.additionalCapabilities) } : {}),
      ...(over.pinPadPresent !== undefined ? { pinPadPresent: over.pinPadPresent } : {}),
      ...(over.countryCode !== undefined ? { countryCode: over.countryCode } : {}),
      ...(over.transactionLog ? { transactionLogEnabled: true, transactionLog: over.transactionLog } : {}),
      ...(over.exceptionFile ? { exceptionFile: over.exceptionFile.map((pan) => ({ pan })) } : {}),
      ...(over.cardholderSelection !== undefined ? { cardholderSelection: over.cardholderSelection } : {}),
      ...(over.languages ? { languages: over.languages } : {}),
      ...(over.caKeyExpiry ? { caKeys: c.caKeys.map((k) => (expiryOf(k) ? { ...k, expiry: expiryOf(k) } : k)) } : {}),
      ...(over.revocationList
        ? {
            revocationList: over.revocationList.map((r) => ({
              rid: fromHex(r.rid),
              index: r.index,
              serialNumber: fromHex(r.serialNumber),
            })),
          }
        : {}),
    },
  };
}

function random(percents: readonly number[]): RandomSource {
  const queue = [...percents];
  return { bytes: (n) => new Uint8Array(n).fill(0x11), percent: () => queue.shift() ?? 99 };
}

/**
 * Scripted cardholder: PINs from the case (undefined = bypass); application choices and confirmations from the case,
 * else the highest-priority application and every confirmation given; the language picked when asked.
 */
function interactionFor(p: CaseParams): Interaction {
  const queue = [...(p.pins ?? [])];
  const choices = [...(p.choices ?? [])];
  const confirmations = [...(p.confirmations ?? [])];
  const base = nonInteractive();
  return {
    ...base,
    enterPin: async () => queue.shift(),
    chooseApplication: async (candidates) =>
      choices.length > 0 ? choices.shift() : base.chooseApplication(candidates),
    confirmApplication: async (candidate) => confirmations.shift() ?? base.confirmApplication(candidate),
    chooseLanguage: async (languages, fallback) => p.language ?? base.chooseLanguage?.(languages, fallback),
  };
}

export interface CaseRun {
  readonly record?: TransactionRecord;
  readonly config?: TerminalConfig;
  /** Why the case could not run (profile or configuration invalid). */
  readonly setupError?: string;
}

export async function runCase(c: CertCase): Promise<CaseRun> {
  const profile = profileWithOverrides(c.profile, c.card);
  if (!profile.ok) return { setupError: profile.error };
  const config = configWithOverrides(c.config, c.terminal);
  if (!config.ok) return { setupError: config.error };
  const p = c.params ?? {};
  const params: TransactionParams = {
    type: p.type ?? "purchase",
    amount: p.amount ?? 1234,
    otherAmount: p.otherAmount ?? 0,
    date: p.date ?? "251129",
    time: "120000",
    sequenceCounter: 1,
    random: random(p.randomPercents ?? []),
    ...(p.forceOnline ? { forceOnline: true } : {}),
  };
  try {
    const record = await runTransaction({
      config: config.value,
      params,
      channel: openEmulatorChannel(profile.value),
      ...(p.host === false
        ? {}
        : p.host === "unreachable"
          ? { host: UNREACHABLE_HOST }
          : { host: new SimulatedIssuerHost(hostConfigFor(c.profile, p)) }),
      interaction: interactionFor(p),
    });
    return { record, config: config.value };
  } catch (e) {
    return { setupError: `runTransaction threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** A configured host that never answers: the connection is refused (Book 3 §10.7 "unable to go online"). */
const UNREACHABLE_HOST: IssuerHost = {
  authorize: () => Promise.reject(new Error("connection refused (certification case: host unreachable)")),
};

/** The default host, with the case's scripts and rules and the issuer's PIN for the case's profile. */
function hostConfigFor(profile: string, p: CaseParams): HostConfig {
  hostBase ??= defaultHostConfig();
  const base = hostBase;
  const issuerPin = p.issuerPin;
  return {
    ...base,
    ...(issuerPin
      ? { issuers: base.issuers.map((k) => (k.name.startsWith(`${profile} `) ? { ...k, pin: issuerPin } : k)) }
      : {}),
    ...(p.scripts ? { scripts: [...p.scripts] } : {}),
    ...(p.hostRules ? { rules: [...p.hostRules, ...(base.rules ?? [])] } : {}),
  };
}

/** What a case observed, in the catalog's terms (hex upper case; PANs masked in the reason). */
export interface Observed {
  readonly outcome: string;
  readonly reason: string;
  readonly termination?: string;
  readonly aid?: string;
  readonly language?: LanguageChoice;
  readonly tvr: string;
  readonly tsi: string;
  readonly cvmResults: string | null;
  readonly cryptograms: [string, string][];
  readonly oda: { method: string; result: string };
  readonly commands: string[];
  /** Command APDUs in order, hex. */
  readonly apdus: string[];
  /** Issuer Script Results (9F5B), hex; "" when no script was processed. */
  readonly scriptResults?: string;
  /** The CID that asked for an advice (Book 3 §10.8), hex; null when none did. */
  readonly advice?: string | null;
  /** The Authorisation Response Code (8A) the transaction ended with, as text; null when none was set. */
  readonly arc?: string | null;
  /** Every exchange as the card saw it: command and response hex (PIN data withheld, PAN and track data masked) and
   * both decoded in words. */
  readonly exchanges: ObservedExchange[];
}

export interface ObservedExchange {
  readonly name: string;
  readonly command: string;
  /** Response with SW1 SW2; null when the card did not answer (transport error). */
  readonly response: string | null;
  readonly error?: string;
  readonly decoded: string[];
}

/** The exchanges of a record, masked as `emvsim run --json --trace` shows them, with the decoded words. */
function observedExchanges(r: TransactionRecord): ObservedExchange[] {
  const shown = resultToJson(r, { trace: true, unmask: false }).trace ?? [];
  return r.trace.map((t, i) => {
    const s = shown[i];
    let decoded: string[];
    try {
      decoded = t.response
        ? describeApduPair(t.command, t.response, { disclosure: MASKED })
        : [`${t.name}: no answer${t.error ? ` (${t.error})` : ""}`];
    } catch (e) {
      decoded = [`${t.name}: not decodable (${e instanceof Error ? e.message : String(e)})`];
    }
    return {
      name: t.name,
      command: s?.command ?? "",
      response: s?.response ?? null,
      ...(s?.error ? { error: maskPansInText(s.error) } : {}),
      decoded: decoded.map((line) => maskPansInText(line)),
    };
  });
}

export function observe(r: TransactionRecord): Observed {
  const arc = r.data.get(TAG.AUTHORISATION_RESPONSE_CODE);
  return {
    outcome: r.outcome,
    reason: maskPansInText(r.reason),
    ...(r.termination ? { termination: r.termination } : {}),
    ...(r.aid ? { aid: toHex(r.aid) } : {}),
    ...(r.language ? { language: r.language } : {}),
    tvr: toHex(r.tvr),
    tsi: toHex(r.tsi),
    cvmResults: r.cvmResults ? toHex(r.cvmResults) : null,
    cryptograms: r.cryptograms.map((c) => [c.requested, c.type]),
    // As `emvsim run` reports it: a CDA still pending (an unsigned AAC, Book 2 §6.6.2) was not performed.
    oda: { method: r.oda.method, result: odaResultText(r.oda) },
    commands: r.trace.map((t) => t.name),
    // PIN blocks never leave in clear: a VERIFY keeps only its header (CLA INS P1 P2 Lc).
    apdus: r.trace.map((t) =>
      t.name === "VERIFY" ? `${toHex(t.command.subarray(0, 5))}<PIN block withheld>` : toHex(t.command),
    ),
    scriptResults: toHex(r.online?.scriptResults ?? new Uint8Array(0)),
    advice: r.advice ? toHex(Uint8Array.of(r.advice.cid)) : null,
    arc: arc ? responseCodeText(arc) : null,
    exchanges: observedExchanges(r),
  };
}

/** Bits set in one register and not the other, in words. */
export function bitDifference(defs: readonly BitDef[], expectedHex: string, actualHex: string): string {
  const exp = new Set(describeBits(defs, fromHex(expectedHex)));
  const act = new Set(describeBits(defs, fromHex(actualHex)));
  const missing = [...exp].filter((b) => !act.has(b));
  const extra = [...act].filter((b) => !exp.has(b));
  const parts = [
    ...(missing.length ? [`expected but not set: ${missing.join("; ")}`] : []),
    ...(extra.length ? [`set but not expected: ${extra.join("; ")}`] : []),
  ];
  return parts.join(" | ") || "same named bits (an RFU bit differs)";
}

/** Every difference between the expectation and the observation, one line each; empty when the case passes. */
export function compare(e: Expected, o: Observed): string[] {
  const out: string[] = [];
  const diff = (what: string, exp: unknown, act: unknown, words?: string) => {
    out.push(`${what}: expected ${JSON.stringify(exp)}, got ${JSON.stringify(act)}${words ? ` (${words})` : ""}`);
  };
  if (e.outcome !== undefined && e.outcome !== o.outcome) diff("outcome", e.outcome, `${o.outcome} — ${o.reason}`);
  if (e.never?.includes(o.outcome as Outcome))
    diff("outcome", `not ${e.never.join("/")}`, `${o.outcome} — ${o.reason}`);
  if (e.reasonContains !== undefined && !o.reason.includes(e.reasonContains))
    diff("reason", e.reasonContains, o.reason);
  if (e.aid !== undefined && e.aid !== o.aid) diff("AID", e.aid, o.aid);
  if (e.termination !== undefined && e.termination !== o.termination)
    diff("termination", e.termination, o.termination ?? "(not terminated)");
  if (e.tvr !== undefined && e.tvr !== o.tvr) diff("TVR", e.tvr, o.tvr, bitDifference(TVR_BITS, e.tvr, o.tvr));
  if (e.tsi !== undefined && e.tsi !== o.tsi) diff("TSI", e.tsi, o.tsi, bitDifference(TSI_BITS, e.tsi, o.tsi));
  if (e.cvmResults !== undefined && e.cvmResults !== o.cvmResults) diff("CVM results", e.cvmResults, o.cvmResults);
  if (e.cryptograms !== undefined && JSON.stringify(e.cryptograms) !== JSON.stringify(o.cryptograms)) {
    diff("cryptograms [requested, returned]", e.cryptograms, o.cryptograms);
  }
  if (e.oda !== undefined && (e.oda.method !== o.oda.method || e.oda.result !== o.oda.result)) {
    diff("ODA", e.oda, o.oda);
  }
  if (e.commands !== undefined && JSON.stringify(e.commands) !== JSON.stringify(o.commands)) {
    diff("commands", e.commands, o.commands);
  }
  if (e.selects !== undefined) {
    const selects = o.apdus.filter((_, i) => o.commands[i] === "SELECT");
    if (JSON.stringify(e.selects) !== JSON.stringify(selects)) diff("SELECT commands", e.selects, selects);
  }
  if (e.language !== undefined && JSON.stringify(e.language) !== JSON.stringify(o.language))
    diff("language", e.language, o.language ?? "(none chosen)");
  for (const [name, apdu] of Object.entries(e.apdus ?? {})) {
    const i = o.commands.indexOf(name);
    const got = i < 0 ? undefined : o.apdus[i];
    if (got !== apdu) diff(`${name} APDU`, apdu, got ?? "(not sent)");
  }
  for (const [name, sequence] of Object.entries(e.apduSequence ?? {})) {
    const got = o.apdus.filter((_, i) => o.commands[i] === name);
    if (JSON.stringify(got) !== JSON.stringify(sequence)) diff(`${name} APDUs`, sequence, got);
  }
  if (e.scriptResults !== undefined && e.scriptResults !== o.scriptResults)
    diff("Issuer Script Results (9F5B)", e.scriptResults, o.scriptResults);
  if (e.advice !== undefined && e.advice !== o.advice) diff("advice (CID)", e.advice, o.advice);
  if (e.arc !== undefined && e.arc !== o.arc) diff("Authorisation Response Code (8A)", e.arc, o.arc);
  return out;
}
