import { describe, expect, it } from "vitest";
import { fromHex } from "../emv/bytes.js";
import { commandName, DEFAULT_PROCESSING_MS, processingTimeMs, SIGNATURE_EXTRA_MS } from "./processing-time.js";
import { parseProfile } from "./profile.js";

describe("processing time of a served card", () => {
  it("names commands by INS, secure messaging as an issuer script", () => {
    expect(commandName(fromHex("00A4040007A0000000031010"))).toBe("SELECT");
    expect(commandName(fromHex("80AE50001D"))).toBe("GENERATE AC");
    expect(commandName(fromHex("841E000008"))).toBe("ISSUER SCRIPT");
    expect(commandName(fromHex("00FF0000"))).toBeUndefined();
  });

  it("a signature costs extra: CDA requested at GENERATE AC (P1 b5), fDDA (9F4B) in a GPO answer", () => {
    const ok = fromHex("80129000");
    expect(processingTimeMs(fromHex("80AE40001D00"), ok)).toBe(DEFAULT_PROCESSING_MS["GENERATE AC"]);
    expect(processingTimeMs(fromHex("80AE50001D00"), ok)).toBe(
      DEFAULT_PROCESSING_MS["GENERATE AC"] + SIGNATURE_EXTRA_MS,
    );
    expect(processingTimeMs(fromHex("80A8000002830000"), fromHex("77059F4B0201029000"))).toBe(
      DEFAULT_PROCESSING_MS["GET PROCESSING OPTIONS"] + SIGNATURE_EXTRA_MS,
    );
    expect(processingTimeMs(fromHex("008800000411111111"), ok)).toBe(DEFAULT_PROCESSING_MS["INTERNAL AUTHENTICATE"]);
  });

  it("an error answer is quick; a profile's own time replaces the default", () => {
    expect(processingTimeMs(fromHex("008800000411111111"), fromHex("6985"))).toBe(10);
    expect(processingTimeMs(fromHex("80AE50001D00"), fromHex("9000"), { "GENERATE AC": 400 })).toBe(400);
  });

  it("profile 'served' settings are validated with their path", () => {
    const base = JSON.parse(
      JSON.stringify({
        id: "x",
        description: "d",
        scheme: "visa",
        atr: "3B00",
        pse: null,
        applications: [],
      }),
    );
    const bad = parseProfile({ ...base, served: { processingTimeMs: { "GENERATE AC": -1 } } }, "x.json");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain("served.processingTimeMs");
  });
});
