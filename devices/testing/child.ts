// A child process the harness started, and only that one: stopped by its pid (SIGTERM, SIGKILL after 3 s).

import type { ChildProcess } from "node:child_process";

export interface Supervised {
  readonly child: ChildProcess;
  /** Whether the process has exited. */
  exited(): boolean;
  /** Resolves when the process exits. */
  readonly exit: Promise<void>;
  /** SIGTERM by pid, SIGKILL after 3 s; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

export function supervise(child: ChildProcess): Supervised {
  let done = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      done = true;
      resolve();
    });
    child.once("error", () => {
      done = true;
      resolve();
    });
  });
  return {
    child,
    exit,
    exited: () => done,
    async stop() {
      if (done) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exit;
      clearTimeout(t);
    },
  };
}
