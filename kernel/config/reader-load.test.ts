// Reader configurations: the shipped ones load; schema and semantic errors are one line with the JSON path.

import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import { builtInReaderConfigIds, loadReaderConfig, parseReaderConfig } from "./reader-load.js";

const base = {
  id: "r",
  description: "d",
  terminal: "attended-pos",
  kernels: [3],
  combinations: [
    { aid: "A0000000031010", kernel: 3, ttq: "36004000", statusCheckSupport: false, zeroAmountAllowed: false },
  ],
};
const withCombination = (c: Record<string, unknown>) => ({
  ...base,
  combinations: [{ ...base.combinations[0], ...c }],
});

describe("shipped reader configurations", () => {
  it("are attended-pos, online-only and transit, and all load", () => {
    expect(builtInReaderConfigIds()).toEqual(["attended-pos", "attended-pos-k2", "online-only", "transit"]);
    for (const id of builtInReaderConfigIds()) expect(loadReaderConfig(id).ok, id).toBe(true);
  });
  it("attended-pos has no contactless floor limit of its own: the terminal's 9F1B (50.00) is the fallback", () => {
    const r = loadReaderConfig("attended-pos");
    if (!r.ok) throw new Error(r.error);
    const visa = r.config.combinations[0]!;
    expect(toHex(visa.aid)).toBe("A0000000031010");
    expect(visa.floorLimit).toBeUndefined();
    expect(visa.terminalFloorLimit).toBe(5000);
    expect(visa.transactionLimit).toBe(100000);
    expect(visa.cvmRequiredLimit).toBe(5000);
  });
  it("an unknown id names the built-in ones", () => {
    const r = loadReaderConfig("nope");
    expect(r.ok ? "" : r.error).toBe(
      "unknown reader configuration 'nope' (built-in: attended-pos, attended-pos-k2, online-only, transit; or give a file path)",
    );
  });
});

describe("errors are one line with the path", () => {
  const error = (json: unknown) => {
    const r = parseReaderConfig(json, "test.json");
    return r.ok ? "(ok)" : r.error;
  };
  it("a TTQ of the wrong length", () => {
    expect(error(withCombination({ ttq: "360040" }))).toBe(
      "test.json: combinations[0].ttq: must be 4 bytes (8 hex digits), got 3",
    );
  });
  it("an unknown field", () => {
    expect(error(withCombination({ cvmLimit: 1 }))).toBe("test.json: combinations[0]: unknown field 'cvmLimit'");
  });
  it("a negative limit", () => {
    expect(error(withCombination({ floorLimit: -1 }))).toMatch(/^test\.json: combinations\[0\]\.floorLimit: /);
  });
  it("TTQ byte 2 bits 8–7 belong to pre-processing (Book B §3.1.1.2)", () => {
    expect(error(withCombination({ ttq: "36C04000" }))).toBe(
      "test.json: combinations[0].ttq: byte 2 bits 8–7 are set per transaction by pre-processing (Book B §3.1.1.2); leave them 0",
    );
  });
  it("a kernel the reader does not list", () => {
    expect(error(withCombination({ kernel: 2 }))).toBe(
      "test.json: combinations[0].kernel: kernel 2 is not in kernels [3]",
    );
  });
  it("kernel 3 without a TTQ", () => {
    const c = { ...base.combinations[0] } as Record<string, unknown>;
    delete c.ttq;
    expect(error({ ...base, combinations: [c] })).toBe(
      "test.json: combinations[0].ttq: kernel 3 needs the Terminal Transaction Qualifiers (Book C-3)",
    );
  });
  it("the same AID and kernel twice", () => {
    expect(error({ ...base, combinations: [base.combinations[0], base.combinations[0]] })).toBe(
      "test.json: combinations[1]: AID A0000000031010 with kernel 3 is already combinations[0]",
    );
  });
  it("an unknown terminal configuration", () => {
    expect(error({ ...base, terminal: "nope" })).toMatch(
      /^test\.json: terminal: unknown terminal configuration 'nope'/,
    );
  });
  it("a domestic kernel id is 3 bytes", () => {
    expect(error(withCombination({ kernel: "C1" }))).toMatch(/combinations\[0\]\.kernel/);
  });
});
