// Property suites on the Book 3 steps themselves (no card): terminal action analysis (§10.7), processing
// restrictions (§10.4), floor limit / random selection / velocity (§10.6) and the CVM List walk (§10.5, Annex C3),
// each against an independent model written from the book. Amounts are drawn at and around the limits they meet
// (floor limit, random-selection threshold, CVM amounts X and Y) as often as anywhere else, by design.

import fc from "fast-check";
import { toHex } from "../../emv/bytes.js";
import type { CvmList } from "../../emv/fields/cvm-codes.js";
import { TVR } from "../../emv/tvr.js";
import { type CvmEnvironment, evaluateCvmList } from "../../kernel/contact/cvm/rules.js";
import { processingRestrictionsCheck } from "../../kernel/contact/restrictions.js";
import { floorLimitCheck, randomSelection, velocityCheck } from "../../kernel/contact/risk.js";
import { actionAnalysisDecision, effectiveIacs } from "../../kernel/contact/terminal-action-analysis.js";
import { close, holds, type PropertySuite, same } from "./suite.js";

const DEFAULT_RUNS = 300;
const bytes5 = fc.uint8Array({ minLength: 5, maxLength: 5 });
/** A TVR-like value with few bits set, so matches and non-matches both occur. */
const sparse5 = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), { maxLength: 3 })
  .map((bits) => {
    const v = new Uint8Array(5);
    for (const [i, b] of bits) v[i] = (v[i] ?? 0) | (1 << b);
    return v;
  });
const intersects = (a: Uint8Array, b: Uint8Array) => a.some((x, i) => (x & (b[i] ?? 0)) !== 0);
const or = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x | (b[i] ?? 0));

/** An amount at a limit, one either side of it, or anywhere in [0, max]: boundaries as likely as the rest. */
export function amountNear(limit: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constant(limit),
    fc.constant(Math.max(0, limit - 1)),
    fc.constant(limit + 1),
    fc.integer({ min: 0, max }),
  );
}

/** YYMMDD of a day in 2000–2049. */
const yymmdd = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2049-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(2, 10).replaceAll("-", ""));

// CVM List walk against a model of Book 3 §10.5 / Annex C3 for the methods the terminal performs alone
// (fail 00, signature 1E, no CVM 1F, an RFU code 1A) and the conditions always / supports / X / Y.
const METHODS = [0x00, 0x1e, 0x1f, 0x1a] as const;
const CONDITIONS = [0x00, 0x03, 0x06, 0x07, 0x08, 0x09] as const;

function modelCvm(list: CvmList, env: CvmEnvironment) {
  const caps2 = env.terminalCapabilities[1] ?? 0;
  const supported = (m: number) => (m === 0x1e ? (caps2 & 0x20) !== 0 : m === 0x1f ? (caps2 & 0x08) !== 0 : m === 0x00);
  let unrecognised = false;
  let last: { cvm: number; condition: number } | undefined;
  for (const rule of list.rules) {
    const m = rule.cvm & 0x3f;
    const cur = env.inApplicationCurrency;
    const ok =
      rule.condition === 0x00 ||
      (rule.condition === 0x03 && m !== 0x1a && supported(m)) ||
      (rule.condition === 0x06 && cur && env.amount < list.amountX) ||
      (rule.condition === 0x07 && cur && env.amount > list.amountX) ||
      (rule.condition === 0x08 && cur && env.amount < list.amountY) ||
      (rule.condition === 0x09 && cur && env.amount > list.amountY);
    if (!ok) continue;
    last = rule;
    if (m === 0x1a) unrecognised = true;
    const success = m !== 0x1a && m !== 0x00 && supported(m);
    if (success) return { results: [rule.cvm, rule.condition, m === 0x1e ? 0 : 2], failed: false, unrecognised };
    if ((rule.cvm & 0x40) === 0) break;
  }
  return { results: last ? [last.cvm, last.condition, 1] : [0x3f, 0, 1], failed: true, unrecognised };
}

export const STEP_PROPERTIES: readonly PropertySuite[] = [
  {
    id: "PROP-TAA-1",
    family: "terminal action analysis",
    title:
      "AAC iff denial codes match; online-capable: ARQC iff online codes match; offline: default codes, never ARQC",
    ref: "Book 3 §10.7",
    async run(numRuns = DEFAULT_RUNS) {
      fc.assert(
        fc.property(
          sparse5,
          fc.record({ denial: sparse5, online: sparse5, default: sparse5 }),
          fc.record({
            denial: fc.option(sparse5, { nil: undefined }),
            online: fc.option(sparse5, { nil: undefined }),
            default: fc.option(sparse5, { nil: undefined }),
          }),
          fc.boolean(),
          (tvr, tacs, iacs, online) => {
            const decision = actionAnalysisDecision(tvr, tacs, iacs, online);
            // Book 3 §10.7: absent IAC-denial = zeros, absent IAC-online / IAC-default = all ones.
            const iacDenial = iacs.denial ?? new Uint8Array(5);
            const iacOnline = iacs.online ?? new Uint8Array(5).fill(0xff);
            const iacDefault = iacs.default ?? new Uint8Array(5).fill(0xff);
            let expected: string;
            if (intersects(tvr, or(tacs.denial, iacDenial))) expected = "AAC";
            else if (online) expected = intersects(tvr, or(tacs.online, iacOnline)) ? "ARQC" : "TC";
            else expected = intersects(tvr, or(tacs.default, iacDefault)) ? "AAC" : "TC";
            same(decision, expected, "cryptogram requested");
            if (!online) holds(decision !== "ARQC", "an offline-only terminal never asks for an ARQC");
          },
        ),
        { numRuns },
      );
    },
  },
  {
    id: "PROP-TAA-2",
    family: "terminal action analysis",
    title: "absent IACs take their book defaults; a zero TVR is never declined or sent online by action codes alone",
    ref: "Book 3 §10.7",
    async run(numRuns = DEFAULT_RUNS) {
      const e = effectiveIacs({});
      same([toHex(e.denial), toHex(e.online), toHex(e.default)], ["0000000000", "FFFFFFFFFF", "FFFFFFFFFF"], "IACs");
      fc.assert(
        fc.property(fc.record({ denial: bytes5, online: bytes5, default: bytes5 }), fc.boolean(), (tacs, online) => {
          same(actionAnalysisDecision(new Uint8Array(5), tacs, {}, online), "TC", "zero TVR");
        }),
        { numRuns },
      );
    },
  },
  {
    id: "PROP-PR-1",
    family: "processing restrictions",
    title: "expired iff 5F24 < 9A; not yet effective iff 5F25 > 9A; versions differ iff 9F08 ≠ 9F09",
    ref: "Book 3 §10.4",
    async run(numRuns = DEFAULT_RUNS) {
      fc.assert(
        fc.property(
          yymmdd,
          yymmdd,
          yymmdd,
          fc.uint8Array({ minLength: 2, maxLength: 2 }),
          fc.uint8Array({ minLength: 2, maxLength: 2 }),
          (date, exp, eff, cv, tv) => {
            const bits = processingRestrictionsCheck({
              cardVersion: cv,
              terminalVersion: tv,
              terminalCountry: 840,
              terminalType: "22",
              additionalCapabilities: new Uint8Array(5),
              transactionType: 0,
              transactionDate: date,
              effectiveDate: eff,
              expirationDate: exp,
            }).map((f) => f.bit);
            // YYMMDD with YY 00–49 → 20YY: string order is date order.
            same(bits.includes(TVR.EXPIRED_APPLICATION), exp < date, "expired application");
            same(bits.includes(TVR.APPLICATION_NOT_YET_EFFECTIVE), eff > date, "not yet effective");
            same(bits.includes(TVR.DIFFERENT_APPLICATION_VERSIONS), toHex(cv) !== toHex(tv), "different versions");
            // No AUC given → never "service not allowed".
            same(bits.includes(TVR.SERVICE_NOT_ALLOWED), false, "service not allowed");
          },
        ),
        { numRuns },
      );
    },
  },
  {
    id: "PROP-TRM-1",
    family: "terminal risk management",
    title: "floor limit exceeded iff amount ≥ floor limit (no transaction log), amounts at and around the limit",
    ref: "Book 3 §10.6.1",
    async run(numRuns = DEFAULT_RUNS) {
      const limitAndAmount = fc
        .nat(10_000_000)
        .chain((floorLimit) => fc.tuple(fc.constant(floorLimit), amountNear(floorLimit, 10_000_000)));
      fc.assert(
        fc.property(limitAndAmount, ([floorLimit, amount]) => {
          same(floorLimitCheck({ amount, floorLimit }).exceeded, amount >= floorLimit, "floor limit exceeded");
        }),
        { numRuns },
      );
    },
  },
  {
    id: "PROP-TRM-2",
    family: "terminal risk management",
    title:
      "random selection: never at or above the floor limit; TTP between target and maximum, rising with the amount",
    ref: "Book 3 §10.6.2",
    async run(numRuns = DEFAULT_RUNS) {
      const inputs = fc
        .record({
          floorLimit: fc.integer({ min: 1, max: 100_000 }),
          thresholdPart: fc.double({ min: 0, max: 1, noNaN: true }),
          targetPercent: fc.integer({ min: 0, max: 99 }),
          extra: fc.integer({ min: 0, max: 99 }),
          random: fc.integer({ min: 1, max: 99 }),
        })
        .chain((r) => {
          const threshold = Math.floor(r.thresholdPart * (r.floorLimit - 1));
          // The amount at (or one off) the threshold, at (or one off) the floor limit, or anywhere.
          const amount = fc.oneof(amountNear(threshold, 120_000), amountNear(r.floorLimit, 120_000));
          return amount.map((a) => ({
            floorLimit: r.floorLimit,
            threshold,
            targetPercent: r.targetPercent,
            maxTargetPercent: Math.min(99, r.targetPercent + r.extra),
            amount: a,
            random: r.random,
          }));
        });
      fc.assert(
        fc.property(inputs, (i) => {
          const r = randomSelection(i);
          if (i.amount >= i.floorLimit) {
            same(r.selected, false, "selected at or above the floor limit");
            return;
          }
          // Book 3 §10.6.2: below the threshold the target percentage; above it, linear up to the maximum.
          const ttp =
            i.amount < i.threshold
              ? i.targetPercent
              : i.targetPercent +
                ((i.maxTargetPercent - i.targetPercent) * (i.amount - i.threshold)) / (i.floorLimit - i.threshold);
          close(r.percent, ttp, 9, "transaction target percent");
          holds(r.percent >= i.targetPercent, "TTP at least the target percentage");
          holds(r.percent <= i.maxTargetPercent, "TTP at most the maximum target percentage");
          same(r.selected, i.random <= ttp, "selected iff the draw is within the TTP");
        }),
        { numRuns },
      );
    },
  },
  {
    id: "PROP-TRM-3",
    family: "terminal risk management",
    title:
      "velocity: offline count = ATC − last online ATC against LCOL/UCOL; ATC ≤ last online → both; new card iff 0",
    ref: "Book 3 §10.6.3",
    async run(numRuns = DEFAULT_RUNS) {
      fc.assert(
        fc.property(fc.nat(255), fc.nat(255), fc.nat(0xffff), fc.nat(0xffff), (lcol, ucol, atc, lastOnlineAtc) => {
          const v = velocityCheck({ lcol, ucol, atc, lastOnlineAtc });
          const n = atc - lastOnlineAtc;
          same(v.lcolExceeded, n <= 0 || n > lcol, "lower consecutive offline limit exceeded");
          same(v.ucolExceeded, n <= 0 || n > ucol, "upper consecutive offline limit exceeded");
          same(v.newCard, lastOnlineAtc === 0, "new card");
        }),
        { numRuns },
      );
      // Without ATC or Last Online ATC: both limits exceeded.
      fc.assert(
        fc.property(fc.nat(255), fc.nat(255), fc.option(fc.nat(0xffff), { nil: undefined }), (lcol, ucol, atc) => {
          const v = velocityCheck({ lcol, ucol, ...(atc === undefined ? {} : { atc }) });
          same([v.lcolExceeded, v.ucolExceeded], [true, true], "both limits without the counters");
        }),
        { numRuns },
      );
    },
  },
  {
    id: "PROP-CVM-1",
    family: "cardholder verification",
    title: "CVM Results, 'not successful' and 'unrecognised CVM' follow the CVM List rules, amounts at X and Y",
    ref: "Book 3 §10.5, Annex C3",
    async run(numRuns = DEFAULT_RUNS) {
      const rule = fc.record({
        cvm: fc.tuple(fc.constantFrom(...METHODS), fc.boolean()).map(([m, next]) => m | (next ? 0x40 : 0)),
        condition: fc.constantFrom(...CONDITIONS),
      });
      const listAndAmount = fc
        .record({ amountX: fc.nat(5000), amountY: fc.nat(5000), rules: fc.array(rule, { maxLength: 6 }) })
        .chain((list) =>
          fc.tuple(fc.constant(list), fc.oneof(amountNear(list.amountX, 6000), amountNear(list.amountY, 6000))),
        );
      await fc.assert(
        fc.asyncProperty(
          listAndAmount,
          fc.record({ caps2: fc.nat(255), inApplicationCurrency: fc.boolean() }),
          async ([list, amount], e) => {
            const env: CvmEnvironment = {
              terminalCapabilities: Uint8Array.of(0xe0, e.caps2, 0xc8),
              terminalType: "22",
              transactionType: 0x00,
              amount,
              inApplicationCurrency: e.inApplicationCurrency,
            };
            const out = await evaluateCvmList(list, env, async () => {
              throw new Error("no PIN method is in this list");
            });
            const model = modelCvm(list, env);
            same([...out.cvmResults], model.results, "CVM Results");
            same(out.successful, !model.failed, "cardholder verification successful");
            same(out.tvr.includes(TVR.CARDHOLDER_VERIFICATION_FAILED), model.failed, "TVR B3b8");
            same(out.tvr.includes(TVR.UNRECOGNISED_CVM), model.unrecognised, "TVR B3b7");
          },
        ),
        { numRuns },
      );
    },
  },
];
