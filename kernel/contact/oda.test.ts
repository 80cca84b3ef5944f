// Offline data authentication step (Book 3 §10.3): method choice, SDA/DDA/CDA with a generated test PKI, and the
// TVR/TSI bits each failure sets (Book 3 Annex C5/C6).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../../emv/bytes.js";
import { cdaTransactionDataHash, signCdaData, signDynamicData } from "../../emv/crypto/signed-data.js";
import { type CardOdaInput, cardOdaData, testPki } from "../../emv/crypto/testing/test-pki.js";
import { encodeTlvs } from "../../emv/tlv/ber.js";
import { verifyCdaResponse } from "./oda/cda.js";
import { chooseOdaMethod } from "./oda/method.js";
import { staticDataToAuthenticate } from "./oda/static-data.js";
import { offlineDataAuthentication } from "./oda.js";
import { testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";

const PAN = "4761739001010010";
const RECORDS = fromHex("5A0847617390010100105F24032812315F25031601019F0702FF00");
const pki = testPki();
const CA = { rid: fromHex("A000000003"), index: 0x92, modulus: pki.ca.modulus, exponent: pki.ca.exponent };

function card(aip: string, input: Partial<CardOdaInput> = {}, drop: string[] = [], extra: Record<string, string> = {}) {
  const oda = cardOdaData(pki, { pan: PAN, staticData: concatBytes(RECORDS, fromHex(aip)), ...input });
  const values: Record<string, string> = { "82": aip, "5A": "4761739001010010", "8F": "92", "9F4A": "82", ...extra };
  for (const [tag, v] of Object.entries(oda)) if (v.length > 0) values[tag] = toHex(v);
  for (const t of drop) delete values[t];
  return values;
}

function setup(cardData: Record<string, string>, script: ScriptStep[] = [], config = {}) {
  const t = testContext({
    card: cardData,
    script,
    config: { caKeys: [CA], ...config },
    transaction: { "9A": "250511" },
  });
  t.ctx.oda.staticData = RECORDS;
  return t;
}

describe("ODA method (Book 3 §10.3)", () => {
  it("prefers CDA, then DDA, then SDA, each needing the card and the terminal", () => {
    expect(chooseOdaMethod(fromHex("7D00"), fromHex("E0F8C8"))).toBe("CDA");
    expect(chooseOdaMethod(fromHex("7D00"), fromHex("E0F8C0"))).toBe("DDA");
    expect(chooseOdaMethod(fromHex("7D00"), fromHex("E0F880"))).toBe("SDA");
    expect(chooseOdaMethod(fromHex("1C00"), fromHex("E0F8C8"))).toBe("none");
  });

  it("for every AIP and 9F33: the highest method whose AIP bit and 9F33 byte 3 bit are both set", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 2, maxLength: 2 }),
        fc.uint8Array({ minLength: 3, maxLength: 3 }),
        (aip, caps) => {
          // AIP byte 1: b7 SDA (40), b6 DDA (20), b1 CDA (01); 9F33 byte 3: b8 SDA (80), b7 DDA (40), b4 CDA (08).
          const expected =
            aip[0]! & 0x01 && caps[2]! & 0x08
              ? "CDA"
              : aip[0]! & 0x20 && caps[2]! & 0x40
                ? "DDA"
                : aip[0]! & 0x40 && caps[2]! & 0x80
                  ? "SDA"
                  : "none";
          expect(chooseOdaMethod(aip, caps)).toBe(expected);
        },
      ),
    );
  });

  it("no common method: TVR ODA not performed, TSI untouched", async () => {
    const { ctx } = setup({ "82": "1800" });
    await offlineDataAuthentication(ctx);
    expect(toHex(ctx.tvr.bytes)).toBe("8000000000");
    expect(toHex(ctx.tsi.bytes)).toBe("0000");
    expect(ctx.oda.result).toBe("not-performed");
  });
});

describe("SDA", () => {
  it("passes: SDA selected, TSI ODA performed, 9F45 kept", async () => {
    const { ctx } = setup(card("4000"));
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["SDA", "passed"]);
    expect(toHex(ctx.tvr.bytes)).toBe("0200000000");
    expect(toHex(ctx.tsi.bytes)).toBe("8000");
    expect(toHex(ctx.data.get(0x9f45)!)).toBe("DAC1");
  });

  const failures: [string, () => ReturnType<typeof setup>, string, RegExp][] = [
    [
      "tampered static data",
      () => {
        const t = setup(card("4000"));
        t.ctx.oda.staticData = concatBytes(RECORDS.subarray(0, -1), Uint8Array.of(0x01));
        return t;
      },
      "4200000000",
      /hash/i,
    ],
    [
      "unknown CA key index",
      () => setup(card("4000", {}, [], { "8F": "93" })),
      "4200000000",
      /A000000003\/93 is not known/,
    ],
    ["missing SSAD (93)", () => setup(card("4000", {}, ["93"])), "6200000000", /93\) is missing/],
    ["missing CA index (8F)", () => setup(card("4000", {}, ["8F"])), "6200000000", /8F\) is missing/],
    [
      "missing 9F32 and 93 (both named)",
      () => setup(card("4000", {}, ["9F32", "93"])),
      "6200000000",
      /^Issuer Public Key Exponent \(9F32\), Signed Static Application Data \(93\) are missing$/,
    ],
    [
      "a two-byte CA index",
      () => setup(card("4000", {}, [], { "8F": "9292" })),
      "4200000000",
      /^Certification Authority Public Key Index \(8F\) has 2 bytes, expected 1$/,
    ],
    [
      "9F4A naming another tag",
      () => setup(card("4000", {}, [], { "9F4A": "9F02" })),
      "4200000000",
      /only 82 is allowed/,
    ],
    [
      "expired issuer certificate",
      () => setup(card("4000", { issuerExpiry: "0120" })),
      "4200000000",
      /expired \(MMYY 0120\)/,
    ],
    [
      "issuer identifier not the PAN's",
      () => setup(card("4000", { issuerIdentifier: "512345" })),
      "4200000000",
      /does not match the PAN 476173\*+0010/,
    ],
    [
      "revoked issuer certificate",
      () =>
        setup(card("4000"), [], {
          revocationList: [{ rid: fromHex("A000000003"), index: 0x92, serialNumber: fromHex("000001") }],
        }),
      "4200000000",
      /revocation list/,
    ],
    [
      // Book 2 §5.1: the 112-byte issuer modulus needs 20 bytes from 92 beside the NCA − 36 = 92 in the certificate.
      "missing issuer key remainder (92) the modulus needs",
      () => setup(card("4000", {}, ["92"])),
      "6200000000",
      /remainder/i,
    ],
    [
      // Book 2 §11.2: the key is withdrawn at its expiry date; the day after (9A 250511) it is not used.
      "a CA key that expired the day before",
      () => setup(card("4000"), [], { caKeys: [{ ...CA, expiry: "250510" }] }),
      "4200000000",
      /^CA public key A000000003\/92 expired on 250510$/,
    ],
    [
      "static data error from READ RECORD",
      () => {
        const t = setup(card("4000"));
        t.ctx.oda.staticDataError = "record SFI 11 record 1 for ODA is not template 70";
        return t;
      },
      "4200000000",
      /not template 70/,
    ],
  ];
  for (const [name, make, tvr, reason] of failures) {
    it(`fails on ${name}: TVR ${tvr}`, async () => {
      const { ctx } = make();
      await offlineDataAuthentication(ctx);
      expect(ctx.oda.result).toBe("failed");
      expect(ctx.oda.reason).toMatch(reason);
      expect(toHex(ctx.tvr.bytes)).toBe(tvr);
      expect(toHex(ctx.tsi.bytes)).toBe("8000");
    });
  }
});

describe("CA public key expiry (Book 2 §11.2)", () => {
  it("a key expiring on the transaction date (250511) is still used: SDA passes", async () => {
    const { ctx } = setup(card("4000"), [], { caKeys: [{ ...CA, expiry: "250511" }] });
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["SDA", "passed"]);
    expect(toHex(ctx.tvr.bytes)).toBe("0200000000");
  });
});

describe("static data to authenticate (Book 3 §10.3)", () => {
  it("any 9F4A: only a list of 82s appends the AIP once per entry; anything else fails with a reason", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (list) => {
        const { ctx } = setup({ "82": "5C00", "9F4A": toHex(list) });
        const r = staticDataToAuthenticate(ctx);
        if (list.every((b) => b === 0x82)) {
          expect(r).toEqual({ ok: true, data: concatBytes(RECORDS, ...[...list].map(() => fromHex("5C00"))) });
        } else {
          expect(r.ok).toBe(false);
          expect(r.ok ? "" : r.reason).toMatch(
            /^Static Data Authentication Tag List \(9F4A\) (names .*only 82 is allowed|is not a list of tags)/,
          );
        }
      }),
    );
  });

  it("without 9F4A the records alone; a READ RECORD error is the reason", () => {
    const { ctx } = setup({ "82": "5C00" });
    expect(staticDataToAuthenticate(ctx)).toEqual({ ok: true, data: RECORDS });
    ctx.oda.staticDataError = "SFI 2 record 1 is not template 70";
    expect(staticDataToAuthenticate(ctx)).toEqual({ ok: false, reason: "SFI 2 record 1 is not template 70" });
  });

  it("a truncated two-byte tag in 9F4A", () => {
    const { ctx } = setup({ "82": "5C00", "9F4A": "9F" });
    const r = staticDataToAuthenticate(ctx);
    expect(r.ok ? "" : r.reason).toMatch(/^Static Data Authentication Tag List \(9F4A\) is not a list of tags: /);
  });
});

describe("DDA", () => {
  const ddolData = fromHex("11111111"); // default DDOL 9F3704 with the fixed random source
  const sdad = signDynamicData(pki.icc, { iccDynamicData: fromHex("0412345678"), ddolData });

  it("passes with the default DDOL: INTERNAL AUTHENTICATE format 1, 9F4C kept", async () => {
    const { ctx, channel } = setup(card("2000"), [
      { command: "00880000041111111100", response: `8081${toHex(Uint8Array.of(sdad.length))}${toHex(sdad)}9000` },
    ]);
    await offlineDataAuthentication(ctx);
    expect(channel.errors).toEqual([]);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["DDA", "passed"]);
    expect(toHex(ctx.tvr.bytes)).toBe("0000000000");
    expect(toHex(ctx.data.get(0x9f4c)!)).toBe("12345678");
  });

  it("a wrong signature sets DDA failed", async () => {
    const bad = Uint8Array.from(sdad);
    bad[10]! ^= 1;
    const { ctx } = setup(card("2000"), [
      { command: "00880000041111111100", response: `8081${toHex(Uint8Array.of(bad.length))}${toHex(bad)}9000` },
    ]);
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.result).toBe("failed");
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000");
  });

  it("a DDOL without the Unpredictable Number fails without INTERNAL AUTHENTICATE", async () => {
    const { ctx, channel } = setup(card("2000", {}, [], { "9F49": "9F0206" }));
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.reason).toMatch(/does not contain the Unpredictable Number/);
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000");
    expect(channel.errors).toEqual([]);
  });

  it("a DDOL asking for more than a short APDU carries fails DDA, nothing is sent (Book 3 §6.5.9)", async () => {
    // 9F37 04 plus two 127-byte proprietary entries: 258 bytes of DDOL data, INTERNAL AUTHENTICATE takes 255.
    const { ctx, channel } = setup(card("2000", {}, [], { "9F49": "9F3704DF017FDF027F" }));
    const result = await offlineDataAuthentication(ctx);
    expect(result).toEqual({ kind: "continue" });
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["DDA", "failed"]);
    expect(ctx.oda.reason).toBe(
      "DDOL 9F3704DF017FDF027F asks for 258 bytes of data; INTERNAL AUTHENTICATE carries at most 255",
    );
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000"); // B1b4 DDA failed
    expect(ctx.card.trace).toEqual([]);
    expect(channel.errors).toEqual([]);
  });

  it("the default DDOL without the Unpredictable Number fails too", async () => {
    const t = testContext({
      card: card("2000"),
      config: { caKeys: [CA] },
      aid: { defaultDdol: fromHex("9F0206") },
      transaction: { "9A": "250511" },
    });
    t.ctx.oda.staticData = RECORDS;
    await offlineDataAuthentication(t.ctx);
    expect(t.ctx.oda.reason).toBe("DDOL 9F0206 does not contain the Unpredictable Number (9F37)");
    expect(toHex(t.ctx.tvr.bytes)).toBe("0800000000");
    expect(t.channel.errors).toEqual([]);
  });

  it("no card DDOL and no default DDOL: ICC data missing and DDA failed, no INTERNAL AUTHENTICATE", async () => {
    const t = testContext({
      card: card("2000"),
      config: { caKeys: [CA] },
      aid: { defaultDdol: new Uint8Array(0) },
      transaction: { "9A": "250511" },
    });
    t.ctx.oda.staticData = RECORDS;
    await offlineDataAuthentication(t.ctx);
    expect(t.ctx.oda.reason).toBe("DDOL (9F49) is missing and the terminal has no default DDOL");
    expect(toHex(t.ctx.tvr.bytes)).toBe("2800000000");
  });

  it("format 2 response without 9F4B: ICC data missing and DDA failed", async () => {
    const { ctx, channel } = setup(card("2000"), [
      { command: "00880000041111111100", response: "77079F4C04123456789000" },
    ]);
    await offlineDataAuthentication(ctx);
    expect(channel.errors).toEqual([]);
    expect(ctx.oda.reason).toBe("INTERNAL AUTHENTICATE response has no Signed Dynamic Application Data");
    expect(toHex(ctx.tvr.bytes)).toBe("2800000000");
  });

  it("INTERNAL AUTHENTICATE answered 6985: DDA failed naming the SW", async () => {
    const { ctx } = setup(card("2000"), [{ command: "00880000041111111100", response: "6985" }]);
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.reason).toBe("INTERNAL AUTHENTICATE: card answered SW 6985");
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000");
  });

  it("missing data is found before any key recovery, even with an unknown CA key", async () => {
    const { ctx } = setup(card("2000", {}, ["9F46", "9F47"], { "8F": "93" }));
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.reason).toBe("ICC Public Key Certificate (9F46), ICC Public Key Exponent (9F47) are missing");
    expect(toHex(ctx.tvr.bytes)).toBe("2800000000");
  });

  it("a missing ICC key remainder (9F48) the 96-byte modulus needs: ICC data missing and DDA failed", async () => {
    // Book 2 §6.1: the certificate holds NI − 42 = 70 bytes of the ICC modulus; the other 26 are in 9F48.
    const { ctx } = setup(card("2000", {}, ["9F48"]));
    await offlineDataAuthentication(ctx);
    expect(toHex(ctx.tvr.bytes)).toBe("2800000000");
    expect(ctx.oda.reason).toMatch(/remainder/i);
    expect(ctx.card.trace).toEqual([]);
  });

  it("a missing ICC certificate is ICC data missing and DDA failed", async () => {
    const { ctx } = setup(card("2000", {}, ["9F46"]));
    await offlineDataAuthentication(ctx);
    expect(toHex(ctx.tvr.bytes)).toBe("2800000000");
  });
});

describe("CDA", () => {
  it("recovers the ICC key at ODA and verifies the GENERATE AC signature", async () => {
    const { ctx } = setup(card("0100"));
    ctx.data.set("transaction", 0x9f37, fromHex("11111111"));
    ctx.pdolData = fromHex("83020840");
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["CDA", "pending"]);
    expect(toHex(ctx.tsi.bytes)).toBe("8000");

    const cdolData = fromHex("000000001000");
    const responseTlvs = encodeTlvs([
      { tag: 0x9f27, value: Uint8Array.of(0x80) },
      { tag: 0x9f36, value: fromHex("0001") },
    ]);
    const cryptogram = fromHex("0102030405060708");
    const hash = cdaTransactionDataHash({ pdolData: ctx.pdolData, cdol1Data: cdolData, responseTlvs });
    const signature = signCdaData(pki.icc, {
      iccDynamicNumber: fromHex("AABBCCDD"),
      cid: 0x80,
      cryptogram,
      transactionDataHash: hash,
      unpredictableNumber: fromHex("11111111"),
    });
    const response = concatBytes(responseTlvs, encodeTlvs([{ tag: 0x9f4b, value: signature }]));
    const ok = verifyCdaResponse(ctx, { cdolData, response });
    expect(ok).toEqual({ ok: true, cid: 0x80, applicationCryptogram: cryptogram });
    expect(toHex(ctx.data.get(0x9f4c)!)).toBe("AABBCCDD");

    // A response whose CID differs from the one the card signed.
    const otherCid = encodeTlvs([
      { tag: 0x9f27, value: Uint8Array.of(0x40) },
      { tag: 0x9f36, value: fromHex("0001") },
      { tag: 0x9f4b, value: signature },
    ]);
    const cidMismatch = verifyCdaResponse(ctx, { cdolData, response: otherCid });
    expect(cidMismatch.ok ? "" : cidMismatch.reason).toMatch(
      /Cryptogram Information Data in the signature is 80, the GENERATE AC response has 40/,
    );
    ctx.oda.result = "pending";

    // Any change to the data the hash covers (here the CDOL1 data) makes the signature fail.
    const bad = verifyCdaResponse(ctx, { cdolData: fromHex("000000001001"), response });
    expect(bad.ok).toBe(false);
    expect(ctx.oda.result).toBe("failed");
    expect(bad.ok ? "" : bad.reason).toMatch(/transaction data hash code/);
  });

  it("a failing ICC key recovery sets CDA failed at ODA", async () => {
    const { ctx } = setup(card("0100", { iccExpiry: "0120" }));
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.result).toBe("failed");
    expect(toHex(ctx.tvr.bytes)).toBe("0400000000");
  });
});
