// Public ODA vectors (EMV Book 2 §5.3, §5.4, §6.4, §6.5, §6.6): every case of fixtures/oda_vectors.json.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes.js";
import { decodeTlvs, findTlv } from "../tlv/ber.js";
import {
  certificateExpired,
  decodeIccCertificate,
  decodeIssuerCertificate,
  issuerIdentifierMatchesPan,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
} from "./certificates.js";
import { type RsaPublicKey, rsaRecover } from "./rsa.js";
import {
  cdaTransactionDataHash,
  verifyCdaSignature,
  verifySignedDynamicData,
  verifySignedStaticData,
} from "./signed-data.js";

type Json = Record<string, unknown>;
interface VectorCase {
  id: string;
  capk: { modulus: string; exponent: string };
  inputs: Record<string, string>;
  derived?: Record<string, string>;
  expected: Record<string, Json>;
  scenarios?: Json[];
}
const file = JSON.parse(readFileSync(new URL("./fixtures/oda_vectors.json", import.meta.url), "utf8")) as {
  cases: VectorCase[];
  raw_rsa_recovery: {
    cases: { name: string; signed: string; modulus: string; exponent: string; expected_recovered: string }[];
  };
  recovered_block_decoding: { cases: { test: string; recovered: string; expected_fields: Record<string, string> }[] };
};

const h = (s: string): Uint8Array => fromHex(s);
const str = (o: Json, k: string): string => {
  const v = o[k];
  if (typeof v !== "string") throw new Error(`vector field ${k} missing`);
  return v;
};
const num = (o: Json, k: string): number => {
  const v = o[k];
  if (typeof v !== "number") throw new Error(`vector field ${k} missing`);
  return v;
};
const caseById = (id: string): VectorCase => {
  const c = file.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
const caKey = (c: VectorCase): RsaPublicKey => ({ modulus: h(c.capk.modulus), exponent: h(c.capk.exponent) });
const staticDataOf = (c: VectorCase): string | undefined =>
  c.inputs.static_data_to_authenticate ?? c.derived?.static_data_to_authenticate;

/** 9F4B from the inputs, or from inside the GENERATE AC / INTERNAL AUTHENTICATE response template. */
function sdadOf(c: VectorCase): Uint8Array | undefined {
  if (c.inputs["9F4B"]) return h(c.inputs["9F4B"]);
  const response = c.inputs.genac_response;
  if (response) return findTlv(decodeTlvs(h(response)), 0x9f4b)?.value;
  // INTERNAL AUTHENTICATE format 1: 80 holds the SDAD itself.
  const ia = c.inputs.internal_authenticate_response;
  if (ia) return findTlv(decodeTlvs(h(ia)), 0x80)?.value;
  return undefined;
}

function issuerOf(c: VectorCase): RsaPublicKey {
  const r = recoverIssuerPublicKey(caKey(c), {
    certificate: h(c.inputs["90"]!),
    remainder: h(c.inputs["92"] ?? ""),
    exponent: h(c.inputs["9F32"]!),
  });
  if (!r.ok) throw new Error(r.reason);
  return r.key;
}

function iccKeyOf(c: VectorCase): RsaPublicKey {
  const e = c.expected.icc_certificate!;
  return { modulus: h(str(e, "icc_pk_modulus")), exponent: h(c.inputs["9F47"]!) };
}

describe("oda_vectors.json: issuer public key certificates (Book 2 §5.3)", () => {
  for (const c of file.cases) {
    it(`${c.id}: recovers the issuer key and every field`, () => {
      const e = c.expected.issuer_certificate!;
      const r = recoverIssuerPublicKey(caKey(c), {
        certificate: h(c.inputs["90"]!),
        remainder: h(c.inputs["92"] ?? ""),
        exponent: h(c.inputs["9F32"]!),
      });
      if (!r.ok) throw new Error(r.reason);
      expect(toHex(r.recovered)).toBe(str(e, "recovered"));
      expect(toHex(r.key.modulus)).toBe(str(e, "issuer_pk_modulus"));
      expect(toHex(r.key.exponent)).toBe(c.inputs["9F32"]);
      expect(r.fields.issuerIdentifier).toBe(str(e, "issuer_identifier").replace(/F+$/, ""));
      expect(r.fields.expiry).toBe(str(e, "expiry_mmyy"));
      expect(toHex(r.fields.serialNumber)).toBe(str(e, "serial"));
      expect(r.fields.hashAlgorithm).toBe(Number.parseInt(str(e, "hash_algorithm"), 16));
      expect(r.fields.publicKeyAlgorithm).toBe(Number.parseInt(str(e, "pk_algorithm"), 16));
      expect(r.fields.keyLength).toBe(num(e, "issuer_pk_length"));
      expect(r.fields.exponentLength).toBe(num(e, "issuer_pk_exponent_length"));
      const block = decodeIssuerCertificate(r.recovered)!;
      expect(toHex(block.hash)).toBe(str(e, "hash"));
      // hash_input = recovered[1:N-21] ‖ 92 ‖ 9F32
      expect(toHex(block.hashedPart) + (c.inputs["92"] ?? "") + c.inputs["9F32"]).toBe(str(e, "hash_input"));
    });
  }
});

describe("oda_vectors.json: ICC public key certificates (Book 2 §6.4)", () => {
  for (const c of file.cases) {
    const e = c.expected.icc_certificate;
    if (!e) continue;
    const staticData = staticDataOf(c);
    it(`${c.id}: ${staticData ? "recovers the ICC key and every field" : "fields recovered, hash cannot match without the static data"}`, () => {
      const r = recoverIccPublicKey(issuerOf(c), {
        certificate: h(c.inputs["9F46"]!),
        remainder: h(c.inputs["9F48"] ?? ""),
        exponent: h(c.inputs["9F47"]!),
        staticData: h(staticData ?? ""),
      });
      let recovered: Uint8Array;
      if (staticData) {
        if (!r.ok) throw new Error(r.reason);
        expect(toHex(r.key.modulus)).toBe(str(e, "icc_pk_modulus"));
        expect(r.fields.pan).toBe(str(e, "pan").replace(/F+$/, ""));
        expect(r.fields.expiry).toBe(str(e, "expiry_mmyy"));
        expect(toHex(r.fields.serialNumber)).toBe(str(e, "serial"));
        expect(r.fields.keyLength).toBe(num(e, "icc_pk_length"));
        expect(r.fields.exponentLength).toBe(num(e, "icc_pk_exponent_length"));
        recovered = r.recovered;
      } else {
        if (r.ok) throw new Error("hash verified without static data");
        expect(r.step).toBe("hash");
        expect(r.reason).toMatch(/Book 2 §6\.4 step 7/);
        recovered = r.recovered!;
      }
      expect(toHex(recovered)).toBe(str(e, "recovered"));
      const block = decodeIccCertificate(recovered)!;
      expect(toHex(block.identifier)).toBe(str(e, "pan"));
      expect(toHex(block.hash)).toBe(str(e, "hash"));
      expect(block.keyLength).toBe(num(e, "icc_pk_length"));
      const remainder = c.inputs["9F48"] ?? "";
      expect(toHex(block.leftKeyPart) + (block.keyLength > block.keyField.length ? remainder : "")).toBe(
        str(e, "icc_pk_modulus"),
      );
    });
  }
});

describe("oda_vectors.json: Signed Static Application Data (Book 2 §5.4)", () => {
  for (const c of file.cases) {
    const e = c.expected.signed_static_application_data;
    if (!e) continue;
    const staticData = staticDataOf(c);
    it(`${c.id}: DAC ${str(e, "data_authentication_code_9F45")}${staticData ? "" : " (hash not checkable)"}`, () => {
      const r = verifySignedStaticData(issuerOf(c), h(c.inputs["93"]!), h(staticData ?? ""));
      if (staticData) {
        if (!r.ok) throw new Error(r.reason);
        expect(toHex(r.dataAuthenticationCode)).toBe(str(e, "data_authentication_code_9F45"));
        expect(toHex(r.recovered)).toBe(str(e, "recovered"));
      } else {
        if (r.ok) throw new Error("hash verified without static data");
        expect(r.step).toBe("hash");
        expect(toHex(r.recovered!)).toBe(str(e, "recovered"));
        expect(toHex(r.recovered!.subarray(3, 5))).toBe(str(e, "data_authentication_code_9F45"));
        expect(toHex(r.recovered!.subarray(-21, -1))).toBe(str(e, "hash"));
      }
    });
  }
});

describe("oda_vectors.json: Signed Dynamic Application Data (DDA §6.5, CDA §6.6)", () => {
  for (const c of file.cases) {
    const e = c.expected.signed_dynamic_application_data;
    if (!e) continue;
    const isCda = e.cid_9F27 !== undefined;
    it(`${c.id}: ${isCda ? "CDA" : "DDA"} signature verifies, dynamic number ${str(e, "icc_dynamic_number_9F4C")}`, () => {
      const sdad = sdadOf(c)!;
      const key = iccKeyOf(c);
      if (!isCda) {
        const r = verifySignedDynamicData(key, sdad, h(c.inputs.ddol_data!));
        if (!r.ok) throw new Error(r.reason);
        expect(toHex(r.iccDynamicNumber)).toBe(str(e, "icc_dynamic_number_9F4C"));
        expect(toHex(r.iccDynamicData)).toBe(str(e, "dynamic_data"));
        expect(toHex(r.recovered)).toBe(str(e, "recovered"));
        return;
      }
      const expectedTdhc = str(e, "transaction_data_hash_code");
      let tdhc = h(expectedTdhc);
      if (c.inputs.genac_response_tlvs_excluding_9F4B !== undefined) {
        tdhc = cdaTransactionDataHash({
          pdolData: h(c.inputs.pdol_related_data ?? ""),
          cdol1Data: h(c.inputs.cdol1_related_data!),
          responseTlvs: h(c.inputs.genac_response_tlvs_excluding_9F4B),
        });
        expect(toHex(tdhc)).toBe(expectedTdhc);
      }
      const r = verifyCdaSignature(key, sdad, {
        unpredictableNumber: h(c.inputs.unpredictable_number_9F37!),
        cid: Number.parseInt(str(e, "cid_9F27"), 16),
        transactionDataHash: tdhc,
      });
      if (!r.ok) throw new Error(r.reason);
      expect(toHex(r.iccDynamicNumber)).toBe(str(e, "icc_dynamic_number_9F4C"));
      expect(toHex(r.cryptogram)).toBe(str(e, "application_cryptogram_9F26"));
      expect(r.cid).toBe(Number.parseInt(str(e, "cid_9F27"), 16));
      expect(toHex(r.recovered)).toBe(str(e, "recovered"));
      // The same signature with another CID in the response fails at the CID comparison.
      const other = verifyCdaSignature(key, sdad, {
        unpredictableNumber: h(c.inputs.unpredictable_number_9F37!),
        cid: r.cid ^ 0x40,
        transactionDataHash: tdhc,
      });
      expect(other.ok ? "ok" : other.step).toBe("cid");
    });
  }

  it("pm3-cda: a different transaction data hash fails at §6.6.2 step 11", () => {
    const c = caseById("pm3-cda");
    const r = verifyCdaSignature(iccKeyOf(c), sdadOf(c)!, {
      unpredictableNumber: h(c.inputs.unpredictable_number_9F37!),
      cid: 0x40,
      transactionDataHash: cdaTransactionDataHash({
        pdolData: new Uint8Array(0),
        cdol1Data: h(c.inputs.cdol1_related_data!),
        cdol2Data: Uint8Array.of(0x00),
        responseTlvs: h(c.inputs.genac_response_tlvs_excluding_9F4B!),
      }),
    });
    if (r.ok) throw new Error("verified");
    expect(r.step).toBe("transaction-data-hash");
    expect(r.reason).toContain("§6.6.2 step 11");
  });

  it("pm3-cda: another unpredictable number fails the SDAD hash (§6.6.2 step 8)", () => {
    const c = caseById("pm3-cda");
    const r = verifyCdaSignature(iccKeyOf(c), sdadOf(c)!, {
      unpredictableNumber: h("12345778"),
      cid: 0x40,
      transactionDataHash: h(str(c.expected.signed_dynamic_application_data!, "transaction_data_hash_code")),
    });
    expect(r.ok ? "ok" : r.step).toBe("hash");
  });
});

describe("oda_vectors.json: emv-utils Visa 94 scenarios", () => {
  const c = caseById("emv-utils-rsa-visa-94");
  const ca = caKey(c);
  const scenario = (name: string): Json => {
    const s = c.scenarios!.find((x) => x.name === name);
    if (!s) throw new Error(`no scenario ${name}`);
    return s;
  };
  const issuer = issuerOf(c);

  it("issuer certificate with 9F32 = 010001 fails the hash (§5.3 step 7)", () => {
    const r = recoverIssuerPublicKey(ca, { certificate: h(c.inputs["90"]!), exponent: h("010001") });
    expect(r.ok ? "ok" : r.step).toBe("hash");
  });
  it("issuer certificate expiry 1231: valid on 311231, expired on 320101; identifier matches the PAN", () => {
    expect(certificateExpired("1231", "311231")).toBe(false);
    expect(certificateExpired("1231", "320101")).toBe(true);
    expect(issuerIdentifierMatchesPan("476173FF", c.inputs["5A"]!)).toBe(true);
    expect(issuerIdentifierMatchesPan("476174FF", c.inputs["5A"]!)).toBe(false);
  });
  it("invalid issuer certificate (last byte changed): recovered 0DA1..5A, trailer check fails", () => {
    const r = recoverIssuerPublicKey(ca, {
      certificate: h(str(scenario("invalid issuer cert (last byte changed)"), "input_90")),
      exponent: h("03"),
    });
    if (r.ok) throw new Error("recovered");
    expect(r.step).toBe("trailer");
    expect(r.reason).toBe(
      "Issuer Public Key Certificate (90): recovered data trailer is 5A, expected BC (Book 2 §5.3 step 2)",
    );
    expect(toHex(r.recovered!.subarray(0, 2))).toBe("0DA1");
  });
  it("invalid SSAD (last byte changed): recovered 21EF..A6", () => {
    const r = verifySignedStaticData(
      issuer,
      h(str(scenario("invalid SSAD (last byte changed)"), "input_93")),
      new Uint8Array(0),
    );
    if (r.ok) throw new Error("verified");
    expect(r.step).toBe("trailer");
    expect(toHex(r.recovered!.subarray(0, 2)) + toHex(r.recovered!.subarray(-1))).toBe("21EFA6");
  });
  it("ICC certificate with 9F47 = 010001 and a changed 9F48 fails the hash", () => {
    const r = recoverIccPublicKey(issuer, {
      certificate: h(c.inputs["9F46"]!),
      remainder: h(str(scenario("ICC cert with wrong 9F47=010001 and wrong last byte of 9F48"), "input_9F48")),
      exponent: h("010001"),
      staticData: new Uint8Array(0),
    });
    expect(r.ok ? "ok" : r.step).toBe("hash");
  });
  it("ICC certificate expiry 1222: expired on 320101, not on 220506", () => {
    expect(certificateExpired("1222", "320101")).toBe(true);
    expect(certificateExpired("1222", "220506")).toBe(false);
  });
  it("invalid ICC certificate (last byte changed): recovered D09D..03", () => {
    const r = recoverIccPublicKey(issuer, {
      certificate: h(str(scenario("invalid ICC cert (last byte changed)"), "input_9F46")),
      remainder: h(c.inputs["9F48"]!),
      exponent: h("03"),
      staticData: new Uint8Array(0),
    });
    if (r.ok) throw new Error("recovered");
    expect(r.step).toBe("trailer");
    expect(toHex(r.recovered!.subarray(0, 2)) + toHex(r.recovered!.subarray(-1))).toBe("D09D03");
  });
  it("invalid SDAD (last byte changed): recovered 200F..87", () => {
    const r = verifySignedDynamicData(
      iccKeyOf(c),
      h(str(scenario("invalid SDAD (last byte changed)"), "input_9F4B")),
      h("7FBC4049"),
    );
    if (r.ok) throw new Error("verified");
    expect(r.step).toBe("trailer");
    expect(toHex(r.recovered!.subarray(0, 2)) + toHex(r.recovered!.subarray(-1))).toBe("200F87");
  });
  it("SDAD with other DDOL data fails the hash (§6.5.2 step 7)", () => {
    const r = verifySignedDynamicData(iccKeyOf(c), h(c.inputs["9F4B"]!), h("7FBC404A"));
    if (r.ok) throw new Error("verified");
    expect(r.step).toBe("hash");
    expect(r.reason).toContain("§6.5.2 step 7");
  });
});

describe("oda_vectors.json: emv-utils Mastercard F1 CDA scenario", () => {
  it("invalid SDAD (last byte changed): recovered 3E6F..AD", () => {
    const c = caseById("emv-utils-rsa-cda-mc-f1");
    const s = c.scenarios!.find((x) => x.name === "invalid SDAD (last byte changed)")!;
    const r = verifyCdaSignature(iccKeyOf(c), h(str(s, "input_9F4B")), {
      unpredictableNumber: h(c.inputs.unpredictable_number_9F37!),
      cid: 0x00,
      transactionDataHash: new Uint8Array(20),
    });
    if (r.ok) throw new Error("verified");
    expect(r.step).toBe("trailer");
    expect(toHex(r.recovered!.subarray(0, 2)) + toHex(r.recovered!.subarray(-1))).toBe("3E6FAD");
  });
});

describe("oda_vectors.json: raw RSA recovery", () => {
  for (const c of file.raw_rsa_recovery.cases) {
    it(c.name, () => {
      const r = rsaRecover({ modulus: h(c.modulus), exponent: h(c.exponent) }, h(c.signed));
      if (!r.ok) throw new Error(r.reason);
      expect(toHex(r.value)).toBe(c.expected_recovered);
    });
  }
});

describe("oda_vectors.json: recovered block decoding", () => {
  for (const [i, c] of file.recovered_block_decoding.cases.entries()) {
    it(`${i}: ${c.test}`, () => {
      const x = h(c.recovered);
      const f = c.expected_fields;
      const format = x[1];
      if (format === 0x02 || format === 0x04) {
        const b = (format === 0x02 ? decodeIssuerCertificate(x) : decodeIccCertificate(x))!;
        if (f["leftKeyPart(expected)"]) expect(toHex(b.leftKeyPart)).toBe(f["leftKeyPart(expected)"]);
        if (f.Header) {
          expect(b.header).toBe(0x6a);
          expect(toHex(b.identifier)).toBe(f.PAN ?? f["Identifier (PAN prefix)"]);
          expect(b.expiry).toBe(f["Expiry Date (MMYY)"]);
          expect(toHex(b.serialNumber)).toBe(f["Serial number"]);
          expect(b.keyLength).toBe(Number(f["Public key length"]));
          expect(b.exponentLength).toBe(Number(f["Public key exponent length"]));
          expect(f["Public key"]!.startsWith(toHex(b.leftKeyPart))).toBe(true);
          expect(toHex(b.hash)).toBe(f.Hash);
          expect(b.trailer).toBe(0xbc);
        }
        return;
      }
      // Signed data blocks (format 03 / 05): check the fields by position.
      expect(toHex(x.subarray(0, 1))).toBe(f.Header);
      expect(toHex(x.subarray(1, 2))).toBe(f.Format);
      expect(toHex(x.subarray(-21, -1))).toBe(f.Hash);
      expect(toHex(x.subarray(-1))).toBe(f.Trailer);
      if (format === 0x03) {
        expect(toHex(x.subarray(3, 5))).toBe(f["Data Auth Code"]);
        return;
      }
      const ldd = x[3]!;
      expect(ldd).toBe(Number(f["Dynamic data length"]));
      const nlen = x[4]!;
      expect(nlen).toBe(Number(f["ICC dynamic number length"]));
      expect(toHex(x.subarray(5, 5 + nlen))).toBe(f["ICC dynamic number"]);
      if (f.Cryptogram) {
        expect(toHex(x.subarray(5 + nlen, 6 + nlen))).toBe(f["Cryptogram information data"]);
        expect(toHex(x.subarray(6 + nlen, 14 + nlen))).toBe(f.Cryptogram);
        expect(toHex(x.subarray(14 + nlen, 34 + nlen))).toBe(f["Transaction data hash code"]);
      }
    });
  }
});
