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
 * or repeated value, a value given to a flag) is a one-line UsageError naming the option.
 */
export function parseOptions(
  args: readonly string[],
  valueOptions: readonly string[],
  flagOptions: readonly string[],
  command: string,
): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flagOptions.includes(name)) {
      if (name !== arg) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!valueOptions.includes(name))
      throw new UsageError(
        arg.startsWith("-")
          ? `unknown option '${name}' (see 'emvsim ${command} --help')`
          : `unexpected argument '${arg}' (see 'emvsim ${command} --help')`,
      );
    const value = name !== arg ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} given twice`);
    values.set(name, value);
  }
  return { values, flags };
}
