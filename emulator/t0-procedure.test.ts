// T=0 procedure bytes of a served card (ISO 7816-3 §10.3; EMV Book 1 Annex A): exact bytes per case, and a whole
// transaction through the transport's GET RESPONSE / 6Cxx handling ending exactly as on the APDU-level card.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { seededRandom } from "../emv/random.js";
import { loadTerminalConfig } from "../kernel/config/load.js";
import { runTransaction } from "../kernel/contact/transaction.js";
import type { CardChannel } from "../transport/channel.js";
import { GetResponseChannel } from "../transport/ttl.js";
import { EmulatedCard } from "./card.js";
import { defaultIssuerHost } from "./host/index.js";
import { loadProfile } from "./profile.js";
import { commandCase, T0Procedure } from "./t0-procedure.js";

/** A scripted APDU-level card: each command (hex) answered with its response (hex). */
function scripted(answers: Record<string, string>) {
  const seen: string[] = [];
  return {
    seen,
    card: (apdu: Uint8Array) => {
      seen.push(toHex(apdu));
      return fromHex(answers[toHex(apdu)] ?? "6D00");
    },
  };
}

describe("commandCase (ISO 7816-4 §5.1)", () => {
  it("tells the four short cases apart", () => {
    expect(commandCase(fromHex("00B2010C"))).toBe(1);
    expect(commandCase(fromHex("00B2010C00"))).toBe(2);
    expect(commandCase(fromHex("0082000008" + "1122334455667788"))).toBe(3);
    expect(commandCase(fromHex("80A8000002830000"))).toBe(4);
    expect(commandCase(fromHex("80A8000005830000"))).toBeUndefined(); // Lc 5, 3 bytes of data
  });
});

describe("T0Procedure", () => {
  it("case 4: '61 La', then GET RESPONSE with Le = La gives the data and 9000 (Annex A4)", () => {
    const s = scripted({ "80A8000002830000": "800A1C0008010100100101009000" });
    const t0 = new T0Procedure(s.card);
    expect(toHex(t0.transmit(fromHex("80A8000002830000")))).toBe("610C");
    expect(toHex(t0.transmit(fromHex("00C000000C")))).toBe("800A1C0008010100100101009000");
    // Nothing is held any more.
    expect(toHex(t0.transmit(fromHex("00C000000C")))).toBe("6985");
  });

  it("case 2 with P3 00: '6C La', the command again with P3 = La gives the data (Annex A2/A3)", () => {
    const s = scripted({ "00B2010C00": "70035A01009000", "00B2010C05": "70035A01009000" });
    const t0 = new T0Procedure(s.card);
    expect(toHex(t0.transmit(fromHex("00B2010C00")))).toBe("6C05");
    expect(toHex(t0.transmit(fromHex("00B2010C05")))).toBe("70035A01009000");
  });

  it("case 4 with a warning: the warning first, alone; GET RESPONSE then gives the data with 9000 (Annex A7)", () => {
    const s = scripted({ "00A4040007A000000003101000": "6F0584039F38009000".replace("9000", "6283") });
    const t0 = new T0Procedure(s.card);
    expect(toHex(t0.transmit(fromHex("00A4040007A000000003101000")))).toBe("6283");
    expect(toHex(t0.transmit(fromHex("00C0000007")))).toBe("6F0584039F38009000");
  });

  it("GET RESPONSE shorter than the data: part of it and '61 xx' for the rest; longer: '6C La'", () => {
    const s = scripted({ "80A8000002830000": "770682021C0094009000" });
    const t0 = new T0Procedure(s.card);
    // 8 bytes of data: 77 06 82 02 1C 00 94 00.
    expect(toHex(t0.transmit(fromHex("80A8000002830000")))).toBe("6108");
    expect(toHex(t0.transmit(fromHex("00C0000010")))).toBe("6C08");
    expect(toHex(t0.transmit(fromHex("00C0000004")))).toBe("770682026104");
    expect(toHex(t0.transmit(fromHex("00C0000004")))).toBe("1C0094009000");
  });

  it("any other command drops a held response; status-only answers pass through unchanged", () => {
    const s = scripted({ "80A8000002830000": "800A1C0008010100100101009000", "00B2010C00": "6A83" });
    const t0 = new T0Procedure(s.card);
    expect(toHex(t0.transmit(fromHex("80A8000002830000")))).toBe("610C");
    expect(toHex(t0.transmit(fromHex("00B2010C00")))).toBe("6A83");
    expect(toHex(t0.transmit(fromHex("00C000000C")))).toBe("6985");
  });
});

describe("a whole transaction under T=0 procedure bytes", () => {
  it("visa-cvn18-cda through GetResponseChannel: the same outcome, TVR, TSI and cryptograms as at APDU level", async () => {
    const config = loadTerminalConfig("attended-pos");
    const profile = loadProfile("visa-cvn18-cda");
    if (!config.ok || !profile.ok) throw new Error("fixtures");
    const run = async (t0: boolean) => {
      const card = new EmulatedCard(profile.value, { random: () => new Uint8Array(8).fill(7) });
      card.powerOn();
      const proc = new T0Procedure((a) => card.transmit(a));
      const raw: CardChannel = {
        description: "emulated card",
        atr: card.atr,
        transmit: async (apdu) => (t0 ? proc.transmit(apdu) : card.transmit(apdu)),
        close: async () => {},
      };
      const r = await runTransaction({
        config: config.config,
        params: {
          type: "purchase",
          amount: 1234,
          otherAmount: 0,
          date: "261203",
          time: "120000",
          sequenceCounter: 1,
          random: seededRandom("t0"),
        },
        channel: new GetResponseChannel(raw),
        host: defaultIssuerHost(),
      });
      return {
        outcome: r.outcome,
        tvr: toHex(r.tvr),
        tsi: toHex(r.tsi),
        cryptograms: r.cryptograms.map((c) => [c.type, toHex(c.value)]),
        responses: r.trace.map((e) => toHex(e.response ?? new Uint8Array(0))),
      };
    };
    const t1 = await run(false);
    const t0 = await run(true);
    expect(t1.outcome).toBe("online-approved");
    expect(t0).toEqual(t1);
  });
});
