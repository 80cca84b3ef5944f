// Catalog: every built-in card profile under every shipped terminal configuration (EMV Book 3 §10 end to end),
// asserting a defined outcome and the invariants of the books (certification-tests/invariants.ts).

import { listProfiles } from "../../emulator/profile.js";
import { builtInTerminalConfigIds } from "../../kernel/config/load.js";
import type { CertCase } from "./types.js";

/** Profiles that are deliberately unusable: they must end "terminated" (Book 1 §12.4 blocked; Book 3 §10.2 bad AFL). */
const MUST_TERMINATE: Readonly<Record<string, string>> = {
  malformed: "its AFL is 9 bytes long: Book 3 §10.2 → terminate",
  "visa-blocked": "its only application is blocked: Book 1 §12.4 → no candidate → terminate",
};

export function matrixCases(): CertCase[] {
  const out: CertCase[] = [];
  for (const profile of listProfiles()) {
    for (const config of builtInTerminalConfigIds()) {
      const bad = MUST_TERMINATE[profile];
      out.push({
        id: `MTX-${profile}-${config}`.toUpperCase(),
        family: "profile × configuration matrix",
        title: `${profile} on ${config}`,
        ref: "Book 3 §10 (whole transaction); Annex C5/C6",
        profile,
        config,
        expected: bad ? { outcome: "terminated", cryptograms: [] } : { never: ["terminated"] },
        why: bad
          ? `${profile}: ${bad}.`
          : "A well-formed card never ends terminated; TSI, TVR, CVM results, ODA method and cryptograms obey the invariants.",
        invariants: true,
      });
    }
  }
  return out;
}
