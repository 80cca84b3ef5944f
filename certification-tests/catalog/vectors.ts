// Catalog: the emv-utils processing-restrictions vectors (Book 3 §10.4; fixtures/processing-restrictions.json) run as
// whole transactions: the vector's card data replaces the SDA base card's, its terminal data the attended POS's.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TransactionType } from "../../kernel/context.js";
import type { CertCase, Expected } from "./types.js";

interface TagValue {
  readonly tag: string;
  readonly value: string;
}
interface Vector {
  readonly name: string;
  readonly config_data: readonly TagValue[];
  readonly icc_data: readonly TagValue[];
  readonly params_data: readonly TagValue[];
  readonly expected_tvr: string;
}

const TYPES: Readonly<Record<string, TransactionType>> = { "00": "purchase", "01": "cash", "09": "cashback" };
/** Data objects the base card has that a vector may leave out (then removed, as the vector's card lacks them). */
const OPTIONAL = ["9F08", "9F07", "5F28", "5F25"];

/**
 * Expected: the vector's TVR byte 2 plus the base card's B1b2 (SDA selected). Outcome from the attended-pos Visa TACs:
 * B2b5 is in TAC-denial → AAC; B2b7 is in TAC-online → ARQC, which this card declines; B2b8/B2b6 are in no TAC → TC.
 */
function expectedFor(tvrHex: string): Expected {
  const b2 = Number.parseInt(tvrHex.slice(2, 4), 16);
  const tvr = `02${tvrHex.slice(2)}`;
  if (b2 & 0x10) return { outcome: "declined", tvr, cryptograms: [["AAC", "AAC"]] };
  if (b2 & 0x40) return { outcome: "declined", tvr, cryptograms: [["ARQC", "AAC"]] };
  return { outcome: "approved", tvr, cryptograms: [["TC", "TC"]] };
}

export function vectorCases(): CertCase[] {
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "processing-restrictions.json");
  const { cases } = JSON.parse(readFileSync(file, "utf8")) as { cases: Vector[] };
  return cases.map((v, i) => {
    const cfg = Object.fromEntries(v.config_data.map((t) => [t.tag, t.value]));
    const icc = Object.fromEntries(v.icc_data.map((t) => [t.tag, t.value]));
    const prm = Object.fromEntries(v.params_data.map((t) => [t.tag, t.value]));
    const type = TYPES[prm["9C"] ?? "00"] ?? "purchase";
    return {
      id: `PR-VEC-${String(i + 1).padStart(3, "0")}`,
      family: "processing restrictions",
      title: `emv-utils vector: ${v.name}`,
      ref: "Book 3 §10.4",
      profile: "visa-offline-only",
      card: { tags: icc, removeTags: OPTIONAL.filter((t) => icc[t] === undefined) },
      config: "attended-pos",
      terminal: {
        ...(cfg["9F09"] ? { aid: { applicationVersion: cfg["9F09"] } } : {}),
        ...(cfg["9F35"] ? { terminalType: cfg["9F35"] } : {}),
        ...(cfg["9F40"] ? { additionalCapabilities: cfg["9F40"] } : {}),
        ...(cfg["9F1A"] ? { countryCode: Number.parseInt(cfg["9F1A"], 10) } : {}),
      },
      params: { type, date: prm["9A"] ?? "251129", ...(type === "cashback" ? { otherAmount: 100 } : {}) },
      expected: expectedFor(v.expected_tvr),
      why: `Vector TVR ${v.expected_tvr} (re-derived by the vectors' own Book 3 check) plus B1b2 for the SDA card; outcome from the Visa TACs.`,
    };
  });
}
