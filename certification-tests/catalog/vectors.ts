// Catalog: the emv-utils processing-restrictions vectors (Book 3 §10.4; fixtures/processing-restrictions.json) run as
// whole transactions: the vector's card data replaces the SDA base card's, its terminal data the attended POS's.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectDir } from "../../emv/project-files.js";
import type { TransactionType } from "../../kernel/transaction-params.js";
import type { CertCase, Expected } from "./types.js";

/** certification-tests/fixtures, from the sources and from dist/ alike. */
function fixturesDir(): string {
  return projectDir(import.meta.url, "certification-tests/fixtures", "processing-restrictions.json");
}

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
  const file = join(fixturesDir(), "processing-restrictions.json");
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

interface RiskVector {
  readonly name: string;
  readonly config_data: readonly TagValue[];
  readonly icc_data: readonly TagValue[];
  readonly params_data: readonly TagValue[];
  readonly transaction_log?: readonly {
    amount_authorised_binary: number;
    pan: string;
    psn: string;
    transaction_date: string;
  }[];
  readonly card_exchanges?: readonly { c_apdu: string; sw: string; tlv?: readonly TagValue[] }[];
  readonly expected_tvr: string;
}

/** Visa TAC-online DC4004F800 (attended-pos): a vector bit in it sends the transaction online, which this card declines. */
const TAC_ONLINE = [0xdc, 0x40, 0x04, 0xf8, 0x00];

export function riskVectorCases(): CertCase[] {
  const file = join(fixturesDir(), "terminal-risk-management.json");
  const { cases } = JSON.parse(readFileSync(file, "utf8")) as { cases: RiskVector[] };
  return cases.map((v, i) => {
    const cfg = Object.fromEntries(v.config_data.map((t) => [t.tag, t.value]));
    const icc = Object.fromEntries(v.icc_data.map((t) => [t.tag, t.value]));
    const prm = Object.fromEntries(v.params_data.map((t) => [t.tag, t.value]));
    // GET DATA answers: ATC after GPO = counters.atc + 1 (the card increments it at GET PROCESSING OPTIONS).
    const got = (tag: string) => v.card_exchanges?.find((x) => x.c_apdu.startsWith(`80CA${tag}`));
    const atc = got("9F36");
    const last = got("9F13");
    const value = (x: typeof atc) => (x?.sw === "9000" && x.tlv?.[0] ? Number.parseInt(x.tlv[0].value, 16) : undefined);
    const atcValue = value(atc);
    const lastValue = value(last);
    const faults = [
      ...(atc && atcValue === undefined ? [{ kind: "sw", command: "GET DATA", sw: atc.sw, occurrence: 1 }] : []),
      ...(last && lastValue === undefined ? [{ kind: "sw", command: "GET DATA", sw: last.sw, occurrence: 2 }] : []),
    ];
    const tvrBytes = [0, 2, 4, 6, 8].map((k) => Number.parseInt(v.expected_tvr.slice(k, k + 2), 16));
    const online = tvrBytes.some((b, k) => (b & (TAC_ONLINE[k] ?? 0)) !== 0);
    const tvr = `02${v.expected_tvr.slice(2)}`;
    return {
      id: `TRM-VEC-${String(i + 1).padStart(3, "0")}`,
      family: "terminal risk management",
      title: `emv-utils vector: ${v.name}`,
      ref: "Book 3 §10.6",
      profile: "visa-offline-only",
      card: {
        tags: icc,
        ...(atcValue !== undefined || lastValue !== undefined
          ? { counters: { atc: Math.max(0, (atcValue ?? 1) - 1), lastOnlineAtc: lastValue ?? 0 } }
          : {}),
        ...(faults.length ? { faults } : {}),
      },
      config: "attended-pos",
      terminal: {
        aid: {
          floorLimit: Number.parseInt(cfg["9F1B"] ?? "0", 16),
          randomSelection: { threshold: 0, targetPercent: 0, maxTargetPercent: 0 },
        },
        ...(v.transaction_log
          ? {
              transactionLog: v.transaction_log.map((e) => ({
                pan: e.pan.replace(/F+$/, ""),
                panSequenceNumber: Number.parseInt(e.psn, 10),
                amount: e.amount_authorised_binary,
                date: e.transaction_date,
              })),
            }
          : {}),
      },
      params: { amount: Number.parseInt(prm["81"] ?? "0", 16) },
      expected: online
        ? { outcome: "declined", tvr, cryptograms: [["ARQC", "AAC"]] }
        : { outcome: "approved", tvr, cryptograms: [["TC", "TC"]] },
      why: `Vector TVR ${v.expected_tvr} plus B1b2 (SDA card); ${online ? "a bit in TAC-online → ARQC, declined by this card" : "nothing in the Visa TACs → TC"}.`,
    };
  });
}
