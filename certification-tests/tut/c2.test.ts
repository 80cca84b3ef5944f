// The Kernel 2 terminal-under-test pieces without a reader: the card's view of a tap and the criteria judged from it.
// The loop through pcscd is in tut-contactless.integration.test.ts.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { loadReaderConfig } from "../../kernel/config/reader-load.js";
import { runC2Case } from "../c2-harness.js";
import { kernel2Cases } from "../catalog/c2.js";
import type { C2Case } from "../catalog/c2-types.js";
import { c2ReaderConfigFor, judgeC2FromCard, portableC2, unportableC2Setup } from "./c2.js";

const cases = kernel2Cases();
const byId = (id: string): C2Case => cases.find((c) => c.id === id)!;

async function exchangesOf(c: C2Case) {
  const run = await runC2Case(c);
  return run.record!.trace.flatMap((t) => (t.response ? [{ command: t.command, response: t.response }] : []));
}

describe("judgeC2FromCard", () => {
  it("emvsim's Kernel 2 taps meet every card-side criterion of every portable case", async () => {
    const portable = cases.filter(portableC2);
    expect(portable.length).toBeGreaterThanOrEqual(30);
    for (const c of portable) {
      const v = judgeC2FromCard(c, await exchangesOf(c));
      expect(v.problems, c.id).toEqual([]);
      expect(
        v.notes.some((n) => n.startsWith("outcome (")),
        c.id,
      ).toBe(true);
    }
  });

  it("reads the GENERATE AC P1 and the TVR of the CDOL1 data, and names a reader that asked for another cryptogram", async () => {
    const c = cases.find((x) => portableC2(x) && x.expected.p1 === "90" && x.expected.tvr)!;
    const exchanges = await exchangesOf(c);
    const v = judgeC2FromCard(c, exchanges);
    expect(v.view.p1).toBe("90");
    // The same tap with a TC asked (P1 50) where the case expects an ARQC with CDA (P1 90, Book C-2 GENERATE AC).
    const asTc = exchanges.map((x) =>
      x.command[1] === 0xae ? { ...x, command: fromHex(`80AE50${toHex(x.command).slice(6)}`) } : x,
    );
    expect(judgeC2FromCard(c, asTc).problems).toEqual(['card-side GENERATE AC P1: expected "90", card saw "50"']);
  });

  it("relay resistance and torn cases are operator setup; the reader is given as a configuration file", () => {
    const rrp = cases.find((c) => c.family === "C-2 relay resistance")!;
    expect(unportableC2Setup(rrp)[0]).toMatch(/^relay resistance timed on the catalog's simulated clock/);
    const torn = cases.find((c) => c.family === "C-2 torn transactions")!;
    expect(portableC2(torn)).toBe(false);
    // The file is a reader configuration emvsim run takes: the catalog's Kernel 2 combination (c2-harness.ts).
    const loaded = loadReaderConfig(c2ReaderConfigFor(byId(cases[0]!.id)));
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.config.kernels).toEqual([2]);
    const [k2] = loaded.config.combinations;
    expect(toHex(k2!.aid)).toBe("A0000000041010");
    expect(toHex(k2!.kernelId)).toBe("02");
    expect([k2!.floorLimit, k2!.cvmRequiredLimit]).toEqual([10000, 5000]);
  });
});
