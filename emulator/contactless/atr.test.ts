// The ATR a PC/SC reader builds for an ISO 14443-4 card (PC/SC Part 3 §3.1.3.2.3): 3B 8n 80 01 ‖ historical bytes ‖
// TCK, TCK = XOR of T0 … last historical byte (ISO/IEC 7816-3 §8.2.5). Expected values worked out by hand below.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { EmulatedCard } from "../card.js";
import { loadProfile } from "../profile.js";
import { contactlessAtr } from "./atr.js";

describe("PC/SC contactless ATR", () => {
  it("no historical bytes: 3B 80 80 01 01 (TCK = 80 ⊕ 80 ⊕ 01 = 01)", () => {
    expect(toHex(contactlessAtr(new Uint8Array(0)))).toBe("3B80800101");
  });
  it("ISO 14443-B style 8 bytes 00000000 338181 00: T0 88, TCK = 88 ⊕ 80 ⊕ 01 ⊕ 33 ⊕ 81 ⊕ 81 = 3A", () => {
    expect(toHex(contactlessAtr(fromHex("0000000033818100")))).toBe("3B88800100000000338181003A");
  });
  it("the phone profile's historical bytes 80 73 C8 21: T0 84, TCK = 84 ⊕ 80 ⊕ 01 ⊕ 80 ⊕ 73 ⊕ C8 ⊕ 21 = 1F", () => {
    const r = loadProfile("visa-qvsdc-phone");
    if (!r.ok) throw r.error;
    const card = new EmulatedCard(r.value, { interface: "contactless" });
    expect(toHex(card.atr)).toBe("3B8480018073C8211F");
    expect(toHex(card.powerOn())).toBe("3B8480018073C8211F");
  });
  it("15 historical bytes fit (T0 8F); 16 do not", () => {
    const atr = contactlessAtr(new Uint8Array(15).fill(0x11));
    // 8F ⊕ 80 ⊕ 01 = 0E, ⊕ fifteen 11s = 0E ⊕ 11 = 1F.
    expect(toHex(atr)).toBe(`3B8F8001${"11".repeat(15)}1F`);
    expect(() => contactlessAtr(new Uint8Array(16))).toThrow(/16 historical bytes, at most 15/);
  });
  it("a dual card keeps its contact ATR on the contact interface", () => {
    const r = loadProfile("visa-cvn18-cda");
    if (!r.ok) throw r.error;
    expect(toHex(new EmulatedCard(r.value, { interface: "contact" }).atr)).toBe("3B6800000073C84000009000");
    expect(toHex(new EmulatedCard(r.value, { interface: "contactless" }).atr)).toBe("3B80800101");
  });
});
