// Runs one Kernel 2 catalog case: the Mastercard-style card (profile with the case's changes) tapped through Entry
// Point and Kernel 2 under the catalog reader with the case's changes, on a simulated clock the card spends its
// relay resistance processing time on; compares with the expectation field by field.

import { PaypassCard } from "../emulator/contactless/paypass.js";
import {
  loadPaypassProfile,
  type PaypassProfileResult,
  parsePaypassProfile,
} from "../emulator/contactless/paypass-profile.js";
import { toHex } from "../emv/bytes.js";
import { seededRandom } from "../emv/random.js";
import { TAG } from "../emv/tlv/tag-names.js";
import type { KernelClock } from "../kernel/c2/clock.js";
import { createKernel2, type Kernel2Details } from "../kernel/c2/kernel.js";
import { c2Config, type K2CombinationJson, k2Reader } from "../kernel/c2/reader-builders.js";
import { runTap, type TapRecord } from "../kernel/entry-point/entry-point.js";
import { fieldWithCard } from "../kernel/entry-point/field.js";
import { terminalWith } from "../kernel/entry-point/reader-builders.js";
import { nonInteractive } from "../kernel/interaction.js";
import type { C2Case } from "./catalog/c2-types.js";

/** The catalog reader's relay resistance thresholds (units of 100 µs; percent). */
export const CATALOG_RRP = {
  minGracePeriod: 5,
  maxGracePeriod: 5,
  expectedCapduTime: 5,
  expectedRapduTime: 5,
  accuracyThreshold: 30,
  mismatchThresholdPercent: 50,
};

/** The catalog's Kernel 2 reader combination for a case (Mastercard AID), with the case's changes. */
export function catalogK2Combination(c: C2Case): K2CombinationJson {
  return {
    aid: "A0000000041010",
    floorLimit: c.reader?.floorLimit ?? 10000,
    cvmRequiredLimit: c.reader?.cvmRequiredLimit ?? 5000,
    c2: c2Config({
      kernelConfiguration: "30",
      transactionLimitNoOnDeviceCvm: 50000,
      transactionLimitOnDeviceCvm: 100000,
      relayResistance: CATALOG_RRP,
      ...c.reader?.c2,
    }),
  };
}

/** The case's card profile: the built-in one with the case's changes, validated again. */
export function c2CaseProfile(c: C2Case): PaypassProfileResult {
  const loaded = loadPaypassProfile(c.card.profile);
  if (!loaded.ok) return loaded;
  return parsePaypassProfile({ ...loaded.profile, ...c.card.change }, `${c.id} card`);
}

export async function runC2Case(c: C2Case): Promise<{ record?: TapRecord; error?: string }> {
  const profile = c2CaseProfile(c);
  if (!profile.ok) return { error: profile.error };
  let micros = 0;
  const card = new PaypassCard(profile.profile, { time: { advanceMicros: (n) => (micros += n) } });
  const clock: KernelClock = { wallMs: () => 1_700_000_000_000, monotonicMicros: () => micros };
  const reader = k2Reader(terminalWith(c.reader?.terminal ?? "attended-pos"), [catalogK2Combination(c)]);
  const record = await runTap({
    reader,
    params: {
      type: c.params.type ?? "purchase",
      amount: c.params.amount,
      otherAmount: 0,
      date: "261203",
      time: "101500",
      sequenceCounter: 1,
      random: seededRandom(`c2-catalog-${c.id}`),
    },
    field: fieldWithCard(card),
    kernels: new Map([[2, createKernel2({ clock })]]),
    interaction: nonInteractive(c.params.pin ? { pin: c.params.pin } : {}),
  });
  return { record };
}

/** Differences between the expectation and the tap, one line each (empty: the case passes). */
export function compareC2(c: C2Case, r: TapRecord): string[] {
  const out: string[] = [];
  const e = c.expected;
  const d = r.kernelDetails as Kernel2Details | undefined;
  const data = r.kernel?.context.data;
  const hex = (tag: number) => {
    const v = data?.get(tag);
    return v ? toHex(v) : undefined;
  };
  const check = (what: string, want: unknown, got: unknown) => {
    if (want !== undefined && JSON.stringify(want) !== JSON.stringify(got))
      out.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  check("outcome", e.outcome, r.outcome.ops.status);
  check(
    "outcomes",
    e.outcomes,
    r.outcomes.map((o) => o.ops.status),
  );
  check("CVM", e.cvm, r.outcome.ops.cvm);
  check("CVM Results", e.cvmResults, hex(TAG.CVM_RESULTS));
  check("TVR", e.tvr, r.kernel ? toHex(r.kernel.context.tvr.bytes) : undefined);
  check("Terminal Capabilities", e.terminalCapabilities, hex(TAG.TERMINAL_CAPABILITIES));
  check("GENERATE AC P1", e.p1, d?.requested?.p1);
  check("CDA", e.cda, d?.cda?.result);
  check("ERRD count", e.errd, r.trace.filter((t) => t.name === "EXCHANGE RELAY RESISTANCE DATA").length);
  check(
    "commands",
    e.commands,
    r.trace.map((t) => t.name),
  );
  if (e.reasonContains && !r.outcome.reason.includes(e.reasonContains))
    out.push(
      `reason: expected to contain ${JSON.stringify(e.reasonContains)}, got ${JSON.stringify(r.outcome.reason)}`,
    );
  return out;
}
