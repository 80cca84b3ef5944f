import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TransactionData } from "../../kernel/data/store.js";
import { fromHex, toHex } from "../bytes.js";
import { tagFromHex, tagToHex } from "./ber.js";
import { buildDolData, type DataLookup, DolError, dolDataLength, parseDol } from "./dol.js";
import { tagInfo } from "./tags.js";

interface DolCase {
  name: string;
  dol: string;
  expected_entries?: [string, number][];
  expected_valid?: boolean;
  expected_data_length?: number;
  sources?: Record<string, string>[];
  expected_data?: string;
  formats_used?: Record<string, string>;
}
const vectors = JSON.parse(readFileSync(new URL("./fixtures/dol-vectors.json", import.meta.url), "utf8")) as {
  cases: DolCase[];
};

/** Layered lookup: the first source holding the tag wins (emv-utils source priority). */
function layered(sources: Record<string, string>[]): DataLookup {
  return {
    get(tag) {
      for (const s of sources) {
        const v = s[tagToHex(tag)];
        if (v !== undefined) return fromHex(v);
      }
      return undefined;
    },
  };
}

function parseOutcome(dol: string): { entries: [string, number][]; valid: boolean } {
  try {
    return { entries: parseDol(fromHex(dol)).map((e) => [tagToHex(e.tag), e.length]), valid: true };
  } catch (e) {
    if (!(e instanceof DolError)) throw e;
    return { entries: e.entries.map((x) => [tagToHex(x.tag), x.length]), valid: false };
  }
}

describe("DOL vectors (emv-utils emv_dol_test.c)", () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const outcome = parseOutcome(c.dol);
    if (c.expected_valid !== undefined) expect(outcome.valid).toBe(c.expected_valid);
    if (c.expected_entries) expect(outcome.entries).toEqual(c.expected_entries);
    if (c.expected_data_length !== undefined) {
      expect(dolDataLength(parseDol(fromHex(c.dol)))).toBe(c.expected_data_length);
    }
    if (c.expected_data && c.sources) {
      for (const [tag, format] of Object.entries(c.formats_used ?? {})) {
        expect(tagInfo(tagFromHex(tag))?.format, `format of ${tag}`).toBe(format);
      }
      const data = buildDolData(parseDol(fromHex(c.dol)), layered(c.sources));
      expect(toHex(data)).toBe(c.expected_data);
    }
    expect(vectors.cases.length).toBe(7);
  });
});

describe("parseDol", () => {
  it("names the offset of a malformed entry", () => {
    expect(() => parseDol(fromHex("9F0206 9F"))).toThrow("DOL at offset 3: tag is truncated or longer than 3 bytes");
    expect(() => parseDol(fromHex("9F0206 95"))).toThrow("DOL at offset 4: tag 95 has no length");
    expect(() => parseDol(fromHex("9F0280"))).toThrow("DOL at offset 2: tag 9F02 length byte 80 is not allowed");
    expect(() => parseDol(fromHex("9F028101"))).not.toThrow();
    expect(parseDol(fromHex("DF810104"))).toEqual([{ tag: 0xdf8101, length: 4 }]);
    expect(parseDol(new Uint8Array(0))).toEqual([]);
  });

  it("never throws anything but DolError (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const entries = parseDol(bytes);
          for (const e of entries) expect(e.length).toBeGreaterThanOrEqual(0);
        } catch (e) {
          expect(e).toBeInstanceOf(DolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("buildDolData (Book 3 §5.4)", () => {
  const data = new TransactionData();
  data.set("transaction", 0x9f02, fromHex("000000001234"));
  data.set("card", 0x5a, fromHex("5413330089020011"));
  data.set("card", 0x70, fromHex("5A0112"));
  data.set("terminal", 0x9f1c, fromHex("3132333435363738"));

  it("fills absent and constructed data objects with zeros", () => {
    const entries = parseDol(fromHex("9F3704 7003 9F0206"));
    expect(toHex(buildDolData(entries, data))).toBe("00000000" + "000000" + "000000001234");
  });

  it("applies the n, cn and an rules for shorter and longer values", () => {
    const entries = parseDol(fromHex("9F0208 9F0203 5A0A 5A04 9F1C0A 9F1C04"));
    expect(toHex(buildDolData(entries, data))).toBe(
      ["0000000000001234", "001234", "5413330089020011FFFF", "54133300", "31323334353637380000", "31323334"].join(""),
    );
  });

  it("always yields exactly the sum of the entry lengths (property)", () => {
    const known = [0x9f02, 0x5a, 0x95, 0x9f1c, 0x9f37, 0x70, 0x9a, 0x9f20, 0xdf8101];
    fc.assert(
      fc.property(
        fc.array(fc.record({ tag: fc.constantFrom(...known), length: fc.integer({ min: 0, max: 40 }) }), {
          maxLength: 12,
        }),
        fc.dictionary(fc.constantFrom(...known.map(String)), fc.uint8Array({ maxLength: 40 })),
        (entries, values) => {
          const lookup: DataLookup = { get: (tag) => values[String(tag)] };
          const out = buildDolData(entries, lookup);
          expect(out.length).toBe(dolDataLength(entries));
          expect(out.length).toBe(entries.reduce((s, e) => s + e.length, 0));
        },
      ),
    );
  });
});
