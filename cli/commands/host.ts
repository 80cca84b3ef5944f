// `emvsim host`: the network issuer host service (serve/host) — mutual TLS 1.2+, ISO 8583 with DE 55, the issuer
// logic of emulator/host, an encrypted journal and an audit log; stops cleanly on SIGINT/SIGTERM.
// `emvsim host pki --out DIR`: a development PKI (CA, host and terminal certificates, journal key).

import { join } from "node:path";
import type { Journal } from "../../serve/host/journal.js";
import type { HostService } from "../../serve/host/service.js";
import { type CliIo, type Command, parseOptions, UsageError } from "../command.js";

export const DEFAULT_LISTEN = "127.0.0.1:8583";
export const DEFAULT_TLS_DIR = "emvsim-pki";
export const DEFAULT_JOURNAL = "emvsim-host.journal";

export interface HostOptions {
  readonly host: string;
  readonly port: number;
  readonly config: string | undefined;
  readonly tlsDir: string;
  readonly journal: string;
  readonly audit: string;
  /** Journal master key file (used when EMVSIM_JOURNAL_KEY is not set); default <tls-dir>/journal.key. */
  readonly journalKey: string;
  /** DE 64/128 MAC key file (32 hex digits, mode 0600); absent: no MACs. */
  readonly macKey: string | undefined;
  readonly fsync: boolean;
  readonly quiet: boolean;
}

const VALUE_OPTIONS = [
  "--listen",
  "--config",
  "--tls-dir",
  "--journal",
  "--audit",
  "--journal-key",
  "--mac-key",
] as const;
const FLAG_OPTIONS = ["--fsync", "--quiet"] as const;

/** `emvsim host` arguments; every problem a one-line UsageError. */
export function parseHostArgs(args: readonly string[]): HostOptions {
  const { values, flags } = parseOptions(args, VALUE_OPTIONS, FLAG_OPTIONS, "host");
  const listen = values.get("--listen") ?? DEFAULT_LISTEN;
  const m = /^([^:\s]+):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`--listen '${listen}': expected HOST:PORT (port 0-65535)`);
  const tlsDir = values.get("--tls-dir") ?? DEFAULT_TLS_DIR;
  const journal = values.get("--journal") ?? DEFAULT_JOURNAL;
  return {
    host: m[1]!,
    port: Number(m[2]),
    config: values.get("--config"),
    tlsDir,
    journal,
    audit: values.get("--audit") ?? `${journal}.audit`,
    journalKey: values.get("--journal-key") ?? join(tlsDir, "journal.key"),
    macKey: values.get("--mac-key"),
    fsync: flags.has("--fsync"),
    quiet: flags.has("--quiet"),
  };
}

const USAGE = [
  "Usage: emvsim host [options]          the network issuer host (stop with SIGINT/SIGTERM)",
  "       emvsim host pki --out DIR      issue a development PKI (CA, host and terminal certificates, journal key)",
  "",
  "Answers ISO 8583:1987 0100/0200/0400/0120 (2-byte length header, DE 55 ICC data) over TLS 1.2+ with client",
  "certificates, with the issuer host logic (ARQC check, rules, ARPC, scripts 71/72); journals every answer",
  "(AES-256-GCM, PAN as HMAC token + first 6/last 4) and writes one audit line per message.",
  `  --listen HOST:PORT     where to listen (default ${DEFAULT_LISTEN}; port 0: any free port)`,
  "  --config FILE          issuer host configuration (the 'emvsim run --issuer' format; default: the built-in cards)",
  `  --tls-dir DIR          ca.pem (client CA), server.pem, server.key (default ${DEFAULT_TLS_DIR}, see 'host pki')`,
  `  --journal PATH         the journal (default ${DEFAULT_JOURNAL}); replayed at start`,
  "  --audit PATH           the audit log (default: the journal path + .audit)",
  "  --journal-key FILE     journal master key, 64 hex digits, mode 0600 (default <tls-dir>/journal.key);",
  "                         the environment variable EMVSIM_JOURNAL_KEY takes precedence",
  "  --mac-key FILE         DE 64/128 MAC key (32 hex digits, mode 0600): requests must carry a valid MAC",
  "  --fsync                fdatasync each journal record (default: written before each answer, no fsync)",
  "  --quiet                audit lines to the audit log only, not also to stdout",
].join("\n");

const PKI_USAGE = "Usage: emvsim host pki --out DIR [--force]";

async function pki(args: readonly string[], io: CliIo): Promise<number> {
  const { values, flags } = parseOptions(args, ["--out"], ["--force"], "host pki");
  const out = values.get("--out");
  if (out === undefined) throw new UsageError(`--out DIR is required (${PKI_USAGE})`);
  const { existsSync } = await import("node:fs");
  const { issuePki, PKI_FILES, writePki } = await import("../../serve/host/pki.js");
  const existing = Object.values(PKI_FILES).filter((f) => existsSync(join(out, f)));
  if (existing.length > 0 && !flags.has("--force"))
    throw new UsageError(`${join(out, existing[0]!)} exists; give --force to replace the PKI in ${out}`);
  const written = writePki(out, issuePki());
  io.out(
    `emvsim host pki: wrote ${written.length} files to ${out} (keys mode 0600): ${Object.values(PKI_FILES).join(", ")}`,
  );
  return 0;
}

/** Runs the service until `stop` resolves (with the signal's name); returns the exit code. */
export async function runHost(options: HostOptions, io: CliIo, stop: Promise<string>): Promise<number> {
  const { PkiError, readCertFile, readKeyFile, readMacKeyFile } = await import("../../serve/host/pki.js");
  const {
    JOURNAL_KEY_ENV,
    Journal: JournalClass,
    JournalError,
    journalKeys,
  } = await import("../../serve/host/journal.js");
  const { AuditLog } = await import("../../serve/host/audit.js");
  const { HostService: Service, HostServiceError } = await import("../../serve/host/service.js");
  const hostModule = await import("../../emulator/host/index.js");
  const oneLine = (e: unknown): never => {
    if (e instanceof PkiError || e instanceof JournalError || e instanceof HostServiceError)
      throw new UsageError(e.message);
    throw e;
  };
  let tls: { clientCa: string; cert: string; key: string };
  let keys: ReturnType<typeof journalKeys>;
  let macKey: Uint8Array | undefined;
  try {
    macKey = options.macKey === undefined ? undefined : readMacKeyFile(options.macKey);
    tls = {
      clientCa: readCertFile(join(options.tlsDir, "ca.pem")),
      cert: readCertFile(join(options.tlsDir, "server.pem")),
      key: readKeyFile(join(options.tlsDir, "server.key")),
    };
    const fromEnv = process.env[JOURNAL_KEY_ENV];
    keys =
      fromEnv !== undefined && fromEnv !== ""
        ? journalKeys(fromEnv, JOURNAL_KEY_ENV)
        : journalKeys(readKeyFile(options.journalKey), `journal key file ${options.journalKey}`);
  } catch (e) {
    return oneLine(e);
  }
  let issuer: InstanceType<typeof hostModule.SimulatedIssuerHost>;
  if (options.config !== undefined) {
    const config = hostModule.loadHostConfig(options.config);
    if (!config.ok) throw new UsageError(config.error.message);
    issuer = hostModule.issuerHostFromConfig(config.value);
  } else {
    issuer = hostModule.defaultIssuerHost();
  }
  let journal: Journal;
  try {
    journal = JournalClass.open(options.journal, keys, { fsync: options.fsync });
  } catch (e) {
    return oneLine(e);
  }
  let audit: InstanceType<typeof AuditLog>;
  try {
    audit = new AuditLog(options.audit, options.quiet ? undefined : (line) => io.out(line));
  } catch (e) {
    journal.close();
    throw new UsageError(`cannot open audit log ${options.audit}: ${(e as Error).message}`);
  }
  let service: HostService;
  try {
    service = await Service.start({
      host: options.host,
      port: options.port,
      tls,
      issuer,
      journal,
      audit,
      ...(macKey ? { macKey } : {}),
    });
  } catch (e) {
    journal.close();
    audit.close();
    return oneLine(e);
  }
  const dropped =
    journal.droppedBytes > 0 ? `, ${journal.droppedBytes} bytes of an incomplete last record dropped` : "";
  io.out(
    `emvsim host: listening on tls://${options.host}:${service.port} (TLS 1.2+, client certificates from ${join(options.tlsDir, "ca.pem")}${macKey ? ", DE 64/128 MACs" : ""}); journal ${options.journal} (${journal.size} records replayed${dropped}); audit ${options.audit}`,
  );
  const signal = await stop;
  await service.stop();
  const s = service.stats;
  io.out(
    `emvsim host: stopped (${signal}): ${s.messages} messages, ${s.authorisations} authorisations, ${s.duplicates} duplicates, ${s.reversals} reversals, ${s.advices} advices, ${s.formatErrors} format errors, ${s.refusedHandshakes} refused handshakes; journal closed (${journal.size} records)`,
  );
  return 0;
}

/** Resolves with the name of the first SIGINT or SIGTERM (and stops listening for both). */
function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (name: string) => () => {
      process.off("SIGINT", int);
      process.off("SIGTERM", term);
      resolve(name);
    };
    const int = on("SIGINT");
    const term = on("SIGTERM");
    process.on("SIGINT", int);
    process.on("SIGTERM", term);
  });
}

export const command: Command = {
  name: "host",
  summary: "the network issuer host: ISO 8583 over mutual TLS, journal and audit log ('host pki' issues certificates)",
  usage: USAGE,
  async run(args, io) {
    if (args[0] === "pki") return pki(args.slice(1), io);
    return runHost(parseHostArgs(args), io, signalled());
  },
};
