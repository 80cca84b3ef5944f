import { describe, expect, it } from "vitest";
import { fromHex } from "../emv/bytes.js";
import { MASKED } from "../emv/sensitive.js";
import { TransactionData } from "./data/store.js";
import { parseScriptResults, redactor, resultToJson } from "./result.js";
import { PAN, sampleRecord, TRACK2 } from "./testing/record.js";

describe("resultToJson", () => {
  it("gives the issue's fields exactly, masked, without the trace by default", () => {
    const json = resultToJson(sampleRecord(), { trace: false, unmask: false });
    expect(json).toEqual({
      outcome: "online-approved",
      reason: "issuer approved (8A 00), card returned TC",
      aid: "A0000000031010",
      label: "VISA CREDIT",
      pan: "476173******0119",
      oda: { method: "CDA", result: "passed" },
      tvr: "0000008000",
      tvrBits: ["Transaction exceeds floor limit"],
      tsi: "F800",
      tsiBits: [
        "Offline data authentication was performed",
        "Cardholder verification was performed",
        "Card risk management was performed",
        "Issuer authentication was performed",
        "Terminal risk management was performed",
      ],
      cvmResults: "410302",
      cvm: {
        method: "Plaintext PIN verification performed by ICC",
        condition: "If terminal supports the CVM",
        result: "successful",
      },
      cryptograms: [
        { type: "ARQC", value: "1122334455667788", requested: "ARQC", cid: "80", atc: "0001", cdaRequested: true },
        { type: "TC", value: "8877665544332211", requested: "TC", cid: "40", atc: "0001", cdaRequested: true },
      ],
      online: {
        attempted: true,
        reachable: true,
        responseCode: "00",
        issuerAuthentication: "passed",
        scriptResults: "20112233441200000000",
        scripts: [
          { id: "11223344", result: "successful", command: 0 },
          { id: "00000000", result: "failed", command: 2 },
        ],
      },
      authorizationData: "9F2701805A08[476173******0119]5F340101",
      events: [
        { step: "read-application-data", message: "card data read for 476173******0119" },
        { step: "cardholder-verification", message: "offline plaintext PIN verified" },
      ],
    });
  });

  it("traces commands and responses with PIN data hidden and PAN/track 2 masked", () => {
    const json = resultToJson(sampleRecord(), { trace: true, unmask: false });
    expect(json.trace?.slice(3)).toEqual([
      {
        name: "READ RECORD",
        command: "00B2011400",
        response: "701F5A08[476173******0119]5713[476173******0119D<hidden>]9000",
      },
      { name: "VERIFY", command: "0020008008[<8 bytes hidden>]", response: "9000" },
      { name: "GET CHALLENGE", command: "0084000000", response: "01020304050607089000" },
    ]);
  });

  it("shows the PAN and track 2 as the card sent them with --unmask, never the PIN block", () => {
    const json = resultToJson(sampleRecord(), { trace: true, unmask: true });
    const text = JSON.stringify(json);
    expect(json.pan).toBe(PAN);
    expect(json.authorizationData).toBe(`9F2701805A08${PAN}5F340101`);
    expect(json.trace?.[3]?.response).toBe(`701F5A08${PAN}5713${PAN}D25122011143804400000F9000`);
    expect(text).not.toContain("241234FFFFFFFFFF");
    expect(json.trace?.[4]?.command).toBe("0020008008[<8 bytes hidden>]");
  });

  it("never lets the PAN out in clear when masked, wherever it appears", () => {
    const record = sampleRecord({
      reason: `declined for ${PAN}`,
      oda: { method: "DDA", result: "failed", reason: `hash over ${PAN} does not match` },
    });
    const text = JSON.stringify(resultToJson(record, { trace: true, unmask: false }));
    expect(text).not.toContain(PAN);
    expect(text).not.toContain(PAN.slice(6, 12));
    expect(text).toContain('"odaReason":"hash over 476173******0119 does not match"');
  });

  it("reports a transaction terminated before selection with null aid and cvmResults", () => {
    const record = sampleRecord({
      outcome: "terminated",
      reason: "no supported application",
      aid: undefined,
      label: undefined,
      oda: { method: "none", result: "not-performed" },
      cvmResults: undefined,
      cryptograms: [],
      online: undefined,
      authorizationData: undefined,
      data: new TransactionData(),
      tvr: fromHex("0000000000"),
      tsi: fromHex("0000"),
    });
    const json = resultToJson(record, { trace: false, unmask: false });
    expect(json.aid).toBeNull();
    expect(json.cvmResults).toBeNull();
    expect(json.tvrBits).toEqual([]);
    expect(json.cryptograms).toEqual([]);
    expect("online" in json).toBe(false);
  });

  it("reports a CDA still pending at the end as not performed", () => {
    const json = resultToJson(sampleRecord({ oda: { method: "CDA", result: "pending" } }), {
      trace: false,
      unmask: false,
    });
    expect(json.oda).toEqual({ method: "CDA", result: "not-performed" });
  });
});

describe("parseScriptResults (Book 3 Annex A 9F5B)", () => {
  it("splits 5-byte entries: result nibble, command sequence, script id", () => {
    expect(parseScriptResults(fromHex("0F00000001" + "2000000002"))).toEqual([
      { id: "00000001", result: "not-performed", command: 15 },
      { id: "00000002", result: "successful", command: 0 },
    ]);
  });
});

describe("redactor", () => {
  it("hides the card's track 2 inside any hex and masks its PAN", () => {
    const r = redactor(sampleRecord().data, MASKED);
    expect(r.hex(`AA${TRACK2}BB`)).toBe("AA476173******0119D<hidden>BB");
    expect(r.hex(`9F02${PAN}`)).toBe("9F02476173******0119");
    expect(r.text(`PAN 5413330089010012 seen`)).toBe("PAN 541333******0012 seen");
  });
});

// Issue 13 defect 1: the card's answers in the trace are masked by content, not only by tag and not only by the
// values the kernel stored (a record that is not BER-TLV never reaches the data store).
describe("sensitive data in a trace the kernel could not parse", () => {
  const hostile = () =>
    sampleRecord({
      outcome: "terminated",
      reason: "SFI 1 record 1 is not a single valid BER-TLV template",
      data: new TransactionData(),
      authorizationData: undefined,
      trace: [
        // Truncated: 57 runs past the end of the answer.
        {
          name: "READ RECORD",
          command: fromHex("00B2010C00"),
          response: fromHex(`701F5A08${PAN}5713${TRACK2.slice(0, 24)}9000`),
        },
        // One bit flipped in each tag: 5A → 5B, 57 → 55.
        { name: "READ RECORD", command: fromHex("00B2020C00"), response: fromHex(`701F5B08${PAN}5513${TRACK2}9000`) },
      ],
    });
  it("--json trace: no PAN and no track 2 discretionary data in clear", () => {
    const text = JSON.stringify(resultToJson(hostile(), { trace: true, unmask: false }));
    expect(text).not.toContain(PAN);
    expect(text).not.toContain(PAN.slice(6, 12));
    expect(text).not.toContain("2512201114");
    const trace = resultToJson(hostile(), { trace: true, unmask: false }).trace!;
    expect(trace[1]!.response).toBe("701F5B08[476173******0119]5513[476173******0119D<hidden>]9000");
  });
  it("--json --unmask: the exact bytes, flipped tags and all (what a replayable trace needs)", () => {
    const trace = resultToJson(hostile(), { trace: true, unmask: true }).trace!;
    expect(trace[1]!.response).toBe(`701F5B08${PAN}5513${PAN}D25122011143804400000F9000`);
  });
});
