// Terminal-under-test mode of `emvsim certify`: each catalog case's card is served to pcscd through vsmartcard's
// vpcd, the terminal under test runs a transaction on it (a command given per case, or the terminal's own
// transaction, ended when the card is powered off), and the case is judged from what the card saw
// (tut/criteria.ts). Every wait is bounded; a case never throws, it ends in a report entry.

import { spawn } from "node:child_process";
import { connect } from "node:net";
import { EmulatedCard } from "../../emulator/card.js";
import { toHex } from "../../emv/bytes.js";
import { MASKED, maskPansInText } from "../../emv/sensitive.js";
import { TRANSACTION_TYPE_CODE } from "../../kernel/transaction-params.js";
import { type CardExchange, RecordingCard } from "../../serve/exchange-recorder.js";
import type { ServedCard } from "../../serve/served-card.js";
import { VpcdCardServer } from "../../serve/vpcd.js";
import { describeApduPair } from "../../transport/apdu-text.js";
import { maskedResponseHex, traceCommand } from "../../transport/trace.js";
import type { CertCase } from "../catalog/types.js";
import { configWithOverrides, type Observed, type ObservedExchange } from "../harness.js";
import { type CaseReport, caseReport } from "../report.js";
import { type CardView, commandName, finalExchanges, judgeFromCard } from "./criteria.js";
import { servedProfile } from "./served-profile.js";

export interface VpcdAddress {
  readonly host: string;
  readonly port: number;
}

/** Default vpcd address: vsmartcard's vpcd listens on localhost:35963 for its first reader (slot 0). */
export const DEFAULT_VPCD: VpcdAddress = { host: "127.0.0.1", port: 35963 };
/** The name pcscd gives vpcd's first slot. */
export const DEFAULT_VPCD_READER = "Virtual PCD 00 00";

/** "vpcd", "vpcd:HOST:PORT" or "vpcd:PORT". */
export function parseTerminalUnderTest(text: string): { ok: true; value: VpcdAddress } | { ok: false; error: string } {
  const m = /^vpcd(?::(?:([^:]+):)?([0-9]{1,5}))?$/.exec(text);
  const port = m?.[2] === undefined ? DEFAULT_VPCD.port : Number(m[2]);
  if (!m || port < 1 || port > 65535)
    return {
      ok: false,
      error: `--terminal-under-test ${JSON.stringify(text)}: expected vpcd, vpcd:PORT or vpcd:HOST:PORT (e.g. vpcd:127.0.0.1:35963)`,
    };
  return { ok: true, value: { host: m[1] ?? DEFAULT_VPCD.host, port } };
}

/** Whether vpcd accepts a connection at the address (one-line reason when not). */
export function vpcdReachable(address: VpcdAddress, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: address.host, port: address.port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(`vpcd at ${address.host}:${address.port}: no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(t);
      s.destroy();
      resolve(undefined);
    });
    s.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(
        `vpcd at ${address.host}:${address.port}: ${e.code === "ECONNREFUSED" ? "connection refused (is pcscd running with the vsmartcard vpcd reader? Debian: pcscd vsmartcard-vpcd)" : e.message}`,
      );
    });
  });
}

export interface TutOptions {
  readonly vpcd: VpcdAddress;
  /** Command run per case through /bin/sh, with {amount} {type} {pin} {case} {reader} … substituted (shell-quoted). */
  readonly run?: string;
  /** Per case: the command's run time, or the wait for the terminal's transaction (default 60 s). */
  readonly timeoutMs?: number;
  /** The reader name the terminal sees ({reader}); default "Virtual PCD 00 00". */
  readonly reader?: string;
  /** Status lines (waiting for the terminal, command exit). */
  readonly log?: (line: string) => void;
}

/** Time for pcscd to see the previous card leave before the next is inserted (vpcd polls about every 400 ms). */
export const CARD_SWAP_MS = 1000;

/** POSIX shell quoting: 'text' with ' as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The variables of a case for --run, unquoted. */
export function caseVariables(c: CertCase, reader: string): Record<string, string> {
  const p = c.params ?? {};
  const config = configWithOverrides(c.config, undefined);
  const exponent = config.ok ? config.value.currencyExponent : 2;
  const major = (minor: number) =>
    exponent === 0
      ? String(minor)
      : `${Math.floor(minor / 10 ** exponent)}.${String(minor % 10 ** exponent).padStart(exponent, "0")}`;
  const pin = (p.pins ?? []).find((x) => x !== undefined) ?? "";
  const date = p.date ?? "251129";
  const type = p.type ?? "purchase";
  return {
    amount: major(p.amount ?? 1234),
    otheramount: major(p.otherAmount ?? 0),
    type,
    pin,
    case: c.id,
    reader,
    terminal: c.config,
    interface: "contact",
    date,
    // The same in the forms other terminals take: minor units, ISO 8583 processing code (9C), YYYY-MM-DD.
    amountminor: String(p.amount ?? 1234),
    otherminor: String(p.otherAmount ?? 0),
    typecode: TRANSACTION_TYPE_CODE[type].toString(16).padStart(2, "0"),
    isodate: `20${date.slice(0, 2)}-${date.slice(2, 4)}-${date.slice(4, 6)}`,
  };
}

/**
 * Substitute {name} (shell-quoted), {pinarg} ("--pin 'PIN'" or nothing), {otherarg} ("--other-amount 'N.NN'" or
 * nothing when there is no other amount) and {configarg} ("--terminal 'ID'" for a contact case, "--reader-config 'ID'"
 * for a tap); an unknown {name} is an error.
 */
export function substitute(
  template: string,
  vars: Record<string, string>,
): { ok: true; value: string } | { ok: false; error: string } {
  let unknown: string | undefined;
  const value = template.replace(/\{([a-z]+)\}/g, (all, name: string) => {
    if (name === "pinarg") return vars.pin ? `--pin ${shellQuote(vars.pin)}` : "";
    // The terminal configuration in emvsim run's terms: a contact case's --terminal, a tap's --reader-config.
    if (name === "configarg")
      return `${vars.interface === "contactless" ? "--reader-config" : "--terminal"} ${shellQuote(vars.terminal ?? "")}`;
    if (name === "otherarg")
      return vars.otheramount && /[1-9]/.test(vars.otheramount) ? `--other-amount ${shellQuote(vars.otheramount)}` : "";
    const v = vars[name];
    if (v === undefined) {
      unknown ??= all;
      return all;
    }
    return shellQuote(v);
  });
  if (unknown)
    return {
      ok: false,
      error: `--run: unknown variable ${unknown} (known: ${[...Object.keys(vars), "pinarg", "otherarg", "configarg"].map((k) => `{${k}}`).join(" ")})`,
    };
  return { ok: true, value };
}

/** The largest amount an n12 data object holds (9F02, 9F03), in minor units. */
const N12_MAX = 999_999_999_999;

/** What the case asks of the terminal that a command line cannot pass: the operator must configure it. */
export function unportableSetup(c: CertCase): string[] {
  const p = c.params ?? {};
  return [
    // Exception file and transaction log entries hold PANs: masked (first 6, last 4).
    ...(c.terminal ? [`terminal overrides ${maskPansInText(JSON.stringify(c.terminal))}`] : []),
    ...(p.randomPercents ? ["random-selection draws"] : []),
    ...(p.forceOnline ? ["merchant forced online"] : []),
    ...(p.host === false ? ["no issuer host configured"] : []),
    ...(p.host === "unreachable" ? ["an issuer host that does not answer"] : []),
    ...(p.hostRules ? [`issuer decisions ${JSON.stringify(p.hostRules)}`] : []),
    // Amounts a terminal refuses before the card sees anything (n12, Book 3 Annex A 9F02/9F03): the kernel's own check.
    ...((p.amount ?? 0) > N12_MAX || (p.otherAmount ?? 0) > N12_MAX ? ["an amount that does not fit n12"] : []),
    ...(p.scripts ? ["issuer scripts from the host"] : []),
    ...(p.issuerPin ? ["the issuer's PIN"] : []),
    ...((p.pins ?? []).length > 1 ? [`${p.pins?.length} PIN entries`] : []),
    // Book 1 §12.4 / Book 4 §11.1: what the cardholder answers at application and language selection.
    ...(p.choices
      ? [`application choices ${p.choices.map((i) => (i === undefined ? "cancel" : `#${i + 1}`)).join(", ")}`]
      : []),
    ...(p.confirmations
      ? [`application confirmations ${p.confirmations.map((ok) => (ok ? "yes" : "no")).join(", ")}`]
      : []),
    ...(p.language ? [`the cardholder picks language ${p.language}`] : []),
  ];
}

/** Whether a case can be run by a terminal given only {amount} {type} {pin} {date} {terminal}. */
export function portable(c: CertCase): boolean {
  return unportableSetup(c).length === 0;
}

interface CommandResult {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly output: string;
}

/** Run a shell command, at most timeoutMs (then its process group is killed); output kept to the last 4 KiB. */
function runShell(command: string, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-4096);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let timedOut = false;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal); // the group of the shell we started
      } catch {
        // already gone
      }
    };
    const t = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), 2000).unref();
    }, timeoutMs);
    child.once("error", (e) => {
      clearTimeout(t);
      resolve({ code: null, timedOut, output: e.message });
    });
    child.once("close", (code) => {
      clearTimeout(t);
      resolve({ code, timedOut, output });
    });
  });
}

/** The card's exchanges masked and decoded as the reports show them (PAN masked, PIN data and track data hidden). */
export function shownExchanges(exchanges: readonly CardExchange[]): ObservedExchange[] {
  return exchanges.map((x) => {
    const name = commandName(x.command[1] ?? 0);
    let decoded: string[];
    try {
      decoded = describeApduPair(x.command, x.response, { disclosure: MASKED });
    } catch (e) {
      decoded = [`${name}: not decodable (${e instanceof Error ? e.message : String(e)})`];
    }
    const data = x.response.subarray(0, Math.max(0, x.response.length - 2));
    return {
      name,
      command: traceCommand(x.command),
      response: maskedResponseHex(data) + toHex(x.response.subarray(-2)),
      decoded: decoded.map((l) => maskPansInText(l)),
    };
  });
}

/** What the card saw, in the report's terms: registers from the last CDOL data, cryptograms from P1 and the CID. */
export function observedByCard(view: CardView, exchanges: readonly CardExchange[]): Observed {
  const last = view.gacs.at(-1);
  const final = finalExchanges(exchanges);
  return {
    outcome: "not visible to the card",
    reason: "terminal under test: judged from the card's side",
    ...(view.aid ? { aid: view.aid } : {}),
    tvr: last?.tvr ?? "",
    tsi: last?.tsi ?? "",
    cvmResults: last?.cvmResults ?? null,
    cryptograms: view.gacs.map((g) => [`${g.requested}${g.cda ? "+CDA" : ""}`, g.returned ?? "error"]),
    oda: { method: "not visible to the card", result: "not visible to the card" },
    commands: view.commands,
    apdus: final.map((x) => traceCommand(x.command)),
    exchanges: shownExchanges(exchanges),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the card saw while a terminal under test ran one case, and what went wrong running it. */
export interface ServedRun {
  readonly exchanges: readonly CardExchange[];
  readonly problems: readonly string[];
  /** The terminal never got the card (vpcd unreachable, a --run that cannot be built): nothing to judge. */
  readonly aborted?: boolean;
}

/**
 * Serve one card through vpcd and let the terminal under test run its transaction: the --run command with the
 * case's variables, or the terminal's own transaction ended by a power-off. Bounded by `timeoutMs`; never throws.
 */
export async function serveToTerminal(
  id: string,
  card: ServedCard,
  vars: Record<string, string>,
  options: TutOptions,
): Promise<ServedRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const log = options.log ?? (() => {});
  const recorder = new RecordingCard(card);
  const server = new VpcdCardServer(recorder, { host: options.vpcd.host, port: options.vpcd.port, retryMs: 100 });
  const problems: string[] = [];
  try {
    try {
      await server.start(Math.min(timeoutMs, 10_000));
    } catch (e) {
      return {
        exchanges: [],
        problems: [`terminal under test: ${e instanceof Error ? e.message : String(e)}`],
        aborted: true,
      };
    }
    if (options.run !== undefined) {
      const cmd = substitute(options.run, vars);
      if (!cmd.ok) return { exchanges: [], problems: [cmd.error], aborted: true };
      const r = await runShell(cmd.value, timeoutMs);
      const tail = maskPansInText(r.output.trim().split("\n").slice(-1)[0] ?? "");
      if (r.timedOut)
        problems.push(`terminal under test: timeout, the command ran longer than ${timeoutMs / 1000} s (case ${id})`);
      else if (r.code !== 0)
        problems.push(
          `terminal under test: the command exited with ${r.code ?? "an error"}${tail ? ` (${tail})` : ""}`,
        );
      log(`${id}: command exited ${r.timedOut ? "(timeout)" : r.code}, ${recorder.apduCount} APDUs seen by the card`);
    } else {
      log(`${id}: card in the reader, waiting for the terminal's transaction (up to ${timeoutMs / 1000} s)`);
      const how = await recorder.waitForSessionEnd(timeoutMs);
      if (how === "timeout")
        problems.push(
          `terminal under test: timeout, the card was not powered off within ${timeoutMs / 1000} s after ${recorder.apduCount} APDUs (case ${id})`,
        );
    }
  } finally {
    await server.stop();
  }
  const exchanges = recorder.exchanges();
  await sleep(CARD_SWAP_MS);
  return { exchanges, problems };
}

/** One case on the terminal under test. */
export async function evaluateCaseOnTerminal(c: CertCase, options: TutOptions): Promise<CaseReport> {
  const profile = servedProfile(c);
  if (!profile.ok) return caseReport(c, undefined, [`setup: ${profile.error}`]);
  let card: EmulatedCard;
  try {
    card = new EmulatedCard(profile.value);
  } catch (e) {
    return caseReport(c, undefined, [`setup: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const notes = unportableSetup(c).map((s) => `setup the terminal must have (not passed by the runner): ${s}`);
  const vars = caseVariables(c, options.reader ?? DEFAULT_VPCD_READER);
  const served = await serveToTerminal(c.id, card, vars, options);
  if (served.aborted) return { ...caseReport(c, undefined, served.problems), notes };
  const silent = served.exchanges.length === 0 ? ["terminal under test: the card received no command"] : [];
  const verdict = judgeFromCard(c, served.exchanges, "terminal-under-test");
  const report = caseReport(c, observedByCard(verdict.view, served.exchanges), [
    ...served.problems,
    ...silent,
    ...verdict.problems,
  ]);
  return { ...report, notes: [...notes, ...verdict.notes] };
}
