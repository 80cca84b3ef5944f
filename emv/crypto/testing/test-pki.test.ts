// The test PKI (EMV Book 2 §5–§7): its card data recovers with the terminal-side functions.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../bytes.js";
import { recoverIccPinEnciphermentKey, recoverIccPublicKey, recoverIssuerPublicKey } from "../certificates.js";
import { modulusLength } from "../rsa.js";
import { verifySignedStaticData } from "../signed-data.js";
import { cardOdaData, testPki } from "./test-pki.js";

describe("testPki / cardOdaData", () => {
  const pki = testPki({ caBits: 1024, issuerBits: 1024, iccBits: 1016 });
  const staticData = fromHex("5A0854133300000000015F2403281231");
  const data = cardOdaData(pki, { pan: "5413330000000001", staticData, iccExpiry: "0630" });

  it("keys of the asked sizes, cached per spec", () => {
    expect([modulusLength(pki.ca), modulusLength(pki.issuer), modulusLength(pki.icc)]).toEqual([128, 128, 127]);
    expect(testPki({ caBits: 1024, issuerBits: 1024, iccBits: 1016 })).toBe(pki);
  });

  it("issuer certificate, SSAD, ICC and PIN certificates all recover; remainders where the keys need them", () => {
    expect(data["92"].length).toBe(128 - 92);
    expect(data["9F48"].length).toBe(127 - 86);
    const issuer = recoverIssuerPublicKey(pki.ca, {
      certificate: data["90"],
      remainder: data["92"],
      exponent: data["9F32"],
    });
    if (!issuer.ok) throw new Error(issuer.reason);
    expect(issuer.fields.issuerIdentifier).toBe("541333");
    expect(issuer.fields.expiry).toBe("1249");
    const ssad = verifySignedStaticData(issuer.key, data["93"], staticData);
    expect(ssad.ok && toHex(ssad.dataAuthenticationCode)).toBe("DAC1");
    const icc = recoverIccPublicKey(issuer.key, {
      certificate: data["9F46"],
      remainder: data["9F48"],
      exponent: data["9F47"],
      staticData,
    });
    if (!icc.ok) throw new Error(icc.reason);
    expect(toHex(icc.key.modulus)).toBe(toHex(pki.icc.modulus));
    expect(icc.fields).toMatchObject({ pan: "5413330000000001", expiry: "0630" });
    const pin = recoverIccPinEnciphermentKey(issuer.key, {
      certificate: data["9F2D"],
      remainder: data["9F2F"],
      exponent: data["9F2E"],
    });
    expect(pin.ok && toHex(pin.key.modulus)).toBe(toHex(pki.icc.modulus));
  });
});
