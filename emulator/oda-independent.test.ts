// An independent check of the emulator's Book 2 data (EMV Book 2 §5.3 Table 6, §5.4 Table 7, §6.4 Table 14): every
// built-in profile's Issuer Public Key Certificate, ICC Public Key Certificate and SSAD recovered with the BigInt RSA
// of emv/crypto/testing and SHA-1 from node:crypto — not emv/crypto's certificate, signed-data, RSA or hash code,
// which the card and the kernel share — and read field by field against the profile and the keystore files.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../emv/bytes.js";
import { independentRecover } from "../emv/crypto/testing/independent-rsa.js";
import type { PersonalisedApplication } from "./context.js";
import { personalise } from "./personalise.js";
import { builtInProfileDir, type CardProfile, listProfiles, loadProfile } from "./profile.js";
import type { FaultJson } from "./profile-schema.js";

/** An RSA public key as the keystore files hold it (hex). */
interface KeyJson {
  readonly modulus: string;
  readonly exponent: string;
}

const keysDir = join(builtInProfileDir(), "keys");
const caKeys = (JSON.parse(readFileSync(join(keysDir, "ca.json"), "utf8")) as { keys: (KeyJson & { index: string })[] })
  .keys;

function applicationKeys(profileId: string, aid: string): { issuer: KeyJson; icc?: KeyJson } {
  const json = JSON.parse(readFileSync(join(keysDir, `${profileId}.json`), "utf8")) as {
    applications: Record<string, { issuer: KeyJson; icc?: KeyJson }>;
  };
  const keys = json.applications[aid];
  if (!keys) throw new Error(`no keys for ${profileId} ${aid}`);
  return keys;
}

const sha1 = (...parts: Uint8Array[]): string => {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest("hex").toUpperCase();
};

/** A BER-TLV node, read here without emv/tlv (ISO 7816-4 Annex D: tag b6 of the first byte = constructed). */
interface Node {
  readonly tag: string;
  readonly value: Uint8Array;
  readonly children: Node[];
}

function readTlvs(b: Uint8Array): Node[] {
  const out: Node[] = [];
  let i = 0;
  while (i < b.length) {
    if (b[i] === 0x00 || b[i] === 0xff) {
      i++;
      continue;
    }
    const start = i;
    if ((b[i++]! & 0x1f) === 0x1f) while (b[i++]! & 0x80);
    const tag = toHex(b.subarray(start, i));
    let length = b[i++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + b[i++]!;
    }
    const value = b.subarray(i, i + length);
    i += length;
    out.push({ tag, value, children: b[start]! & 0x20 ? readTlvs(value) : [] });
  }
  return out;
}

function find(nodes: readonly Node[], tag: string): Uint8Array | undefined {
  for (const n of nodes) {
    if (n.tag === tag) return n.value;
    const inner = find(n.children, tag);
    if (inner) return inner;
  }
  return undefined;
}

/** First value of `tag` in the application's records, as READ RECORD returns them. */
function recordValue(app: PersonalisedApplication, tag: string): Uint8Array | undefined {
  for (const data of app.records.values()) {
    const v = find(readTlvs(data), tag);
    if (v) return v;
  }
  return undefined;
}

/**
 * Book 3 §10.3, read from the AFL bytes: the ODA records (SFI 1–10: the value of template 70; SFI 11–30: the whole
 * record), then the AIP when the Static Data Authentication Tag List (9F4A) is 82.
 */
function staticData(app: PersonalisedApplication): Uint8Array {
  const afl = app.profile.afl;
  const parts: Uint8Array[] = [];
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    const first = afl[i + 1]!;
    for (let r = first; r < first + afl[i + 3]!; r++) {
      const record = app.records.get(sfi * 256 + r);
      if (!record) throw new Error(`AFL names SFI ${sfi} record ${r} for ODA, the card has none`);
      const [top] = readTlvs(record);
      parts.push(sfi <= 10 ? top!.value : record);
    }
  }
  const tagList = recordValue(app, "9F4A");
  if (tagList && toHex(tagList) === "82") parts.push(app.profile.aip);
  return concatBytes(...parts);
}

/** Recovered data as bytes, and its length checked against the key's modulus (Book 2 §5.3 step 1). */
function recover(key: KeyJson, signature: Uint8Array): Uint8Array {
  const x = fromHex(independentRecover({ modulus: fromHex(key.modulus), exponent: fromHex(key.exponent) }, signature));
  expect(signature.length).toBe(fromHex(key.modulus).length);
  expect(x.length).toBe(signature.length);
  return x;
}

/** Book 2 Table 6 / Table 14: header 6A, format, …, hash (20), trailer BC; the modulus rebuilt from the leftmost
 * digits (BB-padded when shorter) and the remainder. */
function checkCertificate(
  x: Uint8Array,
  format: number,
  fixed: number,
  key: KeyJson,
  remainder: Uint8Array | undefined,
  exponent: Uint8Array,
  extra: Uint8Array,
): Uint8Array {
  const n = x.length;
  expect(x[0]).toBe(0x6a);
  expect(x[1]).toBe(format);
  expect(x[n - 1]).toBe(0xbc);
  // Hash Algorithm Indicator 01 (SHA-1), Public Key Algorithm Indicator 01 (RSA).
  expect([x[fixed - 4], x[fixed - 3]]).toEqual([0x01, 0x01]);
  const modulus = fromHex(key.modulus);
  expect(x[fixed - 2]).toBe(modulus.length);
  expect(x[fixed - 1]).toBe(exponent.length);
  expect(toHex(exponent)).toBe(key.exponent);
  const leftmost = x.subarray(fixed, n - 21);
  if (modulus.length <= leftmost.length) {
    expect(toHex(leftmost.subarray(0, modulus.length))).toBe(key.modulus);
    expect(leftmost.subarray(modulus.length).every((b) => b === 0xbb)).toBe(true);
    expect(remainder?.length ?? 0).toBe(0);
  } else {
    expect(toHex(concatBytes(leftmost, remainder ?? new Uint8Array(0)))).toBe(key.modulus);
  }
  const hashInput = concatBytes(x.subarray(1, n - 21), remainder ?? new Uint8Array(0), exponent, extra);
  expect(toHex(x.subarray(n - 21, n - 1))).toBe(sha1(hashInput));
  return x;
}

const odaProfiles = listProfiles()
  .map((id) => {
    const r = loadProfile(id);
    if (!r.ok) throw r.error;
    return r.value;
  })
  .filter((p) => p.applications.some((a) => a.oda && a.oda.method !== "none"));

const faultKinds = (p: CardProfile) => new Set(p.faults.map((f) => f.kind));
/** Faults that change the static signatures this test reads (only in catalog overrides, never in a built-in profile). */
const SIGNATURE_FAULTS: readonly FaultJson["kind"][] = [
  "bad-issuer-certificate-signature",
  "bad-ssad-signature",
  "wrong-static-data-hash",
  "static-data-without-tag-list",
];

describe("the emulator's certificates and SSAD, recovered with the independent RSA (Book 2 §5, §6)", () => {
  it("covers the SDA, DDA and CDA profiles", () => {
    const methods = new Set(odaProfiles.flatMap((p) => p.applications.map((a) => a.oda?.method)));
    expect([...methods].sort()).toEqual(expect.arrayContaining(["cda", "dda", "sda"]));
    // Signature faults break what this test reads on purpose; no built-in profile carries one of these.
    for (const p of odaProfiles)
      for (const f of SIGNATURE_FAULTS) expect(faultKinds(p).has(f), `${p.id} ${f}`).toBe(false);
  });

  for (const profile of odaProfiles) {
    it(profile.id, () => {
      for (const app of personalise(profile)) {
        const oda = app.profile.oda;
        if (!oda || oda.method === "none") continue;
        const keys = applicationKeys(profile.id, toHex(app.profile.aid));
        const ca = caKeys.find((k) => Number.parseInt(k.index, 16) === oda.caIndex)!;
        expect(toHex(recordValue(app, "8F")!)).toBe(toHex(Uint8Array.of(oda.caIndex)));
        const pan = app.pan!;

        // Issuer Public Key Certificate, Book 2 Table 6: 6A 02 | issuer id (4) | MMYY | serial (3) | 01 01 | NI | len(e).
        const issuerExponent = recordValue(app, "9F32")!;
        const x = recover(ca, recordValue(app, "90")!);
        checkCertificate(x, 0x02, 15, keys.issuer, recordValue(app, "92"), issuerExponent, new Uint8Array(0));
        const issuerId = toHex(x.subarray(2, 6));
        const digits = issuerId.replace(/F+$/, "");
        expect(digits.length).toBeGreaterThanOrEqual(3);
        expect(digits.length).toBeLessThanOrEqual(8);
        expect(pan.startsWith(digits)).toBe(true);
        expect(toHex(x.subarray(6, 8))).toBe(
          faultKinds(profile).has("expired-issuer-certificate") ? "0120" : oda.issuer.expiry,
        );
        expect(toHex(x.subarray(8, 11))).toBe(toHex(oda.issuer.serial));

        const data = staticData(app);
        const ssad = recordValue(app, "93");
        if (ssad) {
          // SSAD, Book 2 Table 7: 6A 03 01 | DAC (2) | BB … (NI − 26) | hash over 03 … pad ‖ static data | BC.
          const z = recover(keys.issuer, ssad);
          const n = z.length;
          expect(toHex(z.subarray(0, 3))).toBe("6A0301");
          expect(toHex(z.subarray(3, 5))).toBe(toHex(oda.dataAuthenticationCode));
          expect(z.subarray(5, n - 21).every((b) => b === 0xbb)).toBe(true);
          expect(n - 21 - 5).toBe(n - 26);
          expect(toHex(z.subarray(n - 21, n - 1))).toBe(sha1(z.subarray(1, n - 21), data));
          expect(z[n - 1]).toBe(0xbc);
        } else {
          expect(oda.method).not.toBe("sda");
        }

        const iccCertificate = recordValue(app, "9F46");
        if (oda.method === "sda") {
          expect(iccCertificate).toBeUndefined();
          continue;
        }
        // ICC Public Key Certificate, Book 2 Table 14: 6A 04 | PAN (10, F-padded) | MMYY | serial (3) | 01 01 | NIC |
        // len(e), the hash also over the static data to be authenticated.
        const iccExponent = recordValue(app, "9F47")!;
        const y = recover(keys.issuer, iccCertificate!);
        checkCertificate(y, 0x04, 21, keys.icc!, recordValue(app, "9F48"), iccExponent, data);
        expect(toHex(y.subarray(2, 12))).toBe(pan.padEnd(20, "F"));
        expect(toHex(y.subarray(12, 14))).toBe(
          faultKinds(profile).has("expired-icc-certificate") ? "0120" : oda.icc!.expiry,
        );
        expect(toHex(y.subarray(14, 17))).toBe(toHex(oda.icc!.serial));
      }
    });
  }
});
