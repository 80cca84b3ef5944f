// Offline enciphered PIN (Book 2 §7.2): GET CHALLENGE, the PIN block enciphered with the ICC key, VERIFY P2 88.

import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../../../emv/bytes.js";
import { decipherPinBlock } from "../../../emv/crypto/pin-encipherment.js";
import { cardOdaData, testPki } from "../../../emv/crypto/testing/test-pki.js";
import type { CardChannel } from "../../../transport/channel.js";
import { scriptedInteraction, testContext } from "../testing/context.js";
import { offlinePin } from "./pin.js";

const pki = testPki();
const PAN = "4761739001010010";
const CHALLENGE = "0102030405060708";

/** A card that answers GET DATA 9F17, GET CHALLENGE and deciphers VERIFY 88 with the ICC private key. */
function card(pin: string, challengeResponse = `${CHALLENGE}9000`): CardChannel & { readonly verified: string[] } {
  const verified: string[] = [];
  return {
    description: "test card",
    atr: undefined,
    verified,
    async transmit(apdu) {
      const hex = toHex(apdu);
      if (hex.startsWith("80CA9F17")) return fromHex("9F1701039000");
      if (hex.startsWith("00840000")) return fromHex(challengeResponse);
      if (hex.startsWith("00200088")) {
        const r = decipherPinBlock(pki.icc, apdu.subarray(5, 5 + apdu[4]!));
        if (!r.ok || toHex(r.challenge) !== CHALLENGE) return fromHex("6984");
        verified.push(toHex(r.pinBlock));
        return fromHex(toHex(r.pinBlock) === `24${pin}FFFFFFFFFF` ? "9000" : "63C2");
      }
      return fromHex("6D00");
    },
    async close() {},
  };
}

function setup(pins: string[], cardPin: string, challengeResponse?: string) {
  const staticData = fromHex("5A084761739001010010");
  const oda = cardOdaData(pki, { pan: PAN, staticData });
  const channel = card(cardPin, challengeResponse);
  const t = testContext({
    cardChannel: channel,
    interaction: scriptedInteraction(pins),
    config: { caKeys: [{ rid: fromHex("A000000003"), index: 1, modulus: pki.ca.modulus, exponent: pki.ca.exponent }] },
    card: {
      "5A": "4761739001010010",
      "8F": "01",
      "90": toHex(oda["90"]),
      ...(oda["92"].length ? { "92": toHex(oda["92"]) } : {}),
      "9F32": toHex(oda["9F32"]),
      "9F2D": toHex(oda["9F2D"]),
      "9F2E": toHex(oda["9F2E"]),
      ...(oda["9F2F"].length ? { "9F2F": toHex(oda["9F2F"]) } : {}),
    },
    transaction: { "9A": "250511" },
  });
  t.ctx.oda.staticData = staticData;
  return { ...t, channel };
}

describe("offline enciphered PIN", () => {
  it("enciphers the format 2 PIN block with the challenge under the PIN encipherment key", async () => {
    const { ctx, channel } = setup(["1234"], "1234");
    const r = await offlinePin(ctx, true, { bypassed: false });
    expect(r).toMatchObject({ kind: "done", result: "successful" });
    expect(channel.verified).toEqual(["241234FFFFFFFFFF"]);
  });

  it("a wrong PIN is retried after 63Cx; the PIN never appears in the trace", async () => {
    const { ctx, channel } = setup(["9999", "1234"], "1234");
    const r = await offlinePin(ctx, true, { bypassed: false });
    expect(r).toMatchObject({ kind: "done", result: "successful" });
    expect(channel.verified).toEqual(["249999FFFFFFFFFF", "241234FFFFFFFFFF"]);
    const trace = ctx.card.trace.map((t) => toHex(concatBytes(t.command, t.response ?? new Uint8Array(0)))).join("");
    expect(trace).not.toContain("241234FF");
  });

  it("without a usable key the CVM fails and no VERIFY is sent", async () => {
    const { ctx } = setup(["1234"], "1234");
    ctx.data.set("card", 0x8f, fromHex("07"));
    const r = await offlinePin(ctx, true, { bypassed: false });
    expect(r).toMatchObject({ kind: "done", result: "failed" });
    expect(ctx.card.trace.some((t) => toHex(t.command).startsWith("0020"))).toBe(false);
  });

  it("GET CHALLENGE answered 6A81: the CVM fails naming the SW, no VERIFY", async () => {
    const { ctx, channel } = setup(["1234"], "1234", "6A81");
    const r = await offlinePin(ctx, true, { bypassed: false });
    expect(r).toMatchObject({
      kind: "done",
      result: "failed",
      note: "offline enciphered PIN: GET CHALLENGE: SW 6A81 with 0 bytes, expected 8 bytes and 9000",
    });
    expect(channel.verified).toEqual([]);
  });

  it("a PIN encipherment certificate for another PAN: the CVM fails before PIN entry", async () => {
    const { ctx, channel } = setup(["1234"], "1234");
    ctx.data.set("card", 0x5a, fromHex("4761739001010011"));
    const r = await offlinePin(ctx, true, { bypassed: false });
    expect(r).toMatchObject({ kind: "done", result: "failed" });
    expect(r.kind === "done" ? r.note : "").toBe(
      "offline enciphered PIN: ICC PIN Encipherment Public Key Certificate: PAN 476173******0010 differs from the application PAN 476173******0011 (Book 2 §7.1)",
    );
    expect(channel.verified).toEqual([]);
  });
});
