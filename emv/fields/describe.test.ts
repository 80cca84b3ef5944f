import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../bytes.js";
import { parseAfl } from "./afl.js";
import { parseCid } from "./cid.js";
import { describeField } from "./describe.js";
import { parseMastercardIad } from "./mastercard-iad.js";
import { parseTerminalType } from "./terminal-type.js";
import { parseVisaIad } from "./visa-iad.js";

describe("AFL (Book 3 §10.2)", () => {
  it.each([
    ["100102", "AFL (94): length 3 is not a multiple of 4"],
    ["08010100 00010100", "AFL (94): entry 2 has SFI 0, not 1–30"],
    ["F8010100", "AFL (94): entry 1 has SFI 31, not 1–30"],
    ["09010100", "AFL (94): entry 1 byte 1 bits 3–1 are not zero"],
    ["08000100", "AFL (94): entry 1 (SFI 1) starts at record 0"],
    ["08030200", "AFL (94): entry 1 (SFI 1) ends at record 2 before its first 3"],
    ["08010203", "AFL (94): entry 1 (SFI 1) has 3 ODA record(s) in a range of 2"],
  ])("%s → %s", (hex, error) => {
    expect(parseAfl(fromHex(hex))).toEqual({ error });
  });

  it("accepts an empty AFL and entries up to SFI 30", () => {
    expect(parseAfl(new Uint8Array(0))).toEqual([]);
    expect(parseAfl(fromHex("F001FF10"))).toEqual([{ sfi: 30, first: 1, last: 255, odaCount: 16 }]);
  });
});

describe("CID (9F27), terminal type (9F35)", () => {
  it("decodes cryptogram type, advice and reason", () => {
    expect(parseCid(fromHex("80"))).toEqual({
      type: "ARQC",
      paymentSystemSpecific: 0,
      adviceRequired: false,
      reason: 0,
      reasonName: "No information given",
    });
    expect(parseCid(fromHex("0A"))).toMatchObject({
      type: "AAC",
      adviceRequired: true,
      reasonName: "PIN Try Limit exceeded",
    });
    expect(describeField(0x9f27, fromHex("40"))).toEqual(["Cryptogram: TC"]);
    expect(describeField(0x9f27, fromHex("C0"))).toEqual(["Cryptogram: RFU"]);
  });

  it("decodes terminal types 11–26 and 34–36 only", () => {
    expect(parseTerminalType(fromHex("22"))).toEqual({
      code: 22,
      operator: "merchant",
      attended: true,
      connectivity: "offline with online capability",
    });
    expect(describeField(0x9f35, fromHex("34"))).toEqual(["Unattended, online only, operated by cardholder"]);
    expect(parseTerminalType(fromHex("31"))).toEqual({
      error: "Terminal Type (9F35): 31 is not a defined terminal type",
    });
    expect(parseTerminalType(fromHex("17"))).toHaveProperty("error");
  });
});

describe("Issuer Application Data (9F10)", () => {
  it("splits a Visa format 0/1 IAD and its CVR (card trace 06010A03A4B8000F…)", () => {
    const iad = parseVisaIad(fromHex("06010A03A4B8000F112233445566778899AABBCCDDEEFF"));
    expect(iad).toMatchObject({ format: "0/1", derivationKeyIndex: 1, cvn: 0x0a });
    expect(describeField(0x9f10, fromHex("06010A03A4B8000F112233445566778899AABBCCDDEEFF"))).toEqual([
      "Visa IAD format 0/1, CVN 0A, derivation key index 01",
      "CVR: 03A4B800",
      "  AC returned in first GENERATE AC: ARQC",
      "  AC returned in second GENERATE AC: Second GENERATE AC not requested",
      "  Offline PIN Verification Performed",
      "  Last online transaction not completed",
      "  Exceeded velocity checking counters",
      "  New card",
      "  Issuer Authentication failure on last online transaction",
      "Issuer discretionary data: 112233445566778899AABBCCDDEEFF",
    ]);
    expect(parseVisaIad(fromHex("06011203A0B8000F1122"))).toEqual({
      error: "Visa IAD (9F10): issuer discretionary data of 15 byte(s) at offset 7 runs past the end",
    });
  });

  it("splits a Mastercard CVN 10 IAD and its CVR (card trace 0110A000…29FF)", () => {
    const iad = parseMastercardIad(fromHex("0110A00009248400000000000000000029FF"));
    expect(iad).toMatchObject({ derivationKeyIndex: 1, cvn: 0x10 });
    expect(describeField(0x9f10, fromHex("0110A00009248400000000000000000029FF"))).toEqual([
      "Mastercard IAD, CVN 10, derivation key index 01",
      "CVR: A00009248400",
      "  AC returned in first GENERATE AC: ARQC",
      "  AC returned in second GENERATE AC: Not requested",
      "  Script counter (right nibble): 0",
      "  PIN try counter (right nibble): 9",
      "  Offline PIN Verification Not Performed",
      "  International Transaction",
      "  Lower Consecutive Offline Limit Exceeded",
      "  Issuer Authentication Failed",
      "DAC/ICC dynamic number: 0000",
      "Counters: 00000000000029FF",
    ]);
  });
});

describe("describeField", () => {
  it("explains dates, amounts, DOLs, text and numbers", () => {
    expect(describeField(0x5f24, fromHex("251231"))).toEqual(["2025-12-31"]);
    expect(describeField(0x5f24, fromHex("251331"))).toEqual(["Invalid: date (YYMMDD): month 13 is not 01–12"]);
    expect(describeField(0x9f02, fromHex("000000001234"))).toEqual(["1234 (minor units)"]);
    expect(describeField(0x9f38, fromHex("9F66049F02069F3704"))).toEqual([
      "9F66 PUNATC (Track2) / Terminal Transaction Qualifiers (TTQ), 4 byte(s)",
      "9F02 Amount, Authorised (Numeric), 6 byte(s)",
      "9F37 Unpredictable Number, 4 byte(s)",
    ]);
    expect(describeField(0x50, fromHex("5649534120435245444954"))).toEqual(['"VISA CREDIT"']);
    expect(describeField(0x5f2a, fromHex("0978"))).toEqual(["0978"]);
    expect(describeField(0x84, fromHex("315041592E5359532E4444463031"))).toEqual(['"1PAY.SYS.DDF01"']);
    expect(describeField(0x84, fromHex("A0000000031010"))).toBeUndefined();
    expect(describeField(0x94, fromHex("08010100"))).toEqual(["SFI 1 record 1"]);
    expect(describeField(0x95, fromHex("0000"))).toEqual(["Invalid: TVR (95): length 2, expected 5"]);
  });

  it("never explains a PAN, track data or PIN data", () => {
    expect(describeField(0x5a, fromHex("4761739001010010"))).toBeUndefined();
    expect(describeField(0x57, fromHex("4761739001010010D22122011143804400000F"))).toBeUndefined();
    expect(describeField(0x9f6b, fromHex("4761739001010010D2212F"))).toBeUndefined();
  });

  it("returns lines or undefined for any tag and value, never throws (property)", () => {
    const tags = [0x95, 0x9b, 0x82, 0x9f07, 0x9f33, 0x9f40, 0x9f66, 0x9f6c, 0x8e, 0x9f34, 0x9f27, 0x94, 0x9f35, 0x9f10];
    const more = [0x9f21, 0x9f38, 0x8c, 0x5f24, 0x9a, 0x9f02, 0x50, 0x5f2a, 0x9f1a, 0x9f4e, 0x42, 0x9f1e];
    fc.assert(
      fc.property(fc.constantFrom(...tags, ...more), fc.uint8Array({ maxLength: 40 }), (tag, value) => {
        const lines = describeField(tag, value);
        if (lines) for (const l of lines) expect(typeof l).toBe("string");
      }),
      { numRuns: 3000 },
    );
  });
});
