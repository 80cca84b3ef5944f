import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes.js";
import {
  decodeAmount,
  decodeCompressedNumeric,
  decodeDate,
  decodeNumeric,
  decodeTime,
  encodeAmount,
  encodeCompressedNumeric,
  encodeDate,
  encodeNumeric,
  FormatError,
  formatDate,
  panDigits,
} from "./formats.js";

describe("numeric (n) and compressed numeric (cn)", () => {
  it("encodes and decodes exact bytes", () => {
    expect(toHex(encodeNumeric("978", 2))).toBe("0978");
    expect(decodeNumeric(fromHex("000000001234"))).toBe("000000001234");
    expect(toHex(encodeCompressedNumeric("5413330089020011", 10))).toBe("5413330089020011FFFF");
    expect(decodeCompressedNumeric(fromHex("541333008902001F"))).toBe("541333008902001");
  });

  it("rejects what the format does not allow", () => {
    expect(() => decodeNumeric(fromHex("12A4"))).toThrow("numeric (n) value: nibble 3 is A, not a digit");
    expect(() => decodeCompressedNumeric(fromHex("12F4"))).toThrow("digit 4 at nibble 4 follows F padding");
    expect(() => encodeNumeric("12345", 2)).toThrow("5 significant digits do not fit in 2 byte(s)");
    expect(() => encodeNumeric("1x", 2)).toThrow(FormatError);
    expect(() => encodeCompressedNumeric("12345", 2)).toThrow("5 digits do not fit in 2 byte(s)");
  });

  it("round-trips (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.stringMatching(/^[0-9]{0,20}$/), (length, digits) => {
        fc.pre(digits.length <= length * 2);
        expect(decodeNumeric(encodeNumeric(digits, length))).toBe(digits.padStart(length * 2, "0"));
        expect(decodeCompressedNumeric(encodeCompressedNumeric(digits, length))).toBe(digits);
      }),
    );
  });
});

describe("dates (YYMMDD, years < 50 are 20YY)", () => {
  it("expands two-digit years around 50", () => {
    expect(formatDate(decodeDate(fromHex("491231")))).toBe("2049-12-31");
    expect(formatDate(decodeDate(fromHex("500101")))).toBe("1950-01-01");
    expect(formatDate(decodeDate(fromHex("240229")))).toBe("2024-02-29");
    expect(toHex(encodeDate({ year: 2025, month: 12, day: 31 }))).toBe("251231");
  });

  it("rejects dates that do not exist", () => {
    expect(() => decodeDate(fromHex("250229"))).toThrow("date (YYMMDD): day 29 does not exist in 2025-02");
    expect(() => decodeDate(fromHex("251301"))).toThrow("month 13 is not 01–12");
    expect(() => decodeDate(fromHex("2512"))).toThrow("length 2, expected 3");
    expect(() => encodeDate({ year: 2050, month: 1, day: 1 })).toThrow("year 2050 is outside 1950–2049");
    expect(decodeTime(fromHex("235959"))).toBe("23:59:59");
    expect(() => decodeTime(fromHex("240000"))).toThrow("24:00:00 is not a time");
  });

  it("round-trips every calendar day 1950–2049 (property)", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1950-01-01T00:00:00Z"), max: new Date("2049-12-31T00:00:00Z") }), (d) => {
        fc.pre(!Number.isNaN(d.getTime()));
        const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
        expect(decodeDate(encodeDate(date))).toEqual(date);
      }),
    );
  });
});

describe("amounts with currency exponent", () => {
  it("converts exactly, without floating point", () => {
    expect(toHex(encodeAmount("12.34", 2))).toBe("000000001234");
    expect(toHex(encodeAmount("12", 2))).toBe("000000001200");
    expect(toHex(encodeAmount("0.5", 2))).toBe("000000000050");
    expect(toHex(encodeAmount("1.10", 1))).toBe("000000000011");
    expect(toHex(encodeAmount("9999999999.99", 2))).toBe("999999999999");
    expect(toHex(encodeAmount("1234", 0))).toBe("000000001234");
    expect(decodeAmount(fromHex("000000001234"), 2)).toBe("12.34");
    expect(decodeAmount(fromHex("000000000005"), 3)).toBe("0.005");
    expect(decodeAmount(fromHex("000000000000"), 2)).toBe("0.00");
    expect(decodeAmount(fromHex("999999999999"), 0)).toBe("999999999999");
  });

  it("rejects precision or size the currency cannot hold", () => {
    expect(() => encodeAmount("12.345", 2)).toThrow(
      "'12.345' has more than 2 decimal place(s) for currency exponent 2",
    );
    expect(() => encodeAmount("10000000000.00", 2)).toThrow("13 significant digits do not fit in 6 byte(s)");
    expect(() => encodeAmount("-1", 2)).toThrow("is not a non-negative decimal number");
    expect(() => encodeAmount("1e3", 2)).toThrow(FormatError);
  });

  it("round-trips (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999999999999n }), fc.integer({ min: 0, max: 4 }), (minor, exponent) => {
        const bytes = encodeNumeric(minor.toString(), 6);
        expect(toHex(encodeAmount(decodeAmount(bytes, exponent), exponent))).toBe(toHex(bytes));
      }),
    );
  });
});

describe("panDigits (5A digits without the F padding)", () => {
  it("drops trailing F nibbles only", () => {
    expect(panDigits(fromHex("4761739001010010"))).toBe("4761739001010010");
    expect(panDigits(fromHex("541333008960004F"))).toBe("541333008960004");
    expect(panDigits(fromHex("5413330089FFFFFF"))).toBe("5413330089");
    expect(panDigits(fromHex("FFFF"))).toBe("");
    expect(panDigits(fromHex("F4F1"))).toBe("F4F1");
  });
});
