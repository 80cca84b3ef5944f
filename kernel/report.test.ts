import { describe, expect, it } from "vitest";
import { fromHex } from "../emv/bytes.js";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { TransactionData } from "./data/store.js";
import { explainRegister, transactionReport } from "./report.js";
import { PAN, sampleRecord, TRACK2 } from "./testing/record.js";

/** The lines from `first` up to (not including) the next empty line. */
function block(text: string, first: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(first);
  expect(start, `line '${first}' in the report`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf("", start);
  return lines.slice(start, end < 0 ? undefined : end);
}

describe("transactionReport", () => {
  const masked = transactionReport(sampleRecord(), { trace: true, unmask: false });

  it("opens with the transaction and the outcome", () => {
    expect(masked.split("\n").slice(0, 4)).toEqual([
      "emvsim transaction report",
      "",
      "Transaction: purchase (9C 00), amount 12.34 (currency 978), on 2025-05-11 12:00:00",
      "Outcome: ONLINE-APPROVED — issuer approved (8A 00), card returned TC",
    ]);
  });

  it("goes step by step: selection, data read (PAN masked), ODA, CVM decoded", () => {
    expect(block(masked, "1. Application selection (Book 1 §12)")).toEqual([
      "1. Application selection (Book 1 §12)",
      '   Selected: A0000000031010 "VISA CREDIT"',
    ]);
    expect(block(masked, "2. Read application data (Book 3 §10.2)")).toEqual([
      "2. Read application data (Book 3 §10.2)",
      "   Records read: SFI 2 record 1",
      "   PAN: 476173******0119",
      "   PAN sequence number: 01",
      "   Expiry: 2025-12-31",
      "   - card data read for 476173******0119",
    ]);
    expect(block(masked, "3. Offline data authentication (Book 3 §10.3)")).toEqual([
      "3. Offline data authentication (Book 3 §10.3)",
      "   Method: CDA, result: passed",
    ]);
    expect(block(masked, "4. Cardholder verification (Book 3 §10.5)")).toEqual([
      "4. Cardholder verification (Book 3 §10.5)",
      "   CVM Results (9F34) 410302:",
      "      CVM performed: Plaintext PIN verification performed by ICC",
      "      Condition: If terminal supports the CVM",
      "      Result: successful",
      "   - offline plaintext PIN verified",
    ]);
  });

  it("shows each GENERATE AC (requested vs returned, CID decoded), the online result and the scripts", () => {
    expect(block(masked, "5. Terminal and card action analysis (Book 3 §10.7, §10.8)")).toEqual([
      "5. Terminal and card action analysis (Book 3 §10.7, §10.8)",
      "   GENERATE AC 1: requested ARQC with CDA signature, card returned ARQC",
      "      CID 80: Cryptogram: ARQC",
      "      Application Cryptogram 1122334455667788",
      "      ATC 0001",
    ]);
    expect(block(masked, "6. Online processing (Book 3 §10.9)")).toEqual([
      "6. Online processing (Book 3 §10.9)",
      "   Authorisation Response Code (8A): 00",
      "   Issuer authentication: passed",
    ]);
    expect(block(masked, "7. Issuer script processing (Book 3 §10.10)")).toEqual([
      "7. Issuer script processing (Book 3 §10.10)",
      "   Issuer Script Results (9F5B) 20112233441200000000:",
      "      script 11223344: successful",
      "      script 00000000: failed, command 2",
    ]);
    expect(block(masked, "8. Completion (Book 3 §10.11)")).toEqual([
      "8. Completion (Book 3 §10.11)",
      "   GENERATE AC 2: requested TC with CDA signature, card returned TC",
      "      CID 40: Cryptogram: TC",
      "      Application Cryptogram 8877665544332211",
      "      ATC 0001",
    ]);
  });

  it("explains TVR and TSI bit by bit", () => {
    expect(block(masked, "TVR (95) 0000008000:").slice(0, 2)).toEqual([
      "TVR (95) 0000008000:",
      "   byte 4 bit 8: Transaction exceeds floor limit",
    ]);
    expect(masked).toContain(
      [
        "TSI (9B) F800:",
        "   byte 1 bit 8: Offline data authentication was performed",
        "   byte 1 bit 7: Cardholder verification was performed",
        "   byte 1 bit 6: Card risk management was performed",
        "   byte 1 bit 5: Issuer authentication was performed",
        "   byte 1 bit 4: Terminal risk management was performed",
      ].join("\n"),
    );
  });

  it("decodes the trace with PIN data hidden, PAN and track 2 masked", () => {
    expect(block(masked, "#5 VERIFY")).toEqual([
      "#5 VERIFY",
      "   > 0020008008[<8 bytes hidden>]",
      "   < 9000",
      "   C-APDU CLA 00 INS 20 P1 00 P2 80: VERIFY, plaintext PIN",
      "     Lc 8",
      "     data: <8 bytes hidden>",
      "   R-APDU SW 9000 (normal processing)",
      "#6 GET CHALLENGE",
      "   > 0084000000",
      "   < 01020304050607089000",
      "   C-APDU CLA 00 INS 84 P1 00 P2 00: GET CHALLENGE",
      "     Le 256",
      "   R-APDU SW 9000 (normal processing)",
      "     data (not BER-TLV): 0102030405060708",
    ]);
    expect(masked).toContain("       57 Track 2 Equivalent Data [19] 476173******0119D<hidden>");
    expect(masked).not.toContain(PAN);
    expect(masked).not.toContain("241234");
  });

  it("leaves the trace out without --trace", () => {
    const text = transactionReport(sampleRecord(), { trace: false, unmask: false });
    expect(text).not.toContain("APDU trace");
    expect(text).not.toContain("#4 READ RECORD");
  });

  it("shows the PAN and track 2 with unmask, never the PIN block", () => {
    const text = transactionReport(sampleRecord(), { trace: true, unmask: true });
    expect(text).toContain(`   PAN: ${PAN}`);
    expect(text).toContain(TRACK2);
    expect(text).not.toContain("241234FFFFFFFFFF");
  });

  it("masks a PAN that a kernel message or reason carries", () => {
    const record = sampleRecord({
      reason: `card ${PAN} on the exception file`,
      oda: { method: "SDA", result: "failed", reason: `hash over ${PAN}` },
    });
    const text = transactionReport(record, { trace: false, unmask: false });
    expect(text).toContain("Outcome: ONLINE-APPROVED — card 476173******0119 on the exception file");
    expect(text).toContain("   Method: SDA, result: failed — hash over 476173******0119");
    expect(text).not.toContain(PAN);
  });
});

describe("explainRegister", () => {
  it("names set bits with their position, RFU bits as such, and says when none is set", () => {
    expect(explainRegister(TVR_BITS, fromHex("8000000001"))).toEqual([
      "byte 1 bit 8: Offline data authentication was not performed",
      "byte 5 bit 1: RFU",
    ]);
    expect(explainRegister(TSI_BITS, fromHex("0000"))).toEqual(["no bits set"]);
  });
});

// Issue 13 defect 1: a response that is not BER-TLV is shown as hex with PAN-like content masked.
describe("transactionReport trace of answers the kernel could not parse", () => {
  it("masks the PAN and hides track 2 in a truncated record and under flipped tags", () => {
    const record = sampleRecord({
      outcome: "terminated",
      reason: "SFI 1 record 1 is not a single valid BER-TLV template",
      data: new TransactionData(),
      authorizationData: undefined,
      trace: [
        {
          name: "READ RECORD",
          command: fromHex("00B2010C00"),
          response: fromHex(`701F5A08${PAN}5713${TRACK2.slice(0, 24)}9000`),
        },
        { name: "READ RECORD", command: fromHex("00B2020C00"), response: fromHex(`701F5B08${PAN}5513${TRACK2}9000`) },
      ],
    });
    const text = transactionReport(record, { trace: true, unmask: false });
    expect(text).not.toContain("2512201114");
    expect(text).not.toContain(PAN);
    expect(text).not.toContain(PAN.slice(6, 12));
    // Unmasked (an explicit option): the bytes as the card sent them.
    expect(transactionReport(record, { trace: true, unmask: true })).toContain(`5513${TRACK2}9000`);
    expect(transactionReport(record, { trace: true, unmask: false })).toContain(
      `data (not BER-TLV): 701F5A084761${"*".repeat(32)}D<hidden>`,
    );
  });
});
