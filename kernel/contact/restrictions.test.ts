import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { TVR } from "../../emv/tvr.js";
import cases from "./fixtures/processing-restrictions.json" with { type: "json" };
import { dateValue, isAtm, processingRestrictions, processingRestrictionsCheck } from "./restrictions.js";
import { byTag, testContext } from "./testing/context.js";

describe("processing restrictions (Book 3 §10.4) — emv-utils vectors", () => {
  it("has the 9 cases", () => {
    expect(cases.cases).toHaveLength(9);
  });
  for (const c of cases.cases) {
    it(c.name, async () => {
      const { ctx, channel } = testContext({
        terminal: byTag(c.config_data),
        transaction: byTag(c.params_data),
        card: byTag(c.icc_data),
      });
      const result = await processingRestrictions(ctx);
      expect(result.kind).toBe("continue");
      expect(toHex(ctx.tvr.bytes)).toBe(c.expected_tvr);
      expect(toHex(ctx.tsi.bytes)).toBe("0000");
      expect(channel.errors).toEqual([]);
    });
  }
});

describe("processing restrictions — rules", () => {
  const base = {
    terminalCountry: 528,
    terminalType: "22",
    additionalCapabilities: fromHex("F000000000"),
    transactionType: 0x00,
    transactionDate: "250511",
  };
  it("dates: YY 00–49 are 20YY, 50–99 are 19YY; invalid dates are undefined", () => {
    expect(dateValue("491231")).toBe(20491231);
    expect(dateValue("500101")).toBe(19500101);
    expect(dateValue("251301")).toBeUndefined();
    expect(dateValue("25051")).toBeUndefined();
  });
  it("dates: calendar checks (leap years by the Gregorian rule), digits only", () => {
    expect(dateValue("280229")).toBe(20280229); // 2028 is a leap year
    expect(dateValue("000229")).toBe(20000229); // 2000: divisible by 400
    expect(dateValue("290229")).toBeUndefined(); // 2029 is not
    expect(dateValue("250431")).toBeUndefined(); // April has 30 days
    expect(dateValue("250500")).toBeUndefined(); // day 00
    expect(dateValue("250001")).toBeUndefined(); // month 00
    expect(dateValue("2505A1")).toBeUndefined(); // not a digit
    expect(dateValue("25 511")).toBeUndefined();
    expect(dateValue("2505111")).toBeUndefined(); // seven digits
  });
  it("an expiry of 991231 (1999) is expired, 491231 is not", () => {
    expect(processingRestrictionsCheck({ ...base, expirationDate: "991231" }).map((f) => f.bit)).toEqual([
      TVR.EXPIRED_APPLICATION,
    ]);
    expect(processingRestrictionsCheck({ ...base, expirationDate: "491231" })).toEqual([]);
  });
  it("an unparseable expiry date counts as expired, with the reason", () => {
    const f = processingRestrictionsCheck({ ...base, expirationDate: "25AA11" });
    expect(f.map((x) => x.bit)).toEqual([TVR.EXPIRED_APPLICATION]);
    expect(f[0]!.reason).toContain("not a valid date");
  });
  it("ATM needs terminal type 14/15/16 and cash capability", () => {
    expect(isAtm("14", fromHex("8000000000"))).toBe(true);
    expect(isAtm("14", fromHex("7000000000"))).toBe(false);
    expect(isAtm("22", fromHex("8000000000"))).toBe(false);
  });
  it("international cash needs AUC b7; domestic cash b8", () => {
    const cash = { ...base, transactionType: 0x01, auc: fromHex("4100") };
    expect(processingRestrictionsCheck({ ...cash, issuerCountry: 840 })).toEqual([]);
    expect(processingRestrictionsCheck({ ...cash, issuerCountry: 528 }).map((f) => f.reason)).toEqual([
      "AUC: not valid for domestic cash transactions",
    ]);
  });
  it("goods or services: one of the two suffices; international uses b5/b3", () => {
    expect(processingRestrictionsCheck({ ...base, auc: fromHex("0500"), issuerCountry: 840 })).toEqual([]);
    expect(
      processingRestrictionsCheck({ ...base, auc: fromHex("2900"), issuerCountry: 840 }).map((f) => f.bit),
    ).toEqual([TVR.SERVICE_NOT_ALLOWED]);
  });
  it("without an issuer country code only the ATM/non-ATM test applies", () => {
    expect(processingRestrictionsCheck({ ...base, transactionType: 0x01, auc: fromHex("0100") })).toEqual([]);
  });
  it("property: only TVR byte 2 bits b8–b5 are ever set, and never throws", () => {
    const date = fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, "0")).join(""));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom(0x00, 0x01, 0x09, 0x20),
        fc.constantFrom("14", "15", "22", "25"),
        date,
        fc.option(date, { nil: undefined }),
        fc.option(date, { nil: undefined }),
        (auc, issuerCountry, transactionType, terminalType, transactionDate, effectiveDate, expirationDate) => {
          const findings = processingRestrictionsCheck({
            ...base,
            auc,
            issuerCountry,
            transactionType,
            terminalType,
            transactionDate,
            ...(effectiveDate ? { effectiveDate } : {}),
            ...(expirationDate ? { expirationDate } : {}),
          });
          for (const f of findings) {
            expect(f.bit.byte).toBe(2);
            expect(f.bit.bit).toBeGreaterThanOrEqual(5);
            expect(f.reason.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
