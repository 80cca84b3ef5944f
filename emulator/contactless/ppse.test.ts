// Interfaces and the PPSE (EMV Contactless Book B §3.3): a contactless card answers SELECT 2PAY.SYS.DDF01 with
// 6F { 84, A5 { BF0C { 61 { 4F, 50, 87, 9F2A, 9F29 } … } } } and not the contact PSE; a dual card answers the PSE on
// contact and the PPSE on contactless. Expected bytes: the public trace (fixtures/visa-kernel3-traces.json) or built
// here tag by tag from Book B.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { EmulatedCard } from "../card.js";
import { listProfiles, loadProfile, ProfileError, parseProfile } from "../profile.js";
import { gpo, openCard, PPSE_SELECT, PSE_SELECT, selectAid, split } from "./testing/tap.js";

const traces = JSON.parse(readFileSync(new URL("./fixtures/visa-kernel3-traces.json", import.meta.url), "utf8")) as {
  traces: Record<string, { exchanges: { label: string; command: string; response: string }[] }>;
};

/** BER-TLV with a one-byte length (all values here are under 128 bytes). */
const tlv = (tag: string, value: string) =>
  `${tag}${(value.length / 2).toString(16).toUpperCase().padStart(2, "0")}${value}`;
const ascii = (s: string) => Buffer.from(s, "ascii").toString("hex").toUpperCase();
const ppse = (...entries: string[]) =>
  tlv("6F", tlv("84", ascii("2PAY.SYS.DDF01")) + tlv("A5", tlv("BF0C", entries.join(""))));

describe("SELECT PPSE", () => {
  it("visa-qvsdc-online answers the public trace's PPSE FCI and application FCI byte for byte", () => {
    const online = traces.traces["dh-visa-online"]!.exchanges;
    const card = openCard("visa-qvsdc-online");
    for (const e of online.slice(0, 2)) expect(toHex(card.transmit(fromHex(e.command)))).toBe(e.response);
  });

  it("visa-cvn18-cda (dual) on contactless: one entry 4F, 50, 87 01, 9F2A 03", () => {
    const card = openCard("visa-cvn18-cda");
    const r = split(card.transmit(fromHex(PPSE_SELECT)));
    expect(r.sw).toBe("9000");
    const entry = tlv(
      "61",
      tlv("4F", "A0000000031010") + tlv("50", ascii("VISA CREDIT")) + tlv("87", "01") + tlv("9F2A", "03"),
    );
    expect(toHex(r.data)).toBe(ppse(entry));
    expect(toHex(r.data)).toBe(
      "6F34840E325041592E5359532E4444463031A522BF0C1F611D4F07A0000000031010500B56495341204352454449548701019F2A0103",
    );
  });

  it("multi-app: both applications in profile order, the debit one with 87 = 81 (priority 1, confirmation) and no 9F2A", () => {
    const card = openCard("multi-app");
    const r = split(card.transmit(fromHex(PPSE_SELECT)));
    const credit = tlv(
      "61",
      tlv("4F", "A0000000031010") + tlv("50", ascii("VISA CREDIT")) + tlv("87", "02") + tlv("9F2A", "03"),
    );
    const debit = tlv("61", tlv("4F", "A0000000032010") + tlv("50", ascii("VISA DEBIT")) + tlv("87", "81"));
    expect(toHex(r.data)).toBe(ppse(credit, debit));
  });

  it("mastercard-cvn17-cda (dual, kernel 2 style): 9F2A 02 in the PPSE, the contact flow behind it", () => {
    const card = openCard("mastercard-cvn17-cda");
    const r = split(card.transmit(fromHex(PPSE_SELECT)));
    expect(toHex(r.data)).toContain(tlv("9F2A", "02"));
    const sel = selectAid(card, fromHex("A0000000043060"));
    expect(sel.sw).toBe("9000");
    // "emv" mode: the same GPO answer as on contact (format 2 with AIP and AFL).
    const contactless = split(card.transmit(fromHex("80A8000002830000")));
    expect(contactless.sw).toBe("9000");
    expect(toHex(contactless.data)).toBe(toHex(split(openGpoContact()).data));
    // 77 { 82 AIP 3D00, 94 AFL 08010100 10010101 18010200 } (the profile's values, Book 3 §6.5.8.4 format 2).
    expect(toHex(contactless.data)).toBe(tlv("77", tlv("82", "3D00") + tlv("94", "080101001001010118010200")));
  });

  it("the contactless interface has no PSE; the contact interface has no PPSE", () => {
    const cl = openCard("visa-cvn18-cda", "contactless");
    expect(split(cl.transmit(fromHex(PSE_SELECT))).sw).toBe("6A82");
    const ct = openCard("visa-cvn18-cda", "contact");
    expect(split(ct.transmit(fromHex(PPSE_SELECT))).sw).toBe("6A82");
    expect(split(ct.transmit(fromHex(PSE_SELECT))).sw).toBe("9000");
  });

  it("on contactless the FCI carries the contactless PDOL (9F66 first), on contact the contact one", () => {
    const aid = fromHex("A0000000031010");
    const cl = toHex(selectAid(openCard("visa-cvn18-cda", "contactless"), aid).data);
    const ct = toHex(selectAid(openCard("visa-cvn18-cda", "contact"), aid).data);
    expect(cl).toContain(tlv("9F38", "9F66049F02069F03069F1A0295055F2A029A039C019F3704"));
    expect(ct).toContain(tlv("9F38", "9F1A02"));
  });
});

/** The contact GPO answer of mastercard-cvn17-cda, for comparison with its contactless ("emv" mode) answer. */
function openGpoContact(): Uint8Array {
  const card = openCard("mastercard-cvn17-cda", "contact");
  selectAid(card, fromHex("A0000000043060"));
  return card.transmit(fromHex("80A8000002830000"));
}

describe("interfaces", () => {
  it("at least 10 built-in profiles are contactless, among them dual-interface built-ins", () => {
    const contactless = listProfiles({ interface: "contactless" });
    expect(contactless.length).toBeGreaterThanOrEqual(10);
    const dual = contactless.filter((id) => listProfiles({ interface: "contact" }).includes(id));
    expect(dual).toEqual(
      expect.arrayContaining(["visa-cvn18-cda", "visa-cvn10-dda", "visa-pin-preferring", "mastercard-cvn17-cda"]),
    );
  });

  it("a card opened on an interface it does not have is refused with the reason", () => {
    const r = loadProfile("amex-cda");
    if (!r.ok) throw r.error;
    expect(() => new EmulatedCard(r.value, { interface: "contactless" })).toThrow(ProfileError);
    expect(() => new EmulatedCard(r.value, { interface: "contactless" })).toThrow(
      /interfaces: the card has no contactless interface \(it has contact\)/,
    );
    const phone = loadProfile("visa-qvsdc-phone");
    if (!phone.ok) throw phone.error;
    expect(() => new EmulatedCard(phone.value, { interface: "contact" })).toThrow(/no contact interface/);
  });

  it("the default interface: contact for a dual card, contactless for a contactless-only card", () => {
    const dual = loadProfile("visa-cvn18-cda");
    const phone = loadProfile("visa-qvsdc-phone");
    if (!dual.ok || !phone.ok) throw new Error("profiles");
    expect(new EmulatedCard(dual.value).interface).toBe("contact");
    expect(new EmulatedCard(phone.value).interface).toBe("contactless");
  });
});

describe("profile validation of the contactless fields (one line per problem, with its path)", () => {
  const json = () => JSON.parse(readFileSync(new URL("../profiles/visa-qvsdc-phone.json", import.meta.url), "utf8"));
  const problems = (edit: (j: ReturnType<typeof json>) => void) => {
    const j = json();
    edit(j);
    const r = parseProfile(j, "bad.json");
    if (r.ok) throw new Error("expected a rejection");
    return r.error.problems;
  };
  it("names bad values and broken rules", () => {
    expect(problems((j) => (j.interfaces = "nfc"))[0]).toMatch(/^interfaces: /);
    expect(problems((j) => (j.historicalBytes = "00".repeat(16)))).toEqual([
      "historicalBytes: must be 0 to 15 bytes of hex",
    ]);
    expect(problems((j) => (j.interfaces = "contact"))).toContain(
      `applications[0].contactless: the card has no contactless interface (set 'interfaces' to "contactless" or "both")`,
    );
    expect(problems((j) => (j.applications[0].contactless.pdol = "9F02069F3704"))).toEqual([
      "applications[0].contactless.pdol: a qVSDC application needs a PDOL whose first entry is 9F66 (TTQ)",
      "applications[0].contactless.pdol: must ask for 5F2A (fDDA signs it)",
    ]);
    expect(problems((j) => delete j.applications[0].oda)).toEqual([
      "applications[0].contactless.fdda: fDDA signs with the ICC key: 'oda' needs method dda or cda and an 'icc' key",
    ]);
    expect(problems((j) => (j.applications[0].contactless.mode = "msd"))[0]).toMatch(
      /^applications\[0\]\.contactless\.mode: /,
    );
    expect(problems((j) => (j.pse = { sfi: 1 }))).toEqual([
      "pse: a contactless-only card has no PSE (set it to null; it answers the PPSE)",
    ]);
  });
});

describe("personalisation rules of contactless applications", () => {
  const json = () => JSON.parse(readFileSync(new URL("../profiles/visa-qvsdc-phone.json", import.meta.url), "utf8"));
  /** The error building a card from an edited phone profile (same id, so the same keystore keys). */
  const failure = (edit: (j: ReturnType<typeof json>) => void): string => {
    const j = json();
    edit(j);
    const r = parseProfile(j, "edited.json");
    if (!r.ok) throw r.error;
    try {
      new EmulatedCard(r.value, { interface: "contactless" });
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("expected personalisation to fail");
  };
  it("9F69 changes per tap, so its record may not be an ODA record", () => {
    expect(failure((j) => (j.applications[0].afl = "08010100100101011801020020010101"))).toBe(
      "visa-qvsdc-phone: applications[0].records[4]: SFI 4 record 1 holds 9F69, which changes per transaction; the AFL must not mark it for offline data authentication",
    );
  });
  it("one ICC certificate: a contactless AIP that changes the static data (9F4A = 82) is refused", () => {
    const j = json();
    j.interfaces = "both";
    j.pse = { sfi: 1 };
    j.applications[0].contactless.aip = "2080";
    const r = parseProfile(j, "edited.json");
    if (!r.ok) throw r.error;
    expect(() => new EmulatedCard(r.value, { interface: "contact" })).toThrow(
      /applications\[0\]\.contactless: the contactless AIP\/AFL give other static data to authenticate than the contact ones/,
    );
  });
  it("a GPO record tag that no record holds is named", () => {
    expect(failure((j) => (j.applications[0].contactless.gpoFromRecords = ["57", "5F20", "9F0B"]))).toBe(
      "visa-qvsdc-phone: applications[0].contactless.gpoFromRecords: tag 9F0B is in no record",
    );
  });
});

describe("contactless state across sessions", () => {
  it("the ATC and the offline total persist in the state file (visa-cvn18-cda: persistState)", () => {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-cl-"));
    try {
      const stateFile = join(dir, "card.json");
      const r = loadProfile("visa-cvn18-cda");
      if (!r.ok) throw r.error;
      for (const [atc, total] of [
        [29, 1000],
        [30, 2000],
      ] as const) {
        const card = new EmulatedCard(r.value, { interface: "contactless", stateFile });
        const sel = selectAid(card, fromHex("A0000000031010"));
        expect(gpo(card, sel.data).response.sw).toBe("9000");
        card.powerOff();
        const saved = JSON.parse(readFileSync(stateFile, "utf8")).applications.A0000000031010;
        expect([saved.atc, saved.offlineAmountTotal]).toEqual([atc, total]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
