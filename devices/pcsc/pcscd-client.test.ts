import { afterEach, describe, expect, it } from "vitest";
import { TransportError } from "../../transport/channel.js";
import { openPcscContext } from "../pcsc.js";
import { cardInReader, emptyReader, FAKE_READER, FakePcscd, type FakePcscdOptions } from "../testing/fake-pcscd.js";
import { PcscdProtocolMismatch, SocketPcscContext } from "./pcscd-client.js";
import { PcscdCommand as C, SCARD_UNPOWER_CARD } from "./wire.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

let fake: FakePcscd | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(options: FakePcscdOptions = {}, client: { transmitTimeoutMs?: number } = {}) {
  fake = await FakePcscd.start(options);
  const ctx = await SocketPcscContext.open({ socketPath: fake.path, pollMs: 10, ...client });
  return { fake, ctx };
}

const echoCard = (apdu: Uint8Array) => bytes(`${hex(apdu)}9000`);

describe("pcscd socket client against a scripted pcscd", () => {
  it("a session sends exactly libpcsclite's messages: version, context, table, connect, transmit, disconnect, release", async () => {
    const { fake, ctx } = await start({ card: echoCard });
    expect(ctx.protocolVersion).toBe("4.4");
    expect(ctx.via).toBe("pcscd socket client, protocol 4.4");
    expect(await ctx.list()).toEqual([{ name: FAKE_READER, cardPresent: true, atr: "3B6500002063CBA000" }]);
    const ch = await ctx.connect(await ctx.waitForCard(undefined, 1000));
    expect(ch.activeProtocol).toBe("T=1");
    expect(hex(ch.atr!)).toBe("3B6500002063CBA000");
    expect(hex(await ch.transmit(bytes("00B2010C00")))).toBe("00B2010C009000");
    await ch.close();
    expect(fake.commands()).toEqual([
      C.VERSION,
      C.ESTABLISH_CONTEXT,
      C.GET_READERS_STATE,
      C.GET_READERS_STATE,
      C.CONNECT,
      C.GET_READERS_STATE,
      C.TRANSMIT,
      C.DISCONNECT,
      C.RELEASE_CONTEXT,
    ]);
    const transmit = fake.received[6]!;
    expect(hex(transmit.apdu!)).toBe("00B2010C00");
    expect(transmit.body.readUInt32LE(0)).toBe(0x1000); // the handle pcscd gave at connect
    expect(transmit.body.readUInt32LE(4)).toBe(2); // send PCI: T=1
    expect(fake.received[7]!.body.readUInt32LE(4)).toBe(SCARD_UNPOWER_CARD);
    expect(fake.received[8]!.body.readUInt32LE(0)).toBe(0x2a2a2a2a); // the context pcscd gave
    await ch.close(); // idempotent
  });

  it("replies delivered one byte per write are reassembled exactly, including an extended-length response", async () => {
    const long = `${"A5".repeat(4000)}9000`;
    const { ctx } = await start({ trickle: true, card: (a) => (a[1] === 0xb0 ? bytes(long) : echoCard(a)) });
    const ch = await ctx.connect(FAKE_READER);
    expect(hex(await ch.transmit(bytes("80CA9F1700")))).toBe("80CA9F17009000");
    expect(hex(await ch.transmit(bytes("00B0000000")))).toBe(long);
    await ch.close();
  });

  it("speaks 4.5 when pcscd asks for it (same layouts), and refuses 4.3 naming both versions", async () => {
    const { fake: newer, ctx } = await start({ version: [4, 5] });
    expect(ctx.protocolVersion).toBe("4.5");
    expect(newer.received.filter((m) => m.command === C.VERSION).map((m) => m.body.readInt32LE(4))).toEqual([4, 5]);
    await ctx.close();
    await newer.stop();

    const old = await FakePcscd.start({ version: [4, 3] });
    fake = old;
    const err = await SocketPcscContext.open({ socketPath: old.path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PcscdProtocolMismatch);
    expect((err as TransportError).message).toBe(
      `pcscd at ${old.path} speaks protocol 4.3; emvsim's pcscd client knows 4.4 and 4.5`,
    );
  });

  it("PC/SC error codes become transport errors with words: card removed, reader unknown, no card", async () => {
    const { ctx } = await start({
      readers: [cardInReader(), emptyReader("Empty Reader 01 00")],
      card: () => ({ rv: 0x80100069 }),
    });
    const ch = await ctx.connect(FAKE_READER);
    await expect(ch.transmit(bytes("00B2010C00"))).rejects.toMatchObject({
      name: "TransportError",
      kind: "card-removed",
      message: `pcsc:${FAKE_READER}: transmit: card was removed (0x80100069)`,
    });
    await expect(ctx.connect("Empty Reader 01 00")).rejects.toMatchObject({
      kind: "no-card",
      message: "pcsc:Empty Reader 01 00: connect: no card in the reader (0x8010000c)",
    });
    await expect(ctx.connect("Nobody")).rejects.toMatchObject({
      kind: "reader-gone",
      message: "pcsc:Nobody: connect: reader is unknown (0x80100009)",
    });
    await ch.close();
  });

  it("pcscd dropping the connection mid-exchange is a clear error now and on every later call, never a hang", async () => {
    const { ctx } = await start({ card: (a) => (a[1] === 0xca ? "close" : echoCard(a)) });
    const ch = await ctx.connect(FAKE_READER);
    expect(hex(await ch.transmit(bytes("0084000000")))).toBe("00840000009000");
    const first = await ch.transmit(bytes("80CA9F3600")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TransportError);
    expect((first as TransportError).kind).toBe("unavailable");
    expect((first as TransportError).message).toMatch(/^pcscd closed the connection/);
    await expect(ch.transmit(bytes("0084000000"))).rejects.toBe(first);
    await ch.close(); // bounded although pcscd is gone
  });

  it("a card that never answers ends in a timeout error within the bound and the connection is given up", async () => {
    const { fake, ctx } = await start({ card: () => "hang" }, { transmitTimeoutMs: 150 });
    const ch = await ctx.connect(FAKE_READER);
    const t0 = Date.now();
    await expect(ch.transmit(bytes("0084000000"))).rejects.toMatchObject({
      kind: "timeout",
      message: `pcsc:${FAKE_READER}: transmit: no answer from pcscd within 150 ms`,
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(ch.transmit(bytes("0084000000"))).rejects.toMatchObject({ kind: "timeout" });
    await ch.close();
    expect(fake.commands().at(-1)).toBe(C.TRANSMIT); // nothing more was sent on the broken stream
  });

  it("waits for a card inserted later; an unknown reader or no card in time is a one-line error", async () => {
    const { fake, ctx } = await start({ readers: [emptyReader(FAKE_READER)] });
    setTimeout(() => {
      fake.readers = [cardInReader()];
    }, 60);
    expect(await ctx.waitForCard(FAKE_READER, 2000)).toBe(FAKE_READER);
    fake.readers = [emptyReader(FAKE_READER)];
    await expect(ctx.waitForCard("Other", 30)).rejects.toMatchObject({
      kind: "reader-gone",
      message: `pcsc: no reader named 'Other' (readers: ${FAKE_READER})`,
    });
    await expect(ctx.waitForCard(undefined, 30)).rejects.toMatchObject({
      kind: "no-card",
      message: "pcsc: no card in any reader within 30 ms",
    });
    expect(await ctx.cardGone(FAKE_READER, 10)).toBe(true);
    await ctx.close();
    await expect(ctx.list()).rejects.toMatchObject({ kind: "closed" });
  });

  it("reset reconnects with SCARD_RESET_CARD and returns the ATR pcscd then reports", async () => {
    const { fake, ctx } = await start({ card: echoCard });
    const ch = await ctx.connect(FAKE_READER);
    fake.readers = [cardInReader(FAKE_READER, bytes("3B8F8001"))];
    expect(hex(await ch.reset!())).toBe("3B8F8001");
    expect(hex(ch.atr!)).toBe("3B8F8001");
    const reconnect = fake.received.find((m) => m.command === C.RECONNECT)!;
    expect(reconnect.body.readUInt32LE(12)).toBe(1); // SCARD_RESET_CARD
    await ch.close();
  });

  it("no pcscd socket: says pcscd is not running and how to start it", async () => {
    await expect(openPcscContext({ backend: "socket", socketPath: "/nonexistent/pcscd.comm" })).rejects.toMatchObject({
      kind: "unavailable",
      message:
        "pcscd is not running (no socket at /nonexistent/pcscd.comm; start it with 'systemctl start pcscd' or 'sudo pcscd')",
    });
  });

  it("an unknown EMVSIM_PCSC_BACKEND is a configuration error naming the choices", async () => {
    const saved = process.env["EMVSIM_PCSC_BACKEND"];
    process.env["EMVSIM_PCSC_BACKEND"] = "ffi";
    try {
      await expect(openPcscContext()).rejects.toMatchObject({
        message: "EMVSIM_PCSC_BACKEND='ffi' is not auto, socket or binding",
      });
    } finally {
      if (saved === undefined) delete process.env["EMVSIM_PCSC_BACKEND"];
      else process.env["EMVSIM_PCSC_BACKEND"] = saved;
    }
  });
});
