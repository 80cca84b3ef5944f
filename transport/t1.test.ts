import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../emv/bytes.js";
import { type LineTap, linePair } from "./line.js";
import { serveT0Card, T0Channel } from "./t0.js";
import { crc16, decodeBlock, encodeBlock, lrc, serveT1Card, T1Channel, type T1Edc } from "./t1.js";

/** A small card: echoes the command data (any length) in reverse after a fixed prefix, SW 9000. */
function echoCard(apdu: Uint8Array): Uint8Array {
  if (apdu[1] === 0xa4) return fromHex("6F0A840841424344454647489000");
  const lc = apdu.length > 5 ? apdu[4]! : 0;
  const data = apdu.subarray(5, 5 + lc);
  return concatBytes(Uint8Array.of(0xca, 0xfe), data.slice().reverse(), fromHex("9000"));
}

describe("T=1 blocks (Book 1 §9.2.4)", () => {
  it("encodes I-, R- and S-blocks with LRC", () => {
    expect(toHex(encodeBlock({ kind: "I", ns: 0, more: false, inf: fromHex("00A4") }))).toBe("00000200A4A6");
    expect(toHex(encodeBlock({ kind: "I", ns: 1, more: true, inf: fromHex("01") }))).toBe("006001" + "0160");
    expect(toHex(encodeBlock({ kind: "R", nr: 1, error: 1 }))).toBe("00910091");
    expect(toHex(encodeBlock({ kind: "S", type: 1, response: false, inf: fromHex("FE") }))).toBe("00C101FE3E");
    expect(toHex(encodeBlock({ kind: "S", type: 3, response: true, inf: fromHex("02") }))).toBe("00E30102E0");
  });

  it("computes the ISO 13239 CRC (check value of '123456789' = 6F91 for CRC-16/IBM-SDLC without final XOR)", () => {
    expect(crc16(new TextEncoder().encode("123456789")).toString(16)).toBe("6f91");
    expect(lrc(fromHex("0000020102"))).toBe(0x01);
  });

  it("decodes what it encodes and reports EDC errors (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 254 }),
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        fc.constantFrom<T1Edc>("LRC", "CRC"),
        fc.nat(),
        (inf, ns, more, edc, flip) => {
          const bytes = encodeBlock({ kind: "I", ns, more, inf }, edc);
          expect(decodeBlock(bytes, edc)).toEqual({ kind: "I", ns, more, inf });
          const bad = bytes.slice();
          const at = 3 + (flip % (bytes.length - 3));
          bad[at] = bad[at]! ^ (1 << (flip % 8));
          expect(decodeBlock(bad, edc)).toMatchObject({ edcError: true });
        },
      ),
    );
  });
});

async function session(opts: {
  edc?: T1Edc;
  ifsc?: number;
  toCard?: LineTap;
  toReader?: LineTap;
  wtx?: number;
  maxRetries?: number;
  ifsRequest?: number;
}) {
  const [reader, card] = linePair({ aToB: opts.toCard, bToA: opts.toReader });
  let stop = false;
  const served = serveT1Card(card, echoCard, {
    edc: opts.edc,
    ifsc: opts.ifsc,
    wtxPerCommand: opts.wtx,
    ifsRequest: opts.ifsRequest,
    shouldStop: () => stop,
  });
  const ch = new T1Channel(reader, "test T=1", undefined, {
    edc: opts.edc,
    ifsc: opts.ifsc ?? 32,
    ifsd: 254,
    bwtMs: 150,
    cwtMs: 50,
    maxRetries: opts.maxRetries,
  });
  return {
    ch,
    async end() {
      stop = true;
      await ch.close();
      await served;
    },
  };
}

describe("T=1 terminal against a card-side T=1 peer", () => {
  it("exchanges a short APDU after IFSD negotiation", async () => {
    const s = await session({});
    await s.ch.protocol.negotiateIfsd();
    expect(toHex(await s.ch.transmit(fromHex("00A404000E315041592E5359532E444446303100")))).toBe(
      "6F0A840841424344454647489000",
    );
    await s.end();
  });

  it("chains in both directions (IFSC 16, response longer than IFSD 32 before negotiation)", async () => {
    const s = await session({ ifsc: 16 });
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const apdu = concatBytes(fromHex("80CA0000"), Uint8Array.of(data.length), data);
    const r = await s.ch.transmit(apdu);
    expect(toHex(r)).toBe(toHex(concatBytes(fromHex("CAFE"), data.slice().reverse(), fromHex("9000"))));
    expect(s.ch.protocol.stats.blocksSent).toBeGreaterThanOrEqual(7 + 3); // 7 I-blocks out, R-acks in the reply chain
    await s.end();
  });

  it("answers S(WTX request) and S(IFS) with CRC", async () => {
    const s = await session({ edc: "CRC", wtx: 2 });
    await s.ch.protocol.negotiateIfsd();
    expect(toHex(await s.ch.transmit(fromHex("80CA000002AABB")))).toBe("CAFEBBAA9000");
    expect(s.ch.protocol.stats.wtx).toBe(2);
    await s.end();
  });

  it("accepts an S(IFS request) from the card and chains the next command with the new IFSC", async () => {
    const s = await session({ ifsRequest: 10 });
    expect(toHex(await s.ch.transmit(fromHex("80CA000001AB")))).toBe("CAFEAB9000");
    expect(s.ch.protocol.ifsc).toBe(10);
    const sent = s.ch.protocol.stats.blocksSent;
    const data = new Uint8Array(25).fill(7);
    await s.ch.transmit(concatBytes(fromHex("80CA000019"), data));
    expect(s.ch.protocol.stats.blocksSent - sent).toBe(3); // 30 bytes in I-blocks of at most 10
    await s.end();
  });

  it("recovers from corrupted blocks in both directions by retransmission", async () => {
    let toCardCount = 0;
    let toReaderCount = 0;
    const corrupt = (n: number, which: Set<number>) => (b: Uint8Array) => {
      if (!which.has(n)) return b;
      const c = b.slice();
      c[c.length - 1] = c[c.length - 1]! ^ 0x55;
      return c;
    };
    const s = await session({
      toCard: (b) => corrupt(toCardCount++, new Set([0, 3]))(b),
      toReader: (b) => corrupt(toReaderCount++, new Set([1]))(b),
    });
    for (let i = 0; i < 3; i++) {
      expect(toHex(await s.ch.transmit(fromHex(`80CA000001${(i + 1).toString(16).padStart(2, "0")}`)))).toBe(
        `CAFE${(i + 1).toString(16).padStart(2, "0").toUpperCase()}9000`,
      );
    }
    expect(s.ch.protocol.stats.retransmissions).toBeGreaterThanOrEqual(2);
    await s.end();
  });

  it("recovers from a lost response (timeout) and from random single-bit corruption (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 40 }), { maxLength: 3 }), fc.nat(), async (hits, bit) => {
        let n = 0;
        const targets = new Set(hits);
        const s = await session({
          toReader: (b) => {
            const k = n++;
            if (!targets.has(k)) return b;
            if (k % 5 === 0) return undefined; // lost block
            const c = b.slice();
            c[bit % c.length] = c[bit % c.length]! ^ (1 << (bit % 8));
            return c;
          },
          ifsc: 20,
        });
        const data = Uint8Array.from({ length: 50 }, (_, i) => i ^ 0x5a);
        const r = await s.ch.transmit(concatBytes(fromHex("80CA0000"), Uint8Array.of(50), data));
        expect(toHex(r)).toBe(toHex(concatBytes(fromHex("CAFE"), data.slice().reverse(), fromHex("9000"))));
        await s.end();
      }),
      { numRuns: 15 },
    );
  });

  it("resynchronises after repeated errors, then fails with a clear error when the card stays mute", async () => {
    let n = 0;
    const s = await session({ toReader: (b) => (n++ < 3 ? fromHex("FFFF") : b) });
    expect(toHex(await s.ch.transmit(fromHex("80CA000001AB")))).toBe("CAFEAB9000");
    expect(s.ch.protocol.stats.resynchs).toBe(1);
    await s.end();

    const mute = await session({ toReader: () => undefined });
    await expect(mute.ch.transmit(fromHex("80CA000001AB"))).rejects.toMatchObject({
      kind: "protocol",
      message: "T=1: resynchronisation failed after 3 S(RESYNCH request) blocks",
    });
    await mute.end();
  });

  it("a closed channel refuses to transmit", async () => {
    const s = await session({});
    await s.end();
    await expect(s.ch.transmit(fromHex("00A4040000"))).rejects.toMatchObject({ kind: "closed" });
  });
});

describe("T=0 channel against the T=0 card peer", () => {
  it("runs case 2 (6Cxx re-issue) and case 4 (61xx GET RESPONSE) end to end", async () => {
    const [reader, card] = linePair();
    let stop = false;
    const served = serveT0Card(card, echoCard, { shouldStop: () => stop });
    const ch = new T0Channel(reader, "test T=0", fromHex("3B6500002063CBA000"));
    expect(toHex(await ch.transmit(fromHex("00A404000E315041592E5359532E444446303100")))).toBe(
      "6F0A840841424344454647489000",
    );
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("CAFE9000");
    expect(toHex(await ch.transmit(fromHex("80AE800003010203" + "00")))).toBe("CAFE0302019000");
    stop = true;
    await ch.close();
    await served;
  });
});

// Found by `npm run fuzz` (target t1): an I-block with its RFU PCB bits set was taken as a valid I-block.
describe("decodeBlock: I-block PCB b5–b1 are RFU (Book 1 §9.2.4.2.1: 0 N(S) M 0 0 0 0 0)", () => {
  it.each(["00050005", "00020500B2020E00B9", "01010500B2011400A2", "001F001F"])("%s is invalid", (hex) => {
    const b = decodeBlock(fromHex(hex), "LRC");
    expect(b).toEqual({ invalid: `I-block PCB ${hex.slice(2, 4)} is not defined (b5–b1 are RFU)`, edcError: false });
  });
  it("the defined I-block PCBs 00, 20, 40, 60 decode", () => {
    for (const pcb of ["00", "20", "40", "60"]) {
      const head = fromHex(`00${pcb}0100`);
      const block = Uint8Array.of(
        ...head,
        head.reduce((x, b) => x ^ b, 0),
      );
      expect("invalid" in decodeBlock(block, "LRC")).toBe(false);
    }
  });
});
