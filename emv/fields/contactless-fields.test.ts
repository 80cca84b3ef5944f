// Contactless data objects: Kernel Identifier (Book B §3.3.2.5 C, Table 3-6), Outcome Parameter Set (Book A §6.2,
// DF8129 of Book C-2 Annex A), User Interface Request Data (Book A §7.1, DF8116), TTQ/CTQ bits (Book C-3 Annex A).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeBits } from "../bits.js";
import { fromHex, toHex } from "../bytes.js";
import { CTQ, CTQ_BITS } from "./ctq.js";
import { describeField } from "./describe.js";
import { isFieldError } from "./field-error.js";
import { defaultKernelId, parseKernelIdentifier } from "./kernel-identifier.js";
import {
  decodeOutcomeParameterSet,
  encodeOutcomeParameterSet,
  OUTCOME_STATUSES,
  type OutcomeParameterSet,
  outcomeParameters,
} from "./outcome-parameter-set.js";
import { TTQ, TTQ_BITS } from "./ttq.js";
import { decodeUiRequest, encodeUiRequest, UI_STATUSES, uiRequest } from "./ui-request.js";

describe("Kernel Identifier (9F2A)", () => {
  it("an international kernel id is byte 1 (b8–b7 = 00)", () => {
    const k = parseKernelIdentifier(fromHex("03"));
    expect(isFieldError(k) ? k : toHex(k.requested)).toBe("03");
  });
  it("b8–b7 = 01 (RFU) still gives byte 1 as the Requested Kernel ID", () => {
    const k = parseKernelIdentifier(fromHex("4301"));
    expect(isFieldError(k) ? k : [k.kind, toHex(k.requested)]).toEqual(["RFU", "43"]);
  });
  it("a domestic kernel id with Short Kernel ID ≠ 0 is bytes 1–3", () => {
    const k = parseKernelIdentifier(fromHex("C1020304"));
    expect(isFieldError(k) ? k : [k.kind, k.shortKernelId, toHex(k.requested)]).toEqual([
      "domestic (proprietary format)",
      1,
      "C10203",
    ]);
  });
  it("a domestic kernel id of fewer than 3 bytes is not usable", () => {
    const k = parseKernelIdentifier(fromHex("8102"));
    expect(isFieldError(k) && k.error).toContain("at least 3 bytes");
  });
  it("empty is an error value", () => {
    expect(isFieldError(parseKernelIdentifier(new Uint8Array(0)))).toBe(true);
  });
  it("default kernel by RID (Book B Table 3-6)", () => {
    expect(defaultKernelId(fromHex("A0000000031010"))).toBe(3);
    expect(defaultKernelId(fromHex("A0000000041010"))).toBe(2);
    expect(defaultKernelId(fromHex("A00000002501"))).toBe(4);
    expect(defaultKernelId(fromHex("A0000000651010"))).toBe(5);
    expect(defaultKernelId(fromHex("A0000001523010"))).toBe(6);
    expect(defaultKernelId(fromHex("A000000333010101"))).toBe(7);
    expect(defaultKernelId(fromHex("B012345678"))).toBe(0);
  });
});

describe("Outcome Parameter Set (DF8129)", () => {
  it("encodes an End Application outcome as Book C-2 lays it out", () => {
    const ops = outcomeParameters("End Application", { uiRequestOnOutcomePresent: true });
    expect(toHex(encodeOutcomeParameterSet(ops))).toBe("40F0F0F080F0FF00");
  });
  it("encodes an Online Request with Online PIN, Start B, receipt and a field-off hold of 1.0 s", () => {
    const ops = outcomeParameters("Online Request", {
      start: "B",
      cvm: "Online PIN",
      receipt: true,
      fieldOffRequest: 10,
      removalTimeout: 0,
    });
    expect(toHex(encodeOutcomeParameterSet(ops))).toBe("3010F02008F00A00");
  });
  it("decodes every status, CVM and start back to itself (round trip over all value combinations)", () => {
    const arb = fc.record({
      status: fc.constantFrom(...OUTCOME_STATUSES),
      start: fc.constantFrom("A", "B", "C", "D", "N/A" as const),
      onlineResponseData: fc.constantFrom("EMV Data", "Any", "N/A" as const),
      cvm: fc.constantFrom("Online PIN", "Confirmation Code Verified", "Obtain Signature", "No CVM", "N/A" as const),
      uiRequestOnOutcomePresent: fc.boolean(),
      uiRequestOnRestartPresent: fc.boolean(),
      dataRecordPresent: fc.boolean(),
      discretionaryDataPresent: fc.boolean(),
      receipt: fc.boolean(),
      alternateInterfacePreference: fc.constantFrom("Contact Chip", "Magnetic Stripe", "N/A" as const),
      fieldOffRequest: fc.oneof(fc.constant("N/A" as const), fc.integer({ min: 0, max: 254 })),
      removalTimeout: fc.integer({ min: 0, max: 255 }),
    }) as fc.Arbitrary<OutcomeParameterSet>;
    fc.assert(
      fc.property(arb, (ops) => {
        expect(decodeOutcomeParameterSet(encodeOutcomeParameterSet(ops))).toEqual(ops);
      }),
    );
  });
  it("an RFU status nibble is an error naming the byte", () => {
    const r = decodeOutcomeParameterSet(fromHex("80F0F0F000F0FF00"));
    expect(isFieldError(r) && r.error).toBe("Outcome Parameter Set (DF8129): byte 1 (Status) 80 is RFU");
  });
  it("decode explains it line by line", () => {
    expect(describeField(0xdf8129, fromHex("10F0F00008F0FF00"))).toEqual([
      "Status: Approved",
      "Start: N/A",
      "Online Response Data: N/A",
      "CVM: No CVM",
      "UI Request on Outcome Present: No",
      "UI Request on Restart Present: No",
      "Data Record Present: No",
      "Discretionary Data Present: No",
      "Receipt: Yes",
      "Alternate Interface Preference: N/A",
      "Field Off Request: N/A",
      "Removal Timeout: 0.0 s",
    ]);
  });
});

describe("User Interface Request Data (DF8116)", () => {
  it("encodes message, status, hold time, language, amount and currency in 22 bytes", () => {
    const r = {
      ...uiRequest(0x03, "Card Read Successfully", 15),
      languagePreference: "en",
      valueQualifier: "amount" as const,
      value: 200,
      currencyCode: 840,
    };
    expect(toHex(encodeUiRequest(r))).toBe("0304000015656E000000000000100000000002000840");
  });
  it("round trip over messages, statuses and hold times", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(...UI_STATUSES),
        fc.integer({ min: 0, max: 999_999 }),
        (id, status, hold) => {
          expect(decodeUiRequest(encodeUiRequest(uiRequest(id, status, hold)))).toEqual(uiRequest(id, status, hold));
        },
      ),
    );
  });
  it("decode explains the message in words", () => {
    expect(describeField(0xdf8116, encodeUiRequest(uiRequest(0x1c, "Ready to Read")))).toEqual([
      "Insert, Swipe or Try Another Card (status Ready to Read)",
    ]);
  });
  it("a wrong length is an error value", () => {
    expect(isFieldError(decodeUiRequest(new Uint8Array(21)))).toBe(true);
  });
});

describe("TTQ and CTQ bits (Book C-3 Annex A)", () => {
  it("the trace's TTQ 24C04000: qVSDC, online PIN, online cryptogram required, CVM required, mobile functionality", () => {
    expect(describeBits(TTQ_BITS, fromHex("24C04000"))).toEqual([
      TTQ.QVSDC_SUPPORTED.name,
      TTQ.ONLINE_PIN_SUPPORTED.name,
      TTQ.ONLINE_CRYPTOGRAM_REQUIRED.name,
      TTQ.CVM_REQUIRED.name,
      TTQ.MOBILE_FUNCTIONALITY_SUPPORTED.name,
    ]);
  });
  it("the online trace's CTQ 9000: online PIN required (b1b8), switch interface if ODA fails (b1b5)", () => {
    expect(describeBits(CTQ_BITS, fromHex("9000"))).toEqual([
      CTQ.ONLINE_PIN_REQUIRED.name,
      CTQ.SWITCH_INTERFACE_IF_ODA_FAILS.name,
    ]);
    expect(CTQ.SWITCH_INTERFACE_IF_ODA_FAILS.name).not.toContain("suports");
  });
});
