// Certificates (EMV Book 2 §5.3, §6.4, §7.1): build → recover round trips, an independent BigInt recovery, each
// failing step with its reason, and the contextual helpers.

import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes.js";
import {
  buildIccCertificate,
  buildIccPinEnciphermentCertificate,
  buildIssuerCertificate,
  certificateExpired,
  issuerIdentifierMatchesPan,
  PkiBuildError,
  recoverIccPinEnciphermentKey,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
} from "./certificates.js";
import { generateRsaKey, modulusLength, type RsaPrivateKey, rsaSign } from "./rsa.js";
import { independentRecover } from "./testing/independent-rsa.js";

const sha1Hex = (...parts: Uint8Array[]): string =>
  createHash("sha1")
    .update(concatBytes(...parts))
    .digest("hex")
    .toUpperCase();

const ca = generateRsaKey(1024, 3); // NCA 128
const issuerBig = generateRsaKey(1024, 65537); // NI 128 > 128-36: remainder of 36 bytes
const issuerSmall = generateRsaKey(768, 3); // NI 96 ≤ 92? no: 96 > 92 → remainder 4 bytes
const issuerFits = generateRsaKey(512, 3); // NI 64: fits, BB padding
const icc = generateRsaKey(512, 3);
const staticData = fromHex("5A0847617300000000035F24032812315F25032001019F0702FF00");

describe("issuer certificate round trip (§5.3)", () => {
  for (const [label, issuer] of [
    ["key with remainder", issuerBig],
    ["key with a short remainder", issuerSmall],
    ["key that fits (BB padding)", issuerFits],
  ] as const) {
    it(`${label}: recovers the key and fields; independent modPow gives the same block`, () => {
      const built = buildIssuerCertificate(ca, {
        issuerIdentifier: "476173",
        expiry: "1230",
        serialNumber: fromHex("0A0B0C"),
        issuerKey: issuer,
      });
      const ni = modulusLength(issuer);
      expect(built.certificate.length).toBe(128);
      expect(built.remainder.length).toBe(Math.max(0, ni - (128 - 36)));
      const r = recoverIssuerPublicKey(ca, {
        certificate: built.certificate,
        remainder: built.remainder,
        exponent: issuer.exponent,
      });
      if (!r.ok) throw new Error(r.reason);
      expect(toHex(r.key.modulus)).toBe(toHex(issuer.modulus));
      expect(toHex(r.key.exponent)).toBe(toHex(issuer.exponent));
      expect(r.fields).toEqual({
        issuerIdentifier: "476173",
        expiry: "1230",
        serialNumber: fromHex("0A0B0C"),
        hashAlgorithm: 1,
        publicKeyAlgorithm: 1,
        keyLength: ni,
        exponentLength: issuer.exponent.length,
      });
      // Independent: recover with BigInt, check the Table 6 layout and the hash by hand.
      const x = independentRecover(ca, built.certificate);
      expect(toHex(r.recovered)).toBe(x);
      const inCert = Math.min(ni, 92);
      const keyField = `${toHex(issuer.modulus).slice(0, inCert * 2)}${"BB".repeat(92 - inCert)}`;
      const hashed = `02476173FF12300A0B0C0101${ni.toString(16).toUpperCase().padStart(2, "0")}${toHex(Uint8Array.of(issuer.exponent.length))}${keyField}`;
      expect(x).toBe(`6A${hashed}${sha1Hex(fromHex(hashed), built.remainder, issuer.exponent)}BC`);
    });
  }
});

describe("ICC and ICC PIN encipherment certificates (§6.4, §7.1)", () => {
  it("ICC certificate: hash covers the static data; independent recovery matches", () => {
    const built = buildIccCertificate(issuerBig, {
      pan: "4761730000000003",
      expiry: "1228",
      serialNumber: fromHex("000001"),
      iccKey: icc,
      staticData,
    });
    expect(built.remainder.length).toBe(0); // 64 ≤ 128 − 42
    const r = recoverIccPublicKey(issuerBig, {
      certificate: built.certificate,
      exponent: icc.exponent,
      staticData,
    });
    if (!r.ok) throw new Error(r.reason);
    expect(toHex(r.key.modulus)).toBe(toHex(icc.modulus));
    expect(r.fields.pan).toBe("4761730000000003");
    expect(r.fields.expiry).toBe("1228");
    const x = independentRecover(issuerBig, built.certificate);
    expect(x.slice(0, 42)).toBe("6A044761730000000003FFFF1228000001010140" + "01");
    const hashed = x.slice(2, -42);
    expect(x.slice(-42, -2)).toBe(sha1Hex(fromHex(hashed), icc.exponent, staticData));
  });

  it("ICC certificate with other static data fails the hash at §6.4 step 7", () => {
    const built = buildIccCertificate(issuerBig, {
      pan: "4761730000000003",
      expiry: "1228",
      serialNumber: fromHex("000001"),
      iccKey: icc,
      staticData,
    });
    const other = staticData.slice();
    other[other.length - 1]! ^= 1;
    const r = recoverIccPublicKey(issuerBig, {
      certificate: built.certificate,
      exponent: icc.exponent,
      staticData: other,
    });
    if (r.ok) throw new Error("recovered");
    expect(r.step).toBe("hash");
    expect(r.reason).toMatch(
      /^ICC Public Key Certificate \(9F46\): hash result [0-9A-F]{40} differs from the computed [0-9A-F]{40} \(Book 2 §6\.4 step 7\)$/,
    );
  });

  it("ICC key larger than NI − 42 needs its remainder (9F48)", () => {
    const bigIcc = generateRsaKey(1016, 3); // 127 bytes > 86
    const built = buildIccCertificate(issuerBig, {
      pan: "5413330000000001",
      expiry: "1228",
      serialNumber: fromHex("000002"),
      iccKey: bigIcc,
      staticData,
    });
    expect(built.remainder.length).toBe(127 - 86);
    const ok = recoverIccPublicKey(issuerBig, {
      certificate: built.certificate,
      remainder: built.remainder,
      exponent: bigIcc.exponent,
      staticData,
    });
    expect(ok.ok && toHex(ok.key.modulus)).toBe(toHex(bigIcc.modulus));
    const missing = recoverIccPublicKey(issuerBig, {
      certificate: built.certificate,
      exponent: bigIcc.exponent,
      staticData,
    });
    if (missing.ok) throw new Error("recovered");
    expect(missing.step).toBe("remainder");
    expect(missing.reason).toBe(
      "ICC Public Key Certificate (9F46): key length 127 needs 41 bytes of ICC Public Key Remainder (9F48), got none (Book 2 §6.4 step 5)",
    );
  });

  it("ICC PIN encipherment certificate: no static data in the hash", () => {
    const built = buildIccPinEnciphermentCertificate(issuerBig, {
      pan: "4761730000000003",
      expiry: "1228",
      serialNumber: fromHex("000003"),
      pinKey: icc,
    });
    const r = recoverIccPinEnciphermentKey(issuerBig, { certificate: built.certificate, exponent: icc.exponent });
    if (!r.ok) throw new Error(r.reason);
    expect(toHex(r.key.modulus)).toBe(toHex(icc.modulus));
    // As an ICC certificate with static data it does not verify.
    const asIcc = recoverIccPublicKey(issuerBig, {
      certificate: built.certificate,
      exponent: icc.exponent,
      staticData,
    });
    expect(asIcc.ok ? "ok" : asIcc.step).toBe("hash");
  });
});

/** A CA-signed block with chosen bytes: 6A ‖ body ‖ hash-length filler ‖ BC with overrides. */
function signedBlock(key: RsaPrivateKey, edit: (x: Uint8Array) => void): Uint8Array {
  const built = buildIssuerCertificate(key, {
    issuerIdentifier: "476173",
    expiry: "1230",
    serialNumber: fromHex("000001"),
    issuerKey: issuerFits,
  });
  const x = fromHex(independentRecover(key, built.certificate));
  edit(x);
  const s = rsaSign(key, x);
  if (!s.ok) throw new Error(s.reason);
  return s.value;
}

describe("issuer certificate failures: each step with its reason (§5.3)", () => {
  const input = (certificate: Uint8Array) => ({ certificate, exponent: issuerFits.exponent });
  const fail = (certificate: Uint8Array) => {
    const r = recoverIssuerPublicKey(ca, input(certificate));
    if (r.ok) throw new Error("recovered");
    return { step: r.step, reason: r.reason };
  };
  it("length differs from NCA: step 1", () => {
    expect(fail(new Uint8Array(127))).toEqual({
      step: "length",
      reason: "Issuer Public Key Certificate (90): 127 bytes, the key modulus is 128 bytes (Book 2 §5.3 step 1)",
    });
  });
  it("value not below the modulus: recovery fails (step 2)", () => {
    expect(fail(new Uint8Array(128).fill(0xff)).step).toBe("recovery");
  });
  it("trailer not BC: step 2", () => {
    expect(
      fail(
        signedBlock(ca, (x) => {
          x[127] = 0x3a;
        }),
      ),
    ).toEqual({
      step: "trailer",
      reason: "Issuer Public Key Certificate (90): recovered data trailer is 3A, expected BC (Book 2 §5.3 step 2)",
    });
  });
  it("header not 6A: step 3", () => {
    expect(
      fail(
        signedBlock(ca, (x) => {
          x[0] = 0x6b;
        }),
      ),
    ).toEqual({
      step: "header",
      reason: "Issuer Public Key Certificate (90): recovered data header is 6B, expected 6A (Book 2 §5.3 step 3)",
    });
  });
  it("format not 02: step 4", () => {
    expect(
      fail(
        signedBlock(ca, (x) => {
          x[1] = 0x04;
        }),
      ),
    ).toEqual({
      step: "format",
      reason: "Issuer Public Key Certificate (90): certificate format is 04, expected 02 (Book 2 §5.3 step 4)",
    });
  });
  it("hash algorithm not 01: step 6", () => {
    expect(
      fail(
        signedBlock(ca, (x) => {
          x[11] = 0x02;
        }),
      ),
    ).toEqual({
      step: "hash-algorithm",
      reason:
        "Issuer Public Key Certificate (90): hash algorithm indicator is 02, only 01 (SHA-1) is known (Book 2 §5.3 step 6)",
    });
  });
  it("any changed byte of the signed part fails the hash: step 7", () => {
    const r = fail(
      signedBlock(ca, (x) => {
        x[9]! ^= 0x01;
      }),
    );
    expect(r.step).toBe("hash");
    expect(r.reason).toContain("(Book 2 §5.3 step 7)");
  });
  it("exponent missing", () => {
    const built = buildIssuerCertificate(ca, {
      issuerIdentifier: "476173",
      expiry: "1230",
      serialNumber: fromHex("000001"),
      issuerKey: issuerFits,
    });
    const r = recoverIssuerPublicKey(ca, { certificate: built.certificate, exponent: new Uint8Array(0) });
    expect(r.ok ? "ok" : r.step).toBe("exponent");
  });
  it("property: arbitrary bytes of modulus length give error values, never exceptions", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 128, maxLength: 128 }), fc.uint8Array({ maxLength: 40 }), (cert, rem) => {
        const r = recoverIssuerPublicKey(ca, { certificate: cert, remainder: rem, exponent: fromHex("03") });
        const i = recoverIccPublicKey(ca, { certificate: cert, remainder: rem, exponent: fromHex("03"), staticData });
        return !r.ok && !i.ok && r.reason.length > 0;
      }),
      { numRuns: 150 },
    );
  });
});

describe("builders refuse what cannot be a certificate", () => {
  it("a key larger than the signing key", () => {
    expect(() =>
      buildIccCertificate(issuerFits, {
        pan: "4761730000000003",
        expiry: "1228",
        serialNumber: fromHex("000001"),
        iccKey: issuerBig,
        staticData,
      }),
    ).toThrow(PkiBuildError);
  });
  it("bad issuer identifier, expiry, serial", () => {
    const base = { issuerIdentifier: "476173", expiry: "1230", serialNumber: fromHex("000001"), issuerKey: issuerFits };
    expect(() => buildIssuerCertificate(ca, { ...base, issuerIdentifier: "47" })).toThrow(/3–8 digits/);
    expect(() => buildIssuerCertificate(ca, { ...base, expiry: "1330" })).toThrow(/MMYY/);
    expect(() => buildIssuerCertificate(ca, { ...base, serialNumber: fromHex("01") })).toThrow(/3 bytes/);
  });
});

describe("contextual helpers", () => {
  it("issuerIdentifierMatchesPan: 3–8 leftmost digits, F padding ignored", () => {
    expect(issuerIdentifierMatchesPan("476173FF", "4761739001010119")).toBe(true);
    expect(issuerIdentifierMatchesPan("54133300", "5413330089600044")).toBe(true);
    expect(issuerIdentifierMatchesPan("541333", "5413330089600044F")).toBe(true);
    expect(issuerIdentifierMatchesPan("541334FF", "5413330089600044")).toBe(false);
    expect(issuerIdentifierMatchesPan("54FFFFFF", "5413330089600044")).toBe(false);
    expect(issuerIdentifierMatchesPan("FFFFFFFF", "5413330089600044")).toBe(false);
  });
  it("certificateExpired: valid through the last day of the expiry month", () => {
    expect(certificateExpired("1224", "241231")).toBe(false);
    expect(certificateExpired("1224", "250101")).toBe(true);
    expect(certificateExpired("0125", "241231")).toBe(false);
    expect(certificateExpired("1299", "240101")).toBe(true); // 1999
    expect(certificateExpired("1349", "240101")).toBe(true); // malformed month
    expect(certificateExpired("1249", "2401")).toBe(true); // malformed date
  });
  it("certificateExpired: malformed fields count as expired, digit by digit", () => {
    expect(certificateExpired("0024", "240101")).toBe(true); // month 00
    expect(certificateExpired("1A24", "240101")).toBe(true);
    expect(certificateExpired("124", "240101")).toBe(true);
    expect(certificateExpired("12245", "240101")).toBe(true);
    expect(certificateExpired("1249", "24010A")).toBe(true);
    expect(certificateExpired("1249", "2401011")).toBe(true);
    expect(certificateExpired("0150", "491231")).toBe(true); // 1950 against 2049
    expect(certificateExpired("0149", "500101")).toBe(false); // 2049 against 1950
  });
});
