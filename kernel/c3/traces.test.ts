// The two public kernel 3 traces (fixtures/contactless-traces.json, from ../shared/vectors) reproduced through a
// scripted channel on their exact bytes: Entry Point's PPSE and final SELECT, the GPO with the TTQ pre-processing
// computed, READ RECORD by the AFL, the card's decision from the IAD or 9F27, fDDA, CVM and the outcome.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { ScriptedChannel } from "../contact/testing/scripted-channel.js";
import { runTap } from "../entry-point/entry-point.js";
import { fieldWithCard } from "../entry-point/field.js";
import { readerWith, terminalWith } from "../entry-point/reader-builders.js";
import { nonInteractive } from "../interaction.js";
import type { TransactionParams } from "../transaction-params.js";
import fixture from "./fixtures/contactless-traces.json" with { type: "json" };
import { kernel3 } from "./kernel.js";

const trace = (id: string) => fixture.traces.find((t) => t.id === id)!;

function tap(id: string, pin?: string, responses: Record<number, string> = {}) {
  const t = trace(id);
  const rc = t.reader_configuration;
  const capk = {
    rid: fixture.capk.rid,
    index: fixture.capk.index,
    modulus: fixture.capk.modulus,
    exponent: fixture.capk.exponent,
  };
  const terminal = terminalWith("attended-pos", {}, [capk]);
  const reader = readerWith(terminal, [
    {
      aid: rc.aid_entry,
      kernel: 3,
      ttq: rc.configured_TTQ_9F66,
      transactionLimit: rc.readerContactlessTransactionLimit,
      floorLimit: rc.readerContactlessFloorLimit,
      cvmRequiredLimit: rc.readerCVMRequiredLimit,
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
  const channel = new ScriptedChannel(
    t.exchanges.map((e, i) => ({ command: e.command, response: responses[i] ?? e.response })),
  );
  const interaction = nonInteractive(pin ? { pin } : {});
  return {
    channel,
    run: runTap({ reader, params, field: fieldWithCard(channel), kernels: new Map([[3, kernel3]]), interaction }),
  };
}

describe("dh-visa-offline-fdda (amount 2.00, below every limit)", () => {
  it("sends the trace's commands byte for byte and approves offline with fDDA, no CVM", async () => {
    const { channel, run } = tap("dh-visa-offline-fdda");
    const r = await run;
    expect(channel.errors).toEqual([]);
    expect(channel.finished).toBe(true);
    expect(r.outcome.ops.status).toBe("Approved");
    expect(r.outcome.ops.cvm).toBe("No CVM");
    expect(r.kernelDetails?.fdda).toEqual({ result: "passed" });
  });
  it("reads the cryptogram type from the IAD when 9F27 is absent (CVR byte 2 = 90: TC)", async () => {
    const r = await tap("dh-visa-offline-fdda").run;
    expect(trace("dh-visa-offline-fdda").cryptogram_type["9F27_present"]).toBe(false);
    expect(r.kernelDetails?.cryptogram?.type).toBe(
      trace("dh-visa-offline-fdda").cryptogram_type.cryptogram_type_from_IAD,
    );
    expect(r.kernelDetails?.cryptogram?.from).toBe("IAD");
  });
  it("pre-processing leaves the configured TTQ unchanged (24004000)", async () => {
    const r = await tap("dh-visa-offline-fdda").run;
    expect(toHex(r.kernelDetails!.ttq!)).toBe(trace("dh-visa-offline-fdda").TTQ_sent_in_GPO);
  });
  it("the fDDA hash input's terminal part is 9F37 ‖ 9F02 ‖ 5F2A ‖ 9F69, and the ICC Dynamic Number is the ATC", async () => {
    const r = await tap("dh-visa-offline-fdda").run;
    const data = r.kernel!.context.data;
    const f = trace("dh-visa-offline-fdda").fdda!;
    const { fddaTerminalData } = await import("./fdda.js");
    expect(toHex(fddaTerminalData(r.kernel!.context) as Uint8Array)).toBe(f.terminal_dynamic_data);
    expect(toHex(data.get(0x9f4c)!)).toBe(f.icc_dynamic_number);
  });
  it("a single changed byte of the SDAD fails fDDA; CTQ 0000 asks nothing, so the tap is declined", async () => {
    const t = trace("dh-visa-offline-fdda");
    const gpo = t.exchanges[2]!;
    const i = gpo.response.indexOf("9F4B70") + 6 + 40;
    const flipped = gpo.response.slice(0, i) + (gpo.response[i] === "0" ? "1" : "0") + gpo.response.slice(i + 1);
    const r = await tap("dh-visa-offline-fdda", undefined, { 2: flipped }).run;
    expect(r.outcome.ops.status).toBe("Declined");
    expect(r.kernelDetails?.fdda?.result).toBe("failed");
  });
});

describe("dh-visa-online (amount 90.00, above floor and CVM limits of 80.00)", () => {
  it("sends TTQ 24C04000 in the exact GPO of the trace and ends in Online Request with online PIN", async () => {
    const { channel, run } = tap("dh-visa-online", "1234");
    const r = await run;
    expect(channel.errors).toEqual([]);
    expect(channel.finished).toBe(true);
    expect(toHex(r.kernelDetails!.ttq!)).toBe("24C04000");
    expect(r.outcome.ops.status).toBe("Online Request");
    // CTQ 9000: online PIN required (b1b8) and the TTQ supports online PIN (b1b3).
    expect(r.outcome.ops.cvm).toBe("Online PIN");
    expect(r.kernelDetails?.cryptogram).toMatchObject({ type: "ARQC", from: "9F27" });
  });
  it("the card asks for online PIN; with PIN entry bypassed the tap is declined", async () => {
    const r = await tap("dh-visa-online").run;
    expect(r.outcome.ops.status).toBe("Declined");
    expect(r.outcome.reason).toContain("online PIN");
  });
});
