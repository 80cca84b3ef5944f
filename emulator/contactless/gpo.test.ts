// qVSDC GET PROCESSING OPTIONS on the contactless interface (EMV Book C-3, card side): exact template 77 bytes
// against the public trace dh-visa-online, the offline (fDDA) answer, ATC per GPO, CTQ/CVM choices, the card's
// offline limits and the GPO faults. Public data: fixtures/visa-kernel3-traces.json (source in fixtures/README.md).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { encodeTlvs } from "../../emv/tlv/ber.js";
import { defaultIssuerHost } from "../host/default.js";
import { child, gpo, openCard, readAfl, selectAid, split, template77 } from "./testing/tap.js";

const traces = JSON.parse(readFileSync(new URL("./fixtures/visa-kernel3-traces.json", import.meta.url), "utf8")) as {
  traces: Record<string, { exchanges: { label: string; command: string; response: string }[] }>;
};
const online = traces.traces["dh-visa-online"]!.exchanges;
const VISA = fromHex("A0000000031010");

/** Tags of template 77 in order, as hex. */
const tagsOf = (data: Uint8Array) => template77(data).map((n) => n.tag.toString(16).toUpperCase());

describe("GPO answer against the public trace dh-visa-online", () => {
  it("the trace's own GPO command gets the trace's answer byte for byte except the AC (9F26), and the ARQC verifies", () => {
    const card = openCard("visa-qvsdc-online");
    expect(split(card.transmit(fromHex(online[0]!.command))).sw).toBe("9000");
    expect(split(card.transmit(fromHex(online[1]!.command))).sw).toBe("9000");
    const r = split(card.transmit(fromHex(online[2]!.command)));
    expect(r.sw).toBe("9000");
    const ours = template77(r.data);
    const ac = child(ours, "9F26")!;
    // The trace's AC needs its issuer's secret key; ours is checked by the issuer host below.
    const expected = online[2]!.response.slice(0, -4).replace("9F260848325309BE82CBA2", `9F2608${toHex(ac)}`);
    expect(toHex(r.data)).toBe(expected);
    // IAD 06 01 0A 03 A0 00 00 (CVN 10; CVR byte 2 = A0: bits 6-5 = 10, ARQC) and CTQ 9000 as in the trace.
    expect(toHex(child(ours, "9F10")!)).toBe("06010A03A00000");
    expect(toHex(child(ours, "9F6C")!)).toBe("9000");
    expect(toHex(child(ours, "9F27")!)).toBe("80");
    // No AFL on the online path (trace facts): nothing to read.
    expect(child(ours, "94")).toBeUndefined();

    // The issuer host recomputes the ARQC over the PDOL data (9F02 … 9F37), AIP, ATC and CVR.
    const pdol = fromHex(online[2]!.command).subarray(7, -1);
    const values: [number, string][] = [
      [0x9f02, toHex(pdol.subarray(4, 10))],
      [0x9f03, toHex(pdol.subarray(10, 16))],
      [0x9f1a, toHex(pdol.subarray(16, 18))],
      [0x95, toHex(pdol.subarray(18, 23))],
      [0x5f2a, toHex(pdol.subarray(23, 25))],
      [0x9a, toHex(pdol.subarray(25, 28))],
      [0x9c, toHex(pdol.subarray(28, 29))],
      [0x9f37, toHex(pdol.subarray(29, 33))],
    ];
    // The trace's PDOL values: 9F02 90.00, 9F03 0, 9F1A 0840, 95 0, 5F2A 0840, 9A 200316, 9C 00, 9F37 ABABABAB.
    expect(values.map(([, v]) => v).join("")).toBe("00000000900000000000000008400000000000084020031600ABABABAB");
    const iccData = encodeTlvs(
      [
        [0x9f26, ac],
        [0x9f27, child(ours, "9F27")!],
        [0x9f10, child(ours, "9F10")!],
        [0x9f36, child(ours, "9F36")!],
        [0x82, child(ours, "82")!],
        [0x5a, fromHex("4761739001010010")],
        [0x5f34, child(ours, "5F34")!],
        [0x4f, VISA],
        ...values.map(([t, v]): [number, Uint8Array] => [t, fromHex(v)]),
      ].map(([tag, value]) => ({ tag: tag as number, value: value as Uint8Array })),
    );
    const decision = defaultIssuerHost().decide({ iccData });
    expect(decision.reason).toMatch(/^ARQC verified/);
  });
});

describe("GPO answers of a dual card on the contactless interface", () => {
  it("visa-cvn10-dda offline: 77 { 82, 94, 57, 5F34, 9F10 (CVR byte 2 = 90, TC), 9F26, 9F36, 9F6C, 9F4B }, no 9F27", () => {
    const card = openCard("visa-cvn10-dda");
    const sel = selectAid(card, VISA);
    const { response } = gpo(card, sel.data, { "9F66": "26004000", "9F02": "000000000200" });
    expect(response.sw).toBe("9000");
    expect(tagsOf(response.data)).toEqual(["82", "94", "57", "5F34", "9F10", "9F26", "9F36", "9F6C", "9F4B"]);
    const t = template77(response.data);
    expect(toHex(child(t, "82")!)).toBe("3C00");
    // Contact AFL plus SFI 4 record 1 (the 9F69 record, not an ODA record).
    expect(toHex(child(t, "94")!)).toBe("08010100100101011801020020010100");
    // Visa IAD: 06 ‖ DKI 01 ‖ CVN 0A ‖ 03 ‖ CVR byte 2 = 90 (second AC not requested 10, first TC 01) ‖ 00 00.
    expect(toHex(child(t, "9F10")!)).toBe("06010A03900000");
    // ATC 28 → 29 (0x1D) at this GPO; CTQ: no CVM needed, no fixed bits.
    expect(toHex(child(t, "9F36")!)).toBe("001D");
    expect(toHex(child(t, "9F6C")!)).toBe("0000");
    expect(child(t, "9F4B")!.length).toBe(128); // 1024-bit ICC key
    expect(child(t, "9F27")).toBeUndefined();
  });

  it("the ATC increments at every GPO and the 9F69 record carries each tap's card UN", () => {
    const card = openCard("visa-cvn18-cda");
    const atcs: string[] = [];
    const cads: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sel = selectAid(card, VISA);
      const { response } = gpo(card, sel.data);
      const t = template77(response.data);
      atcs.push(toHex(child(t, "9F36")!));
      const records = readAfl(card, child(t, "94")!);
      expect(records.every((r) => r.sw === "9000")).toBe(true);
      cads.push(toHex(records.at(-1)!.data));
    }
    expect(atcs).toEqual(["001D", "001E", "001F"]);
    // 70 07 9F69 05 01 ‖ UN: fDDA version 01 and four fresh bytes each tap (the counting random source).
    for (const c of cads) expect(c).toMatch(/^70089F690501[0-9A-F]{8}$/);
    expect(new Set(cads).size).toBe(3);
  });

  it("the contact interface of the same card still answers the contact GPO (format 1 80 { AIP ‖ AFL })", () => {
    const card = openCard("visa-cvn18-cda", "contact");
    const sel = selectAid(card, VISA);
    const { response } = gpo(card, sel.data);
    expect(response.sw).toBe("9000");
    expect(toHex(response.data)).toBe("800E3D00080101001001010118010200");
  });

  it("no GENERATE AC after a qVSDC GPO (6985): the cryptogram was in the GPO answer", () => {
    const card = openCard("visa-cvn18-cda");
    gpo(card, selectAid(card, VISA).data);
    expect(split(card.transmit(fromHex("80AE80001D" + "00".repeat(29) + "00"))).sw).toBe("6985");
  });

  it("a reader without qVSDC (TTQ B1b6 clear) gets 6985 and the ATC does not move", () => {
    const card = openCard("visa-cvn18-cda");
    const { response } = gpo(card, selectAid(card, VISA).data, { "9F66": "86004000" });
    expect(response.sw).toBe("6985");
    expect(card.snapshot().applications["A0000000031010"]!.atc).toBe(28);
  });
});

describe("CVM and CTQ", () => {
  it("CVM required + online PIN supported: CTQ B1b8 and an ARQC (online PIN needs the issuer)", () => {
    const card = openCard("visa-pin-preferring");
    const { response } = gpo(card, selectAid(card, VISA).data, { "9F66": "26404000" });
    const t = template77(response.data);
    expect(toHex(child(t, "9F6C")!)).toBe("8000");
    expect(toHex(child(t, "9F27")!)).toBe("80");
    expect(child(t, "94")).toBeUndefined();
  });

  it("the card's own CVM limit (30.00) asks for a CVM the reader did not: signature when no online PIN", () => {
    const card = openCard("visa-pin-preferring");
    const { response } = gpo(card, selectAid(card, VISA).data, { "9F66": "22004000", "9F02": "000000003000" });
    const t = template77(response.data);
    expect(toHex(child(t, "9F6C")!)).toBe("4000");
    expect(toHex(child(t, "9F27")!)).toBe("40");
  });

  it("phone: consumer device CVM (CTQ B2b8) when the reader supports it (TTQ B3b7), 9F69 with the CTQ", () => {
    const card = openCard("visa-qvsdc-phone");
    const { response } = gpo(card, selectAid(card, VISA).data, { "9F66": "36004000" });
    const t = template77(response.data);
    expect(toHex(child(t, "9F6C")!)).toBe("0080");
    expect(toHex(child(t, "9F27")!)).toBe("40");
    const records = readAfl(card, child(t, "94")!);
    // 9F69 = 01 ‖ card UN (4) ‖ CTQ 0080.
    expect(toHex(records.at(-1)!.data)).toMatch(/^700A9F690701[0-9A-F]{8}0080$/);
  });

  it("phone at a reader without consumer device CVM: no CVM bit, the reader decides", () => {
    const card = openCard("visa-qvsdc-phone");
    const { response } = gpo(card, selectAid(card, VISA).data, { "9F66": "36000000" });
    expect(toHex(child(template77(response.data), "9F6C")!)).toBe("0000");
  });

  it("expired application: the card still answers (the reader checks 5F24) with CTQ B1b4 'go online if expired'", () => {
    const card = openCard("visa-expired");
    const { response } = gpo(card, selectAid(card, VISA).data);
    expect(toHex(child(template77(response.data), "9F6C")!)).toBe("0800");
    const records = readAfl(card, child(template77(response.data), "94")!);
    expect(records.map((r) => toHex(r.data)).join("")).toContain("5F2403200131");
  });
});

describe("the card's offline limits (visa-qvsdc-offline-limits: 20.00 per tap, 50.00 in total, 3 taps)", () => {
  const type = (data: Uint8Array) => toHex(child(template77(data), "9F27")!);
  it("above the per-tap limit → ARQC; at the limit → TC", () => {
    const card = openCard("visa-qvsdc-offline-limits");
    expect(type(gpo(card, selectAid(card, VISA).data, { "9F02": "000000002001" }).response.data)).toBe("80");
    expect(type(gpo(card, selectAid(card, VISA).data, { "9F02": "000000002000" }).response.data)).toBe("40");
  });
  it("the cumulative limit and the consecutive count send later taps online; an offline-only reader then gets AAC", () => {
    const card = openCard("visa-qvsdc-offline-limits");
    const tap = (amount: string, ttq = "36004000") =>
      type(gpo(card, selectAid(card, VISA).data, { "9F02": amount, "9F66": ttq }).response.data);
    // ATC 20, Last Online ATC 19: one offline transaction before the first tap.
    expect(tap("000000001900")).toBe("40"); // total 19.00, 1 since online
    expect(tap("000000001900")).toBe("40"); // total 38.00, 2 since online
    expect(tap("000000001300")).toBe("80"); // 3 since online reach the limit 3 (and 51.00 > 50.00)
    expect(tap("000000000100", "3E004000")).toBe("00"); // offline-only reader (TTQ B1b4): decline
    expect(card.snapshot().applications["A0000000031010"]!.offlineAmountTotal).toBe(3800);
  });
});

describe("GPO faults", () => {
  for (const sw of ["6984", "6985", "6986"]) {
    it(`visa-qvsdc-gpo-${sw}: GPO answered ${sw} without data`, () => {
      const card = openCard(`visa-qvsdc-gpo-${sw}`);
      const { response } = gpo(card, selectAid(card, VISA).data);
      expect(response.sw).toBe(sw);
      expect(response.data.length).toBe(0);
    });
  }
  it("visa-qvsdc-no-afl: an offline approval (TC with 9F4B) without 94", () => {
    const card = openCard("visa-qvsdc-no-afl");
    const { response } = gpo(card, selectAid(card, VISA).data);
    expect(tagsOf(response.data)).toEqual(["82", "57", "5F34", "9F10", "9F26", "9F27", "9F36", "9F6C", "9F4B"]);
    expect(toHex(child(template77(response.data), "9F27")!)).toBe("40");
  });
  it("wrong-cryptogram also applies to the GPO cryptogram (the host declines it)", () => {
    const good = openCard("visa-qvsdc-online");
    const bad = openCard("visa-qvsdc-online", "contactless", [{ kind: "wrong-cryptogram" }]);
    const a = template77(gpo(good, selectAid(good, VISA).data).response.data);
    const b = template77(gpo(bad, selectAid(bad, VISA).data).response.data);
    const x = child(a, "9F26")!;
    const y = child(b, "9F26")!;
    expect(toHex(x.subarray(0, 7))).toBe(toHex(y.subarray(0, 7)));
    expect(x[7]! ^ y[7]!).toBe(0x01);
  });
});
