// `emvsim emulate --card <profile> --vpcd <host:port> | --serial <path>`: serve the emulated card to other
// software — as the card in pcscd's vpcd reader, or on a serial line — until SIGINT/SIGTERM.

import { type Command, UsageError } from "../command.js";

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
    "",
    "Runs until SIGINT or SIGTERM, then removes the card and exits.",
  ].join("\n"),
  async run(args, io) {
    const opts = new Map<string, string>();
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (!["--card", "--vpcd", "--serial", "--line", "--baud"].includes(a))
        throw new UsageError(`unknown argument '${a}' (see 'emvsim emulate --help')`);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      opts.set(a, v);
    }
    const vpcd = opts.get("--vpcd");
    const serial = opts.get("--serial");
    if (!vpcd && !serial) throw new UsageError("give --vpcd <host:port> or --serial <path>");
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

    const stops: Array<() => Promise<void>> = [];
    if (vpcd) {
      const m = /^(.*):(\d+)$/.exec(vpcd);
      const host = m ? m[1] || "127.0.0.1" : vpcd;
      const port = m ? Number(m[2]) : 35963;
      const { VpcdCardServer } = await import("../../serve/vpcd.js");
      const server = new VpcdCardServer(card, { host, port, log: (l) => io.err(l) });
      // Keep trying in the background: pcscd may start after us.
      server.start(2_147_483_647).catch(() => {});
      io.err(`emulating ${profileId} for vpcd at ${host}:${port} (Ctrl-C to stop)`);
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
    await new Promise<void>((resolve) => {
      const done = () => {
        process.off("SIGINT", done);
        process.off("SIGTERM", done);
        resolve();
      };
      process.on("SIGINT", done);
      process.on("SIGTERM", done);
    });
    for (const s of stops) await s();
    io.err("card removed, stopped");
    return 0;
  },
};
