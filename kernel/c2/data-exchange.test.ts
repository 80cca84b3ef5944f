// Data exchange (DEK/DET, Book C-2 "Data Exchange") on the public trace dh-msc-offline-cda, whose CDOL1 asks for
// Merchant Custom Data (9F7C, 20 bytes): the built-in use fills it from the terminal application after READ RECORD;
// the DEK carries the PAN, PSN and amount; a DET outside the updatable tags is ignored; no DET in time ends the tap.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { ScriptedChannel, type ScriptStep } from "../contact/testing/scripted-channel.js";
import { runTap } from "../entry-point/entry-point.js";
import { fieldWithCard } from "../entry-point/field.js";
import { terminalWith } from "../entry-point/reader-builders.js";
import { nonInteractive } from "../interaction.js";
import { type DataExchange, type DataExchangeRequest, merchantCustomData } from "./data-exchange.js";
import fixture from "./fixtures/mastercard-traces.json" with { type: "json" };
import { createKernel2, type Kernel2Details } from "./kernel.js";
import { c2Config, k2Reader } from "./reader-builders.js";

const t = fixture.traces.find((x) => x.id === "dh-msc-offline-cda")!;
const capk = fixture.capks.A000000004F3;

function tap(dataExchange: DataExchange, timeoutMs?: number) {
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
      c2: c2Config(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  ]);
  const steps: ScriptStep[] = t.exchanges.map((e) => ({ command: e.command, response: e.response }));
  steps.splice(3, 0, { command: "00B2010C00", response: "70009000" });
  const channel = new ScriptedChannel(steps);
  const un = fromHex(t.transaction_inputs.unpredictable_number_9F37);
  const run = runTap({
    reader,
    params: {
      type: "purchase",
      amount: 1,
      otherAmount: 0,
      date: "190819",
      time: "000000",
      sequenceCounter: 1,
      random: { bytes: (n) => un.slice(0, n), percent: () => 99 },
    },
    field: fieldWithCard(channel),
    kernels: new Map([[2, createKernel2({ dataExchange, dataNeeded: [0x9f7c] })]]),
    interaction: nonInteractive(),
  });
  return { run, channel };
}

describe("DEK/DET", () => {
  it("DEK carries PAN, PSN, amount and asks for 9F7C; a DET of 20 zero bytes keeps the trace byte for byte", async () => {
    const seen: DataExchangeRequest[] = [];
    const { run, channel } = tap(async (req) => {
      seen.push(req);
      return merchantCustomData(() => new Uint8Array(20))(req);
    });
    const r = await run;
    expect(channel.errors).toEqual([]);
    expect(r.outcome.ops.status).toBe("Approved");
    expect(seen.length).toBe(1);
    expect(toHex(seen[0]!.dataToSend.get(0x5a)!)).toBe("5413339000001513");
    expect(toHex(seen[0]!.dataToSend.get(0x5f34)!)).toBe("01");
    expect(toHex(seen[0]!.dataToSend.get(0x9f02)!)).toBe("000000000001");
    expect(seen[0]!.dataNeeded).toEqual([0x9f7c]);
    expect((r.kernelDetails as Kernel2Details).dataExchange).toBe("DET updated 9F7C");
  });
  it("the built-in use puts the terminal application's 9F7C into the CDOL1 data (the PAN chooses it)", async () => {
    const custom = fromHex("4D45524348414E542D3534313333330000000000"); // "MERCHANT-541333" + zeros
    const { run, channel } = tap(
      merchantCustomData((pan) => (pan?.startsWith("541333") ? custom : new Uint8Array(20))),
    );
    await run;
    // The GENERATE AC now differs from the trace's at its last 20 bytes: the script names what was sent.
    expect(
      channel.errors[0]!.endsWith(
        `got 80AE5000420000000000010000000000000056000000000109781908190033BCA47D26000000000000000000001F0302000000${toHex(custom)}00`,
      ),
    ).toBe(true);
  });
  it("a DET naming a tag Kernel 2 does not let the terminal update is ignored, with the reason", async () => {
    const { run, channel } = tap(async () => new Map([[0x9f37, fromHex("00000000")]]));
    const r = await run;
    expect(channel.errors).toEqual([]);
    expect((r.kernelDetails as Kernel2Details).dataExchange).toBe(
      "DET updated nothing; ignored 9F37: not updatable by DET here",
    );
  });
  it("no DET within the Time Out Value (DF8127) → End Application, no GENERATE AC", async () => {
    const { run } = tap(() => new Promise(() => {}), 20);
    const r = await run;
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.outcome.reason).toBe("no DET from the terminal application within 20 ms");
    expect(r.trace.some((e) => e.name === "GENERATE AC")).toBe(false);
  });
});
