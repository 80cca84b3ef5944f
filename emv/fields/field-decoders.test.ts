import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex } from "../bytes.js";
import { TVR_BITS } from "../tvr.js";
import { describeAflEntry, parseAfl } from "./afl.js";
import { parseCvmList } from "./cvm-list.js";
import { parseCvmResults } from "./cvm-results.js";
import { describeBitField } from "./describe.js";
import { isFieldError } from "./field-error.js";

interface FieldCase {
  source: { path: string; note?: string };
  input_8E?: string;
  input_9F34?: string;
  input_95?: string;
  input_94?: string;
  expected?: unknown;
  validation?: [string, string | null][];
  expected_count_of_decoded_bits?: number;
}
const vectors = JSON.parse(readFileSync(new URL("./fixtures/field-decoder-vectors.json", import.meta.url), "utf8")) as {
  cases: FieldCase[];
};
const cases = vectors.cases;

describe("field_decoders vectors (binaryfoo/emv-bertlv)", () => {
  it("has the 7 cases", () => expect(cases).toHaveLength(7));

  it("CVMListDecoderTest: amounts and rules 0207 / 1E00", () => {
    const c = cases.find((x) => x.input_8E && x.expected)!;
    const expected = c.expected as { amount_x: number; amount_y: number; rules: [string, string][] };
    const list = parseCvmList(fromHex(c.input_8E!));
    if (isFieldError(list)) throw new Error(list.error);
    expect(list.amountX).toBe(expected.amount_x);
    expect(list.amountY).toBe(expected.amount_y);
    expect(
      list.rules.map((r) => r.cvm.toString(16).padStart(2, "0") + r.condition.toString(16).padStart(2, "0")),
    ).toEqual(expected.rules.map(([code]) => code.toLowerCase()));
    // bf: "Encrypted PIN online, If transaction in application currency and >= X, FAIL (x = 200)", "Signature, Always, FAIL"
    expect(list.rules.map((r) => [r.method, r.condition, r.failIfUnsuccessful])).toEqual([
      [0x02, 0x07, true],
      [0x1e, 0x00, true],
    ]);
    expect(list.rules[0]!.methodName).toBe("Enciphered PIN verified online");
    expect(list.rules[1]!.conditionName).toBe("Always");
  });

  it("CVMListDecoderTest validate: short and odd lengths are errors", () => {
    const c = cases.find((x) => x.validation)!;
    for (const [hex, bfError] of c.validation!) {
      const parsed = parseCvmList(fromHex(hex));
      if (hex === "0000000000000000") {
        // bf accepts amounts with no rule; Book 3 Annex A gives 8E a length of 10–252 and emv-utils
        // (cvm-list.test.ts) rejects it, so we report it. A recorded difference, not a skipped case.
        expect(bfError).toBeNull();
        expect(parsed).toEqual({ error: "CVM List (8E): no CV Rule after amounts X and Y (Annex A length is 10–252)" });
      } else {
        expect(isFieldError(parsed)).toBe(bfError !== null);
      }
    }
    expect(parseCvmList(fromHex("00"))).toEqual({
      error: "CVM List (8E): length 1 is shorter than the 8 bytes of amounts X and Y",
    });
    expect(parseCvmList(fromHex("000000000000000011"))).toEqual({
      error: "CVM List (8E): length 9 leaves 1 byte(s) of CV Rules, not a multiple of 2",
    });
  });

  it("CVMResultsDecoderTest: 1E0002 and 3F0002", () => {
    expect(parseCvmResults(fromHex("1E0002"))).toEqual({
      cvm: 0x1e,
      methodName: "Signature (paper)",
      condition: 0,
      conditionName: "Always",
      result: "successful",
    });
    const unknown = parseCvmResults(fromHex("3F0002"));
    expect(unknown).toMatchObject({ cvm: 0x3f, methodName: "No CVM performed", result: "successful" });
    expect(parseCvmResults(fromHex("1E00"))).toEqual({ error: "CVM Results (9F34): length 2, expected 3" });
    expect(cases.filter((x) => x.input_9F34).map((x) => x.input_9F34)).toEqual(["1E0002", "3F0002"]);
  });

  it("TVRDecoderTest: 0000080000 is byte 3 bit 4; FFFFFFFFFF has 27 defined bits", () => {
    const one = cases.find((x) => x.input_95 === "0000080000")!;
    const meaning = (one.expected as [string, string][])[0]![1];
    expect(describeBitField(TVR_BITS, fromHex("0000080000"))).toEqual([meaning]);
    const all = cases.find((x) => x.input_95 === "FFFFFFFFFF")!;
    const named = describeBitField(TVR_BITS, fromHex("FFFFFFFFFF")).filter((l) => !l.endsWith("(RFU)"));
    expect(named).toHaveLength(all.expected_count_of_decoded_bits!);
  });

  it("ApplicationFileLocatorDecoderTest: 100102001801010118040400", () => {
    const c = cases.find((x) => x.input_94)!;
    const afl = parseAfl(fromHex(c.input_94!));
    if (isFieldError(afl)) throw new Error(afl.error);
    expect(afl).toEqual([
      { sfi: 2, first: 1, last: 2, odaCount: 0 },
      { sfi: 3, first: 1, last: 1, odaCount: 1 },
      { sfi: 3, first: 4, last: 4, odaCount: 0 },
    ]);
    expect(afl.map(describeAflEntry)).toEqual([
      "SFI 2 records 1-2",
      "SFI 3 record 1, 1 for offline data authentication",
      "SFI 3 record 4",
    ]);
    // bf's wording is the leading part of ours (we add the ODA record count).
    for (const [i, text] of (c.expected as string[]).entries()) {
      expect(describeAflEntry(afl[i]!).startsWith(text)).toBe(true);
    }
  });
});
