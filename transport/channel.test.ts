// boundedChannel (issue 13 defect 7): a channel that never answers ends in a TransportError timeout, not a hang.
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { boundedChannel, type CardChannel, TransportError } from "./channel.js";

function channel(transmit: (c: Uint8Array) => Promise<Uint8Array>, close = async () => {}): CardChannel {
  return { description: "test:card", atr: fromHex("3B00"), transmit, close, reset: async () => fromHex("3B01") };
}

const never = () => new Promise<never>(() => {});

describe("boundedChannel", () => {
  it("passes answers, errors, ATR and reset through", async () => {
    const ch = boundedChannel(
      channel(async (c) => (c[1] === 0xb2 ? fromHex("9000") : Promise.reject(new TransportError("io", "line")))),
      1000,
    );
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("9000");
    await expect(ch.transmit(fromHex("00A4040000"))).rejects.toMatchObject({ kind: "io", message: "line" });
    expect(toHex(ch.atr!)).toBe("3B00");
    expect(ch.description).toBe("test:card");
    expect(toHex(await ch.reset!())).toBe("3B01");
  });

  it("a card that never answers: TransportError timeout naming the channel", async () => {
    const ch = boundedChannel(channel(never), 20);
    const e = await ch.transmit(fromHex("00B2010C00")).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e).toMatchObject({ kind: "timeout", message: "test:card: no response within 20 ms" });
  });

  it("a close that never ends is abandoned, not awaited forever", async () => {
    const ch = boundedChannel(channel(never, never), 20);
    await expect(ch.close()).resolves.toBeUndefined();
  });
});
