// `emvsim cards`: the built-in card profiles of the emulator (emulator/profiles/), as a table or JSON.

import {
  applicationPan,
  type CardProfile,
  DEFAULT_PROFILE_ID,
  listProfiles,
  loadProfile,
} from "../../emulator/profile.js";
import { toHex } from "../../emv/bytes.js";
import { maskPan } from "../../emv/sensitive.js";
import { type CliIo, type Command, UsageError } from "../command.js";

/** One profile in `--json` output. */
export interface CardSummary {
  id: string;
  description: string;
  scheme: string;
  default: boolean;
  aids: string[];
  labels: string[];
  /** Cryptogram versions, one per application (null when the application has no cryptogram keys). */
  cvn: (number | null)[];
  /** ODA method per application: none, sda, dda, cda. */
  oda: string[];
  /** Masked PANs (first 6, last 4). */
  pans: string[];
  pse: boolean;
  pin: boolean;
  faults: string[];
}

export function summarise(p: CardProfile): CardSummary {
  return {
    id: p.id,
    description: p.description,
    scheme: p.scheme,
    default: p.id === DEFAULT_PROFILE_ID,
    aids: p.applications.map((a) => toHex(a.aid)),
    labels: p.applications.map((a) => a.label),
    cvn: p.applications.map((a) => a.cryptogram?.cvn ?? null),
    oda: p.applications.map((a) => a.oda?.method ?? "none"),
    pans: p.applications.map((a) => {
      const pan = applicationPan(a);
      return pan ? maskPan(pan) : "";
    }),
    pse: p.pse !== undefined,
    pin: p.applications.some((a) => a.pin !== undefined),
    faults: p.faults.map((f) => f.kind),
  };
}

export const command: Command = {
  name: "cards",
  summary: "list the emulator's built-in card profiles",
  usage: [
    "Usage: emvsim cards [--json]",
    "",
    "Lists the built-in card profiles (emulator/profiles/*.json): id, AIDs, cryptogram version, ODA method.",
    "  --json   a JSON array of { id, description, scheme, default, aids, labels, cvn, oda, pans, pse, pin, faults }",
  ].join("\n"),
  async run(args: string[], io: CliIo): Promise<number> {
    const unknown = args.filter((a) => a !== "--json");
    if (unknown.length > 0) throw new UsageError(`unknown option '${unknown[0]}' (try 'emvsim cards --help')`);
    const summaries: CardSummary[] = [];
    for (const id of listProfiles()) {
      const r = loadProfile(id);
      if (!r.ok) throw r.error;
      summaries.push(summarise(r.value));
    }
    if (args.includes("--json")) {
      io.out(JSON.stringify(summaries, null, 2));
      return 0;
    }
    const rows = summaries.map((s) => [
      s.id + (s.default ? " *" : ""),
      s.aids.join(","),
      s.cvn.map((c) => (c === null ? "-" : String(c))).join(","),
      s.oda.join(","),
      s.description,
    ]);
    const head = ["ID", "AIDS", "CVN", "ODA", "DESCRIPTION"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd();
    io.out([line(head), ...rows.map(line), "", `* default profile (${DEFAULT_PROFILE_ID})`].join("\n"));
    return 0;
  },
};
