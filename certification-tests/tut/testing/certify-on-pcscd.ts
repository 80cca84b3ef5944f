// Test entry (bundled and run by tut.integration.test.ts): a private pcscd (after the machine-wide pcscd lock) with
// one vpcd reader, then `<emvsim> certify --terminal-under-test vpcd:127.0.0.1:<its port> <args>` as a child (the
// cards are served from it; the terminal under test runs in its own process), then the pcscd stopped by pid.
//   node certify-on-pcscd.mjs <emvsim cli .mjs> [certify args without --terminal-under-test]

import { spawn } from "node:child_process";
import { startPrivatePcscd } from "../../../devices/testing/pcscd.js";

async function run(): Promise<number> {
  const [cli, ...args] = process.argv.slice(2);
  if (!cli) throw new Error("usage: certify-on-pcscd <emvsim cli> [certify args]");
  const pcscd = await startPrivatePcscd();
  try {
    const child = spawn(
      process.execPath,
      [cli, "certify", "--terminal-under-test", `vpcd:127.0.0.1:${pcscd.port}`, ...args],
      { stdio: "inherit" },
    );
    const stop = () => child.kill("SIGTERM");
    process.once("SIGTERM", stop);
    const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 1)));
    process.off("SIGTERM", stop);
    return code;
  } finally {
    await pcscd.stop();
  }
}

run().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`certify-on-pcscd: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
