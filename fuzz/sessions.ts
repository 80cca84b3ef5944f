// The mutated-session runner (issue 13): every built-in card profile under every shipped terminal configuration,
// the card's answers mutated by wrapping its channel (bit flips, truncation, extension, SW changes, another
// command's answer, transport errors, delays, no answer) and the issuer's answers mutated by wrapping the host.
// Counted: throws, hangs, undefined outcomes, internal errors, offline approvals with ODA passed after signed data
// was changed, and leaks of the card's PAN or track 2 in every output form (report, JSON, trace file, event log).

import type { CardProfile } from "../emulator/profile.js";
import type { AuthorizationResponse, IssuerHost } from "../emv/authorisation.js";
import { concatBytes, toHex } from "../emv/bytes.js";
import { parseAfl } from "../emv/fields/afl.js";
import { isFieldError } from "../emv/fields/field-error.js";
import { OUTCOME_STATUSES } from "../emv/fields/outcome-parameter-set.js";
import { decodeTlv, decodeTlvs, encodeTlv, findTlv, type Tlv, TlvError, walkTlvs } from "../emv/tlv/ber.js";
import { TAG } from "../emv/tlv/tag-names.js";
import type { ReaderConfig } from "../kernel/config/reader-types.js";
import type { TransactionRecord } from "../kernel/contact/transaction.js";
import type { TapRecord } from "../kernel/entry-point/entry-point.js";
import { tapReport, tapToJson } from "../kernel/entry-point/report.js";
import { transactionReport } from "../kernel/report.js";
import { resultToJson } from "../kernel/result.js";
import { boundedChannel, type CardChannel, TransportError, type TransportErrorKind } from "../transport/channel.js";
import { TracingChannel } from "../transport/trace.js";
import { table } from "./campaign.js";
import { mutateBytes } from "./mutate.js";
import { Rng } from "./rng.js";
import { type Pairing, pairings, runSession, runTapSession, type SessionSpec, sharedHost } from "./setup.js";

export const CARD_MUTATIONS = [
  "bit-flip",
  "truncate",
  "extend",
  "sw",
  "other-answer",
  "transport-error",
  "delay",
  "no-answer",
] as const;
export type CardMutation = (typeof CARD_MUTATIONS)[number];

export const ISSUER_MUTATIONS = [
  "response-code",
  "arpc-bit-flip",
  "arpc-truncate",
  "arpc-missing",
  "scripts",
  "unreachable",
  "no-answer",
] as const;
export type IssuerMutation = (typeof ISSUER_MUTATIONS)[number];

/** Bound on one card exchange in the runner (a card that never answers is ended by it: boundedChannel). */
const EXCHANGE_BOUND_MS = 100;
/** The kernel's bound on the issuer host. */
const HOST_TIMEOUT_MS = 100;
/** A session that has not ended after this is a hang. */
const SESSION_BOUND_MS = 15_000;

const VALID_OUTCOMES = new Set(["approved", "declined", "online-approved", "online-declined", "terminated"]);

export interface SessionFigures {
  sessions: number;
  cardMutations: number;
  issuerMutations: number;
  signedDataChanged: number;
  throws: number;
  hangs: number;
  undefinedOutcomes: number;
  internalErrors: number;
  offlineApprovalsAfterChangedSignedData: number;
  leaks: number;
  readonly leaksByForm: Map<string, number>;
  readonly outcomes: Map<string, number>;
  readonly byCardMutation: Map<string, number>;
  readonly byIssuerMutation: Map<string, number>;
  readonly findings: string[];
}

export interface SessionOptions {
  readonly sessions: number;
  readonly seed: string;
  /** Run only this session (by its index in a run of the same seed), to reproduce a finding. */
  readonly only?: number;
  /**
   * Sessions run at once (default 1). Most of a long run's time is spent waiting out "no answer" bounds, so
   * running several at once shortens it; the inputs stay the same, outcomes that depend on a bound may not.
   */
  readonly concurrency?: number;
  /** Receives the outputs of each session (report, JSON, trace), e.g. to show the one reproduced. */
  readonly onOutputs?: (index: number, outputs: readonly [string, string][]) => void;
}

/** Sensitive values of a card as they would appear in clear in text: PAN digits, track 2 after its separator. */
export interface Secrets {
  readonly pan: string | undefined;
  readonly track2Tail: string | undefined;
  /** The card's offline PIN as a plaintext PIN block (Book 3 §6.5.12: 2, length, digits, F padding), if it has one. */
  readonly pinBlock: string | undefined;
}

export function secretsOf(profile: CardProfile | undefined): Secrets {
  let pan: string | undefined;
  let track2Tail: string | undefined;
  let pinBlock: string | undefined;
  for (const app of profile?.applications ?? []) {
    const pin = app.pin?.value;
    if (pin) pinBlock ??= `2${pin.length.toString(16)}${pin}`.padEnd(16, "F").toUpperCase();
    for (const r of app.records) {
      if (r.content.kind !== "tlvs") continue;
      for (const t of r.content.tlvs) {
        if (!(t.value instanceof Uint8Array)) continue;
        if (t.tag === TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER) pan ??= toHex(t.value).replace(/F+$/, "");
        if (t.tag === TAG.TRACK_2_EQUIVALENT_DATA) {
          const hex = toHex(t.value);
          const sep = hex.indexOf("D");
          // After the separator: expiry, service code and discretionary data (the part that is never shown).
          if (sep >= 0) track2Tail ??= hex.slice(sep + 1).replace(/F$/, "");
        }
      }
    }
  }
  return { pan, track2Tail, pinBlock };
}

interface Plan {
  readonly card: { readonly at: number; readonly kind: CardMutation }[];
  readonly issuer: IssuerMutation | undefined;
}

function planFor(rng: Rng): Plan {
  if (rng.chance(0.04)) return { card: [], issuer: undefined };
  const card: { at: number; kind: CardMutation }[] = [];
  const n = rng.chance(0.85) ? 1 : 2;
  for (let i = 0; i < n; i++) card.push({ at: rng.int(14), kind: rng.pick(CARD_MUTATIONS) });
  return { card, issuer: rng.chance(0.2) ? rng.pick(ISSUER_MUTATIONS) : undefined };
}

/** What the mutating channel did in one session. */
interface CardLog {
  applied: CardMutation[];
  signedDataChanged: boolean;
  /** The card's PAN and track 2 as it really sent them (before any mutation): what must not leak. */
  seen: { pan?: string; track2Tail?: string };
}

/** Note the PAN (5A) and track 2 (57) in a real answer of the card. */
function observeSecrets(response: Uint8Array, log: CardLog): void {
  if (log.seen.pan && log.seen.track2Tail) return;
  let nodes: Tlv[];
  try {
    nodes = decodeTlvs(response.subarray(0, Math.max(response.length - 2, 0)));
  } catch (e) {
    if (e instanceof TlvError) return;
    throw e;
  }
  walkTlvs(nodes, (n) => {
    const hex = toHex(n.value);
    if (n.tag === TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER && n.length >= 6) log.seen.pan ??= hex.replace(/F+$/, "");
    if (n.tag === TAG.TRACK_2_EQUIVALENT_DATA && hex.includes("D"))
      log.seen.track2Tail ??= hex.slice(hex.indexOf("D") + 1).replace(/F$/, "");
  });
}

const INS = { SELECT: 0xa4, READ_RECORD: 0xb2, GPO: 0xa8, GENERATE_AC: 0xae, INTERNAL_AUTHENTICATE: 0x88 } as const;
const SWS = [0x6a82, 0x6985, 0x6983, 0x6984, 0x6a81, 0x6d00, 0x6e00, 0x6f00, 0x6283, 0x63c1, 0x6700, 0x6b00, 0x9001];
const TRANSPORT_KINDS: readonly TransportErrorKind[] = ["timeout", "card-removed", "reader-gone", "protocol", "io"];

/** The card's channel with its answers mutated per the plan (the real answer is seen first). */
function mutatingChannel(inner: CardChannel, plan: Plan, rng: Rng, log: CardLog): CardChannel {
  let step = 0;
  const seen: Uint8Array[] = [];
  let odaRecords = new Set<string>();
  return {
    description: inner.description,
    atr: inner.atr,
    async transmit(command) {
      const index = step++;
      const ins = command[1]!;
      const mutation = plan.card.find((m) => m.at === index);
      if (mutation?.kind === "no-answer") {
        log.applied.push("no-answer");
        return new Promise<Uint8Array>(() => {});
      }
      if (mutation?.kind === "transport-error") {
        log.applied.push("transport-error");
        throw new TransportError(rng.pick(TRANSPORT_KINDS), "fuzz: transport error injected");
      }
      // A SELECT starts an application again (another candidate, or a contactless restart presenting the card
      // again): what it reads then is read afresh, so what was changed before no longer counts as signed data used.
      if (ins === INS.SELECT) log.signedDataChanged = false;
      const real = await inner.transmit(command);
      observeSecrets(real, log);
      if (ins === INS.GPO) odaRecords = odaRecordsOf(real);
      seen.push(real);
      if (!mutation) return real;
      let out: Uint8Array;
      switch (mutation.kind) {
        case "bit-flip":
          out = mutateBytes(real, rng, "bit-flip");
          break;
        case "truncate":
          out = concatBytes(real.subarray(0, rng.int(Math.max(real.length - 2, 1))), real.subarray(real.length - 2));
          break;
        case "extend":
          out = concatBytes(
            real.subarray(0, real.length - 2),
            rng.bytes(1 + rng.int(8)),
            real.subarray(real.length - 2),
          );
          break;
        case "sw": {
          const sw = rng.pick(SWS);
          out = concatBytes(real.subarray(0, rng.chance(0.5) ? 0 : real.length - 2), Uint8Array.of(sw >> 8, sw & 0xff));
          break;
        }
        case "other-answer":
          out = seen.length > 1 ? rng.pick(seen.slice(0, -1)) : real;
          break;
        case "delay":
          await new Promise((r) => setTimeout(r, 1 + rng.int(3)));
          out = real;
          break;
      }
      log.applied.push(mutation.kind);
      const changed = toHex(out) !== toHex(real);
      if (changed && signsThis(command, odaRecords)) log.signedDataChanged = true;
      return out;
    },
    reset: inner.reset ? () => inner.reset!() : undefined,
    close: () => inner.close(),
  } as CardChannel;
}

/** Whether the answer to `command` is signed data: an ODA record, a GENERATE AC with CDA, INTERNAL AUTHENTICATE. */
function signsThis(command: Uint8Array, odaRecords: ReadonlySet<string>): boolean {
  const ins = command[1]!;
  if (ins === INS.INTERNAL_AUTHENTICATE) return true;
  // Book 2 §6.6: with CDA (P1 b5) the SDAD signs the transaction data hash over the response's data objects.
  if (ins === INS.GENERATE_AC) return (command[2]! & 0x10) !== 0;
  if (ins === INS.READ_RECORD) return odaRecords.has(`${command[3]! >> 3}/${command[2]!}`);
  return false;
}

/** Records of the AFL that take part in ODA (Book 3 §10.3: AFL byte 4 counts them from the first record). */
function odaRecordsOf(gpoResponse: Uint8Array): Set<string> {
  const out = new Set<string>();
  let afl: Uint8Array | undefined;
  try {
    const t = decodeTlv(gpoResponse.subarray(0, gpoResponse.length - 2));
    if (t.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1) afl = t.value.subarray(2);
    else afl = findTlv(t.children ?? [], TAG.APPLICATION_FILE_LOCATOR)?.value;
  } catch (e) {
    if (!(e instanceof TlvError)) throw e;
  }
  const entries = afl ? parseAfl(afl) : [];
  if (isFieldError(entries)) return out;
  for (const e of entries) for (let r = e.first; r < e.first + e.odaCount; r++) out.add(`${e.sfi}/${r}`);
  return out;
}

function mutatingHost(
  inner: IssuerHost,
  mutation: IssuerMutation | undefined,
  rng: Rng,
  applied: string[],
): IssuerHost {
  if (!mutation) return inner;
  return {
    async authorize(request) {
      applied.push(mutation);
      if (mutation === "unreachable") throw new Error("fuzz: issuer host unreachable");
      if (mutation === "no-answer") return new Promise<AuthorizationResponse>(() => {});
      const r = await inner.authorize(request);
      const iad = r.issuerAuthenticationData;
      switch (mutation) {
        case "response-code":
          return {
            ...r,
            authorisationResponseCode: rng.chance(0.5)
              ? rng.bytes(2)
              : rng.pick([
                  Uint8Array.of(0x30, 0x30),
                  Uint8Array.of(0x30, 0x35),
                  Uint8Array.of(0x30, 0x31),
                  Uint8Array.of(0x5a, 0x33),
                ]),
          };
        case "arpc-bit-flip":
          return iad ? { ...r, issuerAuthenticationData: mutateBytes(iad, rng, "bit-flip") } : r;
        case "arpc-truncate":
          return iad ? { ...r, issuerAuthenticationData: iad.subarray(0, rng.int(iad.length)) } : r;
        case "arpc-missing": {
          const { issuerAuthenticationData: _dropped, ...rest } = r;
          return rest;
        }
        case "scripts": {
          const script = encodeTlv(
            rng.chance(0.5) ? 0x71 : 0x72,
            concatBytes(
              encodeTlv(TAG.ISSUER_SCRIPT_IDENTIFIER, rng.bytes(4)),
              encodeTlv(TAG.ISSUER_SCRIPT_COMMAND, rng.bytes(4 + rng.int(12))),
            ),
          );
          const mutated = rng.chance(0.5) ? mutateBytes(script, rng) : script;
          return rng.chance(0.5)
            ? { ...r, scripts71: [...r.scripts71, mutated] }
            : { ...r, scripts72: [...r.scripts72, mutated] };
        }
      }
      return r;
    },
  };
}

function bounded<T>(p: Promise<T>, ms: number): Promise<T | "hang"> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve("hang"), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export function newFigures(): SessionFigures {
  return {
    sessions: 0,
    cardMutations: 0,
    issuerMutations: 0,
    signedDataChanged: 0,
    throws: 0,
    hangs: 0,
    undefinedOutcomes: 0,
    internalErrors: 0,
    offlineApprovalsAfterChangedSignedData: 0,
    leaks: 0,
    leaksByForm: new Map(),
    outcomes: new Map(),
    byCardMutation: new Map(),
    byIssuerMutation: new Map(),
    findings: [],
  };
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export async function runSessions(options: SessionOptions): Promise<SessionFigures> {
  const all = pairings();
  const figures = newFigures();
  const base = new Rng(`${options.seed}/sessions`);
  const running = new Set<Promise<void>>();
  const limit = Math.max(1, options.concurrency ?? 1);
  for (let i = 0; i < options.sessions; i++) {
    const pairing = all[i % all.length]!;
    const rng = base.fork(String(i));
    if (options.only !== undefined && options.only !== i) continue;
    const p: Promise<void> = oneSession(i, pairing, rng, figures, options.onOutputs).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  return figures;
}

/** A finished session in the runner's terms, contact or contactless. */
interface Ended {
  readonly outcome: string;
  readonly valid: boolean;
  readonly reason: string;
  /** Approved offline (contact: TC at the first GENERATE AC; contactless: outcome Approved). */
  readonly approvedOffline: boolean;
  /** ODA (contact: SDA/DDA/CDA; contactless: fDDA) passed, and its name. */
  readonly odaPassed: boolean;
  readonly oda: string;
  /** Report and JSON, masked or with --unmask. */
  outputs(unmask: boolean): [string, string];
  readonly events: readonly string[];
}

function endedContact(r: TransactionRecord): Ended {
  return {
    outcome: String(r.outcome),
    valid: VALID_OUTCOMES.has(r.outcome),
    reason: r.reason,
    approvedOffline: r.outcome === "approved",
    odaPassed: r.oda.result === "passed",
    oda: r.oda.method,
    outputs: (unmask) => [
      transactionReport(r, { trace: true, unmask }),
      JSON.stringify(resultToJson(r, { trace: true, unmask })),
    ],
    events: r.events.map((e) => e.message),
  };
}

function endedContactless(r: TapRecord, reader: ReaderConfig): Ended {
  const status = r.outcome.ops.status;
  return {
    outcome: `contactless ${status}`,
    valid: (OUTCOME_STATUSES as readonly string[]).includes(status),
    reason: r.outcome.reason,
    approvedOffline: status === "Approved",
    odaPassed: r.kernelDetails?.fdda?.result === "passed",
    oda: "fDDA",
    outputs: (unmask) => [
      tapReport(r, reader, { trace: true, unmask }),
      JSON.stringify(tapToJson(r, reader, { trace: true, unmask })),
    ],
    events: r.events.map((e) => e.message),
  };
}

async function oneSession(
  i: number,
  pairing: Pairing,
  rng: Rng,
  f: SessionFigures,
  onOutputs: SessionOptions["onOutputs"],
) {
  const plan = planFor(rng);
  const log: CardLog = { applied: [], signedDataChanged: false, seen: {} };
  const issuerApplied: string[] = [];
  const traceLines: string[] = [];
  const where = `session ${i} (${pairing.profileId} / ${pairing.kind} ${pairing.terminalId}, card ${plan.card.map((m) => `${m.kind}@${m.at}`).join("+") || "-"}, issuer ${plan.issuer ?? "-"})`;
  const note = (what: string) => {
    if (f.findings.length < 20) f.findings.push(`${where}: ${what}`);
  };
  f.sessions++;
  const spec: SessionSpec = {
    pairing,
    seed: `session-${i}`,
    amount: rng.pick([100, 1234, 5000, 25_000, 150_000, 2_000_000]),
    ...(rng.chance(0.7) ? { pin: "1234" } : {}),
    host: mutatingHost(sharedHost(), plan.issuer, rng, issuerApplied),
    hostTimeoutMs: HOST_TIMEOUT_MS,
    // Outermost: the trace file as `run --trace` would write it, then the bound every reader channel has.
    wrapChannel: (inner) =>
      boundedChannel(
        new TracingChannel(mutatingChannel(inner, plan, rng, log), { sink: (l) => traceLines.push(l) }),
        EXCHANGE_BOUND_MS,
      ),
  };
  let ended: Ended | "hang";
  try {
    const reader = pairing.reader;
    const run: Promise<Ended> =
      pairing.kind === "contactless" && reader
        ? runTapSession(spec).then((r) => endedContactless(r, reader))
        : runSession(spec).then(endedContact);
    ended = await bounded(run, SESSION_BOUND_MS);
  } catch (e) {
    f.throws++;
    note(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return;
  }
  for (const m of log.applied) bump(f.byCardMutation, m);
  for (const m of issuerApplied) bump(f.byIssuerMutation, m);
  if (log.applied.length) f.cardMutations++;
  if (issuerApplied.length) f.issuerMutations++;
  if (log.signedDataChanged) f.signedDataChanged++;
  if (ended === "hang") {
    f.hangs++;
    note("no outcome within the session bound");
    return;
  }
  bump(f.outcomes, ended.outcome);
  if (!ended.valid || typeof ended.reason !== "string" || ended.reason === "") {
    f.undefinedOutcomes++;
    note(`outcome ${ended.outcome} (${String(ended.reason)})`);
  }
  if (ended.reason.startsWith("internal error")) {
    f.internalErrors++;
    note(ended.reason);
  }
  // An offline approval is fine after ODA failed (action analysis may allow it); with ODA passed on changed signed
  // data it is the failure ODA exists to prevent (Book 2 §5–§6).
  if (log.signedDataChanged && ended.approvedOffline && ended.odaPassed) {
    f.offlineApprovalsAfterChangedSignedData++;
    note(`approved offline, ${ended.oda} passed, signed data changed`);
  }
  const known = secretsOf(pairing.profile);
  const secrets: Secrets = {
    pan: known.pan ?? log.seen.pan,
    track2Tail: known.track2Tail ?? log.seen.track2Tail,
    pinBlock: known.pinBlock,
  };
  checkLeaks(ended, traceLines, secrets, f, note, onOutputs && ((o) => onOutputs(i, o)));
}

function checkLeaks(
  ended: Ended,
  traceLines: readonly string[],
  secrets: Secrets,
  f: SessionFigures,
  note: (what: string) => void,
  show?: (outputs: readonly [string, string][]) => void,
): void {
  let forms: [string, string, boolean][];
  try {
    const [report, json] = ended.outputs(false);
    const [reportUnmasked, jsonUnmasked] = ended.outputs(true);
    forms = [
      ["report", report, true],
      ["json", json, true],
      ["trace file", traceLines.join("\n"), true],
      ["event log", ended.events.join("\n"), true],
      // --unmask shows the PAN and track 2 by the user's choice (the card's bytes); the PIN block never.
      ["report --unmask", reportUnmasked, false],
      ["json --unmask", jsonUnmasked, false],
    ];
  } catch (e) {
    f.throws++;
    note(`output threw ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  show?.(forms.map(([form, text]) => [form, text]));
  let leaked = false;
  for (const [form, text, panMasked] of forms) {
    const what = leaksIn(text, secrets, panMasked);
    if (what.length) {
      leaked = true;
      bump(f.leaksByForm, form);
      note(`${what.join(" and ")} in clear in the ${form}`);
    }
  }
  if (leaked) f.leaks++;
}

/** What of the card's sensitive data `text` shows in clear: its PAN (unless unmasked by choice), its track 2. */
/** What of the card's secrets a text shows in clear; `masked`: an output without --unmask (PAN and track hidden). */
export function leaksIn(text: string, secrets: Secrets, masked: boolean): string[] {
  const upper = text.toUpperCase();
  const what: string[] = [];
  if (masked && secrets.pan && upper.includes(secrets.pan)) what.push("PAN");
  if (masked && secrets.track2Tail && upper.includes(secrets.track2Tail)) what.push("track 2");
  if (secrets.pinBlock && upper.includes(secrets.pinBlock)) what.push("PIN block");
  return what;
}

/** The figures that must be zero, by name. */
export function mustBeZero(f: SessionFigures): [string, number][] {
  return [
    ["throws", f.throws],
    ["hangs", f.hangs],
    ["undefined outcomes", f.undefinedOutcomes],
    ["internal errors", f.internalErrors],
    ["offline approvals with ODA passed after changed signed data", f.offlineApprovalsAfterChangedSignedData],
    ["sessions leaking PAN or track 2", f.leaks],
  ];
}

export function formatSessionTable(f: SessionFigures): string {
  const rows: [string, string][] = [
    ["sessions", String(f.sessions)],
    ["  with card answers mutated", String(f.cardMutations)],
    ["  with issuer answers mutated", String(f.issuerMutations)],
    ["  with signed data changed", String(f.signedDataChanged)],
    ...mustBeZero(f).map(([k, v]) => [k, String(v)] as [string, string]),
  ];
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
  return [
    table(["figure", "count"], rows),
    `outcomes: ${sorted(f.outcomes)}`,
    `card mutations applied: ${sorted(f.byCardMutation)}`,
    `issuer mutations applied: ${sorted(f.byIssuerMutation)}`,
    ...(f.leaksByForm.size ? [`leaks by form: ${sorted(f.leaksByForm)}`] : []),
  ].join("\n");
}
