// The vpcd card server against an in-process stand-in for vpcd (a TCP listener speaking its wire protocol).
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeCard } from "../devices/testing/fake-card.js";
import { fromHex, toHex } from "../emv/bytes.js";
import { answerFrame, FrameType } from "../transport/framing.js";
import { emulatedServedCard, ServedEmulatedCard } from "./served-card.js";
import { answerVpcd, VpcdCardServer, VpcdDeframer, vpcdFrame } from "./vpcd.js";

interface FakeVpcd {
  server: Server;
  port: number;
  next(): Promise<Socket>;
  close(): Promise<void>;
}

async function fakeVpcd(port = 0): Promise<FakeVpcd> {
  const waiting: Array<(s: Socket) => void> = [];
  const ready: Socket[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    const w = waiting.shift();
    if (w) w(s);
    else ready.push(s);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  const addr = server.address();
  return {
    server,
    port: typeof addr === "object" && addr ? addr.port : 0,
    next: () => new Promise((resolve) => (ready.length ? resolve(ready.shift()!) : waiting.push(resolve))),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Send one vpcd message and read the reply (if any within 200 ms). */
function ask(s: Socket, payload: Uint8Array): Promise<Uint8Array | undefined> {
  const d = new VpcdDeframer();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      s.off("data", on);
      resolve(undefined);
    }, 200);
    const on = (b: Buffer) => {
      const [m] = d.push(new Uint8Array(b));
      if (m) {
        clearTimeout(t);
        s.off("data", on);
        resolve(m);
      }
    };
    s.on("data", on);
    s.write(vpcdFrame(payload));
  });
}

const toStop: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of toStop.splice(0).reverse()) await f();
});

describe("vpcd card server", () => {
  it("frames with a 2-byte big-endian length", () => {
    expect(toHex(vpcdFrame(fromHex("04")))).toBe("000104");
    const d = new VpcdDeframer();
    const hex = (ms: Uint8Array[]) => ms.map((m) => toHex(m));
    expect(hex(d.push(fromHex("0002900000")))).toEqual(["9000"]);
    expect(hex(d.push(fromHex("0104")))).toEqual(["04"]); // length split across reads: 00 | 01 04
  });

  it("answers power, ATR and APDU messages", async () => {
    const vpcd = await fakeVpcd();
    toStop.push(() => vpcd.close());
    const card = new FakeCard();
    const server = new VpcdCardServer(card, { port: vpcd.port, retryMs: 20 });
    toStop.push(() => server.stop());
    const [sock] = await Promise.all([vpcd.next(), server.start(2000)]);
    expect(await ask(sock, fromHex("01"))).toBeUndefined(); // power on: no reply
    expect(card.powered).toBe(true);
    expect(toHex((await ask(sock, fromHex("04")))!)).toBe("3B6500002063CBA000");
    expect(toHex((await ask(sock, fromHex("00B2010C00")))!)).toBe("70125A0847617390010101195F24032212319F0702FF009000");
    expect(await ask(sock, fromHex("00"))).toBeUndefined();
    expect(card.powered).toBe(false);
    expect(server.apdus).toBe(1);
  });

  it("a served card's processing time delays its reply, and replies keep their order", async () => {
    const vpcd = await fakeVpcd();
    toStop.push(() => vpcd.close());
    const served = new ServedEmulatedCard(emulatedServedCard("visa-offline-only"));
    const server = new VpcdCardServer(served, { port: vpcd.port, retryMs: 20 });
    toStop.push(() => server.stop());
    const [sock] = await Promise.all([vpcd.next(), server.start(2000)]);
    await ask(sock, fromHex("01"));
    // Two commands at once: the first (SELECT, processing time > 0) is answered before the second.
    const d = new VpcdDeframer();
    const replies: string[] = [];
    const done = new Promise<void>((resolve) => {
      sock.on("data", (b: Buffer) => {
        for (const m of d.push(new Uint8Array(b))) replies.push(toHex(m));
        if (replies.length === 2) resolve();
      });
    });
    sock.write(
      Buffer.concat([vpcdFrame(fromHex("00A404000E315041592E5359532E444446303100")), vpcdFrame(fromHex("00C0000000"))]),
    );
    await done;
    expect(replies[0]!.slice(0, 2)).toBe("61"); // T=0 card: 61 La
    expect(replies[1]).toBe(`6C${replies[0]!.slice(2)}`); // GET RESPONSE with Le 00 ≠ La → 6C La
  });

  it("reconnects when vpcd goes away and comes back (pcscd restart)", async () => {
    let vpcd = await fakeVpcd();
    const port = vpcd.port;
    const card = new FakeCard();
    const server = new VpcdCardServer(card, { port, retryMs: 20 });
    toStop.push(() => server.stop());
    await Promise.all([vpcd.next(), server.start(2000)]);
    await vpcd.close();
    vpcd = await fakeVpcd(port);
    const v2 = vpcd;
    toStop.push(() => v2.close());
    const sock = await vpcd.next();
    expect(toHex((await ask(sock, fromHex("04")))!)).toBe("3B6500002063CBA000");
  });

  it("gives up cleanly: start() rejects when nothing listens, stop() ends retries", async () => {
    const vpcd = await fakeVpcd();
    const port = vpcd.port;
    await vpcd.close();
    const server = new VpcdCardServer(new FakeCard(), { port, retryMs: 10 });
    await expect(server.start(100)).rejects.toThrow(`vpcd at 127.0.0.1:${port}: not reachable within 100 ms`);
    await server.stop();
  });

  it("stop() before vpcd was ever reached ends start() and leaves no timer or socket behind (issue 13 defect 2)", async () => {
    const vpcd = await fakeVpcd();
    const port = vpcd.port;
    await vpcd.close(); // nobody listens there now: every attempt is refused and retried
    const count = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;
    const timersBefore = count("Timeout");
    const server = new VpcdCardServer(new FakeCard(), { port, retryMs: 20 });
    const started = server.start(2_147_483_647);
    const outcome = started.then(
      () => "connected",
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 100)); // a few refused attempts
    await server.stop();
    expect(await outcome).toBe(`vpcd at 127.0.0.1:${port}: stopped before it was reached`);
    await new Promise((r) => setImmediate(r));
    expect(count("Timeout")).toBeLessThanOrEqual(timersBefore);
    expect(server.connected).toBe(false);
  });
});

describe("a card presented as contactless (PC/SC Part 3 ATR for ISO 14443-4)", () => {
  it("vpcd: GET ATR gives 3B 8n 80 01 ‖ historical bytes ‖ TCK, then the PPSE answers and the PSE does not", async () => {
    const vpcd = await fakeVpcd();
    toStop.push(() => vpcd.close());
    const card = emulatedServedCard("visa-qvsdc-phone", { interface: "contactless" });
    const server = new VpcdCardServer(card, { port: vpcd.port, retryMs: 20 });
    toStop.push(() => server.stop());
    const [sock] = await Promise.all([vpcd.next(), server.start(2000)]);
    expect(await ask(sock, fromHex("01"))).toBeUndefined();
    // T0 = 84 (TD1, 4 historical bytes 80 73 C8 21); TCK = 84 ⊕ 80 ⊕ 01 ⊕ 80 ⊕ 73 ⊕ C8 ⊕ 21 = 1F.
    const atr = (await ask(sock, fromHex("04")))!;
    expect(toHex(atr)).toBe("3B8480018073C8211F");
    let x = 0;
    for (const b of atr.subarray(1)) x ^= b;
    expect(x).toBe(0); // T0 … TCK XOR to zero (ISO/IEC 7816-3 §8.2.5)
    const ppse = toHex((await ask(sock, fromHex("00A404000E325041592E5359532E444446303100")))!);
    expect(ppse.startsWith("6F31840E325041592E5359532E4444463031")).toBe(true);
    expect(ppse.endsWith("9000")).toBe(true);
    expect(toHex((await ask(sock, fromHex("00A404000E315041592E5359532E444446303100")))!)).toBe("6A82");
  });

  it("a dual card served on contact keeps its contact ATR and PSE", () => {
    const card = emulatedServedCard("visa-cvn18-cda", { interface: "contact" });
    expect(toHex(answerVpcd(card, fromHex("04"))!)).toBe("3B6800000073C84000009000");
    const cl = emulatedServedCard("visa-cvn18-cda", { interface: "contactless" });
    expect(toHex(answerVpcd(cl, fromHex("04"))!)).toBe("3B80800101");
  });

  it("serial framed protocol: POWER ON and GET ATR answer the contactless ATR", () => {
    const card = emulatedServedCard("visa-qvsdc-online", { interface: "contactless" });
    const on = answerFrame(card, { type: FrameType.POWER_ON, seq: 1, payload: new Uint8Array(0) });
    expect(toHex(on.payload)).toBe("3B80800101");
    const atr = answerFrame(card, { type: FrameType.GET_ATR, seq: 2, payload: new Uint8Array(0) });
    expect(toHex(atr.payload)).toBe("3B80800101");
  });

  it("an interface the card does not have is a one-line error", () => {
    expect(() => emulatedServedCard("amex-cda", { interface: "contactless" })).toThrow(
      /interfaces: the card has no contactless interface \(it has contact\)/,
    );
  });
});
