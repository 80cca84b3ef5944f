// Terminal risk management (EMV Book 3 §10.6): floor limit (with the transaction log for split sales),
// random transaction selection, velocity checking and the exception file. Sets TVR bytes 1, 2 and 4 and
// TSI "Terminal risk management was performed".

import { readUint } from "../../emv/bytes.js";
import { decodeTlvs, findTlv, TlvError, tagToHex } from "../../emv/tlv/ber.js";
import { panDigits } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TVR } from "../../emv/tvr.js";
import { Commands } from "../card-session.js";
import type { TransactionLogEntry } from "../config/types.js";
import { CONTINUE, type StepResult, type TransactionContext } from "./context.js";
import { amountAuthorised, numericValue, terminalFloorLimit } from "./terminal-values.js";

const STEP = "terminal-risk-management";

export interface FloorLimitInputs {
  /** Amount, Authorised in minor units of the terminal currency. */
  readonly amount: number;
  readonly floorLimit: number;
  /** The transaction log, oldest first; undefined when the terminal keeps none. */
  readonly log?: readonly TransactionLogEntry[];
  readonly pan?: string;
  readonly panSequenceNumber?: number;
}

export interface FloorLimitResult {
  readonly exceeded: boolean;
  /** The amount compared with the floor limit (current amount plus the most recent same-card log entry). */
  readonly compared: number;
  readonly logEntry?: TransactionLogEntry;
}

/**
 * Book 3 §10.6.1: the amount (plus, with a transaction log, the amount of the most recent entry for the same PAN
 * and — when both are known — PAN sequence number) compared with the floor limit; ≥ floor limit → exceeded.
 */
export function floorLimitCheck(inputs: FloorLimitInputs): FloorLimitResult {
  let logEntry: TransactionLogEntry | undefined;
  if (inputs.log && inputs.pan) {
    const pan = inputs.pan.toUpperCase().replace(/F+$/, "");
    for (let i = inputs.log.length - 1; i >= 0 && !logEntry; i--) {
      const e = inputs.log[i]!;
      const samePan = e.pan.toUpperCase().replace(/F+$/, "") === pan;
      const samePsn =
        e.panSequenceNumber === undefined ||
        inputs.panSequenceNumber === undefined ||
        e.panSequenceNumber === inputs.panSequenceNumber;
      if (samePan && samePsn) logEntry = e;
    }
  }
  const compared = inputs.amount + (logEntry?.amount ?? 0);
  return { exceeded: compared >= inputs.floorLimit, compared, ...(logEntry ? { logEntry } : {}) };
}

export interface RandomSelectionInputs {
  readonly amount: number;
  readonly floorLimit: number;
  readonly threshold: number;
  readonly targetPercent: number;
  readonly maxTargetPercent: number;
  /** Random number 1..99 (Book 3 §10.6.2). */
  readonly random: number;
}

/**
 * Book 3 §10.6.2 biased random selection: below the threshold the target percentage applies; from the threshold up
 * to the floor limit the Transaction Target Percent rises linearly to the maximum target percentage
 * (TTP = (Max − Target) × (Amount − Threshold) / (Floor limit − Threshold) + Target); selected when random ≤ TTP.
 * Amounts at or above the floor limit are not subject to random selection (the floor limit check covers them).
 */
export function randomSelection(inputs: RandomSelectionInputs): {
  readonly selected: boolean;
  readonly percent: number;
} {
  if (inputs.amount >= inputs.floorLimit) return { selected: false, percent: 0 };
  let percent = inputs.targetPercent;
  if (inputs.amount >= inputs.threshold && inputs.floorLimit > inputs.threshold) {
    percent =
      ((inputs.maxTargetPercent - inputs.targetPercent) * (inputs.amount - inputs.threshold)) /
        (inputs.floorLimit - inputs.threshold) +
      inputs.targetPercent;
  }
  return { selected: inputs.random <= percent, percent };
}

export interface VelocityInputs {
  /** Lower and Upper Consecutive Offline Limits (9F14, 9F23). */
  readonly lcol: number;
  readonly ucol: number;
  /** ATC (9F36) and Last Online ATC Register (9F13) as read by GET DATA; undefined when not returned. */
  readonly atc?: number;
  readonly lastOnlineAtc?: number;
}

export interface VelocityResult {
  readonly lcolExceeded: boolean;
  readonly ucolExceeded: boolean;
  readonly newCard: boolean;
  readonly reason: string;
}

/** Book 3 §10.6.3 velocity checking, given the values GET DATA returned. */
export function velocityCheck(inputs: VelocityInputs): VelocityResult {
  // Book 3 §10.6.3: Last Online ATC Register of zero → "New card".
  const newCard = inputs.lastOnlineAtc === 0;
  const { atc, lastOnlineAtc } = inputs;
  // Book 3 §10.6.3: ATC or Last Online ATC not returned, or ATC ≤ Last Online ATC → both limits exceeded, and no
  // other bit: 'ICC data missing' (B1b6) is for mandatory data (§7.2), which 9F36/9F13 from GET DATA are not (the
  // emv-utils velocity vector with GET DATA 6A81 twice expects TVR 0000006000, certification-tests/fixtures).
  if (atc === undefined || lastOnlineAtc === undefined || atc <= lastOnlineAtc) {
    const why =
      atc === undefined || lastOnlineAtc === undefined
        ? `${atc === undefined ? "ATC (9F36)" : "Last Online ATC Register (9F13)"} not available`
        : `ATC ${atc} is not greater than the Last Online ATC Register ${lastOnlineAtc}`;
    return { lcolExceeded: true, ucolExceeded: true, newCard, reason: `velocity checking not possible: ${why}` };
  }
  const offline = atc - lastOnlineAtc;
  return {
    // Book 3 §10.6.3: ATC − Last Online ATC > LCOL → "Lower consecutive offline limit exceeded".
    lcolExceeded: offline > inputs.lcol,
    // Book 3 §10.6.3: ATC − Last Online ATC > UCOL → "Upper consecutive offline limit exceeded".
    ucolExceeded: offline > inputs.ucol,
    newCard,
    reason: `${offline} consecutive offline transaction(s) since the last online ATC; LCOL ${inputs.lcol}, UCOL ${inputs.ucol}`,
  };
}

/**
 * The transaction log entry for this transaction (Book 3 §10.6.1: the log the floor-limit check reads), for the
 * caller to append when the transaction was approved; undefined without a PAN.
 */
export function transactionLogEntry(ctx: TransactionContext): TransactionLogEntry | undefined {
  const panValue = ctx.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  if (!panValue) return undefined;
  const psn = ctx.data.from("card", TAG.PAN_SEQUENCE_NUMBER);
  const panSequenceNumber = psn?.length === 1 ? numericValue(psn) : Number.NaN;
  return {
    pan: panDigits(panValue),
    ...(Number.isNaN(panSequenceNumber) ? {} : { panSequenceNumber }),
    amount: amountAuthorised(ctx),
    date: ctx.params.date,
  };
}

/** Book 3 §6.5.7: GET DATA for one primitive data object; the value, or the reason it is not available. */
export async function getDataValue(
  ctx: TransactionContext,
  tag: number,
): Promise<{ readonly value: Uint8Array } | { readonly error: string }> {
  const name = `GET DATA ${tagToHex(tag)}`;
  const ex = await ctx.card.exchange(Commands.getData(tag));
  if (!ex.ok) return { error: ex.error };
  if (ex.response.sw !== 0x9000) return { error: `${name}: SW ${ex.response.sw.toString(16).toUpperCase()}` };
  try {
    const found = findTlv(decodeTlvs(ex.response.data), tag);
    if (!found || found.constructed) return { error: `${name}: response has no primitive tag ${tagToHex(tag)}` };
    return { value: found.value.slice() };
  } catch (e) {
    if (e instanceof TlvError) return { error: `${name} response: ${e.message}` };
    throw e;
  }
}

/** Book 3 §10.6: Terminal Risk Management. Never terminates: a card that does not answer GET DATA sets TVR bits. */
export async function terminalRiskManagement(ctx: TransactionContext): Promise<StepResult> {
  const panValue = ctx.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  const pan = panValue ? panDigits(panValue) : undefined;
  const psnValue = ctx.data.from("card", TAG.PAN_SEQUENCE_NUMBER);
  const panSequenceNumber = psnValue?.length === 1 ? numericValue(psnValue) : undefined;

  // Book 3 §10.6.1 (exception file, Book 4 §6.3.5): PAN (and PSN when listed) on the exception file → TVR B1b5.
  if (
    pan &&
    ctx.config.exceptionFile.some(
      (e) => e.pan === pan && (e.panSequenceNumber === undefined || e.panSequenceNumber === panSequenceNumber),
    )
  ) {
    ctx.tvr.set(TVR.CARD_ON_EXCEPTION_FILE);
    ctx.log(STEP, "card appears on the terminal exception file");
  }

  // Book 3 §10.6.1: floor limit, with the most recent same-card log entry when a transaction log is kept.
  const amount = amountAuthorised(ctx);
  const floorLimit = terminalFloorLimit(ctx);
  const floor = floorLimitCheck({
    amount,
    floorLimit,
    ...(ctx.config.transactionLogEnabled && ctx.config.transactionLog ? { log: ctx.config.transactionLog } : {}),
    ...(pan ? { pan } : {}),
    ...(panSequenceNumber !== undefined && !Number.isNaN(panSequenceNumber) ? { panSequenceNumber } : {}),
  });
  if (floor.exceeded) ctx.tvr.set(TVR.FLOOR_LIMIT_EXCEEDED);
  ctx.log(
    STEP,
    () =>
      `floor limit ${floorLimit}: amount ${floor.compared}${floor.logEntry ? ` (incl. ${floor.logEntry.amount} from the transaction log)` : ""} ${floor.exceeded ? "exceeds" : "is below"} it`,
  );

  // Book 3 §10.6.2: random transaction selection, by terminals that can go online, below the floor limit.
  const rs = ctx.aid?.randomSelection;
  if (ctx.config.onlineCapable && rs && (rs.targetPercent > 0 || rs.maxTargetPercent > 0) && amount < floorLimit) {
    const random = ctx.params.random.percent();
    const sel = randomSelection({ amount, floorLimit, ...rs, random });
    if (sel.selected) ctx.tvr.set(TVR.RANDOMLY_SELECTED_ONLINE);
    ctx.log(
      STEP,
      () =>
        `random selection: ${random} against ${sel.percent.toFixed(2)}% → ${sel.selected ? "selected for online" : "not selected"}`,
    );
  }

  // Book 3 §10.6.3: velocity checking when the card has both LCOL (9F14) and UCOL (9F23).
  const lcol = ctx.data.from("card", TAG.LOWER_CONSECUTIVE_OFFLINE_LIMIT);
  const ucol = ctx.data.from("card", TAG.UPPER_CONSECUTIVE_OFFLINE_LIMIT);
  if (lcol?.length === 1 && ucol?.length === 1) {
    const atc = await getDataValue(ctx, TAG.APPLICATION_TRANSACTION_COUNTER);
    const last = await getDataValue(ctx, TAG.LAST_ONLINE_ATC_REGISTER);
    if ("value" in atc) ctx.data.set("card", TAG.APPLICATION_TRANSACTION_COUNTER, atc.value);
    if ("value" in last) ctx.data.set("card", TAG.LAST_ONLINE_ATC_REGISTER, last.value);
    const v = velocityCheck({
      lcol: lcol[0]!,
      ucol: ucol[0]!,
      ...("value" in atc && atc.value.length <= 6 ? { atc: readUint(atc.value) } : {}),
      ...("value" in last && last.value.length <= 6 ? { lastOnlineAtc: readUint(last.value) } : {}),
    });
    if (v.lcolExceeded) ctx.tvr.set(TVR.LCOL_EXCEEDED);
    if (v.ucolExceeded) ctx.tvr.set(TVR.UCOL_EXCEEDED);
    if (v.newCard) ctx.tvr.set(TVR.NEW_CARD);
    for (const r of [atc, last]) if ("error" in r) ctx.log(STEP, r.error);
    ctx.log(STEP, `${v.reason}${v.newCard ? "; new card (Last Online ATC Register is zero)" : ""}`);
  }

  // Book 3 §10.6: TSI "Terminal risk management was performed".
  ctx.tsi.set(TSI.TERMINAL_RISK_MANAGEMENT_PERFORMED);
  return CONTINUE;
}
