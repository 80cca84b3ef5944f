// The choice among candidates on a terminal that offers no cardholder selection or confirmation (EMV Book 1 §12.4).

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import type { Interaction } from "../interaction.js";
import { orderCandidates } from "./selection/candidates.js";
import { type Candidate, selectApplication } from "./selection.js";
import { scriptedInteraction, TEST_AID, testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";

const candidate = (aid: string, priority: number): Candidate => ({
  aid: fromHex(aid),
  label: aid,
  priority,
  confirmationRequired: (priority & 0x80) !== 0,
  config: TEST_AID,
  source: "pse",
});

/** FCI of Book 1 Table 45 with only 84 and A5 { 50 "A" }: enough for final selection. */
const fci = (aid: string) => {
  const len = (hex: string) => (hex.length / 2).toString(16).toUpperCase().padStart(2, "0");
  const inner = `84${len(aid)}${aid}A503500141`;
  return `6F${len(inner)}${inner}9000`;
};

/** A terminal without cardholder selection; any question to the cardholder fails the test. */
function noCardholder(script: readonly ScriptStep[]) {
  const asked: string[] = [];
  const interaction: Interaction = {
    ...scriptedInteraction(),
    chooseApplication: async () => {
      asked.push("choose");
      return 0;
    },
    confirmApplication: async () => {
      asked.push("confirm");
      return true;
    },
  };
  const t = testContext({ script, interaction });
  return { ...t, asked, ctx: { ...t.ctx, config: { ...t.ctx.config, cardholderSelection: false } } };
}

describe("terminal without cardholder selection (Book 1 §12.4)", () => {
  it("takes the highest priority that needs no confirmation: 81 (priority 1, b8) is excluded, 02 chosen", async () => {
    const list = orderCandidates([
      candidate("A0000000031010", 0x03),
      candidate("A0000000032010", 0x81),
      candidate("A0000000033010", 0x02),
    ]);
    const t = noCardholder([{ command: "00A4040007A000000003301000", response: fci("A0000000033010") }]);
    const r = await selectApplication(t.ctx, list);
    expect(t.channel.errors).toEqual([]);
    expect(r.kind === "selected" ? toHex(r.candidate.aid) : r.reason).toBe("A0000000033010");
    expect(t.asked).toEqual([]);
  });

  it("a single candidate needing confirmation cannot be confirmed: terminated, nothing sent", async () => {
    const t = noCardholder([]);
    const r = await selectApplication(t.ctx, [candidate("A0000000031010", 0x81)]);
    expect(r).toEqual({
      kind: "terminate",
      cause: "not-accepted",
      reason: "every candidate requires cardholder confirmation, which this terminal does not offer",
    });
    expect(t.ctx.card.trace).toEqual([]);
    expect(t.asked).toEqual([]);
  });

  it("a single candidate without b8 is selected as on any terminal", async () => {
    const t = noCardholder([{ command: "00A4040007A000000003101000", response: fci("A0000000031010") }]);
    const r = await selectApplication(t.ctx, [candidate("A0000000031010", 0x00)]);
    expect(r.kind === "selected" ? toHex(r.candidate.aid) : r.reason).toBe("A0000000031010");
  });
});
