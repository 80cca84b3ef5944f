// Every built-in profile answers a scripted terminal session (SELECT, GPO, READ RECORD per AFL, GENERATE AC),
// and the ARQC it produces verifies at the default issuer host, whose ARPC the card then accepts.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../kernel/bytes.js";
import type { AuthorizationResponse } from "../kernel/host.js";
import { decodeTlv, decodeTlvs, encodeTlvs, findTlv } from "../kernel/tlv/ber.js";
import { buildDolData, parseDol } from "../kernel/tlv/dol.js";
import { EmulatedCard } from "./card.js";
import { defaultIssuerHost } from "./host/default.js";
import { listProfiles, loadProfile } from "./profile.js";

const TERMINAL: Record<string, string> = {
  "9F02": "000000001000",
  "9F03": "000000000000",
  "9F1A": "0840",
  "95": "0000000000",
  "5F2A": "0840",
  "9A": "261128",
  "9C": "00",
  "9F37": "12345678",
  "9F35": "22",
  "9F34": "1E0300",
  "9F45": "0000",
  "9F4C": "0000000000000000",
};

function apdu(cla: number, ins: number, p1: number, p2: number, data?: Uint8Array): Uint8Array {
  const body = data && data.length > 0 ? [data.length, ...data] : [];
  return Uint8Array.from([cla, ins, p1, p2, ...body, 0x00]);
}

function split(r: Uint8Array): { data: Uint8Array; sw: string } {
  return { data: r.subarray(0, r.length - 2), sw: toHex(r.subarray(r.length - 2)) };
}

interface Outcome {
  readonly cardData: Map<number, Uint8Array>;
  readonly cid: number;
  readonly response: AuthorizationResponse | undefined;
  readonly card: EmulatedCard;
  readonly lookup: (tag: number) => Uint8Array | undefined;
}

/** A minimal terminal: select the first application, GPO, read the AFL records, first GENERATE AC for an ARQC. */
function run(id: string): Outcome {
  const r = loadProfile(id);
  if (!r.ok) throw r.error;
  let n = 0;
  const card = new EmulatedCard(r.value, { random: (k) => Uint8Array.from({ length: k }, () => ++n) });
  const cardData = new Map<number, Uint8Array>();
  const lookup = (tag: number) =>
    cardData.get(tag) ??
    (TERMINAL[tag.toString(16).toUpperCase()] ? fromHex(TERMINAL[tag.toString(16).toUpperCase()]!) : undefined);
  const sel = split(card.transmit(apdu(0x00, 0xa4, 0x04, 0x00, r.value.applications[0]!.aid)));
  expect(["9000", "6283"]).toContain(sel.sw);
  const pdol = findTlv(decodeTlvs(sel.data), 0x9f38)?.value ?? new Uint8Array(0);
  const pdolData = buildDolData(parseDol(pdol), { get: lookup });
  const gpo = split(card.transmit(apdu(0x80, 0xa8, 0, 0, Uint8Array.from([0x83, pdolData.length, ...pdolData]))));
  expect(gpo.sw).toBe("9000");
  const t = decodeTlv(gpo.data);
  const afl = t.tag === 0x80 ? t.value.subarray(2) : t.find(0x94)!.value;
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    for (let rec = afl[i + 1]!; rec <= afl[i + 2]!; rec++) {
      const rr = split(card.transmit(apdu(0x00, 0xb2, rec, (afl[i]! & 0xf8) | 4)));
      expect(rr.sw).toBe("9000");
      for (const o of decodeTlvs(rr.data))
        for (const c of o.children ?? []) if (!cardData.has(c.tag)) cardData.set(c.tag, c.value);
    }
  }
  const cdol1 = parseDol(cardData.get(0x8c)!);
  const gac = split(card.transmit(apdu(0x80, 0xae, 0x80, 0x00, buildDolData(cdol1, { get: lookup }))));
  expect(gac.sw).toBe("9000");
  const g = decodeTlv(gac.data);
  let cid: number;
  let ac: Uint8Array;
  let atc: Uint8Array;
  let iad: Uint8Array;
  if (g.tag === 0x80) {
    cid = g.value[0]!;
    atc = g.value.subarray(1, 3);
    ac = g.value.subarray(3, 11);
    iad = g.value.subarray(11);
  } else {
    cid = g.find(0x9f27)!.value[0]!;
    atc = g.find(0x9f36)!.value;
    ac = g.find(0x9f26)!.value;
    iad = g.find(0x9f10)!.value;
  }
  if ((cid & 0xc0) !== 0x80) return { cardData, cid, response: undefined, card, lookup };
  const iccData = encodeTlvs(
    [
      [0x9f26, ac],
      [0x9f27, Uint8Array.of(cid)],
      [0x9f10, iad],
      [0x9f36, atc],
      [0x82, r.value.applications[0]!.aip],
      [0x5a, cardData.get(0x5a)!],
      [0x5f34, cardData.get(0x5f34) ?? Uint8Array.of(0)],
      [0x4f, r.value.applications[0]!.aid],
      ...["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37"].map(
        (tag) => [Number.parseInt(tag, 16), fromHex(TERMINAL[tag]!)] as [number, Uint8Array],
      ),
    ].map(([tag, value]) => ({ tag: tag as number, value: value as Uint8Array })),
  );
  return { cardData, cid, response: defaultIssuerHost().decide({ iccData }), card, lookup };
}

const SKIP = new Set(["visa-blocked", "malformed"]);

describe("every built-in profile in a scripted session", () => {
  for (const id of listProfiles().filter((p) => !SKIP.has(p))) {
    it(`${id}: SELECT, GPO, READ RECORD, GENERATE AC; an ARQC verifies at the host and its ARPC at the card`, () => {
      const o = run(id);
      const profile = loadProfile(id);
      if (!profile.ok) throw profile.error;
      if (profile.value.applications[0]!.risk.online === "decline") {
        expect(o.cid & 0xc0).toBe(0x00); // an offline-only card declines an ARQC request
        return;
      }
      expect(o.cid & 0xc0).toBe(0x80);
      expect(o.response?.reason).toMatch(/^ARQC verified/);
      expect(toHex(o.response!.authorisationResponseCode)).toBe("3030");
      const ea = split(o.card.transmit(apdu(0x00, 0x82, 0, 0, o.response!.issuerAuthenticationData!)));
      expect(ea.sw).toBe("9000");
      const cdol2 = parseDol(o.cardData.get(0x8d)!);
      const withArc = (tag: number) =>
        tag === 0x8a
          ? o.response!.authorisationResponseCode
          : tag === 0x91
            ? o.response!.issuerAuthenticationData
            : o.lookup(tag);
      const second = split(o.card.transmit(apdu(0x80, 0xae, 0x40, 0x00, buildDolData(cdol2, { get: withArc }))));
      expect(second.sw).toBe("9000");
      const t = decodeTlv(second.data);
      const cid = t.tag === 0x80 ? t.value[0]! : t.find(0x9f27)!.value[0]!;
      expect(cid & 0xc0).toBe(0x40);
    });
  }
});

describe("issuer authentication data in CDOL2 (Book 3 §10.9)", () => {
  const secondAc = (o: Outcome, iad: Uint8Array | undefined) => {
    const cdol2 = parseDol(o.cardData.get(0x8d)!);
    const lookup = (tag: number) =>
      tag === 0x8a ? o.response!.authorisationResponseCode : tag === 0x91 ? iad : o.lookup(tag);
    const r = split(o.card.transmit(apdu(0x80, 0xae, 0x40, 0x00, buildDolData(cdol2, { get: lookup }))));
    const t = decodeTlv(r.data);
    return (t.tag === 0x80 ? t.value[0]! : t.find(0x9f27)!.value[0]!) & 0xc0;
  };

  it("a card whose CDOL2 carries 91 checks the ARPC there: TC when it verifies", () => {
    const o = run("mastercard-cvn16-sda");
    expect(parseDol(o.cardData.get(0x8d)!).some((e) => e.tag === 0x91)).toBe(true);
    expect(secondAc(o, o.response!.issuerAuthenticationData)).toBe(0x40);
  });

  it("an ARPC that does not verify leaves the card requiring issuer authentication: AAC", () => {
    const o = run("mastercard-cvn16-sda");
    const bad = Uint8Array.from(o.response!.issuerAuthenticationData!);
    bad[0]! ^= 0x01;
    expect(secondAc(o, bad)).toBe(0x00);
  });
});
