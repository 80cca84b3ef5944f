// Entry of a separate process serving the scripted pcscd (devices/testing/fake-pcscd.ts) on a socket path, for
// tests that need libpcsclite (inside the native binding) to talk to it: libpcsclite blocks the thread that calls
// it, so the daemon must not share that thread's event loop.
//   node fake-pcscd-process.mjs <socket path> <major.minor>

import { FakePcscd } from "./fake-pcscd.js";

async function main(): Promise<void> {
  const [path, version = "4.4"] = process.argv.slice(2);
  const [major, minor] = version.split(".").map(Number);
  if (!path || major === undefined || minor === undefined) throw new Error("usage: <socket path> <major.minor>");
  const fake = await FakePcscd.start({ path, version: [major, minor] });
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(`listening on ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
