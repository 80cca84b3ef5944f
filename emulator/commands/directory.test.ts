// The PSE laid out by the profile (Book 1 §12.2.3): several entries per record, several records, DDF entries (9D)
// and the DDFs they name; the selection faults of Book 1 §12.4 (SW at SELECT, another DF name in the FCI).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { EmulatedCard } from "../card.js";
import { parseProfile } from "../profile.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "test-plain.json");

type Json = Record<string, unknown>;

function load(edit: (json: Json) => void) {
  const json = JSON.parse(readFileSync(FIXTURE, "utf8")) as Json;
  edit(json);
  return parseProfile(json, FIXTURE);
}

function card(edit: (json: Json) => void): EmulatedCard {
  const r = load(edit);
  if (!r.ok) throw r.error;
  return new EmulatedCard(r.value, { random: (n) => new Uint8Array(n) });
}

const send = (c: EmulatedCard, apdu: string) => toHex(c.transmit(fromHex(apdu)));
const ascii = (s: string) => toHex(new TextEncoder().encode(s));
const tlv = (tag: string, value: string) =>
  tag + (value.length / 2).toString(16).toUpperCase().padStart(2, "0") + value;

const SELECT_PSE = `00A404000E${ascii("1PAY.SYS.DDF01")}00`;
const CREDIT = "A0000000031010";
const DEBIT = "A0000000032010";
const DDF = "D276000025454D5601";
/** ADF entries as Book 1 Table 47 gives them from the fixture's applications. */
const CREDIT_ENTRY = tlv("61", tlv("4F", CREDIT) + tlv("50", ascii("VISA ONLINE")) + tlv("87", "01"));
const DEBIT_ENTRY = tlv("61", tlv("4F", DEBIT) + tlv("50", ascii("VISA DEBIT")) + tlv("87", "82"));

const layout = (j: Json) => {
  j["pse"] = {
    sfi: 1,
    records: [[{ aid: CREDIT }, { ddf: DDF }]],
    ddfs: [{ name: DDF, sfi: 2, records: [[{ aid: DEBIT }], [{ aid: CREDIT }]] }],
  };
};

describe("PSE directory laid out by the profile (Book 1 §12.2.3)", () => {
  it("puts several entries in one record: an ADF entry and a DDF entry (61 { 9D name })", () => {
    const c = card(layout);
    send(c, SELECT_PSE);
    expect(send(c, "00B2010C00")).toBe(`${tlv("70", CREDIT_ENTRY + tlv("61", tlv("9D", DDF)))}9000`);
    expect(send(c, "00B2020C00")).toBe("6A83");
  });

  it("answers SELECT of the DDF with its FCI (84 name, A5 { 88 SFI }) and reads its records from that SFI", () => {
    const c = card(layout);
    const fci = tlv("6F", tlv("84", DDF) + tlv("A5", tlv("88", "02")));
    expect(send(c, `00A4040009${DDF}00`)).toBe(`${fci}9000`);
    expect(send(c, "00B2011400")).toBe(`${tlv("70", DEBIT_ENTRY)}9000`);
    expect(send(c, "00B2021400")).toBe(`${tlv("70", CREDIT_ENTRY)}9000`);
    expect(send(c, "00B2031400")).toBe("6A83");
    // The PSE's own SFI is not this directory's.
    expect(send(c, "00B2010C00")).toBe("6A82");
  });

  it("keeps the default directory (one application per record) when no records are given", () => {
    const c = card((j) => {
      j["pse"] = { sfi: 1 };
    });
    send(c, SELECT_PSE);
    expect(send(c, "00B2010C00")).toBe(`${tlv("70", CREDIT_ENTRY)}9000`);
    expect(send(c, "00B2020C00")).toBe(`${tlv("70", DEBIT_ENTRY)}9000`);
  });

  it("refuses entries that name no application or no DDF of the card, and a DDF named like an application", () => {
    const r = load((j) => {
      j["pse"] = {
        sfi: 1,
        records: [[{ aid: "A0000000041010" }, { ddf: "A000000003" }]],
        ddfs: [{ name: CREDIT, sfi: 2, records: [[{ aid: DEBIT }]] }],
      };
    });
    expect(r.ok ? [] : r.error.problems).toEqual([
      `pse.ddfs[0].name: ${CREDIT} is also an application's AID`,
      "pse.records[0][0].aid: A0000000041010 is not an application of this card",
      "pse.records[0][1].ddf: A000000003 is not one of pse.ddfs",
    ]);
  });
});

describe("selection faults (Book 1 §12.4)", () => {
  it("select-sw: the named DF answers the SW at first occurrence, nothing else changes", () => {
    const c = card((j) => {
      j["faults"] = [{ kind: "select-sw", name: DEBIT, sw: "6A81" }];
    });
    expect(send(c, `00A4040007${DEBIT}00`)).toBe("6A81");
    expect(send(c, `00A4040007${CREDIT}00`).endsWith("9000")).toBe(true);
  });

  it("fci-df-name: the FCI of the application carries the other DF name in 84", () => {
    const c = card((j) => {
      j["faults"] = [{ kind: "fci-df-name", aid: CREDIT, dfName: "A000000003101099" }];
    });
    const a5 = tlv("50", ascii("VISA ONLINE")) + tlv("87", "01") + tlv("9F38", "9F1A02") + tlv("5F2D", ascii("en"));
    expect(send(c, `00A4040007${CREDIT}00`)).toBe(`${tlv("6F", tlv("84", "A000000003101099") + tlv("A5", a5))}9000`);
  });
});

describe("Language Preference in the PSE's FCI (Book 1 §12.2.2)", () => {
  const pseLanguage = (pse: Json) => {
    const c = card((j) => {
      j["pse"] = pse;
    });
    return send(c, SELECT_PSE);
  };

  it("is the first application's by default, the profile's own when given, absent with null", () => {
    const fci = (a5: string) => `${tlv("6F", tlv("84", ascii("1PAY.SYS.DDF01")) + tlv("A5", a5))}9000`;
    expect(pseLanguage({ sfi: 1 })).toBe(fci(tlv("88", "01") + tlv("5F2D", ascii("en"))));
    expect(pseLanguage({ sfi: 1, language: "defr" })).toBe(fci(tlv("88", "01") + tlv("5F2D", ascii("defr"))));
    expect(pseLanguage({ sfi: 1, language: null })).toBe(fci(tlv("88", "01")));
  });
});
