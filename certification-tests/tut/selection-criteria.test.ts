// The card-side SELECT sequence criterion (Book 1 §12.3): met by emvsim's kernel on the selection cases, failed by a
// terminal that stops walking the occurrences (no SELECT next) or sends the SELECT without caring for P2.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { SELECTION_CASES } from "../catalog/selection.js";
import { runCase } from "../harness.js";
import { cardExchanges, judgeFromCard } from "./criteria.js";
import { servedOverrides } from "./served-profile.js";

async function servedExchanges(id: string) {
  const c = SELECTION_CASES.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  const s = { ...c, card: servedOverrides(c) };
  const run = await runCase(s);
  if (!run.record) throw new Error(`${id}: ${run.setupError}`);
  return { c: s, ex: cardExchanges(run.record.trace) };
}

const problems = (...args: Parameters<typeof judgeFromCard>) =>
  judgeFromCard(...args).problems.filter((p) => p.startsWith("card-side SELECT sequence"));

describe("card-side SELECT sequence", () => {
  it("emvsim's kernel sends the SELECTs SEL-EXA-001 states, first and next occurrences, Le aside", async () => {
    const { c, ex } = await servedExchanges("SEL-EXA-001");
    expect(problems(c, ex, "terminal-under-test")).toEqual([]);
    // Without Le (a T=0 terminal) the sequence is the same.
    const noLe = ex.map((x) => (x.command[1] === 0xa4 ? { ...x, command: x.command.subarray(0, -1) } : x));
    expect(problems(c, noLe, "terminal-under-test")).toEqual([]);
  });

  it("a terminal that sends P2 00 where SELECT next (02) is due fails, naming what the card saw", async () => {
    const { c, ex } = await servedExchanges("SEL-EXA-001");
    const firstOnly = ex.map((x) =>
      x.command[1] === 0xa4 && x.command[3] === 0x02
        ? { ...x, command: fromHex(`${toHex(x.command.subarray(0, 3))}00${toHex(x.command.subarray(4))}`) }
        : x,
    );
    const found = problems(c, firstOnly, "terminal-under-test");
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(
      "card saw 00A404000E315041592E5359532E4444463031, 00A4040007A0000000031010, 00A4040007A0000000031010",
    );
  });
});
