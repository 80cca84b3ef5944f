// Property suites on the Book 3 steps themselves (no card): terminal action analysis (§10.7), processing
// restrictions (§10.4), floor limit / random selection / velocity (§10.6) and the CVM List walk (§10.5, Annex C3),
// each against an independent model written from the book.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import type { CvmList } from "../../emv/fields/cvm-codes.js";
import { TVR } from "../../emv/tvr.js";
import { type CvmEnvironment, evaluateCvmList } from "../../kernel/contact/cvm/rules.js";
import { processingRestrictionsCheck } from "../../kernel/contact/restrictions.js";
import { floorLimitCheck, randomSelection, velocityCheck } from "../../kernel/contact/risk.js";
import { actionAnalysisDecision, effectiveIacs } from "../../kernel/contact/terminal-action-analysis.js";

const RUNS = { numRuns: 300 };
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

describe("terminal action analysis (Book 3 §10.7)", () => {
  it("AAC iff denial codes match; online-capable: ARQC iff online codes match; offline: default codes, never ARQC", () => {
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
          expect(decision).toBe(expected);
          if (!online) expect(decision).not.toBe("ARQC");
        },
      ),
      RUNS,
    );
  });

  it("absent IACs take their book defaults", () => {
    const e = effectiveIacs({});
    expect([toHex(e.denial), toHex(e.online), toHex(e.default)]).toEqual(["0000000000", "FFFFFFFFFF", "FFFFFFFFFF"]);
  });

  it("a zero TVR is never declined or sent online by action codes alone", () => {
    fc.assert(
      fc.property(fc.record({ denial: bytes5, online: bytes5, default: bytes5 }), fc.boolean(), (tacs, online) => {
        expect(actionAnalysisDecision(new Uint8Array(5), tacs, {}, online)).toBe("TC");
      }),
      RUNS,
    );
  });
});

/** YYMMDD of a day in 2000–2049. */
const yymmdd = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2049-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(2, 10).replaceAll("-", ""));

describe("processing restrictions (Book 3 §10.4)", () => {
  it("expired iff 5F24 < 9A; not yet effective iff 5F25 > 9A; versions differ iff 9F08 ≠ 9F09", () => {
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
          expect(bits.includes(TVR.EXPIRED_APPLICATION)).toBe(exp < date);
          expect(bits.includes(TVR.APPLICATION_NOT_YET_EFFECTIVE)).toBe(eff > date);
          expect(bits.includes(TVR.DIFFERENT_APPLICATION_VERSIONS)).toBe(toHex(cv) !== toHex(tv));
          // No AUC given → never "service not allowed".
          expect(bits.includes(TVR.SERVICE_NOT_ALLOWED)).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

describe("terminal risk management (Book 3 §10.6)", () => {
  it("floor limit exceeded iff amount ≥ floor limit (no transaction log)", () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), (amount, floorLimit) => {
        expect(floorLimitCheck({ amount, floorLimit }).exceeded).toBe(amount >= floorLimit);
      }),
      RUNS,
    );
  });

  it("random selection: never at or above the floor limit; TTP between target and maximum, rising with the amount", () => {
    const inputs = fc
      .record({
        floorLimit: fc.integer({ min: 1, max: 100_000 }),
        thresholdPart: fc.double({ min: 0, max: 1, noNaN: true }),
        targetPercent: fc.integer({ min: 0, max: 99 }),
        extra: fc.integer({ min: 0, max: 99 }),
        amount: fc.nat(120_000),
        random: fc.integer({ min: 1, max: 99 }),
      })
      .map((r) => ({
        floorLimit: r.floorLimit,
        threshold: Math.floor(r.thresholdPart * (r.floorLimit - 1)),
        targetPercent: r.targetPercent,
        maxTargetPercent: Math.min(99, r.targetPercent + r.extra),
        amount: r.amount,
        random: r.random,
      }));
    fc.assert(
      fc.property(inputs, (i) => {
        const r = randomSelection(i);
        if (i.amount >= i.floorLimit) {
          expect(r.selected).toBe(false);
          return;
        }
        // Book 3 §10.6.2: below the threshold the target percentage; above it, linear up to the maximum.
        const ttp =
          i.amount < i.threshold
            ? i.targetPercent
            : i.targetPercent +
              ((i.maxTargetPercent - i.targetPercent) * (i.amount - i.threshold)) / (i.floorLimit - i.threshold);
        expect(r.percent).toBeCloseTo(ttp, 9);
        expect(r.percent).toBeGreaterThanOrEqual(i.targetPercent);
        expect(r.percent).toBeLessThanOrEqual(i.maxTargetPercent);
        expect(r.selected).toBe(i.random <= ttp);
      }),
      RUNS,
    );
  });

  it("velocity: offline count = ATC − last online ATC against LCOL/UCOL; ATC ≤ last online → both; new card iff last online = 0", () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(0xffff), fc.nat(0xffff), (lcol, ucol, atc, lastOnlineAtc) => {
        const v = velocityCheck({ lcol, ucol, atc, lastOnlineAtc });
        const n = atc - lastOnlineAtc;
        expect(v.lcolExceeded).toBe(n <= 0 || n > lcol);
        expect(v.ucolExceeded).toBe(n <= 0 || n > ucol);
        expect(v.newCard).toBe(lastOnlineAtc === 0);
      }),
      RUNS,
    );
  });

  it("velocity without ATC or Last Online ATC: both limits exceeded", () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.option(fc.nat(0xffff), { nil: undefined }), (lcol, ucol, atc) => {
        const v = velocityCheck({ lcol, ucol, ...(atc === undefined ? {} : { atc }) });
        expect([v.lcolExceeded, v.ucolExceeded]).toEqual([true, true]);
      }),
      RUNS,
    );
  });
});

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

describe("cardholder verification (Book 3 §10.5, Annex C3)", () => {
  it("CVM results, 'not successful' and 'unrecognised CVM' follow the CVM List rules", async () => {
    const rule = fc.record({
      cvm: fc.tuple(fc.constantFrom(...METHODS), fc.boolean()).map(([m, next]) => m | (next ? 0x40 : 0)),
      condition: fc.constantFrom(...CONDITIONS),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ amountX: fc.nat(5000), amountY: fc.nat(5000), rules: fc.array(rule, { maxLength: 6 }) }),
        fc.record({
          caps2: fc.nat(255),
          amount: fc.nat(6000),
          inApplicationCurrency: fc.boolean(),
        }),
        async (list, e) => {
          const env: CvmEnvironment = {
            terminalCapabilities: Uint8Array.of(0xe0, e.caps2, 0xc8),
            terminalType: "22",
            transactionType: 0x00,
            amount: e.amount,
            inApplicationCurrency: e.inApplicationCurrency,
          };
          const out = await evaluateCvmList(list, env, async () => {
            throw new Error("no PIN method is in this list");
          });
          const model = modelCvm(list, env);
          expect([...out.cvmResults]).toEqual(model.results);
          expect(out.successful).toBe(!model.failed);
          expect(out.tvr.includes(TVR.CARDHOLDER_VERIFICATION_FAILED)).toBe(model.failed);
          expect(out.tvr.includes(TVR.UNRECOGNISED_CVM)).toBe(model.unrecognised);
        },
      ),
      RUNS,
    );
  });
});
