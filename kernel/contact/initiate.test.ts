// Initiate application processing (EMV Book 3 §10.1) against the emv-utils scenarios and table-driven cases.

import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import { initiateApplicationProcessing, parseGpoResponse, pdolData } from "./initiate.js";
import { parseFci } from "./selection/fci.js";
import { byTag, testContext } from "./testing/context.js";
import { apduScript, scenarios } from "./testing/selection-scenarios.js";

const section = scenarios.initiate_application_processing;

describe("GET PROCESSING OPTIONS: emv-utils scenarios", () => {
  for (const c of section.cases) {
    it(c.name ?? "", async () => {
      const script = apduScript(c.card_exchanges ?? []);
      // The FCI of the selected application supplies the PDOL (9F38); params override the configuration (9F33).
      const fci = parseFci(Uint8Array.from(Buffer.from(c.fci_of_selected_app ?? "", "hex")));
      if ("error" in fci) throw new Error(fci.error);
      const card: Record<string, string> = {};
      const pdol = fci.proprietary.find((n) => n.tag === 0x9f38);
      if (pdol) card["9F38"] = toHex(pdol.value);
      expect(pdol ? toHex(pdol.value) : null).toBe(c.pdol_9F38 ?? null);
      const t = testContext({
        script,
        terminal: byTag(section.terminal_config ?? []),
        transaction: byTag(section.transaction_params ?? []),
        card,
      });
      const r = await initiateApplicationProcessing(t.ctx);
      expect(t.ctx.card.trace.map((e) => toHex(e.command))).toEqual(script.map((s) => s.command));
      switch (c.expected_result) {
        case "0 (success)":
          expect(r).toEqual({ kind: "continue" });
          expect(toHex(t.ctx.data.from("card", 0x82)!)).toBe(c.expected_aip_82);
          expect(toHex(t.ctx.data.from("card", 0x94)!)).toBe(c.expected_afl_94);
          expect(toHex(t.ctx.pdolData!)).toBe(pdol ? "60F0C8" : "");
          break;
        case "EMV_OUTCOME_GPO_NOT_ACCEPTED":
          expect(r).toEqual({
            kind: "reselect",
            reason: "GET PROCESSING OPTIONS answered 6985 (conditions of use not satisfied)",
          });
          break;
        case "EMV_OUTCOME_CARD_ERROR":
          expect(r.kind).toBe("terminate");
          break;
        default:
          throw new Error(`unmapped ${c.expected_result}`);
      }
    });
  }

  it("PDOL length byte FF is refused before anything is sent (Test 5)", async () => {
    const t = testContext({ card: { "9F38": "9F33FF" } });
    expect(await initiateApplicationProcessing(t.ctx)).toEqual({
      kind: "terminate",
      cause: "card-error",
      reason: "PDOL (9F38) 9F33FF is malformed: DOL at offset 2: tag 9F33 length byte FF is not allowed",
    });
    expect(t.ctx.card.trace).toEqual([]);
  });

  it("6A81 terminates naming the status word (Test 6)", async () => {
    const t = testContext({
      card: { "9F38": "9F3303" },
      script: [{ command: "80A8000005830360F0C800", response: "6A81" }],
      terminal: { "9F33": "60F0C8" },
    });
    expect(await initiateApplicationProcessing(t.ctx)).toEqual({
      kind: "terminate",
      cause: "card-error",
      reason: "GET PROCESSING OPTIONS answered SW 6A81",
    });
  });
});

describe("PDOL data (Book 3 §5.4) and the 83 template", () => {
  it("n fields right-justified, missing data zero-filled, PDOL data over 127 bytes gets length 81 xx", async () => {
    const options = {
      card: { "9F38": "9F02069F1A029F3704DF018181" },
      transaction: { "9F02": "000000001000", "9F37": "11223344" },
      terminal: { "9F1A": "0528" },
    };
    const data = pdolData(testContext(options).ctx);
    if ("error" in data) throw new Error(data.error);
    expect(data.length).toBe(6 + 2 + 4 + 129);
    expect(toHex(data.subarray(0, 12))).toBe("000000001000052811223344");
    expect(data.subarray(12).every((b) => b === 0)).toBe(true);
    // Lc 90 = 3 + 141; template 83 81 8D.
    const gpo = `80A800009083818D${toHex(data)}00`;
    const t = testContext({ ...options, script: [{ command: gpo, response: "800600800801010090" + "00" }] });
    expect(await initiateApplicationProcessing(t.ctx)).toEqual({ kind: "continue" });
    expect(t.channel.errors).toEqual([]);
    expect(toHex(t.ctx.data.from("card", 0x94)!)).toBe("08010100");
  });

  it("PDOL data over 252 bytes does not fit a short GPO", () => {
    const t = testContext({ card: { "9F38": "DF018181DF02817C" } });
    expect(pdolData(t.ctx)).toEqual({
      error: "PDOL (9F38) DF018181DF02817C asks for 253 bytes; at most 252 fit in GET PROCESSING OPTIONS",
    });
  });

  it("malformed PDOL terminates with the DOL error", () => {
    const t = testContext({ card: { "9F38": "9F02" } });
    expect(pdolData(t.ctx)).toEqual({
      error: "PDOL (9F38) 9F02 is malformed: DOL at offset 2: tag 9F02 has no length",
    });
  });
});

describe("GPO response formats (Book 3 §6.5.8.4)", () => {
  const cases: [string, string, string | { aip: string; afl: string }][] = [
    ["format 1", "800A19800801010010010200", { aip: "1980", afl: "0801010010010200" }],
    ["format 2 with extra data", "770F820219809404080101009F36020001", { aip: "1980", afl: "08010100" }],
    ["format 1 without AFL", "80021980", "GET PROCESSING OPTIONS response has no AFL (94)"],
    ["format 1 shorter than an AIP", "800119", "GET PROCESSING OPTIONS format 1 response of 1 byte(s) has no AIP"],
    ["format 2 without AIP", "7706940408010100", "GET PROCESSING OPTIONS response has no AIP (82) of 2 bytes"],
    ["other template", "70039F3600", "GET PROCESSING OPTIONS response template is 70, not 80 or 77"],
  ];
  for (const [name, hex, expected] of cases) {
    it(name, () => {
      const r = parseGpoResponse(Uint8Array.from(Buffer.from(hex, "hex")));
      if (typeof expected === "string") expect(r).toEqual({ error: expected });
      else {
        if ("error" in r) throw new Error(r.error);
        expect([toHex(r.aip), toHex(r.afl)]).toEqual([expected.aip, expected.afl]);
      }
    });
  }
});
