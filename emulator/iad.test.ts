import { describe, expect, it } from "vitest";
import { toHex } from "../emv/bytes.js";
import { type CvrFacts, issuerApplicationData, mastercardCvr, visaCvr } from "./iad.js";

const firstArqc: CvrFacts = {
  firstType: "ARQC",
  secondType: undefined,
  offlinePin: "none",
  enciphered: false,
  externalAuthenticate: "none",
  pinTryCounter: 3,
  pinTryLimitExceeded: false,
  lastOnlineIssuerAuthenticationFailed: false,
  scriptCommands: 0,
  scriptFailed: false,
  unableToGoOnline: false,
  cda: false,
};

describe("Card Verification Results and IAD", () => {
  it("Visa CVR: length 03, b8–b7 second GENERATE AC not requested (10), b6–b5 first ARQC (10) → 03A00000", () => {
    expect(toHex(visaCvr(firstArqc))).toBe("03A00000");
  });

  it("Visa CVR after a second TC with a failed issuer authentication and one script: 03 68 00 10", () => {
    expect(toHex(visaCvr({ ...firstArqc, secondType: "TC", externalAuthenticate: "failed", scriptCommands: 1 }))).toBe(
      "03680010",
    );
  });

  it("Mastercard CVR: first ARQC, PIN try counter 3, offline PIN not performed → A00003200000", () => {
    expect(toHex(mastercardCvr(firstArqc))).toBe("A00003200000");
  });

  it("IAD layouts: Visa 06 DKI CVN CVR (7 bytes); Mastercard DKI CVN CVR DAC counters (18 bytes)", () => {
    expect(toHex(issuerApplicationData(10, 1, firstArqc).iad)).toBe("06010A03A00000");
    expect(toHex(issuerApplicationData(18, 1, firstArqc).iad)).toBe("06011203A00000");
    const mc = issuerApplicationData(16, 1, firstArqc);
    expect(toHex(mc.iad)).toBe(`0110${"A00003200000"}0000${"0000000000"}0300FF`);
    expect(mc.iad.length).toBe(18);
  });
});
