import { describe, expect, it } from "vitest";
import { toHex } from "../emv/bytes.js";
import { CardSession, Commands } from "./card-session.js";

describe("GET PROCESSING OPTIONS command (Book 3 §6.5.8)", () => {
  it("wraps the PDOL data in template 83 with a one-byte length below 128 bytes", () => {
    expect(toHex(Commands.getProcessingOptions(new Uint8Array(0)).data!)).toBe("8300");
    expect(toHex(Commands.getProcessingOptions(new Uint8Array(127).fill(0xab)).data!.subarray(0, 3))).toBe("837FAB");
  });

  it("uses the BER-TLV long form 81 xx from 128 bytes of PDOL data on (Book 3 Annex B2)", () => {
    const c128 = Commands.getProcessingOptions(new Uint8Array(128).fill(0x11));
    expect(c128.data!.length).toBe(131);
    expect(toHex(c128.data!.subarray(0, 4))).toBe("83818011");
    const c250 = Commands.getProcessingOptions(new Uint8Array(250).fill(0x22));
    expect(toHex(c250.data!.subarray(0, 3))).toBe("8381FA");
    expect(c250.data!.length).toBe(253);
  });
});

// Issue 13 defect 7: the kernel bounds every exchange itself, whatever channel it is given.
describe("CardSession bounds every exchange", () => {
  it("a card that never answers ends the exchange with a transport error value, not a hang", async () => {
    const silent = {
      description: "test:silent",
      atr: undefined,
      transmit: () => new Promise<Uint8Array>(() => {}),
      close: async () => {},
    };
    const session = new CardSession(silent, 20);
    expect(await session.exchange(Commands.readRecord(1, 1))).toEqual({
      ok: false,
      error: "READ RECORD: test:silent: no response within 20 ms",
    });
    expect(session.trace[0]?.error).toBe("READ RECORD: test:silent: no response within 20 ms");
  });
});
