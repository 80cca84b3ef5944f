// The emv-utils terminal transport layer cases (EMV Book 1 Annex A1–A7), TPDU and PC/SC modes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bytesEqual, concatBytes, fromHex, toHex } from "../emv/bytes.js";
import { type LineIo, linePair } from "./line.js";
import { T0LinePort, type T0TpduPort, transmitT0 } from "./t0.js";
import { transmitWithTtl } from "./ttl.js";

interface Exchange {
  c_apdu: string;
  r_apdu: string;
}
interface TtlCase {
  title: string;
  c_apdu: string;
  expected_data: string;
  expected_sw: string;
  tpdu_exchanges?: Exchange[];
  reader_exchanges?: Exchange[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/ttl-cases.json", import.meta.url), "utf8")) as {
  emv_ttl_tpdu_test: { cases: TtlCase[] };
  emv_ttl_pcsc_test: { cases: TtlCase[] };
};

/** What the TTL must return: response data (absent on error) followed by the final SW. */
function expectedResponse(c: TtlCase): string {
  return (c.expected_data === c.expected_sw ? "" : c.expected_data) + c.expected_sw;
}

/** A scripted card that fails the test on any unexpected command (the emv-utils emulator). */
function script(exchanges: Exchange[]) {
  let i = 0;
  return {
    next(sent: Uint8Array): Uint8Array {
      const e = exchanges[i++];
      if (!e) throw new Error(`unexpected extra exchange ${toHex(sent)}`);
      expect(toHex(sent)).toBe(e.c_apdu);
      return fromHex(e.r_apdu);
    },
    done: () => i === exchanges.length,
  };
}

describe("TTL in PC/SC mode (emv_ttl_pcsc_test)", () => {
  for (const c of fixture.emv_ttl_pcsc_test.cases) {
    it(c.title, async () => {
      const s = script(c.reader_exchanges!);
      const r = await transmitWithTtl(async (apdu) => s.next(apdu), fromHex(c.c_apdu));
      expect(toHex(r)).toBe(expectedResponse(c));
      expect(s.done()).toBe(true);
    });
  }
});

/** A TPDU-level reader (emv-utils "TPDU mode"): each exchange returns the whole R-TPDU incl. procedure byte. */
function tpduReader(exchanges: Exchange[]): T0TpduPort & { done(): boolean } {
  const s = script(exchanges);
  const strip = (header: Uint8Array, r: Uint8Array) => (r.length >= 3 && r[0] === header[1] ? r.subarray(1) : r); // ACK + data + SW → data + SW
  return {
    async exchangeTpdu(header, dataOut) {
      let r = s.next(header);
      if (dataOut && r.length === 1 && r[0] === header[1]) r = s.next(dataOut);
      return strip(header, r);
    },
    done: s.done,
  };
}

describe("TTL in TPDU mode (emv_ttl_tpdu_test)", () => {
  for (const c of fixture.emv_ttl_tpdu_test.cases) {
    it(c.title, async () => {
      const reader = tpduReader(c.tpdu_exchanges!);
      const r = await transmitT0(reader, fromHex(c.c_apdu));
      expect(toHex(r)).toBe(expectedResponse(c));
      expect(reader.done()).toBe(true);
    });
  }
});

/** A card line that answers each expected byte sequence with the recorded bytes. */
function scriptedCardLine(card: LineIo, exchanges: Exchange[]): Promise<number> {
  return (async () => {
    let n = 0;
    for (const e of exchanges) {
      const want = fromHex(e.c_apdu);
      const got = await card.read(want.length, 1000);
      if (!bytesEqual(got, want)) throw new Error(`card got ${toHex(got)}, expected ${e.c_apdu}`);
      await card.write(fromHex(e.r_apdu));
      n++;
    }
    return n;
  })();
}

/** Byte-level T=0 requires the card to send exactly P3 bytes after ACK; the two Annex A5/A6 variants of
 * emv-utils deliberately send fewer (partial response then 61xx), which a byte line cannot express. */
function isByteLevelT0(c: TtlCase): boolean {
  return c.tpdu_exchanges!.every((e) => {
    const r = fromHex(e.r_apdu);
    const c5 = fromHex(e.c_apdu);
    if (c5.length !== 5 || r.length < 3 || r[0] !== c5[1]) return true;
    return r.length - 3 === (c5[4] === 0 ? 256 : c5[4]);
  });
}

describe("T=0 on a byte line with the same cases", () => {
  for (const c of fixture.emv_ttl_tpdu_test.cases) {
    const run = isByteLevelT0(c) ? it : it.skip;
    run(`${c.title} (byte level)`, async () => {
      const [reader, card] = linePair();
      const served = scriptedCardLine(card, c.tpdu_exchanges!);
      const r = await transmitT0(new T0LinePort(reader, { waitingTimeMs: 500 }), fromHex(c.c_apdu));
      expect(toHex(r)).toBe(expectedResponse(c));
      expect(await served).toBe(c.tpdu_exchanges!.length);
    });
  }
  it("14 of 16 cases run at byte level", () => {
    expect(fixture.emv_ttl_tpdu_test.cases.filter(isByteLevelT0).length).toBe(14);
  });

  it("handles NULL (60) and single-byte ~INS procedure bytes (Book 1 §9.2.2.3)", async () => {
    const [reader, card] = linePair();
    const served = (async () => {
      expect(toHex(await card.read(5, 500))).toBe("0082000004");
      await card.write(fromHex("60607D")); // NULL, NULL, ~INS: send one byte
      expect(toHex(await card.read(1, 500))).toBe("DE");
      await card.write(fromHex("82")); // ACK: send the rest
      expect(toHex(await card.read(3, 500))).toBe("ADBEEF");
      await card.write(fromHex("609000"));
    })();
    const r = await transmitT0(new T0LinePort(reader), fromHex("0082000004DEADBEEF"));
    await served;
    expect(toHex(r)).toBe("9000");
  });

  it("rejects an invalid procedure byte and a silent card with TransportError", async () => {
    const [reader, card] = linePair();
    void card.read(5, 500).then(() => card.write(fromHex("33")));
    await expect(transmitT0(new T0LinePort(reader), fromHex("00B2010C00"))).rejects.toMatchObject({
      kind: "protocol",
      message: "T=0 00B2010C00: invalid procedure byte 33",
    });
    const [r2] = linePair();
    await expect(transmitT0(new T0LinePort(r2, { waitingTimeMs: 30 }), fromHex("00B2010C00"))).rejects.toMatchObject({
      kind: "timeout",
    });
  });

  it("refuses extended APDUs", async () => {
    const [reader] = linePair();
    const ext = concatBytes(fromHex("00B00000000100"));
    await expect(transmitT0(new T0LinePort(reader), ext)).rejects.toMatchObject({ kind: "protocol" });
  });
});

describe("the case 4 warning rule is T=0's (Book 1 §9.3.1.3)", () => {
  // SELECT (case 4: Lc and Le) answered 6283 without data, then GET RESPONSE would fetch the FCI.
  const select = fromHex("00A4040007A000000003201000");
  const card = () => {
    const sent: string[] = [];
    const exchange = async (c: Uint8Array) => {
      sent.push(toHex(c));
      return fromHex(c[1] === 0xc0 ? "6F0784050102030405" + "9000" : "6283");
    };
    return { sent, exchange };
  };
  it("under T=0 a warning without data is followed by GET RESPONSE Le 00, the warning kept", async () => {
    const c = card();
    expect(toHex(await transmitWithTtl(c.exchange, select))).toBe("6F07840501020304056283");
    expect(c.sent).toEqual(["00A4040007A000000003201000", "00C0000000"]);
  });
  it("under T=1 or contactless (caseFourWarning off) the warning is the answer, no GET RESPONSE", async () => {
    const c = card();
    expect(toHex(await transmitWithTtl(c.exchange, select, { caseFourWarning: false }))).toBe("6283");
    expect(c.sent).toEqual(["00A4040007A000000003201000"]);
  });
});
