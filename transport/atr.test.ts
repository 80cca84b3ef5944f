import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { AtrError, emvAtrRemarks, explainAtr, parseAtr } from "./atr.js";

describe("ATR (ISO 7816-3 §8, EMV Book 1 §8.3)", () => {
  it("parses a T=1 ATR with TA1/TB1/TC1/TD1/TD2/TA3/TB3 and checks TCK", () => {
    const a = parseAtr(fromHex("3BF81300008131FE454A434F5076323431B7"));
    expect(a.convention).toBe("direct");
    expect(a.fi).toBe(1);
    expect(a.di).toBe(3);
    expect(a.Fi).toBe(372);
    expect(a.Di).toBe(4);
    expect(a.interfaces.map((g) => g.td)).toEqual([0x81, 0x31, undefined]);
    expect(a.protocols).toEqual([1]);
    expect(a.ifsc).toBe(254);
    expect(a.bwi).toBe(4);
    expect(a.cwi).toBe(5);
    expect(a.edc).toBe("LRC");
    expect(Buffer.from(a.historical).toString("latin1")).toBe("JCOPv241");
    expect(a.tck).toBe(0xb7);
    expect(a.tckValid).toBe(true);
    expect(emvAtrRemarks(a)).toEqual([]);
  });

  it("parses a T=0-only ATR without TCK", () => {
    const a = parseAtr(fromHex("3B6500002063CBA000"));
    expect(a.protocols).toEqual([0]);
    expect(a.tck).toBeUndefined();
    expect(a.interfaces[0]!.tb).toBe(0);
    expect(a.interfaces[0]!.tc).toBe(0);
    expect(toHex(a.historical)).toBe("2063CBA000");
    expect(a.wi).toBe(10);
  });

  it("reports a wrong TCK", () => {
    const a = parseAtr(fromHex("3BF81300008131FE454A434F5076323431B6"));
    expect(a.tckValid).toBe(false);
    expect(emvAtrRemarks(a)).toContain("TCK is wrong: XOR of T0..TCK is not 00 (§8.3.4)");
  });

  it("names what is missing and where", () => {
    expect(() => parseAtr(fromHex("3B"))).toThrow("ATR: T0 expected at offset 1 but the ATR has 1 bytes");
    expect(() => parseAtr(fromHex("3C00"))).toThrow("ATR: TS 3C is neither 3B (direct) nor 3F (inverse convention)");
    expect(() => parseAtr(fromHex("3B8F8001804F0CA0000003060300010000"))).toThrow(AtrError);
    expect(() => parseAtr(fromHex("3B6500002063CB"))).toThrow(
      "ATR: T0 announces 5 historical bytes at offset 4 but only 3 remain",
    );
    expect(() => parseAtr(fromHex("3B000000"))).toThrow("ATR: 1 unexpected byte(s) after offset 3");
  });

  it("flags EMV deviations", () => {
    const a = parseAtr(fromHex("3B8F8001804F0CA000000306030001000000006A"));
    expect(a.protocols).toEqual([0, 1]);
    expect(a.tckValid).toBe(true);
    expect(emvAtrRemarks(a)).toEqual(["TB3 (BWI/CWI) absent: EMV requires it for T=1 (§8.3.3.11)"]);
    const b = parseAtr(fromHex("3B119600"));
    expect(b.interfaces[0]!.ta).toBe(0x96);
    expect(emvAtrRemarks(b)).toContain("TA1 96 outside 11..13 (§8.3.3.2)");
  });

  it("explains an ATR line by line", () => {
    const text = explainAtr(parseAtr(fromHex("3BF81300008131FE454A434F5076323431B7")));
    expect(text).toContain("TA1 13  FI=1 (Fi=372, fmax=5 MHz), DI=3 (Di=4)");
    expect(text).toContain("TA3 FE  IFSC=254");
    expect(text).toContain("TB3 45  BWI=4, CWI=5");
    expect(text).toContain('historical bytes 4A 43 4F 50 76 32 34 31  "JCOPv241"');
    expect(text).toContain("TCK B7  correct");
  });
});

describe("ATR properties", () => {
  const group = fc.record({
    ta: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    tb: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    tc: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    protocol: fc.integer({ min: 0, max: 14 }),
  });

  it("parses back any well-formed ATR it is given (property)", () => {
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 15 }), (groups, hist) => {
        // Build: T0 announces group 1; each TDi announces group i+1 and carries the protocol of that TD.
        const y = (g: (typeof groups)[number], hasTd: boolean) =>
          (g.ta !== undefined ? 1 : 0) | (g.tb !== undefined ? 2 : 0) | (g.tc !== undefined ? 4 : 0) | (hasTd ? 8 : 0);
        const bytes: number[] = [0x3b, (y(groups[0]!, groups.length > 1) << 4) | hist.length];
        groups.forEach((g, i) => {
          for (const v of [g.ta, g.tb, g.tc]) if (v !== undefined) bytes.push(v);
          const next = groups[i + 1];
          if (next) bytes.push((y(next, i + 2 < groups.length) << 4) | g.protocol);
        });
        bytes.push(...hist);
        const protocols = groups.slice(0, -1).map((g) => g.protocol);
        const needsTck = protocols.some((p) => p !== 0);
        if (needsTck) bytes.push(bytes.slice(1).reduce((a, b) => a ^ b, 0));
        const atr = parseAtr(Uint8Array.from(bytes));
        expect(toHex(atr.historical)).toBe(toHex(hist));
        expect(atr.interfaces).toHaveLength(groups.length);
        atr.interfaces.forEach((ib, i) => {
          expect([ib.ta, ib.tb, ib.tc]).toEqual([groups[i]!.ta, groups[i]!.tb, groups[i]!.tc]);
        });
        expect(atr.protocols).toEqual(protocols.length === 0 ? [0] : [...new Set(protocols)]);
        if (needsTck) expect(atr.tckValid).toBe(true);
      }),
    );
  });

  it("throws only AtrError on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        try {
          parseAtr(b);
        } catch (e) {
          expect(e).toBeInstanceOf(AtrError);
        }
      }),
    );
  });
});
