// PC/SC Part 3 §3.1.3.2.3 ATRs of contactless cards, against contact ATRs.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { atrInterface } from "./contactless-atr.js";

describe("atrInterface", () => {
  it("3B 80 80 01 01: an ISO 14443-4 card without historical bytes (TCK 01)", () => {
    expect(atrInterface(fromHex("3B80800101")).kind).toBe("contactless");
  });
  it("3B 88 80 01 + 8 historical bytes + TCK: contactless, historical bytes kept", () => {
    const hist = "0073C84013009000";
    const body = fromHex(`3B888001${hist}`);
    const tck = body.slice(1).reduce((a, b) => a ^ b, 0);
    const r = atrInterface(fromHex(`3B888001${hist}${toHex(Uint8Array.of(tck))}`));
    expect(r.kind === "contactless" && toHex(r.historicalBytes)).toBe(hist);
  });
  it("a wrong TCK is not taken for contactless", () => {
    expect(atrInterface(fromHex("3B80800100")).kind).toBe("contact");
  });
  it("a PC/SC storage card (historical bytes 80 4F 0C A0 00 00 03 06 …) is recognised as such", () => {
    const hist = "804F0CA0000003060300010000000000";
    const body = fromHex(`3B8F8001${hist.slice(0, 30)}`);
    const tck = body.slice(1).reduce((a, b) => a ^ b, 0);
    expect(atrInterface(fromHex(`${toHex(body)}${toHex(Uint8Array.of(tck))}`)).kind).toBe("contactless-storage");
  });
  it("contact ATRs (the default card's 3B 6x …, a T=1 card) and none are contact", () => {
    expect(atrInterface(fromHex("3B6800000073C84013009000")).kind).toBe("contact");
    expect(atrInterface(fromHex("3BE900008131FE45")).kind).toBe("contact");
    expect(atrInterface(undefined).kind).toBe("contact");
  });
});
