// Test entry (bundled and run under `flock /tmp/emvsim-hw.lock` by tut.integration.test.ts): a private pcscd with
// one vpcd reader, then `emvsim certify --terminal-under-test vpcd:127.0.0.1:<its port> <args>` in this process (the
// cards are served from here; the terminal under test runs in its own process), then the pcscd stopped by pid.
//   node certify-on-pcscd.mjs [certify args without --terminal-under-test]

import { main } from "../../../cli/main.js";
import { runningPcscdPids, startPrivatePcscd } from "../../../devices/testing/pcscd.js";

async function run(): Promise<number> {
  // Another harness may be finishing (its pcscd exiting): wait a bounded time for the machine's one pcscd slot.
  const deadline = Date.now() + 30_000;
  while (runningPcscdPids().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const pcscd = await startPrivatePcscd();
  try {
    return await main(["certify", "--terminal-under-test", `vpcd:127.0.0.1:${pcscd.port}`, ...process.argv.slice(2)], {
      out: (t) => process.stdout.write(`${t}\n`),
      err: (t) => process.stderr.write(`${t}\n`),
      readStdin: async () => "",
    });
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
