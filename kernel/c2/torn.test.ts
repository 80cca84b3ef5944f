// Torn transactions (Book C-2 "Torn Transaction Recovery"; DF811C, DF811D, FF8101) on the public trace
// dh-msc-offline-cda: the card does not answer the first GENERATE AC; the kernel keeps a torn record and ends with
// Start B "Present Card Again"; at the next tap RECOVER AC carries the DRDOL data (9F51 = 9F37 04: the torn
// transaction's UN) and the trace's own GENERATE AC answer, hashed over the torn record's PDOL and CDOL1 data, passes
// CDA. The mock lacks SFI 1 record 1 (mock_gaps): an empty template 70 stands in for it.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { ScriptedChannel, type ScriptStep } from "../contact/testing/scripted-channel.js";
import { runTap } from "../entry-point/entry-point.js";
import { fieldWithCard } from "../entry-point/field.js";
import { terminalWith } from "../entry-point/reader-builders.js";
import { nonInteractive } from "../interaction.js";
import type { TransactionParams } from "../transaction-params.js";
import type { KernelClock } from "./clock.js";
import fixture from "./fixtures/mastercard-traces.json" with { type: "json" };
import { createKernel2, type Kernel2Details } from "./kernel.js";
import { c2Config, k2Reader } from "./reader-builders.js";
import { type TornRecord, TornTransactionLog } from "./torn.js";

const t = fixture.traces.find((x) => x.id === "dh-msc-offline-cda")!;
const capk = fixture.capks.A000000004F3;
const GAC = t.exchanges.at(-1)!;
const RECOVER_AC = "80D000000433BCA47D00";

/** The trace's commands up to the last READ RECORD (with the stand-in record), then `tail`. */
function tapSteps(tail: ScriptStep[]): ScriptStep[] {
  const steps: ScriptStep[] = t.exchanges.slice(0, -1).map((e) => ({ command: e.command, response: e.response }));
  steps.splice(3, 0, { command: "00B2010C00", response: "70009000" });
  return [...steps, ...tail];
}

function setup(maxTornRecords = 2, maxTornLifetimeSeconds = 300) {
  const terminal = terminalWith(
    "attended-pos",
    {
      terminalType: "26",
      onlineCapable: false,
      capabilities: "000808",
      countryCode: "0056",
      currencyCode: "0978",
      additionalCapabilities: "6000F00001",
    },
    [{ rid: capk.rid, index: capk.index, modulus: capk.modulus, exponent: capk.exponent }],
  );
  const reader = k2Reader(terminal, [
    {
      aid: "A0000000041010",
      floorLimit: 900000,
      cvmRequiredLimit: 900000,
      c2: c2Config({ maxTornRecords, maxTornLifetimeSeconds }),
    },
  ]);
  const un = fromHex(t.transaction_inputs.unpredictable_number_9F37);
  const params: TransactionParams = {
    type: "purchase",
    amount: t.transaction_inputs.amount_minor_units,
    otherAmount: 0,
    date: t.transaction_inputs.date_9A,
    time: t.transaction_inputs.time_9F21,
    sequenceCounter: 1,
    random: { bytes: (n) => un.slice(0, n), percent: () => 99 },
  };
  let now = 1_000_000;
  const clock: KernelClock = { wallMs: () => now, monotonicMicros: () => 0 };
  const log = new TornTransactionLog();
  const kernel = createKernel2({ tornLog: log, clock });
  const run = (steps: ScriptStep[]) => {
    const channel = new ScriptedChannel(steps);
    return runTap({
      reader,
      params,
      field: fieldWithCard(channel),
      kernels: new Map([[2, kernel]]),
      interaction: nonInteractive(),
    }).then((r) => ({ r, channel }));
  };
  return { run, log, advance: (ms: number) => (now += ms) };
}

describe("a torn GENERATE AC recovered at the next tap", () => {
  it("keeps a torn record and presents the card again; RECOVER AC with the DRDOL data recovers the TC with CDA", async () => {
    const s = setup();
    // One tap as Entry Point runs it: the GENERATE AC is lost, End Application with Start B, the card again.
    const { r, channel } = await s.run([
      ...tapSteps([{ command: GAC.command, transportError: "timeout" }]),
      ...tapSteps([{ command: RECOVER_AC, response: GAC.response }]),
    ]);
    expect(channel.errors).toEqual([]);
    expect(channel.finished).toBe(true);
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["End Application", "Approved"]);
    expect(r.outcomes[0]!.ops.start).toBe("B");
    expect(r.outcomes[0]!.uiOnRestart?.messageId).toBe(0x21);
    expect(r.taps).toBe(2);
    const d = r.kernelDetails as Kernel2Details;
    expect(d.torn).toBe("torn transaction recovered with RECOVER AC");
    expect(d.cda).toEqual({ result: "passed" });
    expect(toHex(r.kernel!.context.data.get(0x9f26)!)).toBe(t.icc_dynamic_data_fields.application_cryptogram);
    expect(s.log.size).toBe(0);
  });

  it("no answer to RECOVER AC either: the record stays, the card is asked for again", async () => {
    const s = setup();
    const { r } = await s.run([
      ...tapSteps([{ command: GAC.command, transportError: "card-removed" }]),
      ...tapSteps([{ command: RECOVER_AC, transportError: "timeout" }]),
      ...tapSteps([{ command: RECOVER_AC, response: GAC.response }]),
    ]);
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["End Application", "End Application", "Approved"]);
    expect(s.log.size).toBe(0);
  });

  it("RECOVER AC refused (6985): the record leaves the log into the Discretionary Data (FF8101), a new GENERATE AC", async () => {
    const s = setup();
    const { r, channel } = await s.run([
      ...tapSteps([{ command: GAC.command, transportError: "timeout" }]),
      ...tapSteps([
        { command: RECOVER_AC, response: "6985" },
        { command: GAC.command, response: GAC.response },
      ]),
    ]);
    expect(channel.errors).toEqual([]);
    expect(r.outcome.ops.status).toBe("Approved");
    // emv/tlv skips FF as padding between data objects (Book 3 Annex B), so FF8101 is found in the hex: after
    // 9F5D, DF8115 (Error Indication) and DF8129 (Outcome Parameter Set), FF8101 of 181 bytes.
    const dd = toHex(r.outcome.discretionaryData!);
    const torn = dd.slice(dd.indexOf("FF810181B5") + 10);
    expect(torn.length).toBe(181 * 2);
    // The torn record carries the DRDOL data and the CDOL1 data the card saw.
    expect(torn).toContain("DF81130433BCA47D");
    expect(torn).toContain(`DF810742${t.transaction_data_hash_code.cdol1_related_data}`);
    expect(s.log.size).toBe(0);
  });

  it("a record older than DF811C has expired at the next tap: no RECOVER AC, a GENERATE AC, FF8101 reported", async () => {
    const s = setup(2, 60);
    const first = await s.run(
      tapSteps([{ command: GAC.command, transportError: "timeout" }]).concat(
        // Entry Point asks for the card again at once; this test ends the first run there (the card is gone).
        [{ command: "00A404000E325041592E5359532E444446303100", transportError: "card-removed" }],
      ),
    );
    expect(first.r.outcomes[0]!.ops.status).toBe("End Application");
    expect(s.log.size).toBe(1);
    s.advance(60_001);
    const { r, channel } = await s.run(tapSteps([{ command: GAC.command, response: GAC.response }]));
    expect(channel.errors).toEqual([]);
    expect(r.outcome.ops.status).toBe("Approved");
    expect(toHex(r.outcome.discretionaryData!)).toContain("FF810181B5");
    expect(s.log.size).toBe(0);
  });

  it("with DF811D = 0 there is no torn record: the lost GENERATE AC is a Try Again", async () => {
    const s = setup(0);
    const { r } = await s.run([
      ...tapSteps([{ command: GAC.command, transportError: "timeout" }]),
      ...tapSteps([{ command: GAC.command, response: GAC.response }]),
    ]);
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["Try Again", "Approved"]);
    expect(s.log.size).toBe(0);
  });
});

describe("TornTransactionLog (DF811D count, DF811C age)", () => {
  const rec = (pan: string, createdAt: number, psn?: string): TornRecord => ({
    pan: fromHex(pan),
    ...(psn ? { panSequenceNumber: fromHex(psn) } : {}),
    createdAt,
    drdolData: new Uint8Array(4),
    pdolData: new Uint8Array(0),
    cdol1Data: new Uint8Array(0),
    referenceControl: 0x50,
    data: [],
  });
  it("a full log displaces its oldest record, which is returned", () => {
    const log = new TornTransactionLog();
    const limits = { maxRecords: 2, maxLifetimeSeconds: 600 };
    expect(log.add(rec("5413339000001513", 10), limits)).toBeUndefined();
    expect(log.add(rec("5413330089601034", 20), limits)).toBeUndefined();
    const displaced = log.add(rec("5555555555554444", 30), limits);
    expect(toHex(displaced!.pan)).toBe("5413339000001513");
    expect(log.size).toBe(2);
  });
  it("records older than the lifetime expire; a record exactly at the lifetime stays", () => {
    const log = new TornTransactionLog();
    const limits = { maxRecords: 5, maxLifetimeSeconds: 10 };
    log.add(rec("5413339000001513", 0), limits);
    log.add(rec("5413330089601034", 5_000), limits);
    expect(log.expire(10_000, limits).length).toBe(0);
    expect(log.expire(10_001, limits).map((r) => toHex(r.pan))).toEqual(["5413339000001513"]);
    expect(log.size).toBe(1);
  });
  it("matches on PAN and PAN Sequence Number", () => {
    const log = new TornTransactionLog();
    log.add(rec("5413339000001513", 0, "01"), { maxRecords: 5, maxLifetimeSeconds: 10 });
    expect(log.find(fromHex("5413339000001513"), fromHex("01"))).toBeDefined();
    expect(log.find(fromHex("5413339000001513"), fromHex("02"))).toBeUndefined();
    expect(log.find(fromHex("5413339000001513"), undefined)).toBeUndefined();
  });
});
