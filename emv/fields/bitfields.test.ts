import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BitDef } from "../bits.js";
import { fromHex } from "../bytes.js";
import { TSI_BITS, TVR_BITS } from "../tvr.js";
import { AIP_BITS } from "./aip.js";
import { AUC_BITS } from "./auc.js";
import { CTQ_BITS } from "./ctq.js";
import { describeBitField } from "./describe.js";
import { MASTERCARD_CVR_BITS } from "./mastercard-iad.js";
import { TERMINAL_CAPABILITIES_BITS } from "./terminal-capabilities.js";
import { TTQ_BITS } from "./ttq.js";
import { VISA_CVR_BITS } from "./visa-iad.js";

interface Definition {
  byte: number;
  bit: number;
  value: number;
  meaning: string;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/bitfields.json", import.meta.url), "utf8")) as {
  bitfields: Record<string, { definitions: Definition[] }>;
};

const OURS: Record<string, readonly BitDef[]> = {
  tvr: TVR_BITS,
  tsi: TSI_BITS,
  aip: AIP_BITS,
  "app-usage-control": AUC_BITS,
  "terminal-capabilities": TERMINAL_CAPABILITIES_BITS,
  "card-tx-qualifiers": CTQ_BITS,
  "terminal-tx-qualifiers": TTQ_BITS,
  "visa-cvr": VISA_CVR_BITS,
  "mastercard-cvr": MASTERCARD_CVR_BITS,
};

describe("bit names agree with the published tables (binaryfoo/emv-bertlv fields/*.txt)", () => {
  it.each(Object.keys(OURS))("%s", (name) => {
    const defs = OURS[name]!;
    // Value-1 meanings that are not RFU must be ours, at the same byte and bit. Case is ignored because
    // kernel/tvr.ts writes "PIN Try Limit" as Book 3 does where the table writes "PIN try limit".
    const expected = fixture.bitfields[name]!.definitions.filter((d) => d.value === 1 && !/RFU/.test(d.meaning));
    const ours = new Map(defs.map((d) => [`${d.byte}.${d.bit}`, d.name.toLowerCase()]));
    // The published card-tx-qualifiers table misspells "supports"; ctq.ts spells it right.
    const corrected = (meaning: string) => meaning.toLowerCase().replace("reader suports", "reader supports");
    for (const d of expected)
      expect(ours.get(`${d.byte}.${d.bit}`), `${name} ${d.byte}.${d.bit}`).toBe(corrected(d.meaning));
    expect(defs).toHaveLength(expected.length);
  });
});

describe("describeBitField", () => {
  it("names set bits in byte/bit order and reports set RFU bits", () => {
    expect(describeBitField(AIP_BITS, fromHex("5980"))).toEqual([
      "SDA supported",
      "Cardholder verification is supported",
      "Terminal risk management is to be performed",
      "CDA supported",
      "EMV and Magstripe Modes Supported",
    ]);
    expect(describeBitField(AUC_BITS, fromHex("FF01"))).toHaveLength(9);
    expect(describeBitField(AUC_BITS, fromHex("FF01"))[8]).toBe("byte 2 bit 1 (RFU)");
    expect(describeBitField(TSI_BITS, fromHex("0000"))).toEqual(["No bits set"]);
  });

  it("decodes every defined TVR bit of FFFFFFFFFF: 27 (bf TVRDecoderTest)", () => {
    const lines = describeBitField(TVR_BITS, fromHex("FFFFFFFFFF"));
    expect(lines.filter((l) => !l.endsWith("(RFU)"))).toHaveLength(27);
    expect(lines.filter((l) => l.endsWith("(RFU)"))).toEqual([
      "byte 1 bit 1 (RFU)",
      "byte 2 bit 3 (RFU)",
      "byte 2 bit 2 (RFU)",
      "byte 2 bit 1 (RFU)",
      "byte 3 bit 2 (RFU)",
      "byte 3 bit 1 (RFU)",
      "byte 4 bit 3 (RFU)",
      "byte 4 bit 2 (RFU)",
      "byte 4 bit 1 (RFU)",
      "byte 5 bit 4 (RFU)",
      "byte 5 bit 3 (RFU)",
      "byte 5 bit 2 (RFU)",
      "byte 5 bit 1 (RFU)",
    ]);
  });
});
