// Read application data (EMV Book 3 §10.2) and the static data to authenticate (§10.3): emv-utils scenarios and
// table-driven cases.

import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import { readApplicationData } from "./read-data.js";
import { testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";
import { apduScript, scenarios } from "./testing/selection-scenarios.js";

const section = scenarios.read_application_data;

function run(afl: string | null | undefined, script: readonly ScriptStep[]) {
  const t = testContext({ script, card: afl ? { "94": afl } : {} });
  return { t, result: readApplicationData(t.ctx) };
}

const EXPECTED_REASON: Record<string, string> = {
  "Test 1: No AFL": "AFL (94) is missing",
  "Test 2: Malformed AFL": "AFL (94): entry 1 byte 1 bits 3–1 are not zero",
  "Test 3: Read Record status 6985": "READ RECORD SFI 1 record 2 answered SW 6985",
  "Test 4: Invalid record template": "SFI 1 record 2 is template 71, not 70",
  "Test 5: Record with additional data after template":
    "SFI 1 record 2 is not a single valid BER-TLV template: BER-TLV tag 70 at offset 53: 2 byte(s) after the data object",
  "Test 6: Record with malformed EMV data":
    "SFI 1 record 2 is not a single valid BER-TLV template: BER-TLV tag 9F1F at offset 39: value of 15 byte(s) runs past the end of its template (14 byte(s) left)",
  "Test 7: Malformed AFL entry": "AFL (94): entry 2 (SFI 2) ends at record 0 before its first 1",
  "Test 8: Redundant EMV field": "data object 8F appears in SFI 2 record 1 and again in SFI 2 record 2",
  "Test 9: Mandatory fields missing": "mandatory card data missing: CDOL1 (8C), CDOL2 (8D)",
};

describe("READ RECORD: emv-utils scenarios", () => {
  for (const c of section.cases) {
    it(c.name ?? "", async () => {
      const script = apduScript(c.card_exchanges ?? []);
      const { t, result } = run(c.afl_94, script);
      const r = await result;
      const sent = t.ctx.card.trace.map((e) => toHex(e.command));
      expect(t.channel.errors).toEqual([]);
      if (c.expected_result === "0 (success)" || c.expected_result === "EMV_TAL_RESULT_ODA_RECORD_INVALID") {
        expect(r).toEqual({ kind: "continue" });
        expect(sent).toEqual(script.map((s) => s.command));
        return;
      }
      expect(r).toEqual({ kind: "terminate", cause: "card-error", reason: EXPECTED_REASON[c.name ?? ""] });
      // The AFL is checked as a whole before reading (emv-utils reads entry by entry): a prefix of the script.
      expect(script.map((s) => s.command).slice(0, sent.length)).toEqual(sent);
    });
  }

  it("Test 11: static data = value of 70 for SFI 1–10, whole record for SFI 11–30; every tag stored", async () => {
    const c = section.cases.find((x) => x.name === "Test 11: Normal processing")!;
    const script = apduScript(c.card_exchanges ?? []);
    const { t, result } = run(c.afl_94, script);
    expect(await result).toEqual({ kind: "continue" });
    // AFL 08020200 10010201 58010101: SFI 1 rec 2 (not ODA), SFI 2 rec 1 (ODA) and rec 2, SFI 11 rec 1 (ODA).
    const sfi2rec1 = script[1]!.response!;
    expect(sfi2rec1.slice(0, 4)).toBe("7046");
    expect(toHex(t.ctx.oda.staticData!)).toBe(`${sfi2rec1.slice(4, -4)}70030101FF`);
    expect(t.ctx.oda.staticDataError).toBeUndefined();
    expect(toHex(t.ctx.data.from("card", 0x5f24)!)).toBe("221231");
    expect(toHex(t.ctx.data.from("card", 0x8f)!)).toBe("94");
    expect(toHex(t.ctx.data.from("card", 0x9f47)!)).toBe("03");
    // The PAN never appears in the event log.
    expect(t.events.map((e) => e.message).join("\n")).not.toContain("4761739001010119");
  });

  it("Test 10: an SFI 11–30 record for ODA that is not template 70 fails ODA, not the transaction", async () => {
    const c = section.cases.find((x) => x.name?.startsWith("Test 10"))!;
    const { t, result } = run(c.afl_94, apduScript(c.card_exchanges ?? []));
    expect(await result).toEqual({ kind: "continue" });
    expect(t.ctx.oda.staticDataError).toBe(
      "record for offline data authentication: SFI 12 record 1 is not a single valid BER-TLV template: BER-TLV tag FF at offset 0: tag is truncated, expecting more bytes (Book 3 §10.3)",
    );
  });
});

describe("READ RECORD rules (Book 3 §10.2)", () => {
  const rec = (hex: string) => `70${(hex.length / 2).toString(16).padStart(2, "0").toUpperCase()}${hex}9000`;
  const MANDATORY = "5A0847617390010101195F24032512318C039F02068D0291008E0400000000";
  it("an SFI 1–10 record for ODA contributes the value of 70; a duplicate within one record terminates", async () => {
    const ok = testContext({
      card: { "94": "08010101" },
      script: [{ command: "00B2010C00", response: rec(MANDATORY) }],
    });
    expect(await readApplicationData(ok.ctx)).toEqual({ kind: "continue" });
    expect(toHex(ok.ctx.oda.staticData!)).toBe(MANDATORY);
    const dup = testContext({
      card: { "94": "08010100" },
      script: [{ command: "00B2010C00", response: rec(`${MANDATORY}5F2403251231`) }],
    });
    expect(await readApplicationData(dup.ctx)).toEqual({
      kind: "terminate",
      cause: "card-error",
      reason: "data object 5F24 appears in SFI 1 record 1 and again in SFI 1 record 1",
    });
  });

  it("card removed during READ RECORD → terminated with the transport error", async () => {
    const t = testContext({
      card: { "94": "08010200" },
      script: [
        { command: "00B2010C00", response: rec(MANDATORY) },
        { command: "00B2020C00", transportError: "card-removed" },
      ],
    });
    expect(await readApplicationData(t.ctx)).toEqual({
      kind: "terminate",
      cause: "card-error",
      reason: "READ RECORD: scripted card-removed",
    });
  });

  it("a proprietary SFI 11–30 record not for ODA is read and ignored", async () => {
    const t = testContext({
      card: { "94": "0801010058010100" },
      script: [
        { command: "00B2010C00", response: rec(MANDATORY) },
        { command: "00B2015C00", response: "DF0101009000" },
      ],
    });
    expect(await readApplicationData(t.ctx)).toEqual({ kind: "continue" });
    expect(t.ctx.oda.staticDataError).toBeUndefined();
    expect(t.ctx.data.from("card", 0xdf01)).toBeUndefined();
  });
});
