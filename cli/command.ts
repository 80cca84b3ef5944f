// The shape of one `emvsim` sub-command and the I/O it is given (so tests can run commands in-process).

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whole standard input as text (for `-` arguments). */
  readStdin(): Promise<string>;
}

export interface Command {
  readonly name: string;
  /** One line for `emvsim --help`. */
  readonly summary: string;
  /** Full usage text for `emvsim <name> --help`. */
  readonly usage: string;
  /** Returns the process exit code. Throwing UsageError (or any error) prints one line and exits 1. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A user error: bad arguments, unknown card, invalid configuration. Printed as one line, exit code 1. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface OptionSpec {
  /** The sub-command, for "see 'emvsim <command> --help'". */
  readonly command: string;
  /** Options taking one value, as `--opt value` or `--opt=value`; each may be given once. */
  readonly values?: readonly string[];
  /** Options without a value; each may be given once. */
  readonly flags?: readonly string[];
  /** Whether arguments that are not options (hex data, `-`) are allowed. Default false. */
  readonly positional?: boolean;
}

export interface ParsedOptions {
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
  readonly positional: readonly string[];
}

/**
 * Parse a sub-command's arguments. Every problem is a one-line UsageError: an unknown option, a missing value, a
 * value given to a flag, an unexpected argument, and an option given twice (a repeated option is never resolved
 * silently by letting the last one win).
 */
export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  const help = `(see 'emvsim ${spec.command} --help')`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (spec.flags?.includes(name)) {
      if (name !== arg) throw new UsageError(`${name} takes no value`);
      if (flags.has(name)) throw new UsageError(`${name} given twice`);
      flags.add(name);
      continue;
    }
    if (spec.values?.includes(name)) {
      const value = name !== arg ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${name}' ${help}`);
    if (!spec.positional) throw new UsageError(`unexpected argument '${arg}' ${help}`);
    positional.push(arg);
  }
  return { values, flags, positional };
}
