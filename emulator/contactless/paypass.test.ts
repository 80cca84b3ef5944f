// The Mastercard-style contactless card on its own: every built-in profile loads, the schema's cross-field rules,
// and the card's answers byte by byte where Book C-2 fixes them (ERRD template 80 of 10 bytes, RECOVER AC refusal).

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { PaypassCard } from "./paypass.js";
import { builtInPaypassProfileIds, loadPaypassProfile, parsePaypassProfile } from "./paypass-profile.js";

const load = (id: string) => {
  const r = loadPaypassProfile(id);
  if (!r.ok) throw new Error(r.error);
  return r.profile;
};
const send = async (card: PaypassCard, hex: string) => toHex(await card.transmit(fromHex(hex)));

describe("Mastercard-style profiles", () => {
  it("ships at least 8 profiles, all valid", () => {
    const ids = builtInPaypassProfileIds();
    expect(ids.length).toBeGreaterThanOrEqual(8);
    for (const id of ids) expect(load(id).id).toBe(id);
  });
  it("RRP in the AIP needs the card's relay resistance timing, and the other way round", () => {
    const p = load("mc-paypass-rrp");
    const { relayResistance: _, ...noTiming } = p;
    expect(parsePaypassProfile(noTiming, "x")).toEqual({
      ok: false,
      error: "x: aip: byte 2 b1 announces RRP but relayResistance is missing",
    });
    expect(parsePaypassProfile({ ...p, aip: "1980" }, "x").ok).toBe(false);
    expect(parsePaypassProfile({ ...p, relayResistance: { ...p.relayResistance!, minTime: 70 } }, "x")).toEqual({
      ok: false,
      error: "x: relayResistance: minTime is above maxTime",
    });
  });
  it("an unknown profile names the built-in ones", () => {
    const r = loadPaypassProfile("nope");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("mc-paypass-cda-tc");
  });
});

describe("the card's answers", () => {
  it("ERRD: 80 0A with the device entropy, min 0014, max 003C, estimated 000A (Book C-2 Annex A)", async () => {
    const card = new PaypassCard(load("mc-paypass-rrp"), { random: (n) => new Uint8Array(n).fill(0xab) });
    await send(card, "00A4040007A000000004101000");
    expect(await send(card, "80EA000004112233440000")).toBe("800AABABABAB0014003C000A9000");
  });
  it("ERRD to a card without RRP: 6D00; a command before SELECT: 6985", async () => {
    const card = new PaypassCard(load("mc-paypass-cda-tc"));
    expect(await send(card, "80EA00000411223344")).toBe("6985");
    await send(card, "00A4040007A000000004101000");
    expect(await send(card, "80EA00000411223344")).toBe("6D00");
  });
  it("RECOVER AC with no torn transaction: 6985", async () => {
    const card = new PaypassCard(load("mc-paypass-tear-once"));
    await send(card, "00A4040007A000000004101000");
    expect(await send(card, "80D000000411223344")).toBe("6985");
  });
  it("the PPSE lists the AID with its label and priority 01", async () => {
    const card = new PaypassCard(load("mc-paypass-cda-tc"));
    const r = await send(card, "00A404000E325041592E5359532E444446303100");
    expect(r).toContain("4F07A0000000041010500A4D415354455243415244870101");
    expect(r.endsWith("9000")).toBe(true);
  });
});
