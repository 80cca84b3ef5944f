// SSAD (EMV Book 2 §5.4), SDAD for DDA (§6.5) and CDA (§6.6): round trips with an independent BigInt recovery,
// and each failing step with its reason.

import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes.js";
import { generateRsaKey, type RsaPrivateKey, rsaSign } from "./rsa.js";
import {
  cdaTransactionDataHash,
  signCdaData,
  signDynamicData,
  signStaticData,
  verifyCdaSignature,
  verifySignedDynamicData,
  verifySignedStaticData,
} from "./signed-data.js";
import { independentRecover } from "./testing/independent-rsa.js";

const sha1Hex = (...parts: Uint8Array[]): string =>
  createHash("sha1")
    .update(concatBytes(...parts))
    .digest("hex")
    .toUpperCase();

const issuer = generateRsaKey(896, 3); // NI 112
const icc = generateRsaKey(768, 65537); // NIC 96
const staticData = fromHex("5F24032812315A0847617300000000035C00");

function resign(key: RsaPrivateKey, s: Uint8Array, edit: (x: Uint8Array) => void): Uint8Array {
  const x = fromHex(independentRecover(key, s));
  edit(x);
  const r = rsaSign(key, x);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe("SSAD (§5.4)", () => {
  const ssad = signStaticData(issuer, staticData, fromHex("DAC1"));
  it("signs Table 7 exactly (independent recovery) and verifies", () => {
    const x = independentRecover(issuer, ssad);
    const signed = `0301DAC1${"BB".repeat(112 - 26)}`;
    expect(x).toBe(`6A${signed}${sha1Hex(fromHex(signed), staticData)}BC`);
    const r = verifySignedStaticData(issuer, ssad, staticData);
    if (!r.ok) throw new Error(r.reason);
    expect(toHex(r.dataAuthenticationCode)).toBe("DAC1");
  });
  it("other static data: hash fails at step 7", () => {
    const r = verifySignedStaticData(issuer, ssad, concatBytes(staticData, Uint8Array.of(0)));
    if (r.ok) throw new Error("verified");
    expect(r.step).toBe("hash");
    expect(r.reason).toMatch(
      /^Signed Static Application Data \(93\): hash result [0-9A-F]{40} differs from the computed [0-9A-F]{40} \(Book 2 §5\.4 step 7\)$/,
    );
  });
  const cases: [string, (x: Uint8Array) => void, string, string][] = [
    [
      "trailer",
      (x) => {
        x[x.length - 1] = 0xbd;
      },
      "trailer",
      "Signed Static Application Data (93): recovered data trailer is BD, expected BC (Book 2 §5.4 step 2)",
    ],
    [
      "header",
      (x) => {
        x[0] = 0x00;
      },
      "header",
      "Signed Static Application Data (93): recovered data header is 00, expected 6A (Book 2 §5.4 step 3)",
    ],
    [
      "format",
      (x) => {
        x[1] = 0x05;
      },
      "format",
      "Signed Static Application Data (93): signed data format is 05, expected 03 (Book 2 §5.4 step 4)",
    ],
    [
      "hash algorithm",
      (x) => {
        x[2] = 0x02;
      },
      "hash-algorithm",
      "Signed Static Application Data (93): hash algorithm indicator is 02, only 01 (SHA-1) is known (Book 2 §5.4 step 6)",
    ],
  ];
  for (const [name, edit, step, reason] of cases) {
    it(`wrong ${name}: ${step}`, () => {
      const r = verifySignedStaticData(issuer, resign(issuer, ssad, edit), staticData);
      expect(r.ok ? "ok" : { step: r.step, reason: r.reason }).toEqual({ step, reason });
    });
  }
  it("short input: step 1", () => {
    const r = verifySignedStaticData(issuer, ssad.subarray(1), staticData);
    expect(r.ok ? "ok" : r.reason).toBe(
      "Signed Static Application Data (93): 111 bytes, the key modulus is 112 bytes (Book 2 §5.4 step 1)",
    );
  });
});

describe("SDAD for DDA (§6.5)", () => {
  const ddolData = fromHex("7FBC4049");
  it("signs Table 17 exactly (independent recovery) and verifies", () => {
    const iccDynamicData = fromHex("08A1B2C3D4E5F60718");
    const sdad = signDynamicData(icc, { iccDynamicData, ddolData });
    const x = independentRecover(icc, sdad);
    const signed = `050109${toHex(iccDynamicData)}${"BB".repeat(96 - 9 - 25)}`;
    expect(x).toBe(`6A${signed}${sha1Hex(fromHex(signed), ddolData)}BC`);
    const r = verifySignedDynamicData(icc, sdad, ddolData);
    if (!r.ok) throw new Error(r.reason);
    expect(toHex(r.iccDynamicNumber)).toBe("A1B2C3D4E5F60718");
    expect(toHex(r.iccDynamicData)).toBe(toHex(iccDynamicData));
  });
  it("other DDOL data: hash, step 7; wrong format: step 4", () => {
    const sdad = signDynamicData(icc, { iccDynamicData: fromHex("02ABCD"), ddolData });
    const h = verifySignedDynamicData(icc, sdad, fromHex("7FBC404A"));
    expect(h.ok ? "ok" : h.reason).toContain("(Book 2 §6.5.2 step 7)");
    const f = verifySignedDynamicData(
      icc,
      resign(icc, sdad, (x) => {
        x[1] = 0x03;
      }),
      ddolData,
    );
    expect(f.ok ? "ok" : f.reason).toBe(
      "Signed Dynamic Application Data (9F4B): signed data format is 03, expected 05 (Book 2 §6.5.2 step 4)",
    );
  });
  it("dynamic data length beyond the block: dynamic-data", () => {
    const sdad = signDynamicData(icc, { iccDynamicData: fromHex("02ABCD"), ddolData });
    const r = verifySignedDynamicData(
      icc,
      resign(icc, sdad, (x) => {
        x[3] = 0xf0;
      }),
      ddolData,
    );
    expect(r.ok ? "ok" : r.step).toBe("dynamic-data");
  });
  it("a dynamic number length outside 2–8 is refused after the hash verifies", () => {
    const sdad = signDynamicData(icc, { iccDynamicData: fromHex("01AB"), ddolData });
    const r = verifySignedDynamicData(icc, sdad, ddolData);
    expect(r.ok ? "ok" : r.step).toBe("dynamic-data");
  });
  it("property: arbitrary bytes of modulus length give error values", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 96, maxLength: 96 }), (s) => {
        const a = verifySignedDynamicData(icc, s, ddolData);
        const b = verifyCdaSignature(icc, s, {
          unpredictableNumber: ddolData,
          cid: 0x40,
          transactionDataHash: new Uint8Array(20),
        });
        const c = verifySignedStaticData(icc, s, staticData);
        return !a.ok && !b.ok && !c.ok;
      }),
      { numRuns: 150 },
    );
  });
});

describe("CDA (§6.6)", () => {
  const tdhcInput = {
    pdolData: fromHex("EA"),
    cdol1Data: fromHex("00000001200000000000000000360000048000003614103100327273B9"),
    responseTlvs: fromHex("9F2701809F360200069F100706010103A00000"),
  };
  it("transaction data hash = SHA-1(PDOL ‖ CDOL1 ‖ [CDOL2] ‖ response TLVs)", () => {
    expect(toHex(cdaTransactionDataHash(tdhcInput))).toBe(
      sha1Hex(tdhcInput.pdolData, tdhcInput.cdol1Data, tdhcInput.responseTlvs),
    );
    const cdol2 = fromHex("3030");
    expect(toHex(cdaTransactionDataHash({ ...tdhcInput, cdol2Data: cdol2 }))).toBe(
      sha1Hex(tdhcInput.pdolData, tdhcInput.cdol1Data, cdol2, tdhcInput.responseTlvs),
    );
  });
  const un = fromHex("327273B9");
  const tdhc = cdaTransactionDataHash(tdhcInput);
  const cryptogram = fromHex("51F4F65DDE43732D");
  const sdad = signCdaData(icc, {
    iccDynamicNumber: fromHex("B1BD198460DEBA64"),
    cid: 0x80,
    cryptogram,
    transactionDataHash: tdhc,
    unpredictableNumber: un,
  });
  it("signs Table 19 exactly (independent recovery) and verifies", () => {
    const x = independentRecover(icc, sdad);
    const dynamic = `08B1BD198460DEBA6480${toHex(cryptogram)}${toHex(tdhc)}`;
    const signed = `050126${dynamic}${"BB".repeat(96 - 38 - 25)}`;
    expect(x).toBe(`6A${signed}${sha1Hex(fromHex(signed), un)}BC`);
    const r = verifyCdaSignature(icc, sdad, { unpredictableNumber: un, cid: 0x80, transactionDataHash: tdhc });
    if (!r.ok) throw new Error(r.reason);
    expect(toHex(r.iccDynamicNumber)).toBe("B1BD198460DEBA64");
    expect(r.cid).toBe(0x80);
    expect(toHex(r.cryptogram)).toBe(toHex(cryptogram));
  });
  it("CID differs from the response: step 5", () => {
    const r = verifyCdaSignature(icc, sdad, { unpredictableNumber: un, cid: 0x40, transactionDataHash: tdhc });
    expect(r.ok ? "ok" : r.reason).toBe(
      "Signed Dynamic Application Data (9F4B): Cryptogram Information Data in the signature is 80, the GENERATE AC response has 40 (Book 2 §6.6.2 step 5)",
    );
  });
  it("other UN: hash, step 8; other transaction data: step 11", () => {
    const a = verifyCdaSignature(icc, sdad, {
      unpredictableNumber: fromHex("327273BA"),
      cid: 0x80,
      transactionDataHash: tdhc,
    });
    expect(a.ok ? "ok" : [a.step, a.reason.slice(-22)]).toEqual(["hash", "(Book 2 §6.6.2 step 8)"]);
    const b = verifyCdaSignature(icc, sdad, {
      unpredictableNumber: un,
      cid: 0x80,
      transactionDataHash: cdaTransactionDataHash({ ...tdhcInput, pdolData: fromHex("EB") }),
    });
    expect(b.ok ? "ok" : b.step).toBe("transaction-data-hash");
  });
  it("a DDA signature (no CID/AC/TDHC) is not a CDA signature", () => {
    const dda = signDynamicData(icc, { iccDynamicData: fromHex("02ABCD"), ddolData: un });
    const r = verifyCdaSignature(icc, dda, { unpredictableNumber: un, cid: 0x80, transactionDataHash: tdhc });
    expect(r.ok ? "ok" : r.step).toBe("dynamic-data");
  });
});
