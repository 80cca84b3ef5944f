// Issuer update processing on the card (Book C-3; Book B §3.5 Start B): a card whose CTQ offers it (B2b7) keeps its
// last contactless ARQC; presented again after the online response, it takes EXTERNAL AUTHENTICATE and the issuer's
// script commands without a GPO. The ARPC and the script MACs come from the default issuer host.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { decodeTlv, encodeTlvs } from "../../emv/tlv/ber.js";
import { defaultHostConfig } from "../host/default.js";
import { issuerHostFromConfig } from "../host/issuer-host.js";
import { apdu, child, gpo, openCard, PPSE_SELECT, selectAid, split, TERMINAL_DATA, template77 } from "./testing/tap.js";

const VISA = fromHex("A0000000031010");
/** TTQ: qVSDC, online PIN, signature; online cryptogram required; issuer update supported (B3b8). */
const ONLINE_TTQ = { "9F66": "36808000", "9F02": "000000002500" };

function firstTap(id: string) {
  const card = openCard(id);
  expect(split(card.transmit(fromHex(PPSE_SELECT))).sw).toBe("9000");
  const g = gpo(card, selectAid(card, VISA).data, ONLINE_TTQ);
  const t = template77(g.response.data);
  const host = issuerHostFromConfig({
    ...defaultHostConfig(),
    scripts: [{ template: 72, id: "00000001", commands: [{ command: "put-data", tag: "9F14", value: "07" }] }],
  });
  const iccData = encodeTlvs([
    ...["9F26", "9F27", "9F10", "9F36", "82", "5F34"].map((tag) => ({
      tag: Number.parseInt(tag, 16),
      value: child(t, tag)!,
    })),
    { tag: 0x57, value: child(t, "57")! },
    { tag: 0x5a, value: fromHex(toHex(child(t, "57")!).split("D")[0]!) },
    { tag: 0x4f, value: VISA },
    ...["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37"].map((tag) => ({
      tag: Number.parseInt(tag, 16),
      value: g.values.get(tag) ?? fromHex(TERMINAL_DATA[tag]!),
    })),
  ]);
  const answer = host.decide({ iccData });
  card.powerOff();
  return { card, t, answer };
}

const scriptCommands = (template: Uint8Array) =>
  (decodeTlv(template).children ?? []).filter((c) => c.tag === 0x86).map((c) => c.value);

describe("issuer update on the second tap", () => {
  it("visa-qvsdc-issuer-update (CTQ 0040): ARQC, then EXTERNAL AUTHENTICATE 9000 and PUT DATA 9000 without a GPO", () => {
    const { card, t, answer } = firstTap("visa-qvsdc-issuer-update");
    expect(toHex(child(t, "9F27")!)).toBe("80");
    // CTQ: issuer update at the POS (B2b7); no CVM asked for (TTQ B2b7 clear).
    expect(toHex(child(t, "9F6C")!)).toBe("0040");
    expect(answer.reason).toMatch(/^ARQC verified/);
    const atc = Number.parseInt(toHex(child(t, "9F36")!), 16);

    card.powerOn(); // the second presentation
    expect(split(card.transmit(fromHex(PPSE_SELECT))).sw).toBe("9000");
    expect(selectAid(card, VISA).sw).toBe("9000");
    expect(split(card.transmit(apdu("00820000", answer.issuerAuthenticationData!))).sw).toBe("9000");
    const [put] = scriptCommands(answer.scripts72[0]!);
    expect(toHex(put!.subarray(0, 4))).toBe("84DA9F14"); // PUT DATA with secure messaging (CLA 84)
    expect(split(card.transmit(put!)).sw).toBe("9000");
    expect(toHex(card.transmit(fromHex("80CA9F1400")))).toBe("9F1401079000");
    // The authenticated issuer ends the offline run; the update was used once.
    const s = card.snapshot().applications["A0000000031010"]!;
    expect([s.atc, s.lastOnlineAtc, s.offlineAmountTotal, s.issuerUpdate]).toEqual([atc, atc, 0, undefined]);
    card.powerOff();
    card.powerOn();
    selectAid(card, VISA);
    expect(split(card.transmit(apdu("00820000", answer.issuerAuthenticationData!))).sw).toBe("6985");
  });

  it("a wrong ARPC: 6300, the issuer authentication failure is remembered, no second try", () => {
    const { card, answer } = firstTap("visa-qvsdc-issuer-update");
    card.powerOn();
    selectAid(card, VISA);
    const bad = Uint8Array.from(answer.issuerAuthenticationData!);
    bad[0]! ^= 0x01;
    expect(split(card.transmit(apdu("00820000", bad))).sw).toBe("6300");
    expect(card.snapshot().applications["A0000000031010"]!.issuerAuthenticationFailedLastOnline).toBe(true);
    card.powerOff();
    card.powerOn();
    selectAid(card, VISA);
    expect(split(card.transmit(apdu("00820000", answer.issuerAuthenticationData!))).sw).toBe("6985");
  });

  it("a card that does not offer issuer update (visa-pin-preferring) refuses EXTERNAL AUTHENTICATE on the next tap", () => {
    const { card, t, answer } = firstTap("visa-pin-preferring");
    expect(toHex(child(t, "9F6C")!)).toBe("0000");
    card.powerOn();
    selectAid(card, VISA);
    expect(split(card.transmit(apdu("00820000", answer.issuerAuthenticationData!))).sw).toBe("6985");
  });

  it("a new tap with a GPO ends the pending update: its own ARQC replaces it", () => {
    const { card, t, answer } = firstTap("visa-qvsdc-issuer-update");
    const atc = Number.parseInt(toHex(child(t, "9F36")!), 16);
    card.powerOn();
    gpo(card, selectAid(card, VISA).data);
    expect(split(card.transmit(apdu("00820000", answer.issuerAuthenticationData!))).sw).toBe("6985");
    expect(card.snapshot().applications["A0000000031010"]!.issuerUpdate?.atc).toBe(atc + 1);
  });
});
