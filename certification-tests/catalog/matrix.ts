// Catalog: every built-in card profile under every shipped terminal configuration (EMV Book 3 §10 end to end),
// asserting a defined outcome and the invariants of the books (certification-tests/invariants.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listProfiles } from "../../emulator/profile.js";
import { projectDir } from "../../emv/project-files.js";
import { builtInTerminalConfigIds } from "../../kernel/config/load.js";
import type { CertCase, Expected, RegressionGuard } from "./types.js";

type Exact = { readonly expected: Expected; readonly why: string };

/**
 * Exact results derived for the three base cards on every configuration (amount 12.34, draw 99). Terminal facts used:
 * attended-pos 9F33 E0F8C8 floor 50.00; offline-only E0B8C8 floor 1000.00, default codes; online-only E068C8 floor 0;
 * unattended E0D8C8 (no signature) floor 20.00, TTP 25+25·234/1000 ≈ 30.9 < 99; atm 6040C8 (online PIN only) floor 0.
 * Visa TAC-online DC4004F800, TAC-default DC4000A800. Card CVM List 1E03 1F03.
 */
const EXACT: Readonly<Record<string, Readonly<Record<string, Exact>>>> = {
  "visa-offline-only": {
    "attended-pos": {
      expected: {
        outcome: "approved",
        tvr: "0200000000",
        tsi: "E800",
        cvmResults: "1E0300",
        cryptograms: [["TC", "TC"]],
      },
      why: "SDA passes (B1b2 only, in no TAC) → TC; signature supported → 1E0300.",
    },
    "offline-only": {
      expected: {
        outcome: "approved",
        tvr: "0200000000",
        tsi: "E800",
        cvmResults: "1E0300",
        cryptograms: [["TC", "TC"]],
      },
      why: "B1b2 not in TAC-default DC4000A800 nor IAC-default 00 → TC.",
    },
    "online-only": {
      expected: {
        outcome: "declined",
        tvr: "0200008000",
        tsi: "E800",
        cvmResults: "1E0300",
        cryptograms: [["ARQC", "AAC"]],
      },
      why: "Floor limit 0 → B4b8 → ARQC; this card declines every ARQC request → AAC.",
    },
    unattended: {
      expected: {
        outcome: "approved",
        tvr: "0200000000",
        tsi: "E800",
        cvmResults: "1F0302",
        cryptograms: [["TC", "TC"]],
      },
      why: "No signature at the unattended terminal → 1F03 No CVM (successful); 12.34 < 20.00 and draw 99 > 30.9 % → TC.",
    },
    atm: {
      expected: {
        outcome: "declined",
        tvr: "0200808000",
        tsi: "E800",
        cvmResults: "3F0001",
        cryptograms: [["ARQC", "AAC"]],
      },
      why: "ATM supports neither signature nor No CVM → 3F0001 + B3b8; floor 0 → B4b8 → ARQC; the card declines.",
    },
  },
  "visa-cvn10-dda": {
    "attended-pos": {
      expected: {
        outcome: "approved",
        tvr: "0000000000",
        tsi: "E800",
        cvmResults: "1E0300",
        cryptograms: [["TC", "TC"]],
      },
      why: "DDA passes; TVR 0 → TC; 12.34 within the card's 50.00 offline limit.",
    },
    "offline-only": {
      expected: {
        outcome: "approved",
        tvr: "0000000000",
        tsi: "E800",
        cvmResults: "1E0300",
        cryptograms: [["TC", "TC"]],
      },
      why: "TVR 0 matches no default code → TC.",
    },
    "online-only": {
      expected: {
        outcome: "online-approved",
        tvr: "0000008000",
        tsi: "F800",
        cvmResults: "1E0300",
        cryptograms: [
          ["ARQC", "ARQC"],
          ["TC", "TC"],
        ],
      },
      why: "Floor 0 → B4b8 → ARQC; host approves with ARPC → issuer authentication → TC.",
    },
    unattended: {
      expected: {
        outcome: "approved",
        tvr: "0000000000",
        tsi: "E800",
        cvmResults: "1F0302",
        cryptograms: [["TC", "TC"]],
      },
      why: "No CVM at the unattended terminal; below floor, not randomly selected → TC.",
    },
    atm: {
      expected: {
        outcome: "online-approved",
        tvr: "0000808000",
        tsi: "F800",
        cvmResults: "3F0001",
        cryptograms: [
          ["ARQC", "ARQC"],
          ["TC", "TC"],
        ],
      },
      why: "No applicable CVM → B3b8; floor 0 → B4b8 → ARQC → approved online.",
    },
  },
  "visa-online-only": {
    "attended-pos": {
      expected: {
        outcome: "online-approved",
        tvr: "8000000000",
        tsi: "7800",
        cvmResults: "1E0300",
        cryptograms: [
          ["ARQC", "ARQC"],
          ["TC", "TC"],
        ],
      },
      why: "AIP 1C00 → B1b8 → ARQC → approved online with issuer authentication.",
    },
    "offline-only": {
      expected: {
        outcome: "declined",
        tvr: "8000000000",
        tsi: "6800",
        cvmResults: "1E0300",
        cryptograms: [["AAC", "AAC"]],
      },
      why: "B1b8 is in TAC-default DC and IAC-default FC → AAC at an offline-only terminal.",
    },
    "online-only": {
      expected: {
        outcome: "online-approved",
        tvr: "8000008000",
        tsi: "7800",
        cvmResults: "1E0300",
        cryptograms: [
          ["ARQC", "ARQC"],
          ["TC", "TC"],
        ],
      },
      why: "B1b8 and B4b8 → ARQC → approved online.",
    },
    unattended: {
      expected: {
        outcome: "online-approved",
        tvr: "8000000000",
        tsi: "7800",
        cvmResults: "1F0302",
        cryptograms: [
          ["ARQC", "ARQC"],
          ["TC", "TC"],
        ],
      },
      why: "No CVM at the unattended terminal; B1b8 → ARQC → approved online.",
    },
    atm: {
      expected: {
        outcome: "online-approved",
        tvr: "8000808000",
        tsi: "7800",
        cvmResults: "3F0001",
        cryptograms: [
          ["ARQC", "ARQC"],
          ["TC", "TC"],
        ],
      },
      why: "B1b8, B3b8 (no applicable CVM), B4b8 → ARQC → approved online.",
    },
  },
};

/** Profiles that are deliberately unusable: they must end "terminated" (Book 1 §12.4 blocked; Book 3 §10.2 bad AFL). */
const MUST_TERMINATE: Readonly<Record<string, string>> = {
  malformed: "its AFL is 9 bytes long: Book 3 §10.2 → terminate",
  "visa-blocked": "its only application is blocked: Book 1 §12.4 → no candidate → terminate",
};

/** Where the pinned values of every matrix case are (certification-tests/matrix-golden.test.ts writes them). */
export const MATRIX_GOLDEN = "certification-tests/fixtures/matrix-golden.json";

interface Pinned {
  readonly outcome: Expected["outcome"];
  readonly tvr: string;
  readonly tsi: string;
  readonly cvmResults: string | null;
  readonly oda: NonNullable<Expected["oda"]>;
  readonly cryptograms: NonNullable<Expected["cryptograms"]>;
  readonly commands: readonly string[];
}

let golden: Readonly<Record<string, Pinned>> | undefined;

/** The pinned values of a matrix case not derived above: a regression guard, labelled so in the reports. */
function guardOf(id: string): RegressionGuard | undefined {
  if (!golden) {
    const dir = projectDir(import.meta.url, "certification-tests/fixtures", "matrix-golden.json");
    try {
      golden = JSON.parse(readFileSync(join(dir, "matrix-golden.json"), "utf8")) as Record<string, Pinned>;
    } catch {
      golden = {};
    }
  }
  const p = golden[id];
  if (!p) return undefined;
  const { outcome, tvr, tsi, cvmResults, oda, cryptograms, commands } = p;
  return { expected: { outcome, tvr, tsi, cvmResults, oda, cryptograms, commands }, source: MATRIX_GOLDEN };
}

export function matrixCases(): CertCase[] {
  const out: CertCase[] = [];
  for (const profile of listProfiles({ interface: "contact" })) {
    for (const config of builtInTerminalConfigIds()) {
      const bad = MUST_TERMINATE[profile];
      const exact = EXACT[profile]?.[config];
      const id = `MTX-${profile}-${config}`.toUpperCase();
      const guard = exact || bad ? undefined : guardOf(id);
      out.push({
        id,
        family: "profile × configuration matrix",
        title: `${profile} on ${config}`,
        ref: "Book 3 §10 (whole transaction); Annex C5/C6",
        profile,
        config,
        expected: exact ? exact.expected : bad ? { outcome: "terminated", cryptograms: [] } : { never: ["terminated"] },
        why: exact
          ? exact.why
          : bad
            ? `${profile}: ${bad}.`
            : "A well-formed card never ends terminated; TSI, TVR, CVM results, ODA method and cryptograms obey the invariants.",
        invariants: true,
        ...(guard ? { guard } : {}),
      });
    }
  }
  return out;
}
