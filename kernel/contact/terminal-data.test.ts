// Terminal and transaction data objects in the data store (Book 3 §5.4, Annex A formats).

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { TVR } from "../../emv/tvr.js";
import { putApplicationData, putTerminalData } from "./terminal-data.js";
import { fixedRandom, TEST_AID, testContext } from "./testing/context.js";

describe("putTerminalData", () => {
  it("encodes configuration and parameters in their Annex A formats", () => {
    const { ctx } = testContext({
      config: {
        terminalData: new Map([
          [0x9f1c, fromHex("3132333435363738")],
          [0x9f35, fromHex("99")],
        ]),
      },
      params: {
        type: "cashback",
        amount: 4_294_967_296,
        otherAmount: 500,
        sequenceCounter: 12345678,
        random: fixedRandom([], 0xa5),
      },
    });
    expect(putTerminalData(ctx)).toBeUndefined();
    const get = (tag: number) => (ctx.data.get(tag) ? toHex(ctx.data.get(tag)!) : undefined);
    expect(get(0x9f1c)).toBe("3132333435363738");
    // The explicit setting wins over the same tag in terminalData.
    expect(get(0x9f35)).toBe("22");
    expect([get(0x9f33), get(0x9f40), get(0x9f1a), get(0x5f2a), get(0x5f36)]).toEqual([
      "E0F8C8",
      "F000F0A001",
      "0528",
      "0978",
      "02",
    ]);
    expect([get(0x9c), get(0x9f02), get(0x9f03), get(0x9f04), get(0x9f41), get(0x9f37)]).toEqual([
      "09",
      "004294967296",
      "000000000500",
      "000001F4",
      "12345678",
      "A5A5A5A5",
    ]);
    // 4 294 967 296 does not fit the 4-byte binary 81: only 9F02 carries it.
    expect(get(0x81)).toBeUndefined();
    // 95 and 9B are read live from the TVR and TSI.
    ctx.tvr.set(TVR.FLOOR_LIMIT_EXCEEDED);
    expect(get(0x95)).toBe("0000008000");
  });

  const bad: [string, Parameters<typeof testContext>[0], string][] = [
    [
      "country code of 5 digits",
      { config: { countryCode: 10000 } },
      "Terminal Country Code (9F1A): 10000 is not a whole number from 0 to 9999",
    ],
    [
      "fractional amount",
      { params: { amount: 12.5 } },
      "Amount, Authorised (9F02): 12.5 is not a whole number from 0 to 999999999999",
    ],
    ["date not digits", { params: { date: "2511AA" } }, 'Transaction Date (9A): "2511AA" is not six digits'],
    ["time too short", { params: { time: "1200" } }, 'Transaction Time (9F21): "1200" is not six digits'],
    [
      "sequence counter over 8 digits",
      { params: { sequenceCounter: 123456789 } },
      "Transaction Sequence Counter (9F41): 123456789 is not a whole number from 0 to 99999999",
    ],
  ];
  for (const [name, options, error] of bad) {
    it(`refuses ${name}`, () => {
      expect(putTerminalData(testContext(options).ctx)).toEqual({ error });
    });
  }
});

describe("putApplicationData", () => {
  it("9F06, 9F09 and the floor limit as 4-byte binary 9F1B", () => {
    const { ctx } = testContext();
    putApplicationData(ctx, { ...TEST_AID, floorLimit: 70000 });
    expect([toHex(ctx.data.get(0x9f06)!), toHex(ctx.data.get(0x9f09)!), toHex(ctx.data.get(0x9f1b)!)]).toEqual([
      "A0000000031010",
      "008C",
      "00011170",
    ]);
  });
});
