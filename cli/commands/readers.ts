// `emvsim readers [--json]`: what is attached per reader kind, and why a kind is unavailable. Never fails.

import { discoverReaders } from "../../serve/readers.js";
import { type Command, UsageError } from "../command.js";

export const command: Command = {
  name: "readers",
  summary: "list attached readers per kind (emulator, PC/SC, serial, HID) and why a kind is unavailable",
  usage: [
    "Usage: emvsim readers [--json]",
    "",
    "Lists readers usable with --reader <uri>: emulator profiles, PC/SC readers (pcscd), serial ports, HID devices.",
    "A kind that cannot be used is listed with the reason (pcscd not running, serialport not installed, ...).",
  ].join("\n"),
  async run(args, io) {
    const unknown = args.filter((a) => a !== "--json");
    if (unknown.length > 0) throw new UsageError(`unknown argument '${unknown[0]}' (see 'emvsim readers --help')`);
    const reports = await discoverReaders();
    if (args.includes("--json")) {
      io.out(JSON.stringify(reports, null, 2));
      return 0;
    }
    const lines: string[] = [];
    for (const r of reports) {
      const via = r.via ? ` (via ${r.via})` : "";
      lines.push(`${r.kind}: ${r.available ? `${r.readers.length} found${via}` : `unavailable — ${r.reason}`}`);
      for (const x of r.readers) lines.push(`  ${x.uri}${x.detail ? `  (${x.detail})` : ""}`);
    }
    io.out(lines.join("\n"));
    return 0;
  },
};
