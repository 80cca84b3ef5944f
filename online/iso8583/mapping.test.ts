import { describe, expect, it } from "vitest";
import type { AuthorizationResponse } from "../../emv/authorisation.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { decodeMessage, encodeMessage } from "./codec.js";
import { authorizationRequestOf, authorizationResponseOf, requestMessage, responseMessage } from "./mapping.js";

// ICC data as the kernel sends it (Book 4 §6.3.6): PAN 5A, PSN 5F34, amount 9F02, currency 5F2A, date 9A,
// type 9C, expiry 5F24, track 2 equivalent 57, ARQC 9F26.
const ICC = fromHex(
  "5A0847617390010101195F3401019F02060000000012345F2A0209789A032612029C01005F2403281231" +
    "57114761739001010119D2812201100000000F9F2608A1B2C3D4E5F60708",
);
const CONTEXT = { stan: "000042", terminalId: "TERM0001", merchantId: "MERCHANT0000001", transmission: "1202203000" };

describe("AuthorizationRequest <-> 0100", () => {
  const request = requestMessage("0100", { iccData: ICC, onlinePinBlock: fromHex("0102030405060708") }, CONTEXT);

  it("copies PAN, amount, date, expiry, PSN, track 2, currency from the ICC data and keeps DE 55 whole", () => {
    const f = request.fields;
    expect(f.get(2)).toBe("4761739001010119");
    expect(f.get(3)).toBe("000000");
    expect(f.get(4)).toBe("000000001234");
    expect(f.get(11)).toBe("000042");
    expect(f.get(12)).toBe("203000");
    expect(f.get(13)).toBe("1202");
    expect(f.get(14)).toBe("2812");
    expect(f.get(22)).toBe("051");
    expect(f.get(23)).toBe("001");
    expect(f.get(35)).toBe("4761739001010119D2812201100000000");
    expect(f.get(41)).toBe("TERM0001");
    expect(f.get(49)).toBe("978");
    expect(toHex(f.get(52) as Uint8Array)).toBe("0102030405060708");
    expect(toHex(f.get(55) as Uint8Array)).toBe(toHex(ICC));
  });

  it("the host reads back the same AuthorizationRequest after encoding", () => {
    const back = authorizationRequestOf(decodeMessage(encodeMessage(request)));
    expect(toHex(back.iccData)).toBe(toHex(ICC));
    expect(toHex(back.onlinePinBlock as Uint8Array)).toBe("0102030405060708");
  });

  it("a DE 55 that is not BER-TLV is a format error naming field 55", () => {
    const bad = { mti: "0100", fields: new Map<number, string | Uint8Array>([[55, fromHex("9F2608A1")]]) };
    expect(() => authorizationRequestOf(bad)).toThrowError(/0100: field 55 is not BER-TLV/);
  });
});

describe("AuthorizationResponse <-> 0110", () => {
  const response: AuthorizationResponse = {
    authorisationResponseCode: new TextEncoder().encode("00"),
    issuerAuthenticationData: fromHex("1122334455667788"),
    scripts71: [fromHex("710A9F180400000001860100")],
    scripts72: [fromHex("72079F180400000002")],
    reason: "ARQC verified; amount within limit",
  };

  it("carries 39, 91 and the script templates in DE 55, the reason in DE 63, and echoes the request keys", () => {
    const request = requestMessage("0100", { iccData: ICC }, CONTEXT);
    const answer = decodeMessage(encodeMessage(responseMessage(request, "0110", response, "A1B2C3")));
    expect(answer.mti).toBe("0110");
    expect(answer.fields.get(11)).toBe("000042");
    expect(answer.fields.get(41)).toBe("TERM0001");
    expect(answer.fields.get(38)).toBe("A1B2C3");
    expect(answer.fields.get(39)).toBe("00");
    expect(toHex(answer.fields.get(55) as Uint8Array)).toBe(
      "91081122334455667788710A9F18040000000186010072079F180400000002",
    );
    expect(answer.fields.has(35)).toBe(false);
    expect(answer.fields.has(52)).toBe(false);
    const back = authorizationResponseOf(answer);
    expect(new TextDecoder().decode(back.authorisationResponseCode)).toBe("00");
    expect(toHex(back.issuerAuthenticationData as Uint8Array)).toBe("1122334455667788");
    expect(back.scripts71.map((s) => toHex(s))).toEqual(["710A9F180400000001860100"]);
    expect(back.scripts72.map((s) => toHex(s))).toEqual(["72079F180400000002"]);
    expect(back.reason).toBe("ARQC verified; amount within limit");
  });
});
