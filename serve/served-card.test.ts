// A served emulated card: T=0 procedure bytes where the card runs T=0, none on the contactless interface or when the
// profile turns them off; processing times per command, none with `fast`.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EmulatedCard } from "../emulator/card.js";
import { DEFAULT_PROCESSING_MS } from "../emulator/processing-time.js";
import { loadProfile, parseProfile } from "../emulator/profile.js";
import { fromHex, toHex } from "../emv/bytes.js";
import { ServedEmulatedCard } from "./served-card.js";

const PSE = fromHex("00A404000E315041592E5359532E444446303100");

/** A built-in card, its profile JSON with `over` merged in and validated again. */
function card(id: string, over: Record<string, unknown> = {}, iface?: "contact" | "contactless") {
  const p = loadProfile(id);
  if (!p.ok) throw p.error;
  const raw = JSON.parse(readFileSync(p.value.source, "utf8")) as Record<string, unknown>;
  const again = parseProfile({ ...raw, ...over }, p.value.source);
  if (!again.ok) throw again.error;
  return new EmulatedCard(again.value, iface ? { interface: iface } : {});
}

describe("ServedEmulatedCard", () => {
  it("a T=0 card (ATR without TD1) answers SELECT with 61xx and the FCI by GET RESPONSE", () => {
    const c = card("visa-offline-only");
    expect(toHex(c.atr)).toBe("3B6800000073C84000009000");
    const served = new ServedEmulatedCard(c);
    expect(served.t0Procedure).toBe(true);
    served.powerOn();
    const first = served.transmit(PSE);
    expect(toHex(first).slice(0, 2)).toBe("61");
    const la = first[1]!;
    const fci = served.transmit(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, la));
    expect(fci.length).toBe(la + 2);
    expect(toHex(fci.subarray(0, 1))).toBe("6F");
    expect(toHex(fci.subarray(-2))).toBe("9000");
    expect(served.lastProcessingMs).toBe(0); // GET RESPONSE of held data costs nothing more
  });

  it("no T=0 procedure on the contactless interface, nor when the profile turns it off", () => {
    expect(new ServedEmulatedCard(card("visa-cvn18-cda", {}, "contactless")).t0Procedure).toBe(false);
    expect(new ServedEmulatedCard(card("visa-offline-only", { served: { t0Procedure: false } })).t0Procedure).toBe(
      false,
    );
  });

  it("each command takes its processing time; none with fast; the profile's own times win", () => {
    const served = new ServedEmulatedCard(card("visa-offline-only"));
    served.powerOn();
    served.transmit(PSE);
    expect(served.lastProcessingMs).toBe(DEFAULT_PROCESSING_MS.SELECT);
    const fast = new ServedEmulatedCard(card("visa-offline-only"), { fast: true });
    fast.powerOn();
    fast.transmit(PSE);
    expect(fast.lastProcessingMs).toBe(0);
    const own = new ServedEmulatedCard(card("visa-offline-only", { served: { processingTimeMs: { SELECT: 77 } } }));
    own.powerOn();
    own.transmit(PSE);
    expect(own.lastProcessingMs).toBe(77);
  });
});
