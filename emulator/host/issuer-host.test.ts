// The issuer host (Book 3 §10.9, Book 2 §8.1, §8.2, §9) on pyemv's Visa CVN 18 and Mastercard CVN 16 vectors
// (kernel/crypto/fixtures/crypto-vectors.json): the ARQC, ARPC and script commands are the independently computed
// values, so the host is checked against a reference, not against the card emulator that shares its code.

import { createCipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuthorizationResponse } from "../../emv/authorisation.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { arpcMethod1, arpcMethod2 } from "../../emv/crypto/arpc.js";
import { decodeTlv, encodeTlvs } from "../../emv/tlv/ber.js";
import type { HostConfig, IssuerKeySet, ScriptConfig } from "./config.js";
import { issuerHostFromConfig } from "./issuer-host.js";

interface Vector {
  readonly id: string;
  readonly inputs: Record<string, unknown>;
  readonly computed_by_collector: Record<string, string>;
  readonly expected: Record<string, string>;
  readonly pin_change_commands: readonly {
    readonly new_pin: string;
    readonly current_pin: string | null;
    readonly expected_command: string;
  }[];
}

const VECTORS = (
  JSON.parse(readFileSync(new URL("../../emv/crypto/fixtures/crypto-vectors.json", import.meta.url), "utf8")) as {
    cases: Vector[];
  }
).cases;

function vector(id: string): Vector {
  const v = VECTORS.find((c) => c.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v;
}

const VISA = vector("pyemv-visa-cvn18");
const MASTERCARD = vector("pyemv-mastercard-cvn16");
const input = (v: Vector, name: string) => v.inputs[name] as string;

function keySet(v: Vector, cvn: number, extra: Partial<IssuerKeySet> = {}): IssuerKeySet {
  return {
    name: v.id,
    panPrefix: input(v, "pan"),
    cvn,
    derivation: "A",
    imkAc: input(v, "issuer_mk_ac"),
    imkSmi: input(v, "issuer_mk_smi"),
    imkSmc: input(v, "issuer_mk_smc"),
    ...extra,
  };
}

/** Mastercard CVN 16 covers the CVR (IAD bytes 3–8): DKI 01, CVN 10, the vector's CVR. */
const MASTERCARD_IAD = `0110${input(MASTERCARD, "cvr")}`;

/** DE 55 as a terminal sends it: the vector's terminal and card data, its ARQC, PAN and PSN. */
function iccData(v: Vector, iad: string, change: Partial<Record<string, string | undefined>> = {}): Uint8Array {
  const values: Record<string, string | undefined> = {
    "9F26": v.expected["arqc_9F26"],
    "9F27": "80",
    "9F10": iad,
    "5A": input(v, "pan"),
    "5F34": input(v, "psn"),
    "4F": "A0000000031010",
  };
  for (const tag of ["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37", "82", "9F36"])
    values[tag] = input(v, tag);
  Object.assign(values, change);
  return encodeTlvs(
    Object.entries(values)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([tag, value]) => ({ tag: Number.parseInt(tag, 16), value: fromHex(value) })),
  );
}

function host(issuers: IssuerKeySet[], more: Omit<HostConfig, "issuers"> = {}) {
  return issuerHostFromConfig({ issuers, ...more });
}

function scripts(r: AuthorizationResponse, template: 0x71 | 0x72): string[][] {
  return (template === 0x71 ? r.scripts71 : r.scripts72).map((s) =>
    (decodeTlv(s).children ?? []).filter((c) => c.tag === 0x86).map((c) => toHex(c.value)),
  );
}

const ascii = (s: string) => toHex(new TextEncoder().encode(s));

describe("issuer host: ARQC, ARPC and scripts against pyemv vectors", () => {
  it("Visa CVN 18: ARQC verifies; 91 = ARPC method 2 ‖ CSU; scripts carry the reference MACs and PIN data", () => {
    const config: ScriptConfig[] = [
      { template: 71, commands: [{ command: "application-unblock" }] },
      {
        template: 72,
        id: "11223344",
        commands: [
          { command: "pin-change", newPin: "9999" },
          { command: "pin-change", newPin: "9999", currentPin: "8888" },
        ],
      },
    ];
    const r = host([keySet(VISA, 18)], { scripts: config }).decide({ iccData: iccData(VISA, input(VISA, "9F10")) });
    expect(r.reason).toBe("ARQC verified; no rule matched: approve (00)");
    expect(toHex(r.authorisationResponseCode)).toBe(ascii("00"));
    expect(toHex(r.issuerAuthenticationData!)).toBe(`${VISA.expected["arpc"]}00000000`);
    expect(scripts(r, 0x71)).toEqual([[`8418000008${VISA.expected["command_mac"]}`]]);
    expect(scripts(r, 0x72)).toEqual([VISA.pin_change_commands.map((c) => c.expected_command)]);
    expect(toHex(decodeTlv(r.scripts72[0]!).find(0x9f18)!.value)).toBe("11223344");
  });

  it("a key set holding the card's own ICC master key (iccMkAc): the same ARQC verifies, a wrong key declines", () => {
    // The pyemv vector's ICC MK AC, as a test card personalised with it directly would hold it (no derivation).
    const icc = MASTERCARD.computed_by_collector["icc_mk_ac"]!;
    const { imkAc: _imk, imkSmi: _smi, imkSmc: _smc, ...rest } = keySet(MASTERCARD, 16);
    const ok = host([{ ...rest, iccMkAc: icc }]).decide({ iccData: iccData(MASTERCARD, MASTERCARD_IAD) });
    expect(ok.reason).toBe("ARQC verified; no rule matched: approve (00)");
    const arpc = arpcMethod1(fromHex(icc), fromHex(MASTERCARD.expected["arqc_9F26"]!), fromHex(ascii("00")));
    expect(toHex(ok.issuerAuthenticationData!)).toBe(`${toHex(arpc)}3030`);
    const wrong = host([{ ...rest, iccMkAc: MASTERCARD.inputs["issuer_mk_ac"] as string }]).decide({
      iccData: iccData(MASTERCARD, MASTERCARD_IAD),
    });
    expect(toHex(wrong.authorisationResponseCode)).not.toBe(ascii("00"));
  });

  it("a key set changed in place after a decision is used as it is now (its prepared keys are not kept stale)", () => {
    const k = keySet(VISA, 18);
    const h = host([k]);
    const data = { iccData: iccData(VISA, input(VISA, "9F10")) };
    expect(h.decide(data).reason).toBe("ARQC verified; no rule matched: approve (00)");
    // Another issuer master key: the vector's ARQC no longer verifies (Book 2 A1.4: the ICC MK comes from the IMK).
    k.imkAc = input(VISA, "issuer_mk_smi");
    expect(h.decide(data).reason).toBe(
      "ARQC does not verify (Visa CVN 18, key set 'pyemv-visa-cvn18', PAN 123456******3456)",
    );
    k.imkAc = input(VISA, "issuer_mk_ac");
    // A lower-case AID prefix matches the request's AID (4F A0000000031010) as the upper-case one does.
    k.aid = "a000000003";
    expect(h.decide(data).reason).toBe("ARQC verified; no rule matched: approve (00)");
    k.aid = "A000000004";
    expect(h.decide(data).reason).toMatch(/^no issuer keys for PAN 123456\*+3456 AID A0000000031010$/);
  });

  it("Mastercard CVN 16: ARQC verifies; 91 = ARPC method 1 with the ICC MK ‖ ARC; PIN scripts match", () => {
    const r = host([keySet(MASTERCARD, 16)], {
      scripts: [
        {
          template: 71,
          commands: [{ command: "pin-unblock" }, { command: "pin-change", newPin: "9999" }],
        },
      ],
    }).decide({ iccData: iccData(MASTERCARD, MASTERCARD_IAD) });
    expect(r.reason).toMatch(/^ARQC verified/);
    const mk = fromHex(MASTERCARD.computed_by_collector["icc_mk_ac"]!);
    const arc = fromHex(ascii("00"));
    const arpc = arpcMethod1(mk, fromHex(MASTERCARD.expected["arqc_9F26"]!), arc);
    expect(toHex(r.issuerAuthenticationData!)).toBe(`${toHex(arpc)}3030`);
    expect(scripts(r, 0x71)).toEqual([
      [`8424000008${MASTERCARD.expected["command_mac"]}`, MASTERCARD.pin_change_commands[0]!.expected_command],
    ]);
  });

  it("configured ARPC method and CSU override the version's own", () => {
    const sessionKey = fromHex(VISA.computed_by_collector["ac_session_key"]!);
    const arqc = fromHex(VISA.expected["arqc_9F26"]!);
    const data = iccData(VISA, input(VISA, "9F10"));
    const m2 = host([keySet(VISA, 18, { csu: "00820000" })]).decide({ iccData: data });
    expect(toHex(m2.issuerAuthenticationData!)).toBe(
      `${toHex(arpcMethod2(sessionKey, arqc, fromHex("00820000")))}00820000`,
    );
    const m1 = host([keySet(VISA, 18, { arpcMethod: 1 })]).decide({ iccData: data });
    expect(toHex(m1.issuerAuthenticationData!)).toBe(`${toHex(arpcMethod1(sessionKey, arqc, fromHex("3030")))}3030`);
  });

  it("a script with badMac differs from the correct command only in the MAC's last bit", () => {
    const script = (badMac: boolean): ScriptConfig => ({
      template: 72,
      badMac,
      commands: [{ command: "application-block" }],
    });
    const data = iccData(VISA, input(VISA, "9F10"));
    const good = scripts(host([keySet(VISA, 18)], { scripts: [script(false)] }).decide({ iccData: data }), 0x72);
    const bad = scripts(host([keySet(VISA, 18)], { scripts: [script(true)] }).decide({ iccData: data }), 0x72);
    const g = fromHex(good[0]![0]!);
    const b = fromHex(bad[0]![0]!);
    expect(toHex(b.subarray(0, -1))).toBe(toHex(g.subarray(0, -1)));
    expect(b[b.length - 1]! ^ g[g.length - 1]!).toBe(0x01);
  });
});

describe("issuer host: verbatim script commands", () => {
  it("a verbatim command is the 86 as given, no MAC added, between the MAC'd ones", () => {
    const data = iccData(VISA, input(VISA, "9F10"));
    const config: ScriptConfig = {
      template: 71,
      commands: [{ command: "application-unblock" }, { command: "verbatim", apdu: "84DA" }],
    };
    const [commands] = scripts(host([keySet(VISA, 18)], { scripts: [config] }).decide({ iccData: data }), 0x71);
    expect(commands).toHaveLength(2);
    expect(commands![0]!.startsWith("84180000")).toBe(true);
    expect(commands![1]).toBe("84DA");
  });
});

describe("issuer host decisions", () => {
  const visaData = iccData(VISA, input(VISA, "9F10"));

  it("an ARQC that does not verify is declined (05), the reason naming version, key set and the masked PAN", () => {
    for (const change of [
      { "9F26": "7A788EA6B8A3E732" },
      { "9F02": "000000004001" },
      { "9F10": "06011203A0B801" },
      { "5F34": "01" },
    ]) {
      const r = host([keySet(VISA, 18)]).decide({ iccData: iccData(VISA, input(VISA, "9F10"), change) });
      expect(toHex(r.authorisationResponseCode)).toBe(ascii("05"));
      expect(r.reason).toBe("ARQC does not verify (Visa CVN 18, key set 'pyemv-visa-cvn18', PAN 123456******3456)");
      expect(r.issuerAuthenticationData).toBeUndefined();
      expect(r.scripts71).toEqual([]);
    }
  });

  it("the wrong issuer master key or cryptogram version fails the ARQC", () => {
    const wrongKey = keySet(VISA, 18, { imkAc: "0123456789ABCDEFFEDCBA9876543200" });
    expect(host([wrongKey]).decide({ iccData: visaData }).reason).toMatch(/^ARQC does not verify/);
    expect(host([keySet(VISA, 10)]).decide({ iccData: visaData }).reason).toMatch(
      /^ARQC does not verify \(Visa CVN 10/,
    );
  });

  it("rules apply after the ARQC verifies: first match wins, with its code and reason", () => {
    // The vector's amount is 40.00 (4000 minor units).
    const rules: HostConfig["rules"] = [
      { amountAbove: 5000, decision: "decline", responseCode: "51" },
      { amountAbove: 3999, panPrefix: "9", decision: "decline" },
      { amountAtMost: 4000, decision: "referral" },
    ];
    const r = host([keySet(VISA, 18)], { rules }).decide({ iccData: visaData });
    expect(toHex(r.authorisationResponseCode)).toBe(ascii("01"));
    expect(r.reason).toBe("ARQC verified; amount at most 4000: referral (01)");
    expect(toHex(r.issuerAuthenticationData!)).toBe(`${VISA.expected["arpc"]}00000000`);

    const limit = host([keySet(VISA, 18)], {
      rules: [{ amountAbove: 3999, decision: "decline", responseCode: "51", reason: "over the limit" }],
    }).decide({ iccData: visaData });
    expect(toHex(limit.authorisationResponseCode)).toBe(ascii("51"));
    expect(limit.reason).toBe("ARQC verified; over the limit: decline (51)");

    const byDefault = host([keySet(VISA, 18)], { default: "decline" }).decide({ iccData: visaData });
    expect(byDefault.reason).toBe("ARQC verified; no rule matched: decline (05)");
  });

  it("requests it cannot check are declined with the reason", () => {
    const h = host([keySet(VISA, 18)]);
    const cases: [Uint8Array, string, string][] = [
      [Uint8Array.of(0x9f, 0x26, 0x08, 1), "30", "request ICC data is not valid BER-TLV"],
      [iccData(VISA, input(VISA, "9F10"), { "9F26": undefined }), "30", "request lacks 9F26 (Application Cryptogram)"],
      [iccData(VISA, input(VISA, "9F10"), { "9F27": "40" }), "05", "cryptogram is not an ARQC (CID 40)"],
      [
        iccData(VISA, input(VISA, "9F10"), { "5A": "5412345678901234" }),
        "05",
        "no issuer keys for PAN 541234******1234",
      ],
      [
        iccData(VISA, input(VISA, "9F10"), { "82": undefined }),
        "30",
        "cannot check the ARQC: cryptogram data: 82 is missing",
      ],
    ];
    cases.push(
      [iccData(VISA, input(VISA, "9F10"), { "5A": "1234567890123456AB" }), "30", "PAN 123456"],
      [iccData(VISA, input(VISA, "9F10"), { "5F34": "0A" }), "30", "PAN Sequence Number (5F34) 0A is not 2 decimal"],
    );
    for (const [data, code, reason] of cases) {
      const r = h.decide({ iccData: data });
      expect(toHex(r.authorisationResponseCode)).toBe(ascii(code));
      expect(r.reason.startsWith(reason)).toBe(true);
      expect(r.reason).not.toContain("1234567890123456");
    }
    const shortIad = host([keySet(MASTERCARD, 16)]).decide({ iccData: iccData(MASTERCARD, "0110A000") });
    expect(shortIad.reason).toBe(
      "cannot check the ARQC: cryptogram data: IAD (9F10) of 4 bytes has no Mastercard CVR (needs 8)",
    );
    const hexPan = h.decide({ iccData: iccData(VISA, input(VISA, "9F10"), { "5A": "1234567890123456AB" }) });
    expect(hexPan.reason).toMatch(/^PAN 123456\S+56AB is not 1 to 19 decimal digits$/);
    expect(host([keySet(VISA, 99)]).decide({ iccData: visaData }).reason).toBe(
      "cryptogram version 99 of key set 'pyemv-visa-cvn18' is not supported",
    );
  });

  it("never throws: arbitrary bytes, and the vector's request with any value replaced, give a declined answer", () => {
    const h = host([keySet(VISA, 18)], { scripts: [{ template: 71, commands: [{ command: "application-block" }] }] });
    const tags = ["9F26", "9F27", "9F10", "5A", "5F34", "9F02", "9F1A", "95", "9A", "9C", "9F37", "82", "9F36"];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const r = h.decide({ iccData: bytes });
        expect(r.authorisationResponseCode).toHaveLength(2);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 12 }), (tag, value) => {
        const r = h.decide({ iccData: iccData(VISA, input(VISA, "9F10"), { [tag]: toHex(value) }) });
        // The vector keeps PAN and PSN under their own names; an unchanged value (or another ARQC CID) may approve.
        const original = tag === "5A" ? input(VISA, "pan") : tag === "5F34" ? input(VISA, "psn") : input(VISA, tag);
        if (toHex(value) === original || (tag === "9F27" && (value[0]! & 0xc0) === 0x80 && value.length > 0)) return;
        expect(toHex(r.authorisationResponseCode)).not.toBe(ascii("00"));
      }),
      { numRuns: 300 },
    );
  });

  it("authorize() resolves to the same answer as decide()", async () => {
    const h = host([keySet(VISA, 18)]);
    const a = await h.authorize({ iccData: visaData });
    expect(a.reason).toBe(h.decide({ iccData: visaData }).reason);
    expect(toHex(a.issuerAuthenticationData!)).toBe(toHex(h.decide({ iccData: visaData }).issuerAuthenticationData!));
  });
});

describe("issuer host: online PIN (Book 3 §10.5.2: the issuer verifies it)", () => {
  // The PIN block as a PIN pad builds it, computed here with node:crypto directly: ISO 9564 format 0 for the
  // vector's PAN, then TDES-ECB under the terminals' PIN encryption key.
  const PEK = "0123456789ABCDEFFEDCBA9876543210";
  const pan = input(VISA, "pan");
  const format0 = (pin: string) => {
    const a = Buffer.from(`0${pin.length.toString(16)}${pin}`.padEnd(16, "F"), "hex");
    const b = Buffer.from(`0000${pan.slice(-13, -1)}`, "hex");
    return Uint8Array.from(a.map((x, i) => x ^ b[i]!));
  };
  const enciphered = (pin: string, key = PEK) => {
    const k = Buffer.from(key, "hex");
    const c = createCipheriv("des-ede3-ecb", Buffer.concat([k, k.subarray(0, 8)]), null).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([c.update(format0(pin)), c.final()]));
  };
  const data = iccData(VISA, input(VISA, "9F10"));
  const withPin = (extra: Partial<IssuerKeySet> = { pin: "4321" }, more: Omit<HostConfig, "issuers"> = {}) =>
    host([keySet(VISA, 18, extra)], { pinEncryptionKey: PEK, ...more });

  it("the right PIN is approved; the reason says it was checked, never what it is", () => {
    const r = withPin().decide({ iccData: data, onlinePinBlock: enciphered("4321") });
    expect(r.reason).toBe("ARQC verified; online PIN correct; no rule matched: approve (00)");
    expect(toHex(r.authorisationResponseCode)).toBe(ascii("00"));
    expect(r.reason).not.toContain("4321");
  });

  it("a wrong PIN is declined with 55, still with an ARPC so the card can end the transaction", () => {
    const r = withPin({ pin: "4321" }, { rules: [{ amountAtMost: 99_999_999, decision: "approve" }] }).decide({
      iccData: data,
      onlinePinBlock: enciphered("1234"),
    });
    expect(r.reason).toBe("ARQC verified; online PIN incorrect: decline (55)");
    expect(toHex(r.authorisationResponseCode)).toBe(ascii("55"));
    expect(r.issuerAuthenticationData).toBeDefined();
  });

  it("a block under another key, or for another PAN, is a PIN cryptographic error (81)", () => {
    const other = withPin().decide({
      iccData: data,
      onlinePinBlock: enciphered("4321", "FEDCBA98765432100123456789ABCDEF"),
    });
    // Deciphered under the wrong key the block is noise: it does not decode as format 0 (checked for this block).
    expect(other.reason).toBe(
      "ARQC verified; online PIN block does not decode as ISO 9564 format 0 for this PAN under the host's PIN encryption key: decline (81)",
    );
    const clear = host([keySet(VISA, 18, { pin: "4321" })]).decide({
      iccData: data,
      onlinePinBlock: enciphered("4321"),
    });
    expect(toHex(clear.authorisationResponseCode)).toBe(ascii("81"));
    expect(clear.reason).toContain("(host has no PIN encryption key)");
  });

  it("without a reference PIN the block is deciphered and decoded but not compared", () => {
    const r = withPin({}).decide({ iccData: data, onlinePinBlock: enciphered("9876") });
    expect(r.reason).toBe(
      "ARQC verified; online PIN not checked (no reference PIN for this key set); no rule matched: approve (00)",
    );
  });

  it("property: any 4–12 digit PIN is accepted exactly when it is the reference PIN", () => {
    const pinArb = fc.stringMatching(/^[0-9]{4,12}$/);
    fc.assert(
      fc.property(pinArb, pinArb, (reference, entered) => {
        const r = withPin({ pin: reference }).decide({ iccData: data, onlinePinBlock: enciphered(entered) });
        expect(String.fromCharCode(...r.authorisationResponseCode)).toBe(reference === entered ? "00" : "55");
      }),
      { numRuns: 200 },
    );
  });
});
