// `emvsim emulate --card <profile> --vpcd <host:port> | --serial <path>`: serve the emulated card to other
// software — as the card in pcscd's vpcd reader, or on a serial line — until SIGINT/SIGTERM.

import { type Command, parseOptions, UsageError } from "../command.js";

/** vsmartcard vpcd's default port. */
const VPCD_PORT = 35963;

/**
 * `host:port`, `host` (default port), `:port` or a bare port number (default host); every other form is a one-line
 * UsageError. A bare number is a port, never a host name: `--vpcd 99999` is a port out of range, not host "99999".
 */
export function parseVpcdAddress(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  const bare = colon < 0 && /^[0-9]+$/.test(text);
  if (colon < 0 && !bare) return { host: text, port: VPCD_PORT };
  const host = bare ? "127.0.0.1" : text.slice(0, colon) || "127.0.0.1";
  const portText = bare ? text : text.slice(colon + 1);
  if (portText === "") throw new UsageError(`--vpcd '${text}': no port after ':' (give host:port)`);
  if (!/^[0-9]+$/.test(portText)) throw new UsageError(`--vpcd '${text}': port '${portText}' is not a number`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new UsageError(`--vpcd '${text}': port ${port} is not 1 to 65535`);
  return { host, port };
}

/** Throws a one-line error when `host` has no address (DNS or /etc/hosts), naming the --vpcd value. */
async function hostResolves(text: string, host: string): Promise<void> {
  const { lookup } = await import("node:dns/promises");
  try {
    await lookup(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "no address";
    throw new UsageError(`--vpcd '${text}': host '${host}' not found (${code})`);
  }
}

export const command: Command = {
  name: "emulate",
  summary: "serve an emulated card to other software (pcscd vpcd reader, serial line)",
  usage: [
    "Usage: emvsim emulate [--card <profile|file>] (--vpcd <host:port> | --serial <path>) [options]",
    "",
    "  --card <profile>      built-in profile id or profile file (default: the default profile)",
    "  --vpcd <host:port>    connect to vsmartcard vpcd (pcscd reader 'Virtual PCD'), default port 35963;",
    "                        reconnects when pcscd restarts",
    "  --serial <path>       serve on a serial port / pty with the emvsim framed protocol (devices/README.md)",
    "  --line t0|t1          with --serial: act as a raw card I/O line (ATR then T=0 or T=1) instead",
    "  --baud <n>            serial speed (default 115200, raw line 9600)",
    "  --fast                with --vpcd: answer at once (by default the card takes a chip's processing time per",
    "                        command, emulator/processing-time.ts; a T=0 card also answers with 61xx/6Cxx procedure",
    "                        bytes as a real one does, unless its profile sets served.t0Procedure false)",
    "",
    "Runs until SIGINT or SIGTERM, then removes the card and exits.",
  ].join("\n"),
  async run(args, io) {
    const parsed = parseOptions(args, ["--card", "--vpcd", "--serial", "--line", "--baud"], ["--fast"], "emulate");
    const opts = parsed.values;
    const fast = parsed.flags.has("--fast");
    const vpcdText = opts.get("--vpcd");
    const serial = opts.get("--serial");
    if (!vpcdText && !serial) throw new UsageError("give --vpcd <host:port> or --serial <path>");
    if (vpcdText && serial) throw new UsageError("give --vpcd or --serial, not both");
    const vpcd = vpcdText === undefined ? undefined : parseVpcdAddress(vpcdText);
    // Retrying is for a vpcd not started yet; a host name that does not resolve never will: one line, exit 1.
    if (vpcd) await hostResolves(vpcdText ?? "", vpcd.host);
    const line = opts.get("--line");
    if (line !== undefined && line !== "t0" && line !== "t1") throw new UsageError(`--line '${line}' is not t0 or t1`);
    const baudText = opts.get("--baud");
    const baud = baudText === undefined ? undefined : Number(baudText);
    if (baud !== undefined && (!Number.isInteger(baud) || baud <= 0))
      throw new UsageError(`--baud '${baudText}' is not a baud rate`);

    const { loadProfile, DEFAULT_PROFILE_ID } = await import("../../emulator/profile.js");
    const { EmulatedCard } = await import("../../emulator/card.js");
    const profileId = opts.get("--card") ?? DEFAULT_PROFILE_ID;
    const loaded = loadProfile(profileId);
    if (!loaded.ok) throw loaded.error;
    const card = new EmulatedCard(loaded.value);

    // Listen for SIGINT/SIGTERM before serving: a signal that comes while we start must stop us, not kill us.
    let requestStop = () => {};
    const stopRequested = new Promise<void>((resolve) => {
      requestStop = resolve;
    });
    const onSignal = () => requestStop();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      await serve(stopRequested);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    io.err("card removed, stopped");
    return 0;

    async function serve(until: Promise<void>): Promise<void> {
      const stops: Array<() => Promise<void>> = [];
      if (vpcd) {
        const { host, port } = vpcd;
        const { VpcdCardServer } = await import("../../serve/vpcd.js");
        const { ServedEmulatedCard } = await import("../../serve/served-card.js");
        const served = new ServedEmulatedCard(card, { fast });
        const server = new VpcdCardServer(served, { host, port, log: (l) => io.err(l) });
        // Keep trying in the background: pcscd may start after us.
        server.start(2_147_483_647).catch(() => {});
        const behaviour = `${served.t0Procedure ? "T=0 procedure bytes" : "APDU level"}, ${fast ? "no processing time" : "a chip's processing time"}`;
        io.err(`emulating ${profileId} for vpcd at ${host}:${port} (${behaviour}; Ctrl-C to stop)`);
        stops.push(() => server.stop());
      }
      if (serial) {
        const servers = await import("../../serve/serial.js");
        const s = line
          ? await servers.serveRawCardLine(card, { path: serial, baudRate: baud, protocol: line === "t1" ? 1 : 0 })
          : await servers.serveFramedSerial(card, { path: serial, baudRate: baud });
        io.err(`emulating ${profileId} on ${serial} (${line ? `raw ${line.toUpperCase()} line` : "framed protocol"})`);
        stops.push(() => s.close());
      }
      try {
        await until;
      } finally {
        for (const s of stops) await s();
      }
    }
  },
};
