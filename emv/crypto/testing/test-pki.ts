// A test public key infrastructure (EMV Book 2 §5–§7): CA → issuer → ICC keys and the card's ODA data objects,
// for tests, tools and the emulator. Test keys only.

import { fromHex } from "../../bytes.js";
import { buildIccCertificate, buildIccPinEnciphermentCertificate, buildIssuerCertificate } from "../certificates.js";
import { generateRsaKey, type RsaPrivateKey } from "../rsa.js";
import { signStaticData } from "../signed-data.js";

export interface TestPkiSpec {
  /** Modulus sizes in bits (Book 2 §5.1: NIC ≤ NI ≤ NCA); defaults 1024 / 896 / 768. */
  readonly caBits?: number;
  readonly issuerBits?: number;
  readonly iccBits?: number;
  readonly exponent?: 3 | 65537;
}

export interface TestPki {
  readonly ca: RsaPrivateKey;
  readonly issuer: RsaPrivateKey;
  readonly icc: RsaPrivateKey;
}

const cache = new Map<string, TestPki>();

/**
 * Fresh CA, issuer and ICC key pairs of the given sizes, generated once per process and spec (key generation is
 * the slow part of a test).
 */
export function testPki(spec: TestPkiSpec = {}): TestPki {
  const caBits = spec.caBits ?? 1024;
  const issuerBits = spec.issuerBits ?? 896;
  const iccBits = spec.iccBits ?? 768;
  const e = spec.exponent ?? 3;
  const id = `${caBits}/${issuerBits}/${iccBits}/${e}`;
  let pki = cache.get(id);
  if (!pki) {
    pki = { ca: generateRsaKey(caBits, e), issuer: generateRsaKey(issuerBits, e), icc: generateRsaKey(iccBits, e) };
    cache.set(id, pki);
  }
  return pki;
}

export interface CardOdaInput {
  /** PAN digits (5A without F padding). */
  readonly pan: string;
  /** Static data to be authenticated (Book 3 §10.3) the ICC certificate and SSAD sign. */
  readonly staticData: Uint8Array;
  /** Issuer identifier digits; default the first 6 PAN digits. */
  readonly issuerIdentifier?: string;
  /** MMYY; defaults 1249 (issuer) and 1248 (ICC). */
  readonly issuerExpiry?: string;
  readonly iccExpiry?: string;
  /** 3 bytes each; default 000001. */
  readonly issuerSerial?: Uint8Array;
  readonly iccSerial?: Uint8Array;
  /** Data Authentication Code (9F45) in the SSAD; default DAC1. */
  readonly dataAuthenticationCode?: Uint8Array;
}

/** The card's ODA data objects by tag (hex tag → value); 92 and 9F48 are empty when the key fits its certificate. */
export interface CardOdaData {
  readonly "90": Uint8Array;
  readonly "92": Uint8Array;
  readonly "9F32": Uint8Array;
  readonly "93": Uint8Array;
  readonly "9F46": Uint8Array;
  readonly "9F47": Uint8Array;
  readonly "9F48": Uint8Array;
  readonly "9F2D": Uint8Array;
  readonly "9F2E": Uint8Array;
  readonly "9F2F": Uint8Array;
}

/**
 * Everything a card personalised for SDA, DDA, CDA and enciphered PIN holds (Book 2 §5.3, §5.4, §6.4, §7.1): issuer
 * certificate, SSAD, ICC certificate, and an ICC PIN Encipherment certificate for the same ICC key.
 */
export function cardOdaData(pki: TestPki, card: CardOdaInput): CardOdaData {
  const serial = fromHex("000001");
  const issuerCert = buildIssuerCertificate(pki.ca, {
    issuerIdentifier: card.issuerIdentifier ?? card.pan.slice(0, 6),
    expiry: card.issuerExpiry ?? "1249",
    serialNumber: card.issuerSerial ?? serial,
    issuerKey: pki.issuer,
  });
  const iccCert = buildIccCertificate(pki.issuer, {
    pan: card.pan,
    expiry: card.iccExpiry ?? "1248",
    serialNumber: card.iccSerial ?? serial,
    iccKey: pki.icc,
    staticData: card.staticData,
  });
  const pinCert = buildIccPinEnciphermentCertificate(pki.issuer, {
    pan: card.pan,
    expiry: card.iccExpiry ?? "1248",
    serialNumber: card.iccSerial ?? serial,
    pinKey: pki.icc,
  });
  return {
    "90": issuerCert.certificate,
    "92": issuerCert.remainder,
    "9F32": pki.issuer.exponent,
    "93": signStaticData(pki.issuer, card.staticData, card.dataAuthenticationCode ?? fromHex("DAC1")),
    "9F46": iccCert.certificate,
    "9F47": pki.icc.exponent,
    "9F48": iccCert.remainder,
    "9F2D": pinCert.certificate,
    "9F2E": pki.icc.exponent,
    "9F2F": pinCert.remainder,
  };
}
