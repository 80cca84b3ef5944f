// The emulator's ODA data (EMV Book 2 §5–§7) checked from the terminal side with kernel/crypto: every built-in
// profile with ODA personalises, its certificates and signatures recover, and the deliberate faults fail where meant.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../emv/bytes.js";
import {
  certificateExpired,
  issuerIdentifierMatchesPan,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
} from "../emv/crypto/certificates.js";
import { encipherPinBlock } from "../emv/crypto/pin-encipherment.js";
import type { RsaPublicKey } from "../emv/crypto/rsa.js";
import {
  cdaTransactionDataHash,
  verifyCdaSignature,
  verifySignedDynamicData,
  verifySignedStaticData,
} from "../emv/crypto/signed-data.js";
import { decodeTlvs, encodeTlvs, findTlv, type Tlv } from "../emv/tlv/ber.js";
import { type DolEntry, parseDol } from "../emv/tlv/dol.js";
import { EmulatedCard } from "./card.js";
import type { PersonalisedApplication } from "./context.js";
import { caKey } from "./keystore.js";
import { EXPIRED_CERTIFICATE_DATE } from "./oda.js";
import { personalise, staticDataToAuthenticate } from "./personalise.js";
import { builtInProfileDir, type CardProfile, listProfiles, loadProfile, parseProfile } from "./profile.js";

const TRANSACTION_DATE = "260115";

function builtIn(id: string): CardProfile {
  const r = loadProfile(id);
  if (!r.ok) throw r.error;
  return r.value;
}

/** A built-in profile edited (same id, so the same keystore keys). */
function edited(id: string, edit: (json: Record<string, unknown>) => void): CardProfile {
  const file = join(builtInProfileDir(), `${id}.json`);
  const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(json);
  const r = parseProfile(json, file);
  if (!r.ok) throw r.error;
  return r.value;
}

/** A built-in profile with extra faults. */
function withFaults(id: string, faults: object[]): CardProfile {
  return edited(id, (json) => {
    json.faults = [...((json.faults as object[] | undefined) ?? []), ...faults];
  });
}

/** First value of `tag` in the application's records. */
function recordValue(app: PersonalisedApplication, tag: number): Uint8Array | undefined {
  for (const data of app.records.values()) {
    try {
      const v = findTlv(decodeTlvs(data), tag)?.value;
      if (v) return v;
    } catch {
      // malformed on purpose
    }
  }
  return undefined;
}

interface TerminalView {
  issuer: ReturnType<typeof recoverIssuerPublicKey>;
  ssad: ReturnType<typeof verifySignedStaticData> | undefined;
  icc: ReturnType<typeof recoverIccPublicKey> | undefined;
  pan: string;
}

/** What a terminal does with the records: recover the issuer key, check the SSAD, recover the ICC key. */
function terminalView(app: PersonalisedApplication): TerminalView {
  const oda = app.profile.oda!;
  const ca = caKey(oda.caIndex)!;
  expect(toHex(recordValue(app, 0x8f)!)).toBe(toHex(Uint8Array.of(oda.caIndex)));
  const issuer = recoverIssuerPublicKey(ca, {
    certificate: recordValue(app, 0x90)!,
    remainder: recordValue(app, 0x92),
    exponent: recordValue(app, 0x9f32)!,
  });
  const staticData = staticDataToAuthenticate(app.profile, app.records);
  const ssadValue = recordValue(app, 0x93);
  const ssad = ssadValue && issuer.ok ? verifySignedStaticData(issuer.key, ssadValue, staticData) : undefined;
  const iccCert = recordValue(app, 0x9f46);
  const icc =
    iccCert && issuer.ok
      ? recoverIccPublicKey(issuer.key, {
          certificate: iccCert,
          remainder: recordValue(app, 0x9f48),
          exponent: recordValue(app, 0x9f47)!,
          staticData,
        })
      : undefined;
  return { issuer, ssad, icc, pan: app.pan! };
}

const odaProfiles = listProfiles().filter((id) =>
  builtIn(id).applications.some((a) => a.oda && a.oda.method !== "none"),
);

describe("built-in profiles: certificates and SSAD recover on the terminal side", () => {
  it("there are ODA profiles to check", () => {
    expect(odaProfiles.length).toBeGreaterThanOrEqual(8);
  });
  for (const id of odaProfiles) {
    it(`${id}: issuer, ICC key and SSAD as the profile says`, () => {
      const profile = builtIn(id);
      const faults = new Set(profile.faults.map((f) => f.kind));
      for (const app of personalise(profile)) {
        const oda = app.profile.oda;
        if (!oda || oda.method === "none") continue;
        const v = terminalView(app);
        if (!v.issuer.ok) throw new Error(v.issuer.reason);
        expect(toHex(v.issuer.key.modulus)).toBe(toHex(app.keys!.issuer.modulus));
        expect(issuerIdentifierMatchesPan(v.issuer.fields.issuerIdentifier, v.pan)).toBe(true);
        expect(v.issuer.fields.expiry).toBe(oda.issuer.expiry);
        expect(certificateExpired(v.issuer.fields.expiry, TRANSACTION_DATE)).toBe(false);
        expect(toHex(v.issuer.fields.serialNumber)).toBe(toHex(oda.issuer.serial));
        if (oda.method === "sda") {
          if (!v.ssad?.ok) throw new Error(v.ssad?.reason ?? "no SSAD (93) in the records");
          expect(toHex(v.ssad.dataAuthenticationCode)).toBe(toHex(oda.dataAuthenticationCode));
        } else {
          if (!v.icc?.ok) throw new Error(v.icc?.reason ?? "no ICC certificate (9F46) in the records");
          expect(toHex(v.icc.key.modulus)).toBe(toHex(app.keys!.icc!.modulus));
          expect(v.icc.fields.pan).toBe(v.pan);
          const expired = faults.has("expired-icc-certificate");
          expect(v.icc.fields.expiry).toBe(expired ? EXPIRED_CERTIFICATE_DATE : oda.icc!.expiry);
          expect(certificateExpired(v.icc.fields.expiry, TRANSACTION_DATE)).toBe(expired);
        }
      }
    });
  }
});

describe("deliberate ODA faults fail at the expected step", () => {
  it("bad-issuer-certificate-signature: the issuer certificate does not recover (trailer)", () => {
    const [app] = personalise(withFaults("visa-offline-only", [{ kind: "bad-issuer-certificate-signature" }]));
    const v = terminalView(app!);
    expect(v.issuer.ok ? "ok" : v.issuer.step).toBe("trailer");
  });
  it("expired-issuer-certificate: recovers, expiry 0120 is past", () => {
    const [app] = personalise(withFaults("visa-offline-only", [{ kind: "expired-issuer-certificate" }]));
    const v = terminalView(app!);
    if (!v.issuer.ok) throw new Error(v.issuer.reason);
    expect(v.issuer.fields.expiry).toBe("0120");
    expect(certificateExpired(v.issuer.fields.expiry, TRANSACTION_DATE)).toBe(true);
    expect(v.ssad?.ok).toBe(true);
  });
  it("bad-ssad-signature: the SSAD does not recover", () => {
    const [app] = personalise(withFaults("visa-offline-only", [{ kind: "bad-ssad-signature" }]));
    const v = terminalView(app!);
    expect(v.issuer.ok).toBe(true);
    expect(v.ssad?.ok ? "ok" : v.ssad?.step).toBe("trailer");
  });
  it("wrong-static-data-hash: SSAD (SDA) and ICC certificate (DDA) fail the hash", () => {
    const [sda] = personalise(withFaults("visa-offline-only", [{ kind: "wrong-static-data-hash" }]));
    const s = terminalView(sda!);
    expect(s.ssad?.ok ? "ok" : s.ssad?.step).toBe("hash");
    const [dda] = personalise(withFaults("visa-cvn10-dda", [{ kind: "wrong-static-data-hash" }]));
    const d = terminalView(dda!);
    expect(d.icc?.ok ? "ok" : d.icc?.step).toBe("hash");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Over the card's commands

function seededCard(profile: CardProfile): EmulatedCard {
  let n = 0;
  return new EmulatedCard(profile, {
    random: (len) => Uint8Array.from({ length: len }, () => (n = (n * 73 + 41) & 0xff)),
  });
}

function transmit(card: EmulatedCard, apdu: Uint8Array): { data: Uint8Array; sw: string } {
  const r = card.transmit(apdu);
  return { data: r.subarray(0, r.length - 2), sw: toHex(r.subarray(r.length - 2)) };
}

const dolLength = (dol: readonly DolEntry[]) => dol.reduce((s, e) => s + e.length, 0);

/** SELECT the application and GET PROCESSING OPTIONS with zero PDOL data. */
function selectAndGpo(card: EmulatedCard, app: PersonalisedApplication): Uint8Array {
  const aid = app.profile.aid;
  expect(transmit(card, concatBytes(fromHex("00A40400"), Uint8Array.of(aid.length), aid, fromHex("00"))).sw).toMatch(
    /^9000|6283$/,
  );
  const pdolData = new Uint8Array(dolLength(app.pdol));
  const body = concatBytes(Uint8Array.of(0x83, pdolData.length), pdolData);
  expect(transmit(card, concatBytes(fromHex("80A80000"), Uint8Array.of(body.length), body, fromHex("00"))).sw).toBe(
    "9000",
  );
  return pdolData;
}

function iccKey(app: PersonalisedApplication): RsaPublicKey {
  const v = terminalView(app);
  if (!v.icc?.ok) throw new Error(v.icc?.reason ?? "no ICC key");
  return v.icc.key;
}

describe("INTERNAL AUTHENTICATE: the 9F4B verifies with verifySignedDynamicData (§6.5)", () => {
  for (const id of ["visa-cvn10-dda", "no-pse", "visa-pin-preferring", "multi-app"]) {
    it(id, () => {
      const profile = builtIn(id);
      const app = personalise(profile).find((a) => a.profile.oda?.method === "dda")!;
      const card = seededCard(profile);
      selectAndGpo(card, app);
      const ddol = parseDol(recordValue(app, 0x9f49)!);
      const ddolData = Uint8Array.from({ length: dolLength(ddol) }, (_, i) => 0x11 * (i + 1));
      const r = transmit(
        card,
        concatBytes(fromHex("00880000"), Uint8Array.of(ddolData.length), ddolData, fromHex("00")),
      );
      expect(r.sw).toBe("9000");
      const sdad = findTlv(decodeTlvs(r.data), 0x80)!.value;
      const v = verifySignedDynamicData(iccKey(app), sdad, ddolData);
      if (!v.ok) throw new Error(v.reason);
      expect(v.iccDynamicNumber.length).toBe(8);
      // The same signature over other DDOL data does not verify.
      const other = verifySignedDynamicData(
        iccKey(app),
        sdad,
        ddolData.map((b) => b ^ 1),
      );
      expect(other.ok ? "ok" : other.step).toBe("hash");
    });
  }
});

/** GENERATE AC asking for an ARQC with CDA; returns the response template's children and the CDOL1 data. */
function generateAcCda(
  card: EmulatedCard,
  app: PersonalisedApplication,
  p1 = 0x90,
): { tlvs: Tlv[]; cdol1Data: Uint8Array; un: Uint8Array } {
  const cdol1 = app.cdol1!;
  const un = fromHex("CAFEBABE");
  const parts = cdol1.map((e) => {
    if (e.tag === 0x9f37) return un;
    if (e.tag === 0x9f02) return fromHex("000000001000");
    if (e.tag === 0x9a) return fromHex(TRANSACTION_DATE);
    if (e.tag === 0x5f2a || e.tag === 0x9f1a) return fromHex("0978");
    return new Uint8Array(e.length);
  });
  const cdol1Data = concatBytes(...parts);
  const r = transmit(
    card,
    concatBytes(Uint8Array.of(0x80, 0xae, p1, 0x00, cdol1Data.length), cdol1Data, fromHex("00")),
  );
  expect(r.sw).toBe("9000");
  const [template] = decodeTlvs(r.data);
  expect(template!.tag).toBe(0x77);
  return { tlvs: [...template!.children!], cdol1Data, un };
}

describe("GENERATE AC with CDA: the 9F4B verifies with verifyCdaSignature (§6.6)", () => {
  for (const id of ["visa-cvn18-cda", "mastercard-cvn17-cda", "amex-cda", "visa-cda-faults"]) {
    it(id, () => {
      const profile = builtIn(id);
      const bad = profile.faults.some((f) => f.kind === "bad-sdad-signature");
      const app = personalise(profile).find((a) => a.profile.oda?.method === "cda")!;
      const card = seededCard(profile);
      const pdolData = selectAndGpo(card, app);
      const { tlvs, cdol1Data, un } = generateAcCda(card, app);
      const sdad = tlvs.find((t) => t.tag === 0x9f4b);
      if (!sdad) throw new Error(`no 9F4B in the response (CID ${toHex(tlvs.find((t) => t.tag === 0x9f27)!.value)})`);
      const responseTlvs = encodeTlvs(
        tlvs.filter((t) => t.tag !== 0x9f4b).map((t) => ({ tag: t.tag, value: t.value })),
      );
      const cid = tlvs.find((t) => t.tag === 0x9f27)!.value[0]!;
      const v = verifyCdaSignature(iccKey(app), sdad.value, {
        unpredictableNumber: un,
        cid,
        transactionDataHash: cdaTransactionDataHash({ pdolData, cdol1Data, responseTlvs }),
      });
      if (bad) {
        expect(v.ok ? "ok" : v.step).toBe("trailer");
        return;
      }
      if (!v.ok) throw new Error(v.reason);
      expect(v.cid).toBe(cid);
      expect(v.cryptogram.length).toBe(8);
    });
  }
});

describe("CDA on an AAC: a profile choice (cdaOnAac), off by default", () => {
  const card = (cdaOnAac: boolean) => {
    const profile = edited("visa-cvn18-cda", (json) => {
      (json.applications as Record<string, unknown>[])[0]!.cdaOnAac = cdaOnAac;
    });
    const app = personalise(profile)[0]!;
    return { app, card: seededCard(profile) };
  };

  it("cdaOnAac true: an AAC requested with CDA (P1 10) comes back in template 77 with a 9F4B that verifies", () => {
    const { app, card: c } = card(true);
    const pdolData = selectAndGpo(c, app);
    const { tlvs, cdol1Data, un } = generateAcCda(c, app, 0x10);
    const cid = tlvs.find((t) => t.tag === 0x9f27)!.value[0]!;
    expect(cid & 0xc0).toBe(0x00); // AAC
    const sdad = tlvs.find((t) => t.tag === 0x9f4b);
    if (!sdad) throw new Error("no 9F4B on the AAC");
    const responseTlvs = encodeTlvs(tlvs.filter((t) => t.tag !== 0x9f4b).map((t) => ({ tag: t.tag, value: t.value })));
    const v = verifyCdaSignature(iccKey(app), sdad.value, {
      unpredictableNumber: un,
      cid,
      transactionDataHash: cdaTransactionDataHash({ pdolData, cdol1Data, responseTlvs }),
    });
    if (!v.ok) throw new Error(v.reason);
    expect(v.cid).toBe(cid);
  });

  it("cdaOnAac false (the default): the same command gets an unsigned AAC", () => {
    const { app, card: c } = card(false);
    selectAndGpo(c, app);
    const cdol1Data = new Uint8Array(app.cdol1!.reduce((n, e) => n + e.length, 0));
    const r = transmit(
      c,
      concatBytes(Uint8Array.of(0x80, 0xae, 0x10, 0x00, cdol1Data.length), cdol1Data, fromHex("00")),
    );
    expect(r.sw).toBe("9000");
    const [top] = decodeTlvs(r.data);
    expect(top!.tag === 0x80 || top!.tag === 0x77).toBe(true);
    expect(findTlv(top!.children ?? [], 0x9f4b)).toBeUndefined();
  });
});

describe("second GENERATE AC with CDA (§6.6.1: CDOL2 data in the hash, UN from CDOL2)", () => {
  it("visa-cvn18-cda without issuer authentication required: TC with a 9F4B that verifies", () => {
    const profile = edited("visa-cvn18-cda", (json) => {
      const apps = json.applications as { risk: Record<string, unknown> }[];
      apps[0]!.risk.issuerAuthenticationRequired = false;
    });
    const app = personalise(profile)[0]!;
    const card = seededCard(profile);
    const pdolData = selectAndGpo(card, app);
    const first = generateAcCda(card, app);
    const cdol2 = app.cdol2!;
    const un2 = fromHex("0BADF00D");
    const cdol2Data = concatBytes(
      ...cdol2.map((e) => (e.tag === 0x8a ? fromHex("3030") : e.tag === 0x9f37 ? un2 : new Uint8Array(e.length))),
    );
    const r = transmit(
      card,
      concatBytes(fromHex("80AE5000"), Uint8Array.of(cdol2Data.length), cdol2Data, fromHex("00")),
    );
    expect(r.sw).toBe("9000");
    const tlvs = [...decodeTlvs(r.data)[0]!.children!];
    const cid = tlvs.find((t) => t.tag === 0x9f27)!.value[0]!;
    expect(cid & 0xc0).toBe(0x40);
    const sdad = tlvs.find((t) => t.tag === 0x9f4b)!.value;
    const responseTlvs = encodeTlvs(tlvs.filter((t) => t.tag !== 0x9f4b).map((t) => ({ tag: t.tag, value: t.value })));
    const tdhc = cdaTransactionDataHash({ pdolData, cdol1Data: first.cdol1Data, cdol2Data, responseTlvs });
    const v = verifyCdaSignature(iccKey(app), sdad, { unpredictableNumber: un2, cid, transactionDataHash: tdhc });
    if (!v.ok) throw new Error(v.reason);
    // Signed over the second UN, not the first.
    const old = verifyCdaSignature(iccKey(app), sdad, {
      unpredictableNumber: first.un,
      cid,
      transactionDataHash: tdhc,
    });
    expect(old.ok ? "ok" : old.step).toBe("hash");
  });
});

describe("VERIFY with enciphered PIN (§7.2)", () => {
  it("the card deciphers with its ICC key; a wrong challenge is 6A80 and leaves the try counter", () => {
    const profile = builtIn("visa-pin-preferring");
    const app = personalise(profile)[0]!;
    const pin = app.profile.pin!.value;
    const block = fromHex(`2${pin.length.toString(16)}${pin}`.padEnd(16, "F"));
    const key = iccKey(app);
    const card = seededCard(profile);
    selectAndGpo(card, app);
    const pad = (n: number) => new Uint8Array(n).fill(0x33);

    const challenge1 = transmit(card, fromHex("0084000000"));
    expect(challenge1.sw).toBe("9000");
    const wrong = challenge1.data.map((b) => b ^ 0xff);
    const e1 = encipherPinBlock(key, block, wrong, pad);
    if (!e1.ok) throw new Error(e1.reason);
    expect(transmit(card, concatBytes(fromHex("00200088"), Uint8Array.of(e1.value.length), e1.value)).sw).toBe("6A80");

    const challenge2 = transmit(card, fromHex("0084000000"));
    const e2 = encipherPinBlock(key, block, challenge2.data, pad);
    if (!e2.ok) throw new Error(e2.reason);
    expect(transmit(card, concatBytes(fromHex("00200088"), Uint8Array.of(e2.value.length), e2.value)).sw).toBe("9000");
  });
});

describe("faults of the GPO / read data / ODA catalog (certification-tests/catalog/data-oda.ts)", () => {
  it("sdad-length: the INTERNAL AUTHENTICATE SDAD is 00 ‖ the clean signature, one byte longer than the modulus", () => {
    const clean = builtIn("visa-cvn10-dda");
    const faulted = withFaults("visa-cvn10-dda", [{ kind: "sdad-length" }]);
    const sdad = (p: CardProfile) => {
      const card = seededCard(p);
      selectAndGpo(card, personalise(p)[0]!);
      const r = transmit(card, fromHex("0088000004CAFEBABE00"));
      expect(r.sw).toBe("9000");
      return findTlv(decodeTlvs(r.data), 0x80)!.value;
    };
    const good = sdad(clean);
    // Book 2 §6.5.2 step 1: the SDAD has the ICC modulus's length (1024 bits = 128 bytes) …
    expect(good.length).toBe(128);
    expect(verifySignedDynamicData(iccKey(personalise(clean)[0]!), good, fromHex("CAFEBABE")).ok).toBe(true);
    // … the fault keeps the number and adds a leading zero byte.
    expect(toHex(sdad(faulted))).toBe(`00${toHex(good)}`);
  });

  it("bad-cda-signature: only the named GENERATE AC's signature is flipped (last bit)", () => {
    const sdadOf = (faults: object[]) => {
      const p = withFaults("visa-cvn18-cda", faults);
      const card = seededCard(p);
      selectAndGpo(card, personalise(p)[0]!);
      return generateAcCda(card, personalise(p)[0]!).tlvs.find((t) => t.tag === 0x9f4b)!.value;
    };
    const clean = sdadOf([]);
    const first = sdadOf([{ kind: "bad-cda-signature", occurrence: 1 }]);
    const second = sdadOf([{ kind: "bad-cda-signature", occurrence: 2 }]);
    expect(toHex(first.subarray(0, -1))).toBe(toHex(clean.subarray(0, -1)));
    expect(first.at(-1)).toBe(clean.at(-1)! ^ 0x01);
    expect(toHex(second)).toBe(toHex(clean));
  });

  it("gpo-omit: the format 2 answer leaves out 82 or 94 (AIP 5C00, AFL of 12 bytes)", () => {
    const gpo = (tag: string) => {
      const p = edited("visa-offline-only", (json) => {
        (json.applications as Record<string, unknown>[])[0]!.gpoFormat = 2;
        json.faults = [{ kind: "gpo-omit", tag }];
      });
      const card = seededCard(p);
      transmit(card, fromHex("00A4040007A000000003101000"));
      const r = transmit(card, fromHex("80A8000002830000"));
      expect(r.sw).toBe("9000");
      return toHex(r.data);
    };
    expect(gpo("82")).toBe("770E940C080101001001010118010200");
    expect(gpo("94")).toBe("770482025C00");
  });

  it("pdol-outside-a5: 9F38 sits in 6F after A5, and A5 holds no PDOL", () => {
    const card = seededCard(withFaults("visa-offline-only", [{ kind: "pdol-outside-a5", pdol: "9F02069F1A02" }]));
    const r = transmit(card, fromHex("00A4040007A000000003101000"));
    expect(r.sw).toBe("9000");
    const fci = decodeTlvs(r.data)[0]!;
    expect(fci.children!.map((c) => c.tagHex)).toEqual(["84", "A5", "9F38"]);
    expect(toHex(fci.children![2]!.value)).toBe("9F02069F1A02");
    expect(findTlv(fci.children![1]!.children!, 0x9f38)).toBeUndefined();
    // The card expects no PDOL data: GPO with 83 00 is answered.
    expect(transmit(card, fromHex("80A8000002830000")).sw).toBe("9000");
  });

  it("a 9F4A naming 5F24: the card signs its records ‖ 5F24's value (a list Book 3 §10.3 makes the terminal refuse)", () => {
    const profile = edited("visa-offline-only", (json) => {
      const records = (json.applications as { records: { tlvs?: [string, string][] }[] }[])[0]!.records;
      for (const r of records) for (const t of r.tlvs ?? []) if (t[0] === "9F4A") t[1] = "5F24";
    });
    const [app] = personalise(profile);
    const data = staticDataToAuthenticate(app!.profile, app!.records);
    const records = staticDataToAuthenticate(app!.profile, app!.records, { withTagList: false });
    expect(toHex(data)).toBe(`${toHex(records)}301231`);
    const v = terminalView(app!);
    if (!v.issuer.ok) throw new Error(v.issuer.reason);
    expect(verifySignedStaticData(v.issuer.key, recordValue(app!, 0x93)!, data).ok).toBe(true);
  });

  it("static-data-without-tag-list: the SSAD covers the records without the AIP that 9F4A = 82 names", () => {
    const [app] = personalise(withFaults("visa-offline-only", [{ kind: "static-data-without-tag-list" }]));
    const v = terminalView(app!);
    // With the AIP appended, as Book 3 §10.3 has the terminal do, the hash differs …
    expect(v.ssad?.ok ? "ok" : v.ssad?.step).toBe("hash");
    // … over the records alone it verifies.
    if (!v.issuer.ok) throw new Error(v.issuer.reason);
    const records = staticDataToAuthenticate(app!.profile, app!.records, { withTagList: false });
    expect(toHex(staticDataToAuthenticate(app!.profile, app!.records))).toBe(`${toHex(records)}5C00`);
    expect(verifySignedStaticData(v.issuer.key, recordValue(app!, 0x93)!, records).ok).toBe(true);
  });
});
