// `emvsim run`: one EMV transaction (Book 3 §10) from application selection to completion against a card in a reader
// (the emulated card by default), with the issuer host simulated; prints the step-by-step report or the JSON result.
// The contact transaction with the emulated card, the built-in data and the in-process host is imported statically
// (the build puts it in one chunk, cli/bundle.ts); everything else only when an option needs it.

import { caPublicKeysForProfile } from "../../emulator/ca-keys.js";
import { openProfileChannel } from "../../emulator/card-channel.js";
import { builtInPaypassProfileIds } from "../../emulator/contactless/paypass-ids.js";
import { DEFAULT_PROFILE_ID } from "../../emulator/profile-data.js";
import type { IssuerHost } from "../../emv/authorisation.js";
import type { CaPublicKey } from "../../emv/crypto/capk.js";
import { type RandomSource, seededBytes, seededRandom, systemRandom } from "../../emv/random.js";
import { loadCaKeyFile, withCaKeys } from "../../kernel/config/terminal-data.js";
import { runTransaction } from "../../kernel/contact/transaction.js";
import { nonInteractive } from "../../kernel/interaction.js";
import { transactionReport } from "../../kernel/report.js";
import { resultToJson } from "../../kernel/result.js";
import type { TransactionParams, TransactionType } from "../../kernel/transaction-params.js";
import type { CardChannel } from "../../transport/channel.js";
import { builtInDefaultHost, builtInProfile, builtInTerminalConfig } from "../built-ins.js";
import { type Command, parseOptions, UsageError } from "../command.js";

const TYPES: readonly TransactionType[] = ["purchase", "cash", "cashback", "refund"];
const VALUE_OPTIONS = [
  "--card",
  "--reader",
  "--terminal",
  "--amount",
  "--other-amount",
  "--type",
  "--pin",
  "--capk",
  "--issuer",
  "--host",
  "--tls-dir",
  "--mac-key",
  "--date",
  "--time",
  "--seed",
  "--random-draw",
  "--interface",
  "--reader-config",
  "--record",
] as const;
const FLAG_OPTIONS = ["--json", "--trace", "--unmask", "--insecure"] as const;

/** The default amount (major units) when --amount is not given. */
export const DEFAULT_AMOUNT = "12.34";
export const DEFAULT_TERMINAL = "attended-pos";

export interface RunOptions {
  readonly card: string | undefined;
  readonly reader: string | undefined;
  readonly terminal: string;
  readonly amount: string;
  readonly otherAmount: string | undefined;
  readonly type: TransactionType;
  readonly pin: string | undefined;
  readonly capk: string | undefined;
  readonly issuer: string | undefined;
  /** tls://HOST:PORT (or tcp:// with insecure) of a network issuer host instead of the in-process one. */
  readonly host: string | undefined;
  /** Directory with ca.pem, client.pem, client.key for --host tls:// (default ./emvsim-pki). */
  readonly tlsDir: string | undefined;
  readonly insecure: boolean;
  /** DE 64/128 MAC key file for --host (32 hex digits, mode 0600). */
  readonly macKey: string | undefined;
  readonly date: string | undefined;
  readonly time: string | undefined;
  readonly seed: string | undefined;
  /** The random transaction selection draw, 1–99 (Book 3 §10.6.2), for repeatable certification runs. */
  readonly randomDraw: number | undefined;
  /** contact or contactless; undefined: from the card (emulator profile interfaces) or the reader's ATR. */
  readonly interface: "contact" | "contactless" | undefined;
  /** Reader configuration id or file for contactless (kernel/config/readers/). */
  readonly readerConfig: string | undefined;
  /** Whether --terminal was given (for contactless it replaces the reader configuration's terminal). */
  readonly terminalGiven: boolean;
  readonly json: boolean;
  readonly trace: boolean;
  readonly unmask: boolean;
  /** Trace file of the session (JSON lines; masked unless unmask). */
  readonly record?: string | undefined;
}

/** Parse `emvsim run` arguments (`--opt value` or `--opt=value`); every problem is a UsageError of one line. */
export function parseRunArgs(args: readonly string[]): RunOptions {
  const { values, flags } = parseOptions(args, VALUE_OPTIONS, FLAG_OPTIONS, "run");
  const type = values.get("--type") ?? "purchase";
  if (!(TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`--type '${type}' is not one of ${TYPES.join(", ")}`);
  }
  const pin = values.get("--pin");
  if (pin !== undefined && !/^[0-9]{4,12}$/.test(pin)) throw new UsageError("--pin must be 4 to 12 digits");
  const date = values.get("--date");
  if (date !== undefined) checkDate(date);
  const time = values.get("--time");
  if (time !== undefined) checkTime(time);
  const draw = values.get("--random-draw");
  if (draw !== undefined && (!/^[0-9]{1,2}$/.test(draw) || Number(draw) < 1))
    throw new UsageError(`--random-draw '${draw}' is not a number from 1 to 99`);
  const iface = values.get("--interface");
  if (iface !== undefined && iface !== "contact" && iface !== "contactless")
    throw new UsageError(`--interface '${iface}' is not contact or contactless`);
  if (iface === "contact" && values.has("--reader-config"))
    throw new UsageError("--reader-config is for --interface contactless");
  const otherAmount = values.get("--other-amount");
  if (otherAmount !== undefined && type !== "cashback") {
    throw new UsageError("--other-amount is only for --type cashback");
  }
  return {
    card: values.get("--card"),
    reader: values.get("--reader"),
    terminal: values.get("--terminal") ?? DEFAULT_TERMINAL,
    amount: values.get("--amount") ?? DEFAULT_AMOUNT,
    otherAmount,
    type: type as TransactionType,
    pin,
    capk: values.get("--capk"),
    issuer: values.get("--issuer"),
    host: values.get("--host"),
    tlsDir: values.get("--tls-dir"),
    insecure: flags.has("--insecure"),
    macKey: values.get("--mac-key"),
    date,
    time,
    seed: values.get("--seed"),
    randomDraw: draw === undefined ? undefined : Number(draw),
    interface: iface as RunOptions["interface"],
    readerConfig: values.get("--reader-config"),
    terminalGiven: values.has("--terminal"),
    json: flags.has("--json"),
    trace: flags.has("--trace"),
    unmask: flags.has("--unmask"),
    record: values.get("--record"),
  };
}

/** The random source with its random-selection draw fixed (Book 3 §10.6.2), when one is given. */
function withDraw(random: RandomSource, draw: number | undefined): RandomSource {
  return draw === undefined ? random : { bytes: (n) => random.bytes(n), percent: () => draw };
}

/** YYMMDD, a real calendar date (Book 3 Annex A: 9A n 6). */
function checkDate(date: string): void {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(date);
  const year = m ? 2000 + Number(m[1]) : 0;
  const month = m ? Number(m[2]) : 0;
  const day = m ? Number(m[3]) : 0;
  const last = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (!m || day < 1 || day > last) throw new UsageError(`--date '${date}' is not a date YYMMDD`);
}

/** HHMMSS (Book 3 Annex A: 9F21 n 6). */
function checkTime(time: string): void {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(time);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) {
    throw new UsageError(`--time '${time}' is not a time HHMMSS`);
  }
}

/**
 * An amount in major units ("12.34", "12", "0.5") in minor units of a currency with `exponent` decimals. At most
 * `exponent` decimals and 12 digits in all (9F02 is n 12, Book 3 Annex A).
 */
export function amountToMinorUnits(text: string, exponent: number, option = "--amount"): number {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) throw new UsageError(`${option} '${text}' is not an amount (e.g. 12.34)`);
  const fraction = m[2] ?? "";
  if (fraction.length > exponent) {
    throw new UsageError(`${option} '${text}' has ${fraction.length} decimals; the currency has ${exponent}`);
  }
  const digits = (m[1]! + fraction.padEnd(exponent, "0")).replace(/^0+(?=.)/, "");
  if (digits.length > 12) throw new UsageError(`${option} '${text}' does not fit 12 digits in minor units`);
  return Number(digits);
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** The local date YYMMDD and time HHMMSS now. */
export function nowDateTime(now = new Date()): { date: string; time: string } {
  return {
    date: pad2(now.getFullYear() % 100) + pad2(now.getMonth() + 1) + pad2(now.getDate()),
    time: pad2(now.getHours()) + pad2(now.getMinutes()) + pad2(now.getSeconds()),
  };
}

const USAGE = [
  "Usage: emvsim run [options]",
  "",
  "Runs one EMV transaction against a card and prints what the terminal did, step by step.",
  "  --card <profile|file>     card profile for the emulated card (default: visa-cvn18-cda, CDA, goes online)",
  "  --reader <uri>            emulator:<profile> (default), pcsc:<name>, serial:<path>, hid:<vid:pid>, replay:<file>",
  `  --terminal <id|file>      terminal configuration (default: ${DEFAULT_TERMINAL})`,
  `  --amount <n.nn>           amount authorised in major units (default: ${DEFAULT_AMOUNT})`,
  "  --other-amount <n.nn>     cashback amount (with --type cashback)",
  "  --type <type>             purchase (default), cash, cashback, refund",
  "  --pin <digits>            the cardholder's PIN when asked (default: PIN entry bypassed)",
  "  --capk <file>             CA public keys (emvsim keys JSON) added to the terminal's",
  "  --issuer <file>           issuer host configuration (default: a host knowing every built-in card)",
  "  --host <url>              go online to a network issuer host: tls://HOST:PORT (mutual TLS), tcp:// only with --insecure",
  "  --tls-dir <dir>           ca.pem, client.pem, client.key for --host tls:// (default: emvsim-pki)",
  "  --mac-key <file>          MAC the messages to --host (DE 64/128; 32 hex digits, file mode 0600)",
  "  --insecure                allow --host tcp:// (card data in clear; loopback tests only)",
  "  --interface <kind>        contact or contactless (default: from the card: contactless when it has only that",
  "                            interface or the reader's ATR is a PC/SC contactless one; else contact)",
  "  --reader-config <id|file> contactless reader configuration (default: attended-pos; also transit, online-only)",
  "  --date YYMMDD --time HHMMSS   transaction date and time (default: now)",
  "  --seed <text>             repeatable unpredictable numbers (terminal and emulated card)",
  "  --random-draw <1-99>      the random transaction selection draw (Book 3 §10.6.2), e.g. 99: never selected",
  "  --json                    the result as JSON instead of the report",
  "  --trace                   add the APDU exchange (decoded in the report)",
  "  --unmask                  show the PAN and track data as the card sent them (PIN data stays hidden)",
  "  --record <file>           write the session as a trace (JSON lines, masked; with --unmask the exact bytes",
  "                            except PIN data, replayable with --reader replay:<file> and the same --seed/--date/--time)",
  "",
  "Exit code 0 when the transaction reached an outcome (approved, declined or terminated), 1 on bad input.",
].join("\n");

export const command: Command = {
  name: "run",
  summary: "run one EMV transaction against a card (the emulated card by default) and report it",
  usage: USAGE,
  async run(args, io) {
    const options = parseRunArgs(args);
    // A shipped configuration the build validated is taken as is; anything else is validated (kernel/config/load.ts).
    const loaded =
      builtInTerminalConfig(options.terminal) ??
      (await import("../../kernel/config/load.js")).loadTerminalConfig(options.terminal);
    if (!loaded.ok) throw new UsageError(loaded.error);
    let config = loaded.config;
    const card = await cardSource(options);
    // The emulated card's certificates come from the emulator's test CA: the terminal gets its key under the card's RIDs.
    if (card.caKeys.length) config = withCaKeys(config, card.caKeys);
    if (options.capk) {
      const keys = loadCaKeyFile(options.capk);
      if (!keys.ok) throw new UsageError(keys.error);
      config = withCaKeys(config, keys.keys);
    }
    const amount = amountToMinorUnits(options.amount, config.currencyExponent);
    const otherAmount =
      options.otherAmount === undefined
        ? 0
        : amountToMinorUnits(options.otherAmount, config.currencyExponent, "--other-amount");
    if (otherAmount > amount) {
      throw new UsageError(
        `--other-amount ${options.otherAmount} exceeds --amount ${options.amount} (it is part of it)`,
      );
    }
    if (options.type === "cashback" && otherAmount === 0) {
      throw new UsageError("--type cashback needs --other-amount (the cashback part of the amount)");
    }

    if (options.host !== undefined && options.issuer !== undefined) {
      throw new UsageError("--issuer configures the in-process host; --host names a network host: give one");
    }
    let host: IssuerHost;
    let network: { close(): void } | undefined;
    if (options.host !== undefined) {
      const remote = await networkHost(options, config.terminalData);
      host = remote;
      network = remote;
    } else if (options.issuer) {
      const hostConfig = (await import("../../emulator/host/config.js")).loadHostConfig(options.issuer);
      if (!hostConfig.ok) throw new UsageError(hostConfig.error.message);
      host = (await import("../../emulator/host/issuer-host.js")).issuerHostFromConfig(hostConfig.value);
    } else {
      // The build's key sets when the profiles are unchanged; else derived from every profile (default.ts).
      host = builtInDefaultHost() ?? (await import("../../emulator/host/default.js")).defaultIssuerHost();
    }

    const iface = options.interface ?? card.defaultInterface;
    const opened = await card.open(
      options.seed === undefined ? undefined : seededBytes(options.seed, "card"),
      iface === "auto" ? undefined : iface,
    );
    const channel =
      options.record === undefined
        ? opened
        : (await import("../record.js")).recordedChannel(opened, options.record, options.unmask);
    const contactless =
      iface === "contactless" ||
      (iface === "auto" &&
        (await import("../../devices/contactless-atr.js")).atrInterface(channel.atr).kind === "contactless");
    const now = nowDateTime();
    const params: TransactionParams = {
      type: options.type,
      amount,
      otherAmount,
      date: options.date ?? now.date,
      time: options.time ?? now.time,
      sequenceCounter: 1,
      random: withDraw(options.seed === undefined ? systemRandom() : seededRandom(options.seed), options.randomDraw),
    };
    if (contactless) {
      try {
        const code = await runContactless(
          options,
          { params, channel, host, card, config: options.terminalGiven ? config : undefined },
          io,
        );
        return code;
      } finally {
        network?.close();
        await channel.close();
      }
    }
    try {
      const record = await runTransaction({
        config,
        params,
        channel,
        host,
        interaction: nonInteractive(options.pin === undefined ? {} : { pin: options.pin }),
      });
      const shown = { trace: options.trace, unmask: options.unmask };
      io.out(options.json ? JSON.stringify(resultToJson(record, shown), null, 2) : transactionReport(record, shown));
      return 0;
    } finally {
      network?.close();
      await channel.close();
    }
  },
};

interface CardSource {
  /** CA public keys the terminal needs for this card (the emulated card's test CA under its RIDs); empty for readers. */
  readonly caKeys: readonly CaPublicKey[];
  /** The emulated card's interface when none is forced (contact unless it has only contactless); "auto" for readers. */
  readonly defaultInterface: "contact" | "contactless" | "auto";
  /** Open the channel; the emulated card takes a random source for repeatable runs, and the interface to open. */
  open(cardRandom: ((n: number) => Uint8Array) | undefined, iface?: "contact" | "contactless"): Promise<CardChannel>;
  /** The reader configuration when --reader-config is not given (a Mastercard-style card: one with kernel 2). */
  readonly readerConfig?: string;
  /** Kernel 2 on the card's clock (the emulated card spends its relay resistance time on it). */
  readonly kernel2?: import("../../kernel/entry-point/kernel-api.js").ContactlessKernel;
}

/** A contactless transaction: Entry Point (Book B) with Kernel 3 (Book C-3) under a reader configuration. */
async function runContactless(
  options: RunOptions,
  t: {
    readonly params: TransactionParams;
    readonly channel: CardChannel;
    readonly host: IssuerHost;
    readonly card: CardSource;
    /** --terminal, replacing the reader configuration's terminal. */
    readonly config: import("../../kernel/config/types.js").TerminalConfig | undefined;
  },
  io: Parameters<Command["run"]>[1],
): Promise<number> {
  const { DEFAULT_READER_CONFIG, loadReaderConfig } = await import("../../kernel/config/reader-load.js");
  const loaded = loadReaderConfig(options.readerConfig ?? t.card.readerConfig ?? DEFAULT_READER_CONFIG);
  if (!loaded.ok) throw new UsageError(loaded.error);
  let terminal = t.config ?? loaded.config.terminal;
  if (t.card.caKeys.length) terminal = withCaKeys(terminal, t.card.caKeys);
  if (options.capk) {
    const keys = loadCaKeyFile(options.capk);
    if (!keys.ok) throw new UsageError(keys.error);
    terminal = withCaKeys(terminal, keys.keys);
  }
  const reader = { ...loaded.config, terminal };
  const { runTap } = await import("../../kernel/entry-point/entry-point.js");
  const { fieldWithCard } = await import("../../kernel/entry-point/field.js");
  const { kernel3 } = await import("../../kernel/c3/kernel.js");
  const { kernel2 } = await import("../../kernel/c2/kernel.js");
  const { tapReport, tapToJson } = await import("../../kernel/entry-point/report.js");
  const record = await runTap({
    reader,
    params: t.params,
    field: fieldWithCard(t.channel),
    kernels: new Map([
      [2, t.card.kernel2 ?? kernel2],
      [3, kernel3],
    ]),
    host: t.host,
    interaction: nonInteractive(options.pin === undefined ? {} : { pin: options.pin }),
  });
  const shown = { trace: options.trace, unmask: options.unmask };
  io.out(options.json ? JSON.stringify(tapToJson(record, reader, shown), null, 2) : tapReport(record, reader, shown));
  return 0;
}

/** The card: the emulated card in-process (profile checked before anything runs) or a reader by URI. */
async function cardSource(options: RunOptions): Promise<CardSource> {
  let uri: import("../../devices/open.js").ReaderUri = { kind: "emulator", profile: undefined };
  // Without --reader: the emulated card (what parseReaderUri gives for "emulator:"), without loading the device layer.
  if (options.reader !== undefined) {
    const { parseReaderUri, ReaderUriError } = await import("../../devices/open.js");
    try {
      uri = parseReaderUri(options.reader);
    } catch (e) {
      if (e instanceof ReaderUriError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (uri.kind !== "emulator") {
    if (options.card !== undefined)
      throw new UsageError("--card is for the emulated card; the reader has its own card");
    const { openReader } = await import("../../serve/readers.js");
    return { caKeys: [], defaultInterface: "auto", open: () => openReader(options.reader) };
  }
  if (uri.profile !== undefined && options.card !== undefined && uri.profile !== options.card) {
    throw new UsageError(`--card ${options.card} and --reader ${options.reader} name different cards`);
  }
  const paypass = await paypassCardSource(uri.profile ?? options.card, options);
  if (paypass) return paypass;
  const id = uri.profile ?? options.card ?? DEFAULT_PROFILE_ID;
  // A shipped profile the build validated is taken as is; anything else is validated (emulator/profile.ts).
  const builtIn = builtInProfile(id);
  const profile = builtIn
    ? { ok: true as const, value: builtIn }
    : (await import("../../emulator/profile.js")).loadProfile(id);
  if (!profile.ok) throw new UsageError(profile.error.message);
  const interfaces = profile.value.interfaces;
  if (options.interface && !interfaces.includes(options.interface))
    throw new UsageError(
      `--interface ${options.interface}: card ${profile.value.id} has only the ${interfaces.join(" and ")} interface`,
    );
  return {
    caKeys: caPublicKeysForProfile(profile.value),
    defaultInterface: interfaces.includes("contact") ? "contact" : "contactless",
    open: async (random, iface) =>
      openProfileChannel(profile.value, { ...(random ? { random } : {}), ...(iface ? { interface: iface } : {}) }),
  };
}

/**
 * A Mastercard-style contactless card (emulator/profiles/paypass/), tapped under attended-pos-k2 unless
 * --reader-config says otherwise; its relay resistance processing time runs on a clock Kernel 2 reads (the
 * system clock plus the card's simulated time).
 */
async function paypassCardSource(id: string | undefined, options: RunOptions): Promise<CardSource | undefined> {
  if (id === undefined || !builtInPaypassProfileIds().includes(id)) return undefined;
  const p = (await import("../../emulator/contactless/paypass-profile.js")).loadPaypassProfile(id);
  if (!p.ok) throw new UsageError(p.error);
  if (options.interface === "contact")
    throw new UsageError(`--interface contact: card ${id} has only the contactless interface`);
  const { PaypassCard, paypassCaPublicKey } = await import("../../emulator/contactless/paypass.js");
  const { createKernel2 } = await import("../../kernel/c2/kernel.js");
  const { systemClock } = await import("../../kernel/c2/clock.js");
  let simulatedMicros = 0;
  const ca = paypassCaPublicKey(p.profile);
  return {
    caKeys: ca ? [ca] : [],
    defaultInterface: "contactless",
    readerConfig: "attended-pos-k2",
    kernel2: createKernel2({
      clock: { wallMs: systemClock.wallMs, monotonicMicros: () => systemClock.monotonicMicros() + simulatedMicros },
    }),
    open: async (random) =>
      new PaypassCard(p.profile, {
        time: { advanceMicros: (n) => (simulatedMicros += n) },
        ...(random ? { random } : {}),
      }),
  };
}

/**
 * The terminal's network link for --host (online/client.ts), its TLS files read from --tls-dir; DE 41/42 from the
 * terminal configuration's 9F1C/9F16 (Book 4 §6.3.6 / Annex A: Terminal Identification an 8, Merchant Identifier
 * ans 15), DE 22 "051" (the contact kernel: chip), the STAN continued in <tls-dir>/stan.<terminal id>.
 */
async function networkHost(options: RunOptions, terminalData: ReadonlyMap<number, Uint8Array>) {
  const { NetworkIssuerHost, OnlineLinkError, parseHostUrl } = await import("../../online/client.js");
  const url = options.host as string;
  let secure: boolean;
  try {
    secure = parseHostUrl(url, options.insecure).secure;
  } catch (e) {
    if (e instanceof OnlineLinkError) throw new UsageError(e.message);
    throw e;
  }
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const dir = options.tlsDir ?? "emvsim-pki";
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), "utf8");
    } catch {
      throw new UsageError(
        `--host ${url}: cannot read ${join(dir, name)} (give --tls-dir with ca.pem, client.pem, client.key)`,
      );
    }
  };
  const tlsFiles = secure ? { ca: read("ca.pem"), cert: read("client.pem"), key: read("client.key") } : {};
  const { TAG } = await import("../../emv/tlv/tag-names.js");
  const text = (tag: number, fallback: string) => {
    const v = terminalData.get(tag);
    const t = v ? new TextDecoder().decode(v) : "";
    return /^[\x20-\x7e]+$/.test(t) ? t : fallback;
  };
  const terminalId = text(TAG.TERMINAL_IDENTIFICATION, "EMVSIM01");
  let macKey: Uint8Array | undefined;
  if (options.macKey !== undefined) {
    const { PkiError, readMacKeyFile } = await import("../../serve/host/pki.js");
    try {
      macKey = readMacKeyFile(options.macKey);
    } catch (e) {
      if (e instanceof PkiError) throw new UsageError(e.message);
      throw e;
    }
  }
  const { fileStan, memoryStan } = await import("../../online/stan.js");
  const { existsSync } = await import("node:fs");
  // No directory to keep it in (tcp:// without --tls-dir): start from the time of day in tenths of a second.
  const stan = existsSync(dir)
    ? fileStan(join(dir, `stan.${terminalId.replace(/[^A-Za-z0-9_-]/g, "_")}`))
    : memoryStan((Math.floor(Date.now() / 100) % 864_000) + 1);
  return new NetworkIssuerHost({
    url,
    insecure: options.insecure,
    terminalId,
    merchantId: text(TAG.MERCHANT_IDENTIFIER, "EMVSIM MERCHANT"),
    entryMode: "051",
    stan,
    ...(macKey ? { macKey } : {}),
    ...tlsFiles,
  });
}
