// The card's symmetric cryptography (Book 2 §8, §9) against pyemv's Visa CVN 18 and Mastercard CVN 16 vectors
// (kernel/crypto/fixtures/crypto-vectors.json): a built-in application given the vectors' PAN and issuer master
// keys must accept the reference ARPC, script MACs and PIN change data, and compute its ARQC as the reference does.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../emv/bytes.js";
import { retailMac } from "../emv/crypto/mac.js";
import type { PersonalisedApplication } from "./context.js";
import { newSession } from "./context.js";
import {
  cardKeys,
  computeApplicationCryptogram,
  decipherPinChangeData,
  verifyIssuerAuthentication,
  verifyScriptMac,
} from "./cryptogram.js";
import { personalise } from "./personalise.js";
import { loadProfile } from "./profile.js";

interface Vector {
  readonly id: string;
  readonly inputs: Record<string, unknown>;
  readonly computed_by_collector: Record<string, string>;
  readonly expected: Record<string, string>;
  readonly pin_change_commands: readonly { readonly current_pin: string | null; readonly expected_command: string }[];
}

const VECTORS = (
  JSON.parse(readFileSync(new URL("../emv/crypto/fixtures/crypto-vectors.json", import.meta.url), "utf8")) as {
    cases: Vector[];
  }
).cases;
const vector = (id: string) => VECTORS.find((c) => c.id === id)!;
const VISA = vector("pyemv-visa-cvn18");
const MASTERCARD = vector("pyemv-mastercard-cvn16");
const input = (v: Vector, name: string) => v.inputs[name] as string;

/** The first application of a built-in profile, re-keyed with the vector's PAN, PSN and issuer master keys. */
function application(profileId: string, v: Vector, cvn: number): PersonalisedApplication {
  const r = loadProfile(profileId);
  if (!r.ok) throw r.error;
  const app = personalise(r.value)[0]!;
  return {
    ...app,
    pan: input(v, "pan"),
    panSequenceNumber: input(v, "psn"),
    profile: {
      ...app.profile,
      cryptogram: {
        ...app.profile.cryptogram!,
        cvn,
        derivation: "A",
        imkAc: fromHex(input(v, "issuer_mk_ac")),
        imkSmi: fromHex(input(v, "issuer_mk_smi")),
        imkSmc: fromHex(input(v, "issuer_mk_smc")),
      },
    },
  };
}

const ATC = 0x001c;
const flip = (b: Uint8Array, i = 0) => {
  const c = Uint8Array.from(b);
  c[i]! ^= 0x01;
  return c;
};

describe("card cryptography on the pyemv vectors", () => {
  const visa = application("visa-cvn18-cda", VISA, 18);
  const mastercard = application("mastercard-cvn16-sda", MASTERCARD, 16);
  const visaArqc = fromHex(VISA.expected["arqc_9F26"]!);
  const mcArqc = fromHex(MASTERCARD.expected["arqc_9F26"]!);

  it("derives the reference ICC master keys", () => {
    expect(toHex(cardKeys(visa).mk.ac)).toBe(VISA.computed_by_collector["icc_mk_ac"]);
    expect(toHex(cardKeys(visa).mk.smi!)).toBe(VISA.computed_by_collector["icc_mk_smi"]);
    expect(toHex(cardKeys(mastercard).mk.smc!)).toBe(MASTERCARD.computed_by_collector["icc_mk_smc"]);
  });

  it("EXTERNAL AUTHENTICATE data: the reference ARPC verifies (method 2 Visa, method 1 Mastercard), a changed one not", () => {
    const visa91 = fromHex(`${VISA.expected["arpc"]}00000000`);
    expect(verifyIssuerAuthentication(visa, { arqc: visaArqc, atc: ATC, data: visa91 })).toBe(true);
    for (let i = 0; i < visa91.length; i++)
      expect(verifyIssuerAuthentication(visa, { arqc: visaArqc, atc: ATC, data: flip(visa91, i) })).toBe(false);
    expect(verifyIssuerAuthentication(visa, { arqc: flip(visaArqc), atc: ATC, data: visa91 })).toBe(false);
    expect(verifyIssuerAuthentication(visa, { arqc: visaArqc, atc: ATC + 1, data: visa91 })).toBe(false);

    const arc = (MASTERCARD.inputs["arpc"] as { arpc_rc: string }).arpc_rc;
    const mc91 = fromHex(`${MASTERCARD.expected["arpc"]}${arc}`);
    expect(verifyIssuerAuthentication(mastercard, { arqc: mcArqc, atc: ATC, data: mc91 })).toBe(true);
    for (let i = 0; i < mc91.length; i++)
      expect(verifyIssuerAuthentication(mastercard, { arqc: mcArqc, atc: ATC, data: flip(mc91, i) })).toBe(false);
    // Method 1 is ARPC ‖ ARC, 10 bytes exactly.
    expect(verifyIssuerAuthentication(mastercard, { arqc: mcArqc, atc: ATC, data: mc91.subarray(0, 8) })).toBe(false);
  });

  it("script MACs: the reference MAC verifies, also truncated to 4 bytes; another ATC, ARQC or header does not", () => {
    const cases = [
      { app: visa, v: VISA, arqc: visaArqc, header: "8418000008" },
      { app: mastercard, v: MASTERCARD, arqc: mcArqc, header: "8424000008" },
    ];
    for (const { app, v, arqc, header } of cases) {
      const mac = fromHex(v.expected["command_mac"]!);
      const base = { header: fromHex(header), atc: ATC, arqc, data: new Uint8Array(0), mac };
      expect(verifyScriptMac(app, base)).toBe(true);
      expect(verifyScriptMac(app, { ...base, mac: mac.subarray(0, 4) })).toBe(true);
      expect(verifyScriptMac(app, { ...base, mac: flip(mac, 7) })).toBe(false);
      expect(verifyScriptMac(app, { ...base, atc: ATC + 1 })).toBe(false);
      expect(verifyScriptMac(app, { ...base, arqc: flip(arqc) })).toBe(false);
      expect(verifyScriptMac(app, { ...base, header: flip(base.header, 1) })).toBe(false);
    }
  });

  it("PIN CHANGE data of the reference commands deciphers to the new PIN", () => {
    const cases = [
      { app: visa, v: VISA, arqc: visaArqc },
      { app: mastercard, v: MASTERCARD, arqc: mcArqc },
    ];
    for (const { app, v, arqc } of cases) {
      for (const c of v.pin_change_commands) {
        const command = fromHex(c.expected_command);
        const data = command.subarray(5, command.length - 8);
        const currentPin = c.current_pin ?? undefined;
        expect(decipherPinChangeData(app, { atc: ATC, arqc, data, currentPin })).toBe("9999");
        // Another transaction's keys (Visa keys follow the ATC, Mastercard's the ARQC): no PIN comes out. The Visa
        // key XORs the ATC into the master key before parity adjustment, so ATC + 1 (only bit 1) would be the same key.
        expect(decipherPinChangeData(app, { atc: ATC + 2, arqc: flip(arqc), data, currentPin })).toBeUndefined();
      }
    }
  });

  it("the ARQC is the retail MAC under the reference session key over the CDOL values, ATC, AIP and the IAD", () => {
    const values = new Map<number, Uint8Array>();
    for (const tag of ["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37"])
      values.set(Number.parseInt(tag, 16), fromHex(input(VISA, tag)));
    const { cryptogram, iad } = computeApplicationCryptogram(visa, {
      type: "ARQC",
      firstType: "ARQC",
      second: false,
      atc: ATC,
      values,
      session: newSession(),
      pinTryCounter: 3,
      lastOnlineIssuerAuthenticationFailed: false,
    });
    expect(toHex(iad.subarray(0, 3))).toBe("060112"); // length 06, DKI 01, CVN 18 (12)
    const acInput = concatBytes(
      ...["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37"].map((t) => fromHex(input(VISA, t))),
      visa.profile.aip,
      Uint8Array.of(0x00, ATC),
      iad,
    );
    const sessionKey = fromHex(VISA.computed_by_collector["ac_session_key"]!);
    expect(toHex(cryptogram)).toBe(toHex(retailMac(sessionKey, acInput, 2)));

    // Terminal data the CDOL does not carry counts as zeros (the issuer host assembles the same input).
    values.delete(0x9f03);
    const withoutOther = computeApplicationCryptogram(visa, {
      type: "ARQC",
      firstType: "ARQC",
      second: false,
      atc: ATC,
      values,
      session: newSession(),
      pinTryCounter: 3,
      lastOnlineIssuerAuthenticationFailed: false,
    });
    expect(toHex(withoutOther.cryptogram)).toBe(toHex(cryptogram)); // 9F03 was zeros already
  });

  it("an application without usable keys is a precise error (the card answers 6F00)", () => {
    const noPan = { ...visa, pan: undefined };
    expect(() => cardKeys(noPan)).toThrow("the application has no PAN (5A) in its records");
    const unknown = application("visa-cvn18-cda", VISA, 99);
    expect(() => cardKeys(unknown)).toThrow("cryptogram version 99 is not implemented");
    expect(() => cardKeys({ ...visa, profile: { ...visa.profile, cryptogram: undefined } })).toThrow(
      "the application has no cryptogram keys in its profile",
    );
  });
});
