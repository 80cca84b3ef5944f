import { describe, expect, it } from "vitest";
import { toHex } from "./bytes.js";
import { newTsi, newTvr, TSI, TVR } from "./tvr.js";

describe("TVR and TSI registers (Book 3 Annex C5, C6) take only their own bits", () => {
  it("sets each bit at its byte and bit", () => {
    const tvr = newTvr();
    tvr.set(TVR.ICC_DATA_MISSING);
    tvr.set(TVR.UCOL_EXCEEDED);
    expect(toHex(tvr.bytes)).toBe("2000002000");
    const tsi = newTsi();
    tsi.set(TSI.ODA_PERFORMED);
    expect(toHex(tsi.bytes)).toBe("8000");
  });

  it("a TSI bit on the TVR (or a TVR bit on the TSI) does not compile", () => {
    const tvr = newTvr();
    const tsi = newTsi();
    // @ts-expect-error TSI.ODA_PERFORMED is a TSI bit: the TVR refuses it (it would set TVR B1b8 'ODA not performed').
    tvr.set(TSI.ODA_PERFORMED);
    // @ts-expect-error TVR bits are not TSI bits.
    tsi.set(TVR.SDA_FAILED);
    // @ts-expect-error a bit definition without its register is not a TVR bit either.
    tvr.set({ byte: 1, bit: 8, name: "untyped" });
    expect(tvr.bytes.length).toBe(5);
  });
});
