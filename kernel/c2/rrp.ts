// Relay Resistance Protocol (EMV Contactless Book C-2 §3.x and State 3 S3.60–S3.65, procedure SR1): EXCHANGE RELAY
// RESISTANCE DATA with the Terminal Relay Resistance Entropy, the time taken measured around the command, the
// card's answer (Device Relay Resistance Entropy, Min/Max Time For Processing Relay Resistance APDU, Device Estimated
// Transmission Time For Relay Resistance R-APDU), the measured processing time against the card's limits and the
// reader's thresholds, up to two retries, and the TVR byte 5 results. Times are in units of 100 µs (Annex A).

import { hexWord, readUint, toHex, writeUint } from "../../emv/bytes.js";
import { decodeTlv, TlvError } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { KernelCommand } from "../card-session.js";
import type { RelayResistanceConfig } from "../config/reader-c2-schema.js";
import type { TransactionContext } from "../contact/context.js";
import { C2_TVR } from "./bits.js";
import type { KernelClock } from "./clock.js";
import { C2_TAG } from "./tags.js";

/** Book C-2 Annex A: EXCHANGE RELAY RESISTANCE DATA, CLA 80 INS EA, the 4-byte Terminal Relay Resistance Entropy. */
export function exchangeRelayResistanceData(entropy: Uint8Array): KernelCommand {
  return {
    name: "EXCHANGE RELAY RESISTANCE DATA",
    cla: 0x80,
    ins: 0xea,
    p1: 0x00,
    p2: 0x00,
    data: entropy,
    le: 0x00,
  };
}

/** The card's answer: template 80 of 10 bytes (Book C-2 Annex A). */
export interface RelayResistanceAnswer {
  readonly deviceEntropy: Uint8Array;
  readonly minTime: number;
  readonly maxTime: number;
  readonly deviceEstimatedRapduTime: number;
}

export function parseRelayResistanceAnswer(data: Uint8Array): RelayResistanceAnswer | { readonly error: string } {
  let t: ReturnType<typeof decodeTlv>;
  try {
    t = decodeTlv(data);
  } catch (e) {
    if (e instanceof TlvError) return { error: `EXCHANGE RELAY RESISTANCE DATA response: ${e.message}` };
    throw e;
  }
  if (t.tag !== TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1 || t.value.length !== 10)
    return {
      error: `EXCHANGE RELAY RESISTANCE DATA response is ${t.tagHex} of ${t.value.length} bytes, not 80 of 10 (entropy 4, min 2, max 2, estimated 2)`,
    };
  const v = t.value;
  return {
    deviceEntropy: v.slice(0, 4),
    minTime: readUint(v.subarray(4, 6)),
    maxTime: readUint(v.subarray(6, 8)),
    deviceEstimatedRapduTime: readUint(v.subarray(8, 10)),
  };
}

/** What one measured exchange means (procedure SR1, steps SR1.11–SR1.22). */
export type RrpAssessment =
  | { readonly kind: "card-error"; readonly measured: number; readonly reason: string }
  | { readonly kind: "retry"; readonly measured: number }
  | {
      readonly kind: "done";
      readonly measured: number;
      readonly timeLimitsExceeded: boolean;
      readonly thresholdExceeded: boolean;
    };

/**
 * The pure core: Measured Relay Resistance Processing Time = max(0, time taken − Terminal Expected Transmission Time
 * (C-APDU) − min(Device Estimated, Terminal Expected Transmission Time (R-APDU))); below min − min grace is a card
 * error; above max + max grace is retried while the RRP Counter is under 2, then "time limits exceeded"; a
 * transmission time mismatch beyond the threshold or a measured time above min + accuracy threshold is "threshold
 * exceeded".
 */
export function assessRelayResistance(
  timeTaken: number,
  answer: RelayResistanceAnswer,
  cfg: RelayResistanceConfig,
  rrpCounter: number,
): RrpAssessment {
  const measured = Math.max(
    0,
    timeTaken - cfg.expectedCapduTime - Math.min(answer.deviceEstimatedRapduTime, cfg.expectedRapduTime),
  );
  const lower = Math.max(0, answer.minTime - cfg.minGracePeriod);
  if (measured < lower)
    return {
      kind: "card-error",
      measured,
      reason: `relay resistance: measured processing time ${measured} is below the card's minimum ${answer.minTime} less the grace period ${cfg.minGracePeriod} (units of 100 µs)`,
    };
  const upper = answer.maxTime + cfg.maxGracePeriod;
  if (measured > upper && rrpCounter < 2) return { kind: "retry", measured };
  const ratio = (a: number, b: number) => (b === 0 ? Number.POSITIVE_INFINITY : (a * 100) / b);
  const mismatch =
    ratio(answer.deviceEstimatedRapduTime, cfg.expectedRapduTime) < cfg.mismatchThresholdPercent ||
    ratio(cfg.expectedRapduTime, answer.deviceEstimatedRapduTime) < cfg.mismatchThresholdPercent;
  return {
    kind: "done",
    measured,
    timeLimitsExceeded: measured > upper,
    thresholdExceeded: mismatch || measured - answer.minTime > cfg.accuracyThreshold,
  };
}

export type RrpResult =
  | {
      readonly ok: true;
      readonly terminalEntropy: Uint8Array;
      readonly answer: RelayResistanceAnswer;
      readonly measured: number;
      readonly attempts: number;
      readonly timeLimitsExceeded: boolean;
      readonly thresholdExceeded: boolean;
    }
  | { readonly ok: false; readonly kind: "transport" | "card-error"; readonly reason: string };

/**
 * Run the protocol: each attempt takes a new Terminal Relay Resistance Entropy, which is also the Unpredictable
 * Number (9F37) the later commands carry (Book C-2 S3.61). Sets TVR byte 5 and stores the RRP data objects.
 */
export async function performRelayResistance(
  ctx: TransactionContext,
  cfg: RelayResistanceConfig,
  clock: KernelClock,
): Promise<RrpResult> {
  for (let counter = 0; ; counter++) {
    const entropy = ctx.params.random.bytes(4);
    ctx.data.set("transaction", TAG.UNPREDICTABLE_NUMBER, entropy);
    ctx.data.set("terminal", C2_TAG.TERMINAL_RELAY_RESISTANCE_ENTROPY, entropy);
    const start = clock.monotonicMicros();
    const ex = await ctx.card.exchange(exchangeRelayResistanceData(entropy));
    const timeTaken = Math.floor((clock.monotonicMicros() - start) / 100);
    if (!ex.ok) return { ok: false, kind: "transport", reason: ex.error };
    if (ex.response.sw !== 0x9000)
      return {
        ok: false,
        kind: "card-error",
        reason: `EXCHANGE RELAY RESISTANCE DATA answered SW ${hexWord(ex.response.sw)}`,
      };
    const answer = parseRelayResistanceAnswer(ex.response.data);
    if ("error" in answer) return { ok: false, kind: "card-error", reason: answer.error };
    const a = assessRelayResistance(timeTaken, answer, cfg, counter);
    ctx.log(
      "relay-resistance",
      `attempt ${counter + 1}: time taken ${timeTaken}, measured ${a.measured}, card min ${answer.minTime} max ${answer.maxTime} (100 µs)`,
    );
    if (a.kind === "card-error") return { ok: false, kind: "card-error", reason: a.reason };
    if (a.kind === "retry") continue;
    const put = (tag: number, v: Uint8Array) => ctx.data.set("card", tag, v);
    put(C2_TAG.DEVICE_RELAY_RESISTANCE_ENTROPY, answer.deviceEntropy);
    put(C2_TAG.MIN_TIME_FOR_PROCESSING_RR_APDU, writeUint(answer.minTime, 2));
    put(C2_TAG.MAX_TIME_FOR_PROCESSING_RR_APDU, writeUint(answer.maxTime, 2));
    put(C2_TAG.DEVICE_ESTIMATED_TRANSMISSION_TIME_RR_RAPDU, writeUint(answer.deviceEstimatedRapduTime, 2));
    ctx.data.set("terminal", C2_TAG.MEASURED_RR_PROCESSING_TIME, writeUint(Math.min(a.measured, 0xffff), 2));
    ctx.data.set("terminal", C2_TAG.RRP_COUNTER, Uint8Array.of(counter));
    ctx.tvr.set(C2_TVR.RRP_PERFORMED);
    if (a.timeLimitsExceeded) ctx.tvr.set(C2_TVR.RR_TIME_LIMITS_EXCEEDED);
    if (a.thresholdExceeded) ctx.tvr.set(C2_TVR.RR_THRESHOLD_EXCEEDED);
    ctx.log(
      "relay-resistance",
      `performed (entropy ${toHex(entropy)})${a.timeLimitsExceeded ? ", time limits exceeded" : ""}${a.thresholdExceeded ? ", threshold exceeded" : ""}`,
    );
    return {
      ok: true,
      terminalEntropy: entropy,
      answer,
      measured: a.measured,
      attempts: counter + 1,
      timeLimitsExceeded: a.timeLimitsExceeded,
      thresholdExceeded: a.thresholdExceeded,
    };
  }
}
