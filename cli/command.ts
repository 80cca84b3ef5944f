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
