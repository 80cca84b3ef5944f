import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { EmulatedCard } from "./card.js";
import { type CardProfile, parseProfile } from "./profile.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "test-plain.json");

function profile(edit?: (json: Record<string, unknown>) => void): CardProfile {
  const json = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
  edit?.(json);
  const r = parseProfile(json, FIXTURE);
  if (!r.ok) throw r.error;
  return r.value;
}

function card(edit?: (json: Record<string, unknown>) => void): EmulatedCard {
  let n = 0;
  // Repeatable "random" bytes: 01 02 03 …
  return new EmulatedCard(profile(edit), { random: (len) => Uint8Array.from({ length: len }, () => ++n & 0xff) });
}

/** Send hex, get hex (data ‖ SW). */
function send(c: EmulatedCard, apdu: string): string {
  return toHex(c.transmit(fromHex(apdu)));
}

const ascii = (s: string) => toHex(new TextEncoder().encode(s));
const tlv = (tag: string, value: string) =>
  tag + (value.length / 2).toString(16).toUpperCase().padStart(2, "0") + value;

const SELECT_PSE = `00A404000E${ascii("1PAY.SYS.DDF01")}00`;
const SELECT_CREDIT = "00A4040007A000000003101000";
const SELECT_DEBIT = "00A4040007A000000003201000";

describe("SELECT (Book 1 §11.3)", () => {
  it("answers the PSE with its FCI: 84 DF name, A5 { 88 SFI 01, 5F2D en }", () => {
    const fci = tlv("6F", tlv("84", ascii("1PAY.SYS.DDF01")) + tlv("A5", tlv("88", "01") + tlv("5F2D", ascii("en"))));
    expect(send(card(), SELECT_PSE)).toBe(`${fci}9000`);
  });

  it("answers an application with the FCI of Book 1 Table 45 (label, priority, PDOL, language)", () => {
    const a5 = tlv("50", ascii("VISA ONLINE")) + tlv("87", "01") + tlv("9F38", "9F1A02") + tlv("5F2D", ascii("en"));
    expect(send(card(), SELECT_CREDIT)).toBe(`${tlv("6F", tlv("84", "A0000000031010") + tlv("A5", a5))}9000`);
  });

  it("selects by partial AID, then the next occurrence, then 6A82", () => {
    const c = card();
    expect(send(c, "00A4040005A00000000300")).toContain("8407A0000000031010");
    expect(send(c, "00A4040205A00000000300")).toContain("8407A0000000032010");
    expect(send(c, "00A4040205A00000000300")).toBe("6A82");
  });

  it("puts cardholder confirmation in 87 b8 (priority 2 with confirmation → 82)", () => {
    expect(send(card(), SELECT_DEBIT)).toContain("870182");
  });

  it("answers 6A82 for an unknown AID and for the PSE on a card without one", () => {
    expect(send(card(), "00A4040007A000000004101000")).toBe("6A82");
    expect(
      send(
        card((j) => (j["pse"] = null)),
        SELECT_PSE,
      ),
    ).toBe("6A82");
  });

  it("answers 6A86 for P1 other than 04 and P2 other than 00/02", () => {
    expect(send(card(), "00A4000007A000000003101000")).toBe("6A86");
    expect(send(card(), "00A4040107A000000003101000")).toBe("6A86");
  });

  it("returns the FCI with 6283 for a blocked application, and GPO then answers 6985", () => {
    const c = card((j) => {
      (j["applications"] as Record<string, unknown>[])[0]!["blocked"] = true;
    });
    const r = send(c, SELECT_CREDIT);
    expect(r.slice(-4)).toBe("6283");
    expect(r.startsWith("6F")).toBe(true);
    expect(send(c, "80A80000048302084000")).toBe("6985");
  });
});

describe("READ RECORD (Book 3 §6.5.11)", () => {
  it("reads the PSE directory: one 61 entry per application with 4F, 50, 87", () => {
    const c = card();
    send(c, SELECT_PSE);
    const entry = tlv("61", tlv("4F", "A0000000031010") + tlv("50", ascii("VISA ONLINE")) + tlv("87", "01"));
    expect(send(c, "00B2010C00")).toBe(`${tlv("70", entry)}9000`);
    expect(send(c, "00B2020C00")).toContain("4F07A0000000032010");
    expect(send(c, "00B2030C00")).toBe("6A83");
    expect(send(c, "00B2011400")).toBe("6A82");
  });

  it("answers 6A83 for a missing record of a known SFI, 6A82 for an unknown SFI, 6A86 for P2 b3–b1 ≠ 100", () => {
    const c = card();
    send(c, SELECT_CREDIT);
    expect(send(c, "00B2010C00").slice(0, 4)).toBe("7026");
    expect(send(c, "00B2050C00")).toBe("6A83");
    expect(send(c, "00B2013C00")).toBe("6A82");
    expect(send(c, "00B2010800")).toBe("6A86");
    expect(send(c, "00B2000C00")).toBe("6A86");
  });

  it("answers 6985 when nothing is selected", () => {
    expect(send(card(), "00B2010C00")).toBe("6985");
  });
});

describe("GET PROCESSING OPTIONS (Book 3 §6.5.8)", () => {
  it("answers format 2 with AIP, AFL and the extra objects, and increments the ATC", () => {
    const c = card();
    send(c, SELECT_CREDIT);
    expect(send(c, "80CA9F3600")).toBe("9F3602001C9000");
    const body = tlv("82", "1C00") + tlv("94", "0801010010010101") + tlv("9F36", "001D");
    expect(send(c, "80A80000048302084000")).toBe(`${tlv("77", body)}9000`);
    expect(send(c, "80CA9F3600")).toBe("9F3602001D9000");
  });

  it("answers format 1 (80: AIP ‖ AFL) for an application without PDOL", () => {
    const c = card();
    send(c, SELECT_DEBIT);
    expect(send(c, "80A8000002830000")).toBe("800A1C0008010100100101019000");
  });

  it("checks the PDOL data length (6700), the template (6A80), P1/P2 (6A86) and GPO once (6985)", () => {
    const c = card();
    send(c, SELECT_CREDIT);
    expect(send(c, "80A8000002830000")).toBe("6700");
    expect(send(c, "80A80000048402084000")).toBe("6A80");
    expect(send(c, "80A80100048302084000")).toBe("6A86");
    expect(send(c, "80A80000048302084000").slice(-4)).toBe("9000");
    expect(send(c, "80A80000048302084000")).toBe("6985");
  });

  it("answers 6985 without a selected application", () => {
    expect(send(card(), "80A8000002830000")).toBe("6985");
  });
});

describe("GET DATA (Book 3 §6.5.7)", () => {
  it("returns ATC, last online ATC, PIN try counter, LCOL, UCOL and the log format; 6A88 otherwise", () => {
    const c = card();
    send(c, SELECT_CREDIT);
    expect(send(c, "80CA9F1300")).toBe("9F1302001B9000");
    expect(send(c, "80CA9F1700")).toBe("9F1701039000");
    expect(send(c, "80CA9F1400")).toBe("9F1401039000");
    expect(send(c, "80CA9F2300")).toBe("9F2301059000");
    expect(send(c, "80CA9F4F00")).toBe("9F4F0D9F02065F2A029A039C019F36029000");
    expect(send(c, "80CA9F7900")).toBe("6A88");
  });
});

describe("VERIFY and GET CHALLENGE (Book 3 §6.5.12, §6.5.6)", () => {
  function afterGpo(): EmulatedCard {
    const c = card();
    send(c, SELECT_CREDIT);
    send(c, "80A80000048302084000");
    return c;
  }

  it("accepts the right plaintext PIN block (241234FFFFFFFFFF) with 9000", () => {
    expect(send(afterGpo(), "0020008008241234FFFFFFFFFF")).toBe("9000");
  });

  it("counts down 63C2, 63C1, 63C0 on wrong PINs, then answers 6983; the right PIN resets the counter", () => {
    const c = afterGpo();
    expect(send(c, "0020008008241111FFFFFFFFFF")).toBe("63C2");
    expect(send(c, "0020008008241234FFFFFFFFFF")).toBe("9000");
    expect(send(c, "80CA9F1700")).toBe("9F1701039000");
    expect(send(c, "0020008008241111FFFFFFFFFF")).toBe("63C2");
    expect(send(c, "0020008008241111FFFFFFFFFF")).toBe("63C1");
    expect(send(c, "0020008008241111FFFFFFFFFF")).toBe("63C0");
    expect(send(c, "0020008008241234FFFFFFFFFF")).toBe("6983");
    expect(c.snapshot().applications["A0000000031010"]!.pinTryCounter).toBe(0);
  });

  it("rejects a malformed PIN block (6A80), a wrong length (6700) and a wrong P2 (6A86)", () => {
    const c = afterGpo();
    expect(send(c, "0020008008341234FFFFFFFFFF")).toBe("6A80");
    expect(send(c, "0020008008231234FFFFFFFFFF")).toBe("6A80");
    expect(send(c, "00200080071234FFFFFFFFFF")).toBe("6700");
    expect(send(c, "0020008108241234FFFFFFFFFF")).toBe("6A86");
  });

  it("answers 6984 when the application has no reference PIN", () => {
    const c = card((j) => {
      delete (j["applications"] as Record<string, unknown>[])[0]!["pin"];
    });
    send(c, SELECT_CREDIT);
    send(c, "80A80000048302084000");
    expect(send(c, "0020008008241234FFFFFFFFFF")).toBe("6984");
  });

  it("GET CHALLENGE returns 8 bytes from the random source; enciphered PIN without a challenge is 6985", () => {
    const c = afterGpo();
    expect(send(c, "0084000000")).toBe("01020304050607089000");
    expect(send(c, "0084000100")).toBe("6A86");
    const fresh = afterGpo();
    expect(send(fresh, `00200088${"80"}${"00".repeat(128)}`)).toBe("6985");
  });
});

describe("class and instruction checks (ISO 7816-4 §5.1.3)", () => {
  it("answers 6E00 for an unknown class or a known INS with the wrong class, 6D00 for an unknown INS", () => {
    const c = card();
    expect(send(c, "11A4040000")).toBe("6E00");
    expect(send(c, "80A4040007A000000003101000")).toBe("6E00");
    expect(send(c, "00A8000002830000")).toBe("6E00");
    expect(send(c, "0050000000")).toBe("6D00");
  });

  it("answers 6700 for an APDU whose Lc does not match its length, and for extended length", () => {
    const c = card();
    expect(send(c, "00A4040007A0000000")).toBe("6700");
    expect(send(c, "00A404000007A000000003101000")).toBe("6700");
    expect(send(c, "00A4")).toBe("6700");
  });
});

describe("deliberate faults", () => {
  it("answers the given SW on the n-th occurrence of a command", () => {
    const c = card((j) => {
      j["faults"] = [{ kind: "sw", command: "READ RECORD", sw: "6A83", occurrence: 2 }];
    });
    send(c, SELECT_CREDIT);
    expect(send(c, "00B2010C00").slice(-4)).toBe("9000");
    expect(send(c, "00B2010C00")).toBe("6A83");
    expect(send(c, "00B2010C00").slice(-4)).toBe("9000");
  });

  it("cid-byte: the n-th GENERATE AC answers exactly the given CID, the others the card's own", () => {
    const c = card((j) => {
      j["faults"] = [{ kind: "cid-byte", occurrence: 1, cid: "C8" }];
    });
    send(c, SELECT_CREDIT);
    send(c, "80A80000048302084000");
    // CDOL1 data: 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 9F35 9F34 (33 bytes); a TC request (P1 40), format 1 answer 80.
    const cdol1 = "000000001000000000000000084000000000000840251129001111111122" + "1E0300";
    const answer = send(c, `80AE400021${cdol1}00`);
    expect(answer.slice(0, 6)).toBe("8012C8");
    expect(answer.slice(-4)).toBe("9000");
  });

  it("truncates a response to the given number of data bytes", () => {
    const c = card((j) => {
      j["faults"] = [{ kind: "truncate", command: "SELECT", keep: 5 }];
    });
    expect(send(c, SELECT_CREDIT)).toBe("6F268407A09000");
  });
});
