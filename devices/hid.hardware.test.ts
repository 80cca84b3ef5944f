// Real HID reader, only when EMVSIM_HID_DEVICE names one (hid:<vid>:<pid> or a hidraw path) — this machine kind
// has no virtual HID path (no uhid, no USB), so by default the fake-device tests in hid.test.ts cover HID.
import { describe, expect, it } from "vitest";
import { fromHex } from "../emv/bytes.js";
import { openReader } from "./open.js";

const device = process.env["EMVSIM_HID_DEVICE"];
if (!device) console.warn("[skip] real HID reader test: set EMVSIM_HID_DEVICE=<vid>:<pid> or a hidraw path to run it");

describe.skipIf(!device)("real HID reader", () => {
  it("powers the card and answers SELECT PSE with a status word", async () => {
    const ch = await openReader(`hid:${device}`);
    try {
      expect(ch.atr?.length).toBeGreaterThan(1);
      const r = await ch.transmit(fromHex("00A404000E315041592E5359532E444446303100"));
      expect(r.length).toBeGreaterThanOrEqual(2);
    } finally {
      await ch.close();
    }
  });
});
