// Whole transactions (EMV Book 3 §10) against the software card and scripted cards: outcome, TVR/TSI, APDU order.

import { describe, expect, it } from "vitest";
import { openEmulatorChannel } from "../../emulator/channel.js";
import { defaultIssuerHost } from "../../emulator/host/index.js";
import { toHex } from "../../emv/bytes.js";
import { loadTerminalConfig } from "../config/load.js";
import type { TerminalConfig } from "../config/types.js";
import { nonInteractive } from "../interaction.js";
import { transactionReport } from "../report.js";
import { resultToJson, type TransactionOutcomeRecord } from "../result.js";
import type { TransactionParams } from "../transaction-params.js";
import { fixedRandom, TEST_AID, TEST_CONFIG } from "./testing/context.js";
import { ScriptedChannel, type ScriptStep } from "./testing/scripted-channel.js";
import { runTransaction, type TransactionRecord } from "./transaction.js";

const loaded = loadTerminalConfig("attended-pos");
if (!loaded.ok) throw new Error(loaded.error);
const POS: TerminalConfig = loaded.config;

const params = (over: Partial<TransactionParams> = {}): TransactionParams => ({
  type: "purchase",
  amount: 1234,
  otherAmount: 0,
  date: "251129",
  time: "120000",
  sequenceCounter: 1,
  random: fixedRandom(),
  ...over,
});

const names = (r: TransactionRecord) => r.trace.map((t) => t.name);
const PSE_SELECT = ["SELECT", "READ RECORD", "READ RECORD"];
/** PSE with one directory record, final SELECT, GPO. */
const TO_GPO = [...PSE_SELECT, "SELECT", "GET PROCESSING OPTIONS"];

async function onCard(profile: string, withHost = true) {
  const interaction = nonInteractive({ pin: "1234" });
  const record = await runTransaction({
    config: POS,
    params: params(),
    channel: openEmulatorChannel(profile),
    ...(withHost ? { host: defaultIssuerHost() } : {}),
    interaction,
  });
  return { record, interaction };
}

describe("against the software card", () => {
  it("visa-offline-only: SDA passes, TVR only 'SDA selected' (not in TAC-online DC4004F800) → TC offline", async () => {
    const { record: r, interaction } = await onCard("visa-offline-only");
    expect([r.outcome, r.reason]).toEqual(["approved", "approved offline (TC)"]);
    expect(toHex(r.aid!)).toBe("A0000000031010");
    expect(r.label).toBe("VISA OFFLINE");
    expect([r.oda.method, r.oda.result]).toEqual(["SDA", "passed"]);
    expect(toHex(r.tvr)).toBe("0200000000");
    // TSI: ODA, cardholder verification, card risk management, terminal risk management performed.
    expect(toHex(r.tsi)).toBe("E800");
    // AFL: SFI 1 record 1, SFI 2 record 1 (for ODA), SFI 3 records 1–2 (issuer certificate; CA index, exponent, SSAD).
    expect(names(r)).toEqual([...TO_GPO, "READ RECORD", "READ RECORD", "READ RECORD", "READ RECORD", "GENERATE AC"]);
    expect(r.cryptograms.map((c) => [c.requested, c.type])).toEqual([["TC", "TC"]]);
    expect(interaction.displayed.at(-1)).toBe("APPROVED");
    // The event log never carries the PAN in clear.
    const pan = toHex(r.data.get(0x5a)!).replace(/F+$/, "");
    expect(r.events.map((e) => e.message).join("\n")).not.toContain(pan);
    expect(r.events.map((e) => e.step)).toContain("read-application-data");
    // The record is what kernel/result.ts formats (a compile-time check of the contract).
    const formatted: TransactionOutcomeRecord = r;
    expect(formatted.outcome).toBe("approved");
  });

  it("visa-online-only: no ODA (TVR B1b8, in TAC-online) → ARQC, issuer approves, TC", async () => {
    const { record: r } = await onCard("visa-online-only");
    expect([r.outcome, r.reason]).toEqual(["online-approved", "issuer approved (00); card accepted with TC"]);
    expect(toHex(r.tvr)).toBe("8000000000");
    // The AFL (16 digits here) is logged entry by entry, not mistaken for a PAN and masked.
    expect(r.events.map((e) => e.message)).toContain("GET PROCESSING OPTIONS: AIP 1C00, AFL 08010100 10010101");
    // TSI: cardholder verification, card risk management, issuer authentication, terminal risk management.
    expect(toHex(r.tsi)).toBe("7800");
    expect(r.online?.responseCode).toBe("00");
    expect(names(r)).toEqual([
      ...TO_GPO,
      "READ RECORD",
      "READ RECORD",
      "GENERATE AC",
      "EXTERNAL AUTHENTICATE",
      "GENERATE AC",
    ]);
    expect(r.cryptograms.map((c) => [c.requested, c.type])).toEqual([
      ["ARQC", "ARQC"],
      ["TC", "TC"],
    ]);
  });

  it("visa-online-only without a host: unable to go online, default action codes", async () => {
    const { record: r } = await onCard("visa-online-only", false);
    // TAC-default DC4000A800 has B1b8 (ODA not performed): AAC.
    expect(r.outcome).toBe("declined");
    expect(r.cryptograms.map((c) => c.requested)).toEqual(["AAC"]);
  });

  it("visa-cvn18-cda: CDA recovered at ODA, verified on both GENERATE ACs; TSI F800", async () => {
    const { record: r } = await onCard("visa-cvn18-cda");
    expect([r.outcome, r.oda.method, r.oda.result]).toEqual(["online-approved", "CDA", "passed"]);
    expect([toHex(r.tvr), toHex(r.tsi)]).toEqual(["0000000000", "F800"]);
    expect(r.cryptograms.map((c) => c.cdaRequested)).toEqual([true, true]);
  });

  it("visa-pin-preferring with the right PIN: offline plaintext PIN verified (CVM Results 410302)", async () => {
    const { record: r, interaction } = await onCard("visa-pin-preferring");
    expect([r.outcome, toHex(r.cvmResults!), toHex(r.tvr)]).toEqual(["approved", "410302", "0000000000"]);
    expect(names(r)).toContain("VERIFY");
    expect(interaction.displayed).toEqual(["PIN OK", "APPROVED"]);
    expect(interaction.notes).toEqual(["entered the scripted PIN for offline-plaintext PIN (3 tries left)"]);
  });

  it("visa-pin-preferring, PIN bypassed: TVR B3b4 'PIN not entered', signature next (CVM Results 1E0300)", async () => {
    const r = await runTransaction({
      config: POS,
      params: params(),
      channel: openEmulatorChannel("visa-pin-preferring"),
      host: defaultIssuerHost(),
      interaction: nonInteractive(),
    });
    expect([toHex(r.tvr), toHex(r.cvmResults!)]).toEqual(["0000080000", "1E0300"]);
    expect(names(r)).not.toContain("VERIFY");
  });

  it("visa-blocked: the only application answers 6283 at final selection → no matching application", async () => {
    const { record: r, interaction } = await onCard("visa-blocked");
    expect([r.outcome, r.termination, r.reason]).toEqual(["terminated", "not-accepted", "no matching application"]);
    expect(names(r)).toEqual([...PSE_SELECT, "SELECT"]);
    expect(toHex(r.trace[3]!.response!).slice(-4)).toBe("6283");
    expect(r.aid).toBeUndefined();
    expect(toHex(r.tvr)).toBe("0000000000");
    expect(interaction.displayed).toEqual(["TRY AGAIN", "NOT ACCEPTED"]);
  });

  it("malformed: an AFL of 9 bytes terminates after GPO", async () => {
    const { record: r } = await onCard("malformed");
    expect([r.outcome, r.reason]).toEqual([
      "terminated",
      "read application data: AFL (94): length 9 is not a multiple of 4",
    ]);
    expect(names(r)).toEqual(TO_GPO);
  });

  it("multi-app: two candidates, the highest priority (Visa Debit, 87 = 81) is chosen", async () => {
    const { record: r, interaction } = await onCard("multi-app");
    expect(toHex(r.aid!)).toBe("A0000000032010");
    expect(r.label).toBe("VISA DEBIT");
    expect(interaction.notes[0]).toBe("chose the highest-priority application A0000000032010 VISA DEBIT of 2");
    expect(names(r).slice(0, 5)).toEqual(["SELECT", "READ RECORD", "READ RECORD", "READ RECORD", "SELECT"]);
    expect(toHex(r.trace[4]!.command)).toBe("00A4040007A000000003201000");
    expect(r.outcome).toBe("online-approved");
  });

  it("no-pse: SELECT PSE 6A82, then the list of AIDs in configuration order", async () => {
    const { record: r } = await onCard("no-pse");
    expect(r.trace.slice(0, 7).map((t) => [toHex(t.command), toHex(t.response!).slice(-4)])).toEqual([
      ["00A404000E315041592E5359532E444446303100", "6A82"],
      ["00A4040007A000000003101000", "6A82"],
      ["00A4040007A000000003201000", "6A82"],
      ["00A4040007A000000004101000", "9000"],
      ["00A4040007A000000004306000", "6A82"],
      ["00A4040006A0000000250100", "6A82"],
      ["00A4040007A000000004101000", "9000"],
    ]);
    expect(names(r)[7]).toBe("GET PROCESSING OPTIONS");
    expect(toHex(r.aid!)).toBe("A0000000041010");
  });
});

// A PSE listing two applications; the first answers GPO with 6985.
const TWO_AIDS: TerminalConfig = {
  ...TEST_CONFIG,
  aids: [TEST_AID, { ...TEST_AID, aid: Uint8Array.from([0xa0, 0, 0, 0, 3, 0x20, 0x10]) }],
};
const FCI = (aid: string) => `6F0B8407${aid}A5009000`;
const PSE: ScriptStep[] = [
  {
    command: "00A404000E315041592E5359532E444446303100",
    response: "6F15840E315041592E5359532E4444463031A5038801019000",
  },
  {
    command: "00B2010C00",
    response: "701C610C4F07A0000000031010870101610C4F07A00000000320108701029000",
  },
  { command: "00B2020C00", response: "6A83" },
];

describe("scripted cards", () => {
  it("GPO 6985: the application is removed and selection resumes with the rest (Book 3 §10.1)", async () => {
    const channel = new ScriptedChannel([
      ...PSE,
      { command: "00A4040007A000000003101000", response: FCI("A0000000031010") },
      { command: "80A8000002830000", response: "6985" },
      { command: "00A4040007A000000003201000", response: FCI("A0000000032010") },
      { command: "80A8000002830000", response: "8006" + "1C00" + "08010100" + "9000" },
      { command: "00B2010C00", response: "6A82" },
    ]);
    const interaction = nonInteractive();
    const r = await runTransaction({ config: TWO_AIDS, params: params(), channel, interaction });
    expect(channel.errors).toEqual([]);
    expect(channel.finished).toBe(true);
    expect([r.outcome, r.termination, r.reason]).toEqual([
      "terminated",
      "card-error",
      "read application data: READ RECORD SFI 1 record 1 answered SW 6A82",
    ]);
    expect(toHex(r.aid!)).toBe("A0000000032010");
    // Book 4 §11.2: a card that fails READ RECORD shows '06' CARD ERROR.
    expect(interaction.displayed).toEqual(["TRY AGAIN", "CARD ERROR"]);
    // The second choice was made among one candidate: no cardholder choice was needed then.
    expect(interaction.notes).toEqual(["chose the highest-priority application A0000000031010 A0000000031010 of 2"]);
  });

  it("card removed at the first SELECT → terminated with the transport error", async () => {
    const channel = new ScriptedChannel([{ command: PSE[0]!.command, transportError: "card-removed" }]);
    const r = await runTransaction({ config: TWO_AIDS, params: params(), channel });
    expect([r.outcome, r.reason]).toEqual(["terminated", "SELECT: scripted card-removed"]);
  });

  it("an exception inside a step ends as terminated, never thrown", async () => {
    const channel = new ScriptedChannel(PSE);
    const interaction = {
      ...nonInteractive(),
      chooseApplication: async (): Promise<number | undefined> => {
        throw new Error("keypad failure");
      },
    };
    const r = await runTransaction({ config: TWO_AIDS, params: params(), channel, interaction });
    expect([r.outcome, r.reason]).toEqual(["terminated", "internal error: keypad failure"]);
  });

  it("an amount that cannot be encoded terminates before anything is sent", async () => {
    const channel = new ScriptedChannel([]);
    const r = await runTransaction({ config: TWO_AIDS, params: params({ amount: -1 }), channel });
    expect([r.outcome, r.reason]).toEqual([
      "terminated",
      "Amount, Authorised (9F02): -1 is not a whole number from 0 to 999999999999",
    ]);
    expect(r.trace).toEqual([]);
  });

  it("terminal data in the store: 9F02/81, 9F1A, 5F2A, 9A, 9F21, 9C, 9F41, 9F37, 9F35, 9F33", async () => {
    const channel = new ScriptedChannel([{ command: PSE[0]!.command, response: "6A81" }]);
    const r = await runTransaction({ config: TWO_AIDS, params: params({ amount: 123456 }), channel });
    const get = (tag: number) => toHex(r.data.get(tag)!);
    expect([get(0x9f02), get(0x81), get(0x9f03), get(0x9f1a), get(0x5f2a), get(0x5f36)]).toEqual([
      "000000123456",
      "0001E240",
      "000000000000",
      "0528",
      "0978",
      "02",
    ]);
    expect([get(0x9a), get(0x9f21), get(0x9c), get(0x9f41), get(0x9f37), get(0x9f35), get(0x9f33)]).toEqual([
      "251129",
      "120000",
      "00",
      "00000001",
      "11111111",
      "22",
      "E0F8C8",
    ]);
    expect(r.reason).toBe("card blocked or SELECT not supported (SW 6A81)");
  });
});

describe("why a transaction was terminated: typed cause and its Book 4 §11.2 message, in result, JSON and report", () => {
  interface CauseCase {
    readonly name: string;
    readonly script: ScriptStep[];
    readonly params?: Partial<TransactionParams>;
    readonly choose?: () => Promise<number | undefined>;
    readonly cause: string;
    readonly reason: string;
    /** The last message displayed (Book 4 §11.2), undefined when none is shown. */
    readonly shown: string | undefined;
    readonly json: { cause: string; message: { id: string; text: string } | null };
    readonly reportLine: string;
  }
  const PSE_SELECT_COMMAND = PSE[0]!.command;
  const cases: CauseCase[] = [
    {
      name: "SELECT PSE answered 6A81 → card blocked, '0C' NOT ACCEPTED (Book 1 §12.3.2)",
      script: [{ command: PSE_SELECT_COMMAND, response: "6A81" }],
      cause: "card-blocked",
      reason: "card blocked or SELECT not supported (SW 6A81)",
      shown: "NOT ACCEPTED",
      json: { cause: "card-blocked", message: { id: "0C", text: "NOT ACCEPTED" } },
      reportLine:
        "Outcome: TERMINATED (card blocked, shows '0C' NOT ACCEPTED) — card blocked or SELECT not supported (SW 6A81)",
    },
    {
      name: "card removed at the first SELECT → card error, '06' CARD ERROR",
      script: [{ command: PSE_SELECT_COMMAND, transportError: "card-removed" }],
      cause: "card-error",
      reason: "SELECT: scripted card-removed",
      shown: "CARD ERROR",
      json: { cause: "card-error", message: { id: "06", text: "CARD ERROR" } },
      reportLine: "Outcome: TERMINATED (card error, shows '06' CARD ERROR) — SELECT: scripted card-removed",
    },
    {
      name: "an amount the terminal cannot encode → processing error, '0F' PROCESSING ERROR",
      script: [],
      params: { amount: -1 },
      cause: "processing-error",
      reason: "Amount, Authorised (9F02): -1 is not a whole number from 0 to 999999999999",
      shown: "PROCESSING ERROR",
      json: { cause: "processing-error", message: { id: "0F", text: "PROCESSING ERROR" } },
      reportLine:
        "Outcome: TERMINATED (processing error, shows '0F' PROCESSING ERROR) — Amount, Authorised (9F02): -1 is not a whole number from 0 to 999999999999",
    },
    {
      name: "no PSE and no listed AID on the card → not accepted, '0C' NOT ACCEPTED (Book 1 §12.4)",
      script: [
        { command: PSE_SELECT_COMMAND, response: "6A82" },
        { command: "00A4040007A000000003101000", response: "6A82" },
        { command: "00A4040007A000000003201000", response: "6A82" },
      ],
      cause: "not-accepted",
      reason: "no matching application",
      shown: "NOT ACCEPTED",
      json: { cause: "not-accepted", message: { id: "0C", text: "NOT ACCEPTED" } },
      reportLine: "Outcome: TERMINATED (not accepted, shows '0C' NOT ACCEPTED) — no matching application",
    },
    {
      name: "the cardholder cancels the choice of application → cancelled, no message",
      script: PSE,
      choose: async () => undefined,
      cause: "cancelled",
      reason: "application selection cancelled",
      shown: undefined,
      json: { cause: "cancelled", message: null },
      reportLine: "Outcome: TERMINATED (cancelled, no message shown) — application selection cancelled",
    },
    {
      name: "a fault inside the kernel's caller (keypad throws) → internal, '0F' PROCESSING ERROR",
      script: PSE,
      choose: async () => {
        throw new Error("keypad failure");
      },
      cause: "internal",
      reason: "internal error: keypad failure",
      shown: "PROCESSING ERROR",
      json: { cause: "internal", message: { id: "0F", text: "PROCESSING ERROR" } },
      reportLine: "Outcome: TERMINATED (internal, shows '0F' PROCESSING ERROR) — internal error: keypad failure",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const channel = new ScriptedChannel(c.script);
      const base = nonInteractive();
      const interaction = c.choose ? { ...base, chooseApplication: c.choose } : base;
      const r = await runTransaction({ config: TWO_AIDS, params: params(c.params), channel, interaction });
      expect(channel.errors).toEqual([]);
      expect(channel.finished).toBe(true);
      expect([r.outcome, r.termination, r.reason]).toEqual(["terminated", c.cause, c.reason]);
      expect(base.displayed.at(-1)).toBe(c.shown);
      const json = resultToJson(r, { trace: false, unmask: false });
      expect(json.termination).toEqual(c.json);
      expect(json.reason).toBe(c.reason);
      expect(transactionReport(r, { trace: false, unmask: false }).split("\n")).toContain(c.reportLine);
    });
  }

  it("a decided transaction has no termination in the result or the JSON", async () => {
    const { record: r } = await onCard("visa-offline-only");
    expect(r.outcome).toBe("approved");
    expect(r.termination).toBeUndefined();
    expect("termination" in resultToJson(r, { trace: false, unmask: false })).toBe(false);
  });
});
