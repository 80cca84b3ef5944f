#!/usr/bin/env node
// emvsim command-line entry: dispatches to one module per sub-command; never shows a stack trace.

import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { projectDir } from "../emv/project-files.js";
import { maskSensitiveText } from "../emv/sensitive.js";
import type { CliIo, Command } from "./command.js";

/** Sub-commands, loaded on demand so that `emvsim decode` never loads device bindings. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  // each entry: name → lazy import of cli/commands/<name>.ts
  atr: async () => (await import("./commands/atr.js")).command,
  readers: async () => (await import("./commands/readers.js")).command,
  emulate: async () => (await import("./commands/emulate.js")).command,
  decode: async () => (await import("./commands/decode.js")).command,
  cards: async () => (await import("./commands/cards.js")).command,
  keys: async () => (await import("./commands/keys.js")).command,
  run: async () => (await import("./commands/run.js")).command,
  certify: async () => (await import("./commands/certify.js")).command,
  host: async () => (await import("./commands/host.js")).command,
};

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

async function helpText(): Promise<string> {
  const lines = [
    "emvsim — EMV Level 2 terminal kernel and card simulator",
    "",
    "Usage: emvsim <command> [options]",
    "",
  ];
  for (const name of Object.keys(COMMANDS)) {
    const cmd = await COMMANDS[name]!();
    lines.push(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  lines.push("", "Run 'emvsim <command> --help' for a command's options, 'emvsim --version' for the version.");
  return lines.join("\n");
}

/** The package version, from the package.json above this module (sources and dist/ alike). */
export function packageVersion(): string {
  const file = join(projectDir(import.meta.url, ".", "package.json"), "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/** Run the CLI with argv (without node and script). Returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === "--version" || name === "-V" || name === "version") {
      io.out(`emvsim ${packageVersion()}`);
      return 0;
    }
    if (!name || name === "--help" || name === "-h" || name === "help") {
      io.out(await helpText());
      return name ? 0 : 1;
    }
    const load = COMMANDS[name];
    if (!load) {
      io.err(`emvsim: unknown command '${maskSensitiveText(name)}' (try 'emvsim --help')`);
      return 1;
    }
    const cmd = await load();
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(cmd.usage);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.err(`emvsim ${name}: ${maskSensitiveText(message.split("\n")[0] ?? message)}`);
    if (process.env["EMVSIM_DEBUG"] && e instanceof Error && e.stack) io.err(e.stack);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`emvsim: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
