// Test support: a finished online CDA transaction record (Book 3 §10) with a PAN and track 2 to check masking.

import { fromHex } from "../../emv/bytes.js";
import { TransactionData } from "../data/store.js";
import type { TransactionOutcomeRecord } from "../result.js";

export const PAN = "4761739001010119";
export const TRACK2 = "4761739001010119D25122011143804400000F";

/** A finished online CDA transaction as the kernel records it (values made up for the test, structure per Book 3). */
export function sampleRecord(overrides: Partial<TransactionOutcomeRecord> = {}): TransactionOutcomeRecord {
  const data = new TransactionData();
  data.set("card", 0x5a, fromHex(PAN));
  data.set("card", 0x57, fromHex(TRACK2));
  data.set("card", 0x5f24, fromHex("251231"));
  data.set("card", 0x5f34, fromHex("01"));
  data.set("transaction", 0x9f02, fromHex("000000001234"));
  data.set("terminal", 0x5f2a, fromHex("0978"));
  data.set("terminal", 0x5f36, fromHex("02"));
  data.set("transaction", 0x9a, fromHex("250511"));
  data.set("transaction", 0x9f21, fromHex("120000"));
  data.set("transaction", 0x9c, fromHex("00"));
  return {
    outcome: "online-approved",
    reason: "issuer approved (8A 00), card returned TC",
    aid: fromHex("A0000000031010"),
    label: "VISA CREDIT",
    oda: { method: "CDA", result: "passed" },
    tvr: fromHex("0000008000"),
    tsi: fromHex("F800"),
    cvmResults: fromHex("410302"),
    cryptograms: [
      {
        requested: "ARQC",
        type: "ARQC",
        cid: 0x80,
        value: fromHex("1122334455667788"),
        atc: fromHex("0001"),
        cdaRequested: true,
      },
      {
        requested: "TC",
        type: "TC",
        cid: 0x40,
        value: fromHex("8877665544332211"),
        atc: fromHex("0001"),
        cdaRequested: true,
      },
    ],
    online: {
      attempted: true,
      reachable: true,
      responseCode: "00",
      issuerAuthentication: "passed",
      scriptResults: fromHex("2011223344" + "1200000000"),
    },
    authorizationData: fromHex(`9F2701805A08${PAN}5F340101`),
    trace: [
      // A PSE directory record (before GPO) and a record the card does not have: not application data read.
      { name: "READ RECORD", command: fromHex("00B2010C00"), response: fromHex("70034F01009000") },
      { name: "READ RECORD", command: fromHex("00B2020C00"), response: fromHex("6A83") },
      {
        name: "GET PROCESSING OPTIONS",
        command: fromHex("80A800000283000" + "0"),
        response: fromHex("80063D00080101009000"),
      },
      {
        name: "READ RECORD",
        command: fromHex("00B2011400"),
        response: fromHex(`701F${"5A08"}${PAN}${"5713"}${TRACK2}9000`),
      },
      { name: "VERIFY", command: fromHex("0020008008241234FFFFFFFFFF"), response: fromHex("9000") },
      { name: "GET CHALLENGE", command: fromHex("0084000000"), response: fromHex("01020304050607089000") },
    ],
    events: [
      { step: "read-application-data", message: `card data read for ${PAN}` },
      { step: "cardholder-verification", message: "offline plaintext PIN verified" },
    ],
    data,
    ...overrides,
  };
}
