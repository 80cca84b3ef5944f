// boundedChannel (issue 13 defect 7): a channel that never answers ends in a TransportError timeout, not a hang.
import { describe, expect, it, vi } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { boundedChannel, type CardChannel, settleWithin, TransportError } from "./channel.js";

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

  it("one watchdog for the channel: the bound counts from each exchange's own start, late answers are dropped", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      let answer: ((r: Uint8Array) => void) | undefined;
      const replies = [
        async () => fromHex("9000"),
        () =>
          new Promise<Uint8Array>((resolve) => {
            answer = resolve;
          }),
      ];
      let i = 0;
      const ch = boundedChannel(
        channel(() => replies[i++]!()),
        1000,
      );
      expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("9000");
      await vi.advanceTimersByTimeAsync(600);
      let outcome: unknown;
      ch.transmit(fromHex("00B2020C00")).then(
        (r) => {
          outcome = toHex(r);
        },
        (e: unknown) => {
          outcome = e;
        },
      );
      // The watchdog armed by the first exchange fires at 1000 ms: the second started at 600 ms, so it is not due.
      await vi.advanceTimersByTimeAsync(600);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(500);
      expect(outcome).toMatchObject({ kind: "timeout", message: "test:card: no response within 1000 ms" });
      // The card's answer after the bound changes nothing.
      answer?.(fromHex("9000"));
      await vi.advanceTimersByTimeAsync(0);
      expect(outcome).toBeInstanceOf(TransportError);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("boundedChannel object shape", () => {
  it("description and ATR are read through to the inner channel, with no accessor of its own per channel", () => {
    const inner: CardChannel = {
      description: "inner",
      atr: fromHex("3B00"),
      transmit: async () => fromHex("9000"),
      close: async () => {},
    };
    const a = boundedChannel(inner);
    const b = boundedChannel({ ...inner, description: "other" });
    expect([a.description, toHex(a.atr ?? new Uint8Array(0)), b.description]).toEqual(["inner", "3B00", "other"]);
    expect(Object.getOwnPropertyDescriptor(a, "description")).toBeUndefined();
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
  });
});

describe("settleWithin (a wait on the channels' watchdog, e.g. the issuer host)", () => {
  it("the value, the rejection, or the timeout's value when nothing comes in time", async () => {
    await expect(settleWithin(Promise.resolve(7), 1000, () => -1)).resolves.toBe(7);
    await expect(settleWithin(Promise.reject(new Error("refused")), 1000, () => -1)).rejects.toThrow("refused");
    await expect(settleWithin(never(), 20, () => -1)).resolves.toBe(-1);
  });

  it("shares the watchdog with bounded exchanges: each ends at its own deadline; a late value is dropped", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      let late: ((v: string) => void) | undefined;
      const host = settleWithin(new Promise<string>((r) => (late = r)), 300, () => "host timeout");
      const ch = boundedChannel(channel(never), 100);
      const exchange = ch.transmit(fromHex("00B2010C00")).catch((e: TransportError) => e.kind);
      await vi.advanceTimersByTimeAsync(150);
      await expect(exchange).resolves.toBe("timeout");
      await vi.advanceTimersByTimeAsync(200);
      late?.("answer");
      await expect(host).resolves.toBe("host timeout");
    } finally {
      vi.useRealTimers();
    }
  });
});
