// Entry of a separate process serving a card to vpcd or a serial line (tests and bench). The PC/SC binding
// blocks its thread inside some pcsc-lite calls while pcscd talks to the vpcd card, so a card served from
// the same process as a PC/SC client can deadlock: the card must live in another process.
//   node card-process.mjs --vpcd 127.0.0.1:35963 [--card fake|<profile>] [--interface contact|contactless]
//   [--serial <path>]

import { FakeCard } from "../../devices/testing/fake-card.js";
import type { ServedCard } from "../served-card.js";
import { VpcdCardServer } from "../vpcd.js";

/** Set once the vpcd server runs: drop the link, reconnect after a pause. */
let tear: (() => void) | undefined;

async function loadCard(spec: string, iface: string | undefined): Promise<ServedCard> {
  if (spec === "fake") return new FakeCard();
  // A Mastercard-style contactless card (emulator/profiles/paypass/): contactless only.
  const { builtInPaypassProfileIds, loadPaypassProfile } = await import(
    "../../emulator/contactless/paypass-profile.js"
  );
  if (builtInPaypassProfileIds().includes(spec)) {
    const p = loadPaypassProfile(spec);
    if (!p.ok) throw new Error(p.error);
    const { PaypassServedCard } = await import("../../emulator/contactless/paypass.js");
    const card = new PaypassServedCard(p.profile);
    // A tear takes the card out of vpcd's reader for 500 ms (the card leaves the field, then is presented again).
    card.onTear = () => tear?.();
    return card;
  }
  if (iface !== undefined && iface !== "contact" && iface !== "contactless")
    throw new Error(`--interface must be contact or contactless, not '${iface}'`);
  const { emulatedServedCard } = await import("../served-card.js");
  return emulatedServedCard(spec, iface ? { interface: iface } : {});
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const card = await loadCard(opt("--card") ?? "fake", opt("--interface"));
  const stops: Array<() => Promise<void>> = [];
  const vpcd = opt("--vpcd");
  if (vpcd) {
    const [host, port] = vpcd.split(":");
    const server = new VpcdCardServer(card, { host, port: Number(port), retryMs: 100 });
    await server.start(10_000);
    tear = () => {
      void server.stop().then(() => setTimeout(() => void server.start(10_000).catch(() => {}), 500));
    };
    stops.push(() => server.stop());
  }
  const serial = opt("--serial");
  if (serial) {
    const { serveFramedSerial } = await import("../serial.js");
    const s = await serveFramedSerial(card, { path: serial });
    stops.push(() => s.close());
  }
  process.stdout.write("ready\n");
  const stop = async () => {
    for (const s of stops) await s();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`card-process: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
