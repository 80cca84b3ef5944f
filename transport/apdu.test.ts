import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import {
  ApduError,
  apduCase,
  commandApdu,
  decodeCommandApdu,
  decodeResponseApdu,
  describeCommandApdu,
  encodeCommandApdu,
} from "./apdu.js";
import { describeStatusWord, isNormalProcessing, isWarning, statusWordMeaning } from "./status-words.js";

describe("command APDU (ISO 7816-4 §5.1)", () => {
  it("encodes the four short cases", () => {
    expect(toHex(encodeCommandApdu(commandApdu(0x00, 0x84, 0, 0)))).toBe("00840000");
    expect(toHex(encodeCommandApdu(commandApdu(0x00, 0xb2, 1, 0x0c, undefined, 256)))).toBe("00B2010C00");
    expect(toHex(encodeCommandApdu(commandApdu(0x00, 0x82, 0, 0, fromHex("DEADBEEF"))))).toBe("0082000004DEADBEEF");
    expect(toHex(encodeCommandApdu(commandApdu(0x00, 0xa4, 4, 0, fromHex("A0000000031010"), 256)))).toBe(
      "00A4040007A000000003101000",
    );
  });

  it("encodes extended lengths when Lc > 255 or Ne > 256", () => {
    const data = new Uint8Array(300).fill(0xab);
    const enc = encodeCommandApdu(commandApdu(0x80, 0x2a, 0x9e, 0x9a, data, 65536));
    expect(toHex(enc.subarray(0, 7))).toBe("802A9E9A00012C");
    expect(toHex(enc.subarray(enc.length - 2))).toBe("0000");
    expect(enc.length).toBe(4 + 3 + 300 + 2);
    expect(toHex(encodeCommandApdu(commandApdu(0, 0xb0, 0, 0, undefined, 1000)))).toBe("00B00000" + "0003E8");
  });

  it("decodes each case with its Le", () => {
    const c4 = decodeCommandApdu(fromHex("00A404000E315041592E5359532E444446303100"));
    expect(apduCase(c4)).toBe(4);
    expect(c4.le).toBe(256);
    expect(toHex(c4.data)).toBe("315041592E5359532E4444463031");
    expect(apduCase(decodeCommandApdu(fromHex("12345678")))).toBe(1);
    expect(decodeCommandApdu(fromHex("00B2010C1C")).le).toBe(0x1c);
    expect(apduCase(decodeCommandApdu(fromHex("0082000004DEADBEEF")))).toBe(3);
    const e2 = decodeCommandApdu(fromHex("00B00000000000"));
    expect(e2.extended).toBe(true);
    expect(e2.le).toBe(65536);
  });

  it("names what is wrong and where", () => {
    expect(() => decodeCommandApdu(fromHex("00A4"))).toThrow("command APDU: 2 bytes, the header needs 4");
    expect(() => decodeCommandApdu(fromHex("00A4040005A0000000"))).toThrow(
      "command APDU: Lc 5 (offset 4) does not match the 4 bytes that follow (expected 5 or 6)",
    );
    expect(() => decodeCommandApdu(fromHex("00A4040000000000"))).toThrow(
      "command APDU: extended Lc at offset 4 is 0000",
    );
    expect(() => decodeCommandApdu(fromHex("00A4040000"))).not.toThrow();
    expect(() => encodeCommandApdu(commandApdu(0, 0xa4, 4, 0, new Uint8Array(256), undefined, false))).toThrow(
      "command APDU: Lc 256 exceeds 255 (short)",
    );
    expect(() => encodeCommandApdu(commandApdu(0x100, 0xa4, 4, 0))).toThrow("CLA 256 is not a byte");
  });

  it("round-trips any command APDU (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
        fc.boolean(),
        (ins, p1, data, le, forceExt) => {
          const ext = forceExt || data.length > 255 || (le !== undefined && le > 256);
          const c = commandApdu(0x00, ins, p1, 0, data, le, ext);
          const bytes = encodeCommandApdu(c);
          const d = decodeCommandApdu(bytes);
          expect(toHex(d.data)).toBe(toHex(data));
          expect(d.le).toBe(le);
          expect(d.ins).toBe(ins);
          expect(toHex(encodeCommandApdu(d))).toBe(toHex(bytes));
        },
      ),
    );
  });

  it("never throws anything but ApduError on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          decodeCommandApdu(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ApduError);
        }
      }),
    );
  });

  it("describes a command without its data", () => {
    expect(describeCommandApdu(fromHex("00A4040007A000000003101000"))).toBe("00A40400 case 4 Lc=7 Le=256");
  });
});

describe("response APDU and status words", () => {
  it("splits data and SW", () => {
    const r = decodeResponseApdu(fromHex("6F0A9000"));
    expect(toHex(r.data)).toBe("6F0A");
    expect(r.sw).toBe(0x9000);
    expect(() => decodeResponseApdu(fromHex("90"))).toThrow("response APDU: 1 byte(s), a status word needs 2");
  });

  it("says what a status word means", () => {
    expect(statusWordMeaning(0x9000)).toBe("normal processing");
    expect(statusWordMeaning(0x6a82)).toBe("wrong parameters: file or application not found");
    expect(statusWordMeaning(0x6983)).toBe(
      "command not allowed: authentication method blocked (PIN try limit exceeded)",
    );
    expect(statusWordMeaning(0x63c2)).toBe("warning: counter is 2 (PIN tries remaining)");
    expect(statusWordMeaning(0x6110)).toBe("normal processing: 16 response bytes still available (GET RESPONSE)");
    expect(statusWordMeaning(0x6c1c)).toBe("wrong Le: exact length is 28 (re-issue the command with this Le)");
    expect(statusWordMeaning(0x6283)).toBe("warning: selected file invalidated (application blocked)");
    expect(describeStatusWord(0x6d00)).toBe("6D00 (instruction code not supported or invalid)");
    expect(isNormalProcessing(0x6105)).toBe(true);
    expect(isWarning(0x6286)).toBe(true);
    expect(isWarning(0x6a81)).toBe(false);
  });
});
