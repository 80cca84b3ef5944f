import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../bytes.js";
import { CVM, CVM_CONDITION } from "./cvm-codes.js";
import { describeCvmList, parseCvmList } from "./cvm-list.js";
import { isFieldError } from "./field-error.js";

interface CvmCase {
  name: string;
  cvm_list_8E: string;
  expected_parse_ok: boolean;
  expected_amount_x?: number;
  expected_amount_y?: number;
  expected_rules?: { cvm_code: string; cvm_condition: string; cvm_expr: string }[];
}
const vectors = JSON.parse(readFileSync(new URL("./fixtures/cvm-list-vectors.json", import.meta.url), "utf8")) as {
  cases: CvmCase[];
};

describe("CVM list vectors (emv-utils emv_cvmlist_test.c)", () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const parsed = parseCvmList(fromHex(c.cvm_list_8E));
    expect(isFieldError(parsed)).toBe(!c.expected_parse_ok);
    if (isFieldError(parsed)) return;
    expect(parsed.amountX).toBe(c.expected_amount_x);
    expect(parsed.amountY).toBe(c.expected_amount_y);
    expect(parsed.rules.map((r) => [r.cvm, r.condition])).toEqual(
      c.expected_rules!.map((r) => [Number.parseInt(r.cvm_code, 16), Number.parseInt(r.cvm_condition, 16)]),
    );
    for (const [i, r] of c.expected_rules!.entries()) {
      expect(parsed.rules[i]!.applyNextIfUnsuccessful).toBe(r.cvm_expr.includes("APPLY_NEXT_IF_UNSUCCESSFUL"));
    }
  });
});

describe("parseCvmList", () => {
  it("explains each rule with its method, condition and failure handling", () => {
    const parsed = parseCvmList(fromHex("000000C8000001F4 4206 1E08 5F03 0100"));
    if (isFieldError(parsed)) throw new Error(parsed.error);
    expect(parsed.rules.map((r) => r.method)).toEqual([
      CVM.ENCIPHERED_PIN_ONLINE,
      CVM.SIGNATURE,
      CVM.NO_CVM_REQUIRED,
      CVM.PLAINTEXT_PIN_ICC,
    ]);
    expect(parsed.rules.map((r) => r.condition)).toEqual([
      CVM_CONDITION.UNDER_X,
      CVM_CONDITION.UNDER_Y,
      CVM_CONDITION.TERMINAL_SUPPORTS_CVM,
      CVM_CONDITION.ALWAYS,
    ]);
    expect(describeCvmList(parsed)).toEqual([
      "Amount X: 200",
      "Amount Y: 500",
      "Rule 1 4206: Enciphered PIN verified online, If transaction is in the application currency and is under X value (X = 200), apply next rule if unsuccessful",
      "Rule 2 1E08: Signature (paper), If transaction is in the application currency and is under Y value (Y = 500), fail if unsuccessful",
      "Rule 3 5F03: No CVM required, If terminal supports the CVM, apply next rule if unsuccessful",
      "Rule 4 0100: Plaintext PIN verification performed by ICC, Always, fail if unsuccessful",
    ]);
  });

  it("accepts every even length ≥ 10 and rejects the rest, never throwing (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const parsed = parseCvmList(bytes);
        const valid = bytes.length >= 10 && bytes.length % 2 === 0;
        expect(isFieldError(parsed)).toBe(!valid);
        if (!isFieldError(parsed)) expect(parsed.rules).toHaveLength((bytes.length - 8) / 2);
      }),
    );
  });
});
