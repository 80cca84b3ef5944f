// Whole taps as a Kernel 3 reader sees them, from APDUs only (Book B selection; Book C-3 GPO, READ RECORD, fDDA):
// the certificates of the contactless records recover with the CA key over the static data of the contactless AFL
// (Book 2 §5.3, §6.4, Book 3 §10.3), the GPO's SDAD verifies with the recovered ICC key, and an ARQC verifies at
// the issuer host. Every contactless built-in with fDDA is checked.

import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../../emv/bytes.js";
import { recoverIccPublicKey, recoverIssuerPublicKey } from "../../emv/crypto/certificates.js";
import { verifySignedDynamicData } from "../../emv/crypto/signed-data.js";
import { decodeTlv, decodeTlvs, encodeTlvs, findTlv } from "../../emv/tlv/ber.js";
import { defaultIssuerHost } from "../host/default.js";
import { caKey } from "../keystore.js";
import { listProfiles, loadProfile } from "../profile.js";
import {
  child,
  gpo,
  openCard,
  PPSE_SELECT,
  readAfl,
  selectAid,
  split,
  TERMINAL_DATA,
  template77,
} from "./testing/tap.js";

interface Tap {
  readonly gpo: ReturnType<typeof template77>;
  readonly records: Map<number, Uint8Array>;
  readonly staticData: Uint8Array;
  readonly values: Map<string, Uint8Array>;
}

/** PPSE → first entry → SELECT → GPO → READ RECORD per AFL; the static data to authenticate built from the records. */
function tapCard(id: string, terminal: Record<string, string> = {}): Tap {
  const card = openCard(id);
  const ppse = split(card.transmit(fromHex(PPSE_SELECT)));
  expect(ppse.sw).toBe("9000");
  const aid = findTlv(decodeTlvs(ppse.data), 0x4f)!.value;
  const sel = selectAid(card, aid);
  expect(sel.sw).toBe("9000");
  const g = gpo(card, sel.data, terminal);
  expect(g.response.sw).toBe("9000");
  const t = template77(g.response.data);
  const afl = child(t, "94") ?? new Uint8Array(0);
  const records = new Map<number, Uint8Array>();
  const oda: Uint8Array[] = [];
  const responses = readAfl(card, afl);
  let k = 0;
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let rec = afl[i + 1]!; rec <= afl[i + 2]!; rec++) {
      const r = responses[k++]!;
      expect(r.sw).toBe("9000");
      records.set(sfi * 256 + rec, r.data);
      // Book 3 §10.3: ODA records of SFI 1–10 count without their tag 70 and length.
      if (rec < afl[i + 1]! + afl[i + 3]!) oda.push(decodeTlv(r.data).value);
    }
  }
  const all = [...records.values()].flatMap((r) => decodeTlv(r).children ?? []);
  const tagList = all.find((n) => n.tag === 0x9f4a)?.value;
  if (tagList && toHex(tagList) === "82") oda.push(child(t, "82")!);
  return { gpo: t, records, staticData: concatBytes(...oda), values: g.values };
}

function recordTlv(tap: Tap, tag: number): Uint8Array | undefined {
  for (const r of tap.records.values()) {
    const v = findTlv(decodeTlvs(r), tag)?.value;
    if (v) return v;
  }
  return undefined;
}

/** The ICC public key from the records, the way a kernel gets it. */
function iccKeyFromRecords(tap: Tap) {
  const ca = caKey(recordTlv(tap, 0x8f)![0]!)!;
  const issuer = recoverIssuerPublicKey(ca, {
    certificate: recordTlv(tap, 0x90)!,
    remainder: recordTlv(tap, 0x92),
    exponent: recordTlv(tap, 0x9f32)!,
  });
  if (!issuer.ok) throw new Error(issuer.reason);
  const icc = recoverIccPublicKey(issuer.key, {
    certificate: recordTlv(tap, 0x9f46)!,
    remainder: recordTlv(tap, 0x9f48),
    exponent: recordTlv(tap, 0x9f47)!,
    staticData: tap.staticData,
  });
  if (!icc.ok) throw new Error(icc.reason);
  return icc;
}

/** 9F37 ‖ 9F02 ‖ 5F2A ‖ 9F69 (Book C-3 fDDA terminal data), from what the reader sent and read. */
function fddaData(tap: Tap): Uint8Array {
  const v = (t: string) => tap.values.get(t)!;
  return concatBytes(v("9F37"), v("9F02"), v("5F2A"), recordTlv(tap, 0x9f69)!);
}

const FDDA = listProfiles({ interface: "contactless" }).filter((id) => {
  const r = loadProfile(id);
  return r.ok && r.value.faults.length === 0 && r.value.applications[0]!.contactless?.fdda !== undefined;
});

describe("fDDA end to end from APDUs: certificates over the contactless static data, SDAD with the recovered key", () => {
  it("covers the dual built-ins and the contactless-only fDDA cards", () => {
    expect(FDDA).toEqual(
      expect.arrayContaining(["visa-cvn18-cda", "visa-cvn10-dda", "visa-qvsdc-phone", "visa-qvsdc-offline-limits"]),
    );
  });
  for (const id of FDDA) {
    it(`${id}: offline tap (10.00): ICC key recovers, PAN matches 5A, SDAD verifies with ICC dynamic number = ATC`, () => {
      const tap = tapCard(id, { "9F66": "36004000" });
      expect(toHex(child(tap.gpo, "9F27") ?? fromHex("40"))).toBe("40");
      const icc = iccKeyFromRecords(tap);
      expect(icc.fields.pan).toBe(toHex(recordTlv(tap, 0x5a)!).replace(/F+$/, ""));
      const v = verifySignedDynamicData(icc.key, child(tap.gpo, "9F4B")!, fddaData(tap));
      if (!v.ok) throw new Error(v.reason);
      expect(toHex(v.iccDynamicNumber)).toBe(toHex(child(tap.gpo, "9F36")!));
    });
  }
});

describe("faults seen by a reader", () => {
  it("visa-qvsdc-bad-fdda: the chain recovers, the SDAD does not", () => {
    const tap = tapCard("visa-qvsdc-bad-fdda");
    const v = verifySignedDynamicData(iccKeyFromRecords(tap).key, child(tap.gpo, "9F4B")!, fddaData(tap));
    expect(v.ok).toBe(false);
    // CTQ B1b6: go online if offline data authentication fails.
    expect(toHex(child(tap.gpo, "9F6C")!)).toBe("2000");
  });
  it("visa-qvsdc-wrong-atc: the SDAD verifies but its ICC dynamic number is not the ATC", () => {
    const tap = tapCard("visa-qvsdc-wrong-atc");
    const v = verifySignedDynamicData(iccKeyFromRecords(tap).key, child(tap.gpo, "9F4B")!, fddaData(tap));
    if (!v.ok) throw new Error(v.reason);
    expect(toHex(v.iccDynamicNumber)).not.toBe(toHex(child(tap.gpo, "9F36")!));
  });
  it("visa-qvsdc-no-afl: a signed TC but no records, so no certificate to check it with", () => {
    const tap = tapCard("visa-qvsdc-no-afl");
    expect(child(tap.gpo, "9F4B")).toBeDefined();
    expect(tap.records.size).toBe(0);
  });
});

describe("online taps verify at the issuer host", () => {
  for (const id of ["visa-cvn18-cda", "visa-pin-preferring", "visa-qvsdc-phone", "multi-app"]) {
    it(`${id}: online cryptogram required (TTQ B2b8) → ARQC that the default host verifies`, () => {
      const tap = tapCard(id, { "9F66": "36804000", "9F02": "000000002500" });
      const t = tap.gpo;
      expect(toHex(child(t, "9F27")!)).toBe("80");
      const pan = recordTlv(tap, 0x5a) ?? (child(t, "57") && fromHex(toHex(child(t, "57")!).split("D")[0]!));
      const terminal = ["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37"].map((tag) => ({
        tag: Number.parseInt(tag, 16),
        value: tap.values.get(tag) ?? fromHex(TERMINAL_DATA[tag]!),
      }));
      const iccData = encodeTlvs([
        ...["9F26", "9F27", "9F10", "9F36", "82", "5F34"].map((tag) => ({
          tag: Number.parseInt(tag, 16),
          value: child(t, tag)!,
        })),
        { tag: 0x5a, value: pan! },
        { tag: 0x4f, value: fromHex("A0000000031010") },
        ...terminal,
      ]);
      expect(defaultIssuerHost().decide({ iccData }).reason).toMatch(/^ARQC verified/);
    });
  }
});
