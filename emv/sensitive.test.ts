// Masking by content (issue 13 defect 1): a PAN or track 2 that is not under its own tag (a record that is not
// valid BER-TLV, a bit flip that turned tag 57 into 55) is masked too. PAN rule: PCI DSS 3.4 (first 6, last 4).
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "./bytes.js";
import {
  displaySensitiveContent,
  displayTlvBytes,
  displayValue,
  isLuhnValid,
  MASKED,
  maskPanContentInHex,
  sensitiveContent,
  UNMASKED,
} from "./sensitive.js";
import { decodeTlvs } from "./tlv/ber.js";

// 4761739001010119: the Visa test PAN of the emv-utils vectors (Luhn-valid).
const PAN = "4761739001010119";
const TRACK2 = "4761739001010119D25122011143804400000F";
const ascii = (s: string) => toHex(new TextEncoder().encode(s));
/** A disclosure of the PAN alone: track data stays hidden. */
const PAN_ONLY = { unmaskPan: true };

describe("isLuhnValid (ISO/IEC 7812-1 Annex B)", () => {
  it("accepts PANs with a correct check digit and rejects a changed digit", () => {
    expect(isLuhnValid(PAN)).toBe(true);
    expect(isLuhnValid("4761730000000003")).toBe(true);
    expect(isLuhnValid("79927398713")).toBe(true); // the ISO/IEC 7812 worked example
    expect(isLuhnValid("4761739001010118")).toBe(false);
    expect(isLuhnValid("79927398710")).toBe(false);
  });
});

describe("sensitiveContent", () => {
  it("recognises a BCD PAN (F-padded too), ASCII PAN, BCD and ASCII track 2, ASCII track 1", () => {
    expect(sensitiveContent(fromHex(PAN))).toBe("pan");
    expect(sensitiveContent(fromHex("476173900101011F"))).toBe(isLuhnValid("476173900101011") ? "pan" : undefined);
    expect(sensitiveContent(fromHex(ascii(PAN)))).toBe("pan");
    expect(sensitiveContent(fromHex(TRACK2))).toBe("track");
    expect(sensitiveContent(fromHex(ascii(`${PAN}=25122011143804400000`)))).toBe("track");
    expect(sensitiveContent(fromHex(ascii(`B${PAN}^CARDHOLDER/TEST^2512201`)))).toBe("track");
  });

  it("leaves other data alone: amounts, dates, a PAN with a wrong check digit, cryptograms", () => {
    expect(sensitiveContent(fromHex("000000001234"))).toBeUndefined();
    expect(sensitiveContent(fromHex("4761739001010118"))).toBeUndefined();
    expect(sensitiveContent(fromHex("1122334455667788"))).toBeUndefined();
    expect(sensitiveContent(fromHex("A0000000031010"))).toBeUndefined();
  });
});

describe("displayValue masks by content under any tag", () => {
  it("tag 57 flipped to 55 (one bit): track 2 shown masked", () => {
    expect(displayValue(0x55, fromHex(TRACK2))).toBe("476173******0119D<hidden>");
    expect(displayValue(0x55, fromHex(TRACK2), PAN_ONLY)).toBe(`${PAN}D<hidden>`);
  });
  it("tag 5A flipped to 5B: PAN shown masked unless unmasked", () => {
    expect(displayValue(0x5b, fromHex(PAN))).toBe("476173******0119");
    expect(displayValue(0x5b, fromHex(PAN), PAN_ONLY)).toBe(PAN);
  });
  it("an ASCII PAN and an ASCII track are masked", () => {
    expect(displaySensitiveContent(fromHex(ascii(PAN)))).toBe("476173******0119");
    expect(displaySensitiveContent(fromHex(ascii(`${PAN}=2512201`)), PAN_ONLY)).toBe("<24 bytes hidden>");
  });
});

describe("maskPanContentInHex (data that is not BER-TLV)", () => {
  it("a truncated record: track 2 and the PAN before it masked, the discretionary data hidden", () => {
    const truncated = `701F5A08${PAN}5713${TRACK2.slice(0, 30)}`;
    const out = maskPanContentInHex(truncated);
    // The digits before D run from 08 through the first PAN and 5713 to the PAN in track 2: masked as one run,
    // longer than a PAN, so only its first 6 digits show.
    expect(out).toBe(`701F5A084761${"*".repeat(32)}D<hidden>`);
    expect(out).not.toContain(PAN);
    expect(out).not.toContain("2512201114");
  });
  it("a PAN inside a digit run: the run keeps its first 6 and last 4 (only 6 when longer than a PAN)", () => {
    expect(maskPanContentInHex(`01${PAN}`)).toBe(`014761${"*".repeat(8)}0119`);
    expect(maskPanContentInHex(`0108${PAN}00`)).toBe(`010847${"*".repeat(16)}`);
  });
  it("an ASCII PAN (3x bytes) is masked", () => {
    const out = maskPanContentInHex(`FF${ascii(PAN)}FF`);
    expect(out).toBe(`FF343736${"*".repeat(26)}FF`);
  });
  it("a track 2 whose separator was flipped (D → C) is hidden too, masked or not (found by the session runner)", () => {
    const broken = `5713${TRACK2.replace("D", "C")}`;
    expect(maskPanContentInHex(broken)).toBe(`571347${"*".repeat(14)}C<hidden>`);
    expect(maskPanContentInHex(TRACK2.replace("D", "C"), PAN_ONLY)).toBe(`${PAN}C<hidden>`);
    expect(displayValue(0x55, fromHex(TRACK2.replace("D", "C")), PAN_ONLY)).toBe("<19 bytes hidden>");
  });
  it("unmasked, a digit run longer than a PAN that holds one is masked (the separator flipped into a digit)", () => {
    const run = TRACK2.replace("D", "9").replace(/F$/, "");
    expect(maskPanContentInHex(`57${run}`, PAN_ONLY)).toBe(`57${PAN.slice(0, 4)}${"*".repeat(run.length - 4)}`);
  });
  it("with unmask the PAN shows, the track's discretionary data never does", () => {
    expect(maskPanContentInHex(`${PAN}AB`, PAN_ONLY)).toBe(`${PAN}AB`);
    expect(maskPanContentInHex(`13${TRACK2}`, PAN_ONLY)).toBe(`13${PAN}D<hidden>`);
  });
  it("hex with no PAN is unchanged: short digit runs, runs without a Luhn-valid window, zero fill", () => {
    expect(maskPanContentInHex("0102AABBCCDDEEFF")).toBe("0102AABBCCDDEEFF");
    expect(maskPanContentInHex("9A032505119F2103120000")).toBe("9A032505119F2103120000");
    expect(maskPanContentInHex("1111111111111")).toBe("1111111111111");
    expect(maskPanContentInHex("00000000000000000000")).toBe("00000000000000000000");
  });
});

describe("displayTlvBytes", () => {
  it("masks a record that is not BER-TLV by content (it was shown as hex)", () => {
    const out = displayTlvBytes(fromHex(`701F5A08${PAN}5713${TRACK2.slice(0, 30)}`), MASKED);
    expect(out).not.toContain(PAN);
    expect(out).toBe(`701F5A084761${"*".repeat(32)}D<hidden>`);
  });
  it("masks a PAN or track 2 under a flipped tag inside a valid template", () => {
    const out = displayTlvBytes(fromHex(`701F5B08${PAN}5513${TRACK2}`), MASKED);
    expect(out).toBe("701F5B08[476173******0119]5513[476173******0119D<hidden>]");
  });
});

// Found by the session runner (npm run fuzz -- --sessions 20000 --seed long1): one bit flipped in a record.
describe("records damaged by a bit flip (session runner findings)", () => {
  it("template 70 flipped to 50 (Application Label, 1–16 bytes): the 38-byte value is searched whole", () => {
    const record = fromHex(`502657124761740000000002D301220100000200000F5F200F544553542F43415244484F4C444552`);
    const out = displayTlvBytes(record, MASKED);
    expect(out).toBe(`5026[571247${"*".repeat(14)}D<hidden>5F200F544553542F43415244484F4C444552]`);
    expect(displayTlvBytes(record, PAN_ONLY)).not.toContain("30122010000020");
  });
  it("57 flipped to 53 with the PAN damaged too: what follows the separator is hidden", () => {
    const out = displayTlvBytes(fromHex("70145312" + "47618D0000000009D301220100000000000F"), PAN_ONLY);
    expect(out).toBe("70145312[47618D<hidden>D<hidden>]");
  });
  it("data that is not TLV with a damaged PAN before D: the track tail is hidden, unmasked too", () => {
    expect(maskPanContentInHex("7026571247617AD301220100000000000F5F20", PAN_ONLY)).toBe("7026571247617AD<hidden>5F20");
  });
  it("known data objects of allowed lengths are shown as they are (a cryptogram, an amount, a label)", () => {
    expect(displayValue(0x9f26, fromHex("1234567890123456"))).toBe("1234567890123456");
    expect(displayValue(0x50, fromHex("56495341204352454449"))).toBe("56495341204352454449");
  });
});

describe("a track 2 swallowed by a known data object (session runner finding, contactless GPO)", () => {
  it("AFL 94 whose length byte was flipped (10 → 30) takes the 57 after it: track 2 hidden, masked or not", () => {
    // 77 2D: 82 (AIP) and 94 of 39 bytes = 16 bytes of AFL, then 57 11 and its 17 bytes, then 5F34 01 01.
    const gpo = fromHex(`772D820220009427080101001001010118010200200101005711${TRACK2.slice(0, 34)}5F340101`);
    expect(decodeTlvs(gpo)[0]!.children!.map((n) => n.tagHex)).toEqual(["82", "94"]);
    const masked = displayTlvBytes(gpo, MASKED);
    expect(masked).not.toContain(PAN);
    expect(masked).not.toContain("2512201114");
    expect(displayTlvBytes(gpo, PAN_ONLY)).not.toContain("2512201114");
  });
});

describe("maskTrack2 on a damaged track 2 (session runner finding: separator D flipped to F, padding F to D)", () => {
  it("what stands before the first D is not a PAN (more than 19 digits, or not digits): the value is hidden whole", () => {
    const damaged = "4761730000000003F301220100000000000D";
    expect(displayValue(0x57, fromHex(damaged), PAN_ONLY)).toBe("<18 bytes hidden>");
    expect(displayValue(0x57, fromHex(damaged))).toBe("<18 bytes hidden>");
    expect(displayValue(0x57, fromHex(`${PAN.slice(0, 4)}A${PAN.slice(5)}D2512201`))).toBe("<12 bytes hidden>");
  });
  it("a well-formed track 2 keeps its masked PAN", () => {
    expect(displayValue(0x57, fromHex(TRACK2))).toBe("476173******0119D<hidden>");
  });
});

describe("UNMASKED (--unmask): what the card sent in clear, PIN data never", () => {
  it("shows PAN and track 2 under their tags and by content, and hides Transaction PIN Data (99)", () => {
    expect(displayValue(0x57, fromHex(TRACK2), UNMASKED)).toBe(TRACK2);
    expect(displayValue(0x5a, fromHex(PAN), UNMASKED)).toBe(PAN);
    expect(displayValue(0x55, fromHex(TRACK2), UNMASKED)).toBe(TRACK2);
    expect(displayValue(0x99, fromHex("241234FFFFFFFFFF"), UNMASKED)).toBe("<8 bytes hidden>");
    expect(maskPanContentInHex(`7026${TRACK2}`, UNMASKED)).toBe(`7026${TRACK2}`);
  });
  it("renders a record as its exact hex, a PIN data object inside a template hidden", () => {
    const record = `701F5A08${PAN}5713${TRACK2}`;
    expect(displayTlvBytes(fromHex(record), UNMASKED)).toBe(record);
    expect(displayTlvBytes(fromHex("700A9908241234FFFFFFFFFF"), UNMASKED)).toBe("700A9908[<8 bytes hidden>]");
  });
});
