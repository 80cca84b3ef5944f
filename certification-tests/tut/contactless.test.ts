// The contactless terminal-under-test pieces without a reader: the card's view of a tap, the criteria judged from it,
// what a command line can pass. The whole loop through pcscd is tut-contactless.integration.test.ts.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { loadReaderConfig } from "../../kernel/config/reader-load.js";
import { kernel3Cases } from "../catalog/contactless-c3.js";
import { entryPointCases } from "../catalog/contactless-entry-point.js";
import type { ContactlessCase } from "../catalog/contactless-types.js";
import { runContactlessCase } from "../contactless-harness.js";
import { judgeTapFromCard, portableTap, ScriptedServedCard, tapVariables, unportableTapSetup } from "./contactless.js";

const taps = [...entryPointCases(), ...kernel3Cases()];
const byId = (id: string): ContactlessCase => taps.find((c) => c.id === id)!;

/** What the card saw when emvsim's reader tapped it in-process (command and answer per exchange). */
async function exchangesOf(c: ContactlessCase) {
  const run = await runContactlessCase(c);
  return run.record!.trace.flatMap((t) => (t.response ? [{ command: t.command, response: t.response }] : []));
}

describe("judgeTapFromCard", () => {
  it("emvsim's own taps meet every card-side criterion of every case with one card in the field", async () => {
    for (const c of taps.filter(
      (x) => (x.field ?? ["card"]).join() === "card" && !("script" in x.card && x.card.script.removedAt !== undefined),
    )) {
      const v = judgeTapFromCard(c, await exchangesOf(c));
      expect(v.problems, c.id).toEqual([]);
      expect(
        v.notes.some((n) => n.startsWith("outcome (")),
        c.id,
      ).toBe(true);
    }
  });

  it("reads the TTQ at 9F66's place in the card's PDOL, and names a wrong one", async () => {
    const c = byId("EPB-002"); // CVM required at the CVM Required Limit: TTQ byte 2 b7 (Book B §3.1.1.12)
    const exchanges = await exchangesOf(c);
    expect(judgeTapFromCard(c, exchanges).view.ttq).toBe(c.expected.ttq);
    // The same GPO with TTQ byte 2 cleared: what a reader that skipped the CVM Required Limit would send.
    const changed = exchanges.map((x) => {
      if (x.command[1] !== 0xa8) return x;
      const hex = toHex(x.command);
      return {
        ...x,
        command: fromHex(hex.replace(c.expected.ttq!, `${c.expected.ttq!.slice(0, 2)}00${c.expected.ttq!.slice(4)}`)),
      };
    });
    expect(judgeTapFromCard(c, changed).problems).toEqual([
      `card-side TTQ (9F66) sent: expected "${c.expected.ttq}", card saw "${c.expected.ttq!.slice(0, 2)}00${c.expected.ttq!.slice(4)}"`,
    ]);
  });

  it("names the APDU sequence and the combination when the card saw nothing", () => {
    const c = byId("EPD-004"); // priority 1 wins over priority 2 listed first (Book B §3.3.3.2)
    const v = judgeTapFromCard(c, []);
    expect(v.problems).toContain(
      `card-side APDU sequence: expected ${JSON.stringify(c.expected.commands)}, card saw []`,
    );
    expect(v.problems).toContain(
      `card-side combination selected: expected "${c.expected.selected}", card saw undefined`,
    );
  });
});

describe("the served scripted card and the command line", () => {
  it("answers SELECT PPSE with the script's directory under a PC/SC Part 3 contactless ATR", () => {
    const c = byId("EPD-004");
    if (!("script" in c.card)) throw new Error("scripted case expected");
    const card = new ScriptedServedCard(c.card.script);
    // 3B 86 80 01 ‖ "EMVSIM" ‖ TCK (PC/SC Part 3 §3.1.3.2.3).
    expect(toHex(card.powerOn()).slice(0, 8)).toBe("3B868001");
    const r = card.transmit(fromHex("00A404000E325041592E5359532E444446303100"));
    expect(toHex(r.subarray(-2))).toBe("9000");
    expect(toHex(r)).toContain(toHex(new TextEncoder().encode("2PAY.SYS.DDF01")));
  });

  it("combinations become a reader configuration file; field events and restarts are operator setup", () => {
    const combos = byId("EPD-004");
    const vars = tapVariables(combos, "Virtual PCD 00 00");
    expect(vars.interface).toBe("contactless");
    // The written file is a reader configuration with exactly the case's combinations (kernel 3, the case's AIDs).
    const loaded = loadReaderConfig(vars.readerconfig!);
    if (!loaded.ok) throw new Error(loaded.error);
    if (typeof combos.reader === "string") throw new Error("combinations expected");
    expect(loaded.config.combinations.map((k) => [toHex(k.aid), toHex(k.kernelId), k.ttq && toHex(k.ttq)])).toEqual(
      combos.reader.combinations.map((k) => [k.aid, "03", k.ttq]),
    );
    expect(portableTap(combos)).toBe(true);
    expect(unportableTapSetup(byId("EPC-002"))).toEqual(["the field events collision"]);
    expect(portableTap(byId("EPC-002"))).toBe(false);
  });
});
