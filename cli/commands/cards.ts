// `emvsim cards`: the built-in card profiles of the emulator (emulator/profiles/), as a table or JSON.

import {
  builtInPaypassProfileIds,
  loadPaypassProfile,
  type PaypassProfile,
} from "../../emulator/contactless/paypass-profile.js";
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
  /** The interfaces the card has: contact, contactless or both (contact first). */
  interfaces: string[];
  /** The contactless kernel the card is made for: 2 (Book C-2, emulator/profiles/paypass/), 3 (Book C-3), or null. */
  kernel: 2 | 3 | null;
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
    interfaces: [...p.interfaces],
    kernel: p.interfaces.includes("contactless") ? contactlessKernel(p) : null,
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

/** Kernel 3 unless every contactless application is listed for another kernel in the PPSE (9F2A). */
function contactlessKernel(p: CardProfile): 2 | 3 | null {
  const kernels = p.applications.flatMap((a) => {
    if (!a.contactless) return [];
    const k = a.contactless.kernelIdentifier;
    return [k === undefined || k[0] === 0x03 ? 3 : k[0] === 0x02 ? 2 : null];
  });
  return kernels.includes(3) ? 3 : kernels.includes(2) ? 2 : null;
}

/** A Mastercard-style contactless card (Book C-2): one application, CVN 16 cryptograms, CDA. */
export function summarisePaypass(p: PaypassProfile): CardSummary {
  return {
    id: p.id,
    description: p.description,
    scheme: "mastercard",
    default: false,
    interfaces: ["contactless"],
    kernel: 2,
    aids: [p.aid],
    labels: [p.label],
    cvn: [16],
    // AIP byte 1 b1: CDA supported (Book C-2 ODA is CDA only).
    oda: [(Number.parseInt(p.aip.slice(0, 2), 16) & 0x01) !== 0 ? "cda" : "none"],
    pans: [maskPan(p.pan)],
    pse: false,
    pin: false,
    faults: [...p.faults],
  };
}

export const command: Command = {
  name: "cards",
  summary: "list the emulator's built-in card profiles",
  usage: [
    "Usage: emvsim cards [--json]",
    "",
    "Lists the built-in card profiles (emulator/profiles/*.json): id, AIDs, cryptogram version, ODA method.",
    "Contact and dual-interface cards first, then the Mastercard-style contactless cards for Kernel 2",
    "(emulator/profiles/paypass/); every one runs with `emvsim run --card <id>`.",
    "  --json   a JSON array of { id, description, scheme, default, interfaces, kernel, aids, labels, cvn, oda, pans,",
    "           pse, pin, faults }",
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
    for (const id of builtInPaypassProfileIds()) {
      const r = loadPaypassProfile(id);
      if (!r.ok) throw new Error(r.error);
      summaries.push(summarisePaypass(r.profile));
    }
    if (args.includes("--json")) {
      io.out(JSON.stringify(summaries, null, 2));
      return 0;
    }
    const rows = summaries.map((s) => [
      s.id + (s.default ? " *" : ""),
      s.interfaces.join("+") + (s.kernel === null ? "" : ` (K${s.kernel})`),
      s.aids.join(","),
      s.cvn.map((c) => (c === null ? "-" : String(c))).join(","),
      s.oda.join(","),
      s.description,
    ]);
    const head = ["ID", "INTERFACES", "AIDS", "CVN", "ODA", "DESCRIPTION"];
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
