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

/**
 * Splits `--opt value` / `--opt=value` arguments and `--flag`s of a command; every problem (unknown option, missing
 * value, a value given to a flag, an option or flag given twice, an unexpected argument) is a one-line UsageError
 * naming the option. A repeated option is never resolved silently by letting the last one win (issue 13 defect 7).
 * With `positional`, arguments that are not options (hex data, `-`) are returned in order instead.
 */
export function parseOptions(
  args: readonly string[],
  valueOptions: readonly string[],
  flagOptions: readonly string[],
  command: string,
  options: { readonly positional?: boolean } = {},
): { values: Map<string, string>; flags: Set<string>; positional: string[] } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  const help = `(see 'emvsim ${command} --help')`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flagOptions.includes(name)) {
      if (name !== arg) throw new UsageError(`${name} takes no value`);
      if (flags.has(name)) throw new UsageError(`${name} given twice`);
      flags.add(name);
      continue;
    }
    if (valueOptions.includes(name)) {
      const value = name !== arg ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${name}' ${help}`);
    if (!options.positional) throw new UsageError(`unexpected argument '${arg}' ${help}`);
    positional.push(arg);
  }
  return { values, flags, positional };
}
