// Kernel 2 reader configurations built in code over a terminal configuration, so that a test or a catalog case
// states every limit and C-2 value it depends on (validated by the reader schema like a shipped file).

import type { C2ConfigJson } from "../config/reader-c2-schema.js";
import { parseReaderConfig } from "../config/reader-load.js";
import type { ReaderConfig } from "../config/reader-types.js";
import type { TerminalConfig } from "../config/types.js";

export interface K2CombinationJson {
  aid: string;
  floorLimit?: number;
  cvmRequiredLimit?: number;
  transactionLimit?: number;
  c2: C2ConfigJson;
}

/** A Mastercard-style C-2 configuration; every field may be overridden. */
export function c2Config(changes: Partial<C2ConfigJson> = {}): C2ConfigJson {
  return {
    kernelConfiguration: "20",
    cvmCapabilityCvmRequired: "60",
    cvmCapabilityNoCvmRequired: "08",
    securityCapability: "08",
    cardDataInputCapability: "00",
    applicationVersion: "0002",
    tacDefault: "0400800000",
    tacDenial: "DC50000000",
    tacOnline: "F45084800C",
    maxTornRecords: 2,
    maxTornLifetimeSeconds: 300,
    ...changes,
  };
}

export function k2Reader(terminal: TerminalConfig, combinations: K2CombinationJson[]): ReaderConfig {
  const json = {
    id: "test-k2-reader",
    description: "test",
    terminal: terminal.id,
    kernels: [2],
    combinations: combinations.map((c) => ({ kernel: 2, statusCheckSupport: false, zeroAmountAllowed: false, ...c })),
  };
  const r = parseReaderConfig(json, "test-k2-reader", () => ({ ok: true, config: terminal }));
  if (!r.ok) throw new Error(r.error);
  return r.config;
}
