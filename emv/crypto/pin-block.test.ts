// PIN blocks (ISO 9564-1 formats 0 and 2, Book 3 §6.5.12; the Visa PIN change block): layouts and round trips.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes.js";
import {
  PinError,
  parsePinBlockFormat0,
  parsePinBlockFormat2,
  parseVisaPinChangeBlock,
  pinBlockFormat0,
  pinBlockFormat2,
  visaPinChangeBlock,
} from "./pin-block.js";

const pin = fc.stringMatching(/^\d{4,12}$/);

describe("PIN blocks", () => {
  it("format 2: round trip, layout, malformed blocks rejected", () => {
    fc.assert(
      fc.property(pin, (p) => {
        expect(parsePinBlockFormat2(pinBlockFormat2(p))).toBe(p);
      }),
    );
    expect(toHex(pinBlockFormat2("1234"))).toBe("241234FFFFFFFFFF");
    expect(parsePinBlockFormat2(Uint8Array.of(0x24, 0x12, 0x34, 0xff, 0xff, 0xff, 0xff, 0xfe))).toBeUndefined();
    expect(parsePinBlockFormat2(Uint8Array.of(0x34, 0x12, 0x34, 0xff, 0xff, 0xff, 0xff, 0xff))).toBeUndefined();
    expect(parsePinBlockFormat2(Uint8Array.of(0x23, 0x12, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff))).toBeUndefined();
    expect(parsePinBlockFormat2(Uint8Array.of(0x24, 0x12, 0x34, 0xff))).toBeUndefined();
  });

  it("format 0: PIN field ⊕ the 12 PAN digits before the check digit", () => {
    // 041234FFFFFFFFFF ⊕ 0000173900101001
    expect(toHex(pinBlockFormat0("1234", "4761739001010010"))).toBe("041223C6FFEFEFFE");
    expect(() => pinBlockFormat0("1234", "476173900101")).toThrow("format 0 PIN block: PAN must be 13 to 19 digits");
    expect(parsePinBlockFormat0(fromHex("041223C6FFEFEFFE"), "4761739001010010")).toBe("1234");
    // The same block read for another PAN does not decode; nor does a block that is not 8 bytes.
    expect(parsePinBlockFormat0(fromHex("041223C6FFEFEFFE"), "4761739001010028")).toBeUndefined();
    expect(parsePinBlockFormat0(fromHex("041223C6FFEFEF"), "4761739001010010")).toBeUndefined();
  });

  it("property: format 0 decodes back to the PIN for the PAN it was built with", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{4,12}$/), fc.stringMatching(/^[0-9]{13,19}$/), (pin, pan) => {
        expect(parsePinBlockFormat0(pinBlockFormat0(pin, pan), pan)).toBe(pin);
      }),
    );
  });

  it("Visa PIN change block: round trip with and without the current PIN", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        pin,
        fc.option(pin, { nil: undefined }),
        (mk, p, c) => {
          expect(parseVisaPinChangeBlock(visaPinChangeBlock(mk, p, c), mk, c)).toBe(p);
        },
      ),
    );
  });

  it("bad PINs are PinErrors", () => {
    expect(() => pinBlockFormat2("12a4")).toThrow(PinError);
    expect(() => pinBlockFormat2("123")).toThrow("a PIN must be 4 to 12 digits");
    expect(() => pinBlockFormat2("1234567890123")).toThrow(PinError);
  });
});
