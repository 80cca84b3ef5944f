// fDDA (EMV Book C-3 Kernel 3): the emulator's 9F4B checked by an INDEPENDENT verifier (BigInt RSA from
// emv/crypto/testing/independent-rsa, SHA-1 from node:crypto, the hash input written out here as the public trace
// facts give it: SDAD format..BB padding ‖ 9F37 ‖ 9F02 ‖ 5F2A ‖ whole 9F69), and the construction itself checked on
// the public trace dh-visa-offline-fdda (fixtures/visa-kernel3-traces.json).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { verifySignedDynamicData } from "../../emv/crypto/signed-data.js";
import { independentRecover } from "../../emv/crypto/testing/independent-rsa.js";
import { decodeTlvs, findTlv } from "../../emv/tlv/ber.js";
import { applicationKeys } from "../keystore.js";
import { fddaTerminalData } from "./fdda.js";
import { child, gpo, openCard, readAfl, selectAid, template77 } from "./testing/tap.js";

interface Trace {
  exchanges: { label: string; command: string; response: string }[];
  icc_public_key: { modulus: string; exponent: string };
  sdad: { recovered: string; icc_dynamic_data: string; hash_in_sdad: string; hash_input: string; "9F69": string };
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/visa-kernel3-traces.json", import.meta.url), "utf8")) as {
  traces: Record<string, Trace>;
};
const offline = fixture.traces["dh-visa-offline-fdda"]!;

const sha1 = (hex: string) => createHash("sha1").update(Buffer.from(hex, "hex")).digest("hex").toUpperCase();

/** Split a recovered SDAD (hex) per Book 2 §6.5 Table 17: header, format, hash algorithm, LDD, data, pad, hash, trailer. */
function layout(recovered: string) {
  const b = fromHex(recovered);
  const n = b.length;
  const ldd = b[3]!;
  return {
    header: toHex(b.subarray(0, 1)),
    format: toHex(b.subarray(1, 2)),
    hashAlgorithm: toHex(b.subarray(2, 3)),
    dynamicData: toHex(b.subarray(4, 4 + ldd)),
    padding: toHex(b.subarray(4 + ldd, n - 21)),
    signedPart: toHex(b.subarray(1, n - 21)),
    hash: toHex(b.subarray(n - 21, n - 1)),
    trailer: toHex(b.subarray(n - 1)),
  };
}

describe("the fDDA hash construction on the public trace dh-visa-offline-fdda", () => {
  const gpoCommand = fromHex(offline.exchanges[2]!.command);
  // PDOL 9F66 04 ‖ 9F02 06 ‖ 5F2A 02 ‖ 9F37 04 (the trace's FCI); data after 80 A8 00 00 Lc 83 L.
  const pdolData = gpoCommand.subarray(7, 7 + gpoCommand[6]!);
  const amount = pdolData.subarray(4, 10);
  const currency = pdolData.subarray(10, 12);
  const un = pdolData.subarray(12, 16);
  const gpoResponse = decodeTlvs(fromHex(offline.exchanges[2]!.response.slice(0, -4)));
  const sdad = findTlv(gpoResponse, 0x9f4b)!.value;
  const atc = findTlv(gpoResponse, 0x9f36)!.value;
  const record = offline.exchanges.find((e) => e.label === "READ RECORD SFI 2 record 3")!;
  const cad = findTlv(decodeTlvs(fromHex(record.response.slice(0, -4))), 0x9f69)!.value;
  const key = { modulus: fromHex(offline.icc_public_key.modulus), exponent: fromHex(offline.icc_public_key.exponent) };

  it("recovers with the ICC public key into format 05 with ICC dynamic data 02 ‖ ATC (9F36 of the GPO answer)", () => {
    const recovered = independentRecover(key, sdad);
    expect(recovered).toBe(offline.sdad.recovered);
    const l = layout(recovered);
    expect([l.header, l.format, l.hashAlgorithm, l.trailer]).toEqual(["6A", "05", "01", "BC"]);
    expect(l.dynamicData).toBe(`02${toHex(atc)}`);
    expect(l.padding).toMatch(/^(BB)+$/);
  });

  it("SHA-1(signed part ‖ 9F37 ‖ 9F02 ‖ 5F2A ‖ 9F69) as the emulator builds the terminal part equals the hash in the SDAD", () => {
    const l = layout(independentRecover(key, sdad));
    const terminal = fddaTerminalData({
      atc: 0,
      unpredictableNumber: un,
      amountAuthorised: amount,
      currencyCode: currency,
      cardAuthenticationData: cad,
    });
    expect(toHex(terminal)).toBe(`${toHex(un)}${toHex(amount)}${toHex(currency)}${toHex(cad)}`);
    expect(l.signedPart + toHex(terminal)).toBe(offline.sdad.hash_input);
    expect(sha1(l.signedPart + toHex(terminal))).toBe(l.hash);
    // The library verifier agrees, and the UN alone (DDA-style) does not give the hash.
    const ok = verifySignedDynamicData(key, sdad, terminal);
    expect(ok.ok && toHex(ok.iccDynamicNumber)).toBe(toHex(atc));
    expect(verifySignedDynamicData(key, sdad, un).ok).toBe(false);
  });
});

/** One tap: the GPO answer's SDAD, ATC and the 9F69 of the records, with the PDOL values the reader sent. */
function tap(id: string, terminal: Record<string, string> = {}, faults: Parameters<typeof openCard>[2] = []) {
  const card = openCard(id, "contactless", faults);
  const { response, values } = gpo(card, selectAid(card, fromHex("A0000000031010")).data, terminal);
  const t = template77(response.data);
  const records = readAfl(card, child(t, "94")!);
  let cad: Uint8Array | undefined;
  for (const r of records) cad ??= findTlv(decodeTlvs(r.data), 0x9f69)?.value;
  return { sdad: child(t, "9F4B")!, atc: toHex(child(t, "9F36")!), cad: toHex(cad!), values };
}

function iccKey(id: string) {
  const k = applicationKeys(id, "A0000000031010")!.icc!;
  return { modulus: k.modulus, exponent: k.exponent };
}

describe("the emulator's fDDA signature, verified independently", () => {
  it("visa-cvn18-cda: 6A 05 01 03 02 ‖ ATC, BB padding, SHA-1 over the hand-built hash input, BC", () => {
    const t = tap("visa-cvn18-cda", { "9F37": "01020304", "9F02": "000000004321", "5F2A": "0978" });
    const l = layout(independentRecover(iccKey("visa-cvn18-cda"), t.sdad));
    expect([l.header, l.format, l.hashAlgorithm, l.trailer]).toEqual(["6A", "05", "01", "BC"]);
    expect(l.dynamicData).toBe(`02${t.atc}`);
    expect(l.padding).toMatch(/^(BB)+$/);
    expect(t.cad).toMatch(/^01[0-9A-F]{8}$/);
    expect(sha1(`${l.signedPart}01020304` + `000000004321` + `0978${t.cad}`)).toBe(l.hash);
  });

  it("for any offline amount, currency and unpredictable number the signature verifies (property)", () => {
    const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => toHex(b));
    // Amounts up to the phone's offline limit 100.00 (above it the card goes online without signing).
    const amounts = fc.integer({ min: 0, max: 10000 }).map((a) => a.toString().padStart(12, "0"));
    const currencies = fc.stringMatching(/^[0-9]{4}$/);
    const key = iccKey("visa-qvsdc-phone");
    fc.assert(
      fc.property(hex(4), amounts, currencies, (un, amount, currency) => {
        const t = tap("visa-qvsdc-phone", { "9F37": un, "9F02": amount, "5F2A": currency, "9F66": "36004000" });
        const l = layout(independentRecover(key, t.sdad));
        expect(l.dynamicData).toBe(`02${t.atc}`);
        // The phone's 9F69 carries its CTQ: 01 ‖ UN ‖ CTQ.
        expect(t.cad).toMatch(/^01[0-9A-F]{8}[0-9A-F]{4}$/);
        expect(sha1(l.signedPart + un + amount + currency + t.cad)).toBe(l.hash);
      }),
      { numRuns: 40 },
    );
  });

  it("fault wrong-fdda-atc: the signed ICC dynamic number is ATC + 1, the hash itself is right", () => {
    const t = tap("visa-qvsdc-wrong-atc");
    const l = layout(independentRecover(iccKey("visa-qvsdc-wrong-atc"), t.sdad));
    const atc = Number.parseInt(t.atc, 16);
    expect(l.dynamicData).toBe(`02${(atc + 1).toString(16).toUpperCase().padStart(4, "0")}`);
    expect(sha1(`${l.signedPart}ABABABAB000000001000` + `0840${t.cad}`)).toBe(l.hash);
  });

  it("fault bad-fdda-signature: the recovered block is not an SDAD (no 6A … BC frame)", () => {
    const t = tap("visa-qvsdc-bad-fdda");
    const l = layout(independentRecover(iccKey("visa-qvsdc-bad-fdda"), t.sdad));
    expect(l.header === "6A" && l.trailer === "BC").toBe(false);
  });
});
