// Application selection (EMV Book 1 §12) against the emv-utils scenarios and table-driven cases.

import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import type { Interaction } from "../interaction.js";
import { buildCandidateList, type Candidate, finalSelection, selectApplication } from "./selection.js";
import { scriptedInteraction, testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";
import { apduScript, type FlowCase, scenarios, terminalAids } from "./testing/selection-scenarios.js";

const build = scenarios.build_candidate_list;
const select = scenarios.select_application;

function contextFor(script: readonly ScriptStep[], section = build, interaction?: Interaction) {
  const t = testContext({ script, ...(interaction ? { interaction } : {}) });
  const config = { ...t.ctx.config, aids: terminalAids(section) };
  const ctx = { ...t.ctx, config };
  return { ...t, ctx };
}

const sent = (t: ReturnType<typeof contextFor>) => t.ctx.card.trace.map((e) => toHex(e.command));

describe("build candidate list: emv-utils scenarios (Book 1 §12.3)", () => {
  for (const c of build.cases) {
    it(c.title ?? "", async () => {
      const script = apduScript(c.card_exchanges ?? []);
      const t = contextFor(script);
      const result = await buildCandidateList(t.ctx);
      // Every scripted command is sent, in order, and nothing else.
      expect(sent(t)).toEqual(script.map((s) => s.command));
      expect(t.channel.errors).toEqual([]);
      if (c.expected_result === "EMV_OUTCOME_CARD_BLOCKED") {
        expect(result).toEqual({
          kind: "terminate",
          cause: "card-blocked",
          reason: "card blocked or SELECT not supported (SW 6A81)",
        });
        return;
      }
      expect(result.kind).toBe("candidates");
      if (result.kind !== "candidates") return;
      expect(result.candidates.length === 0).toBe(c.expect_candidate_list_empty);
      if (c.expected_result === "EMV_OUTCOME_NOT_ACCEPTED") {
        const s = await selectApplication(t.ctx, result.candidates);
        expect(s).toEqual({ kind: "terminate", cause: "not-accepted", reason: "no matching application" });
      } else {
        expect(c.expected_result).toBe("0 (success)");
        const needsCardholder = result.candidates.length > 1 || result.candidates.some((x) => x.confirmationRequired);
        expect(needsCardholder).toBe(c.expect_cardholder_selection_required);
      }
    });
  }

  it("orders by priority, no priority last, equal priorities in card order (test_sorted_app_priority)", async () => {
    const c = build.cases.find((x) => x.xpdu_list === "test_sorted_app_priority")!;
    const t = contextFor(apduScript(c.card_exchanges ?? []));
    const result = await buildCandidateList(t.ctx);
    if (result.kind !== "candidates") throw new Error(result.reason);
    expect(result.candidates.map((x) => [toHex(x.aid), x.label, x.priority])).toEqual([
      ["A000000003101001", "APP 1", 0x01],
      ["A000000003101002", "APP 2", 0x01],
      ["A000000003101003", "APP 3", 0x04],
      ["A000000003101004", "APP 4", 0x04],
      ["A000000003101005", "APP 5", 0x05],
      ["A000000003101006", "APP 6", 0x07],
      ["A0000000041010", "APP 7", 0x00],
    ]);
    // A0000000051010 (APP 8) is on the card but not in the terminal's list.
    expect(t.events.some((e) => e.message.includes("application A0000000051010 is not supported"))).toBe(true);
  });

  it("partial matches via SELECT next (P2=02) become candidates with the card's DF names", async () => {
    const c = build.cases.find((x) => x.xpdu_list === "test_aid_multi_partial_match_app_supported")!;
    const t = contextFor(apduScript(c.card_exchanges ?? []));
    const result = await buildCandidateList(t.ctx);
    if (result.kind !== "candidates") throw new Error(result.reason);
    expect(result.candidates.map((x) => [toHex(x.aid), x.priority, x.source])).toEqual([
      ["A000000004101010", 0x01, "aid-list"],
      ["A000000004101020", 0x02, "aid-list"],
    ]);
    expect(result.candidates.every((x) => toHex(x.config.aid) === "A0000000041010")).toBe(true);
  });

  it("API b8 set: confirmation required (test_app_cardholder_confirmation)", async () => {
    const c = build.cases.find((x) => x.xpdu_list === "test_app_cardholder_confirmation")!;
    const t = contextFor(apduScript(c.card_exchanges ?? []));
    const result = await buildCandidateList(t.ctx);
    if (result.kind !== "candidates") throw new Error(result.reason);
    expect(result.candidates.map((x) => [toHex(x.aid), x.priority, x.confirmationRequired])).toEqual([
      ["A0000000031010", 0x81, true],
    ]);
  });

  it("an exact-match terminal AID does not take a longer DF name (ASI exact)", async () => {
    const t = contextFor([
      { command: "00A404000E315041592E5359532E444446303100", response: "6A82" },
      { command: "00A4040007A000000003101000", response: "6A82" },
      // A0000000032010 is exact-only: a card answering with a longer DF name is not a candidate; SELECT next is sent.
      { command: "00A4040007A000000003201000", response: "6F108408A000000003201099A50450024141" + "9000" },
      { command: "00A4040207A000000003201000", response: "6A82" },
      { command: "00A4040007A000000003202000", response: "6A82" },
      { command: "00A4040007A000000004101000", response: "6A82" },
      { command: "00A4040007A000000004306000", response: "6A82" },
    ]);
    const result = await buildCandidateList(t.ctx);
    expect(t.channel.errors).toEqual([]);
    expect(t.channel.finished).toBe(true);
    expect(result).toEqual({ kind: "candidates", candidates: [] });
  });
});

describe("final selection: emv-utils scenarios (Book 1 §12.4)", async () => {
  // The candidate list every case starts from (test_pse).
  const prepare = select.cases[0]!;
  async function candidates(): Promise<Candidate[]> {
    const t = contextFor(apduScript(prepare.card_exchanges ?? []), select);
    const r = await buildCandidateList(t.ctx);
    if (r.kind !== "candidates") throw new Error(r.reason);
    return r.candidates;
  }
  const list = await candidates();

  const selectionCases = select.cases.filter((c: FlowCase) => c.xpdu_list && c.xpdu_list !== "test_pse");
  for (const c of selectionCases) {
    it(c.title ?? "", async () => {
      const script = apduScript(c.card_exchanges ?? []);
      // The candidate is the one whose DF name the scenario SELECTs.
      const aidHex = script[0]!.command.slice(10, 10 + 2 * Number.parseInt(script[0]!.command.slice(8, 10), 16));
      const candidate = list.find((x) => toHex(x.aid) === aidHex)!;
      expect(candidate).toBeDefined();
      const t = contextFor(script, select);
      if (c.expect_candidate_list_empty) {
        const s = await selectApplication(t.ctx, [candidate]);
        expect(s).toEqual({ kind: "terminate", cause: "not-accepted", reason: "no matching application" });
        expect((t.ctx.interaction as ReturnType<typeof scriptedInteraction>).displayed).toEqual(["TRY AGAIN"]);
        return;
      }
      const r = await finalSelection(t.ctx, candidate);
      expect(sent(t)).toEqual(script.map((s) => s.command));
      switch (c.expected_result) {
        case "0 (success)":
          expect(r.kind).toBe("selected");
          expect(t.ctx.aid).toBe(candidate.config);
          expect(toHex(t.ctx.data.get(0x84)!)).toBe(aidHex);
          expect(toHex(t.ctx.data.get(0x9f06)!)).toBe("A0000000031010");
          expect(toHex(t.ctx.data.get(0x5f2d)!)).toBe("6E6C656E");
          break;
        case "EMV_OUTCOME_TRY_AGAIN":
          expect(r.kind).toBe("try-again");
          expect(t.ctx.data.get(0x84)).toBeUndefined();
          break;
        case "EMV_OUTCOME_CARD_BLOCKED":
          expect(r).toEqual({
            kind: "terminate",
            cause: "card-blocked",
            reason: "card blocked or SELECT not supported (SW 6A81)",
          });
          break;
        case "EMV_OUTCOME_CARD_ERROR":
          expect(r).toEqual({
            kind: "terminate",
            cause: "card-error",
            reason: "SELECT: response of 1 byte(s) has no status word (00)",
          });
          break;
        default:
          throw new Error(`unmapped expected result ${c.expected_result}`);
      }
    });
  }

  it("invalid application index: the choice is refused, nothing is sent", async () => {
    const interaction = { ...scriptedInteraction(), chooseApplication: async () => list.length };
    const t = contextFor([], select, interaction);
    const r = await selectApplication(t.ctx, list);
    expect(r).toEqual({
      kind: "terminate",
      cause: "internal",
      reason: "application choice 7 is not one of the 7 candidates",
    });
    expect(t.ctx.card.trace).toEqual([]);
  });

  it("a failed final selection removes the candidate and offers the rest again (TRY AGAIN)", async () => {
    const offered: string[][] = [];
    const interaction: Interaction = {
      ...scriptedInteraction(),
      chooseApplication: async (cs) => {
        offered.push(cs.map((x) => toHex(x.aid)));
        return 0;
      },
    };
    const t = contextFor(
      [
        { command: "00A4040008A00000000310100100", response: "6283" },
        {
          command: "00A4040008A00000000310100200",
          response: "6F1D8408A000000003101002A511500556205041598701015F2D046E6C656E9000",
        },
      ],
      select,
      interaction,
    );
    const r = await selectApplication(t.ctx, list);
    expect(t.channel.errors).toEqual([]);
    expect(r.kind).toBe("selected");
    if (r.kind !== "selected") return;
    expect(toHex(r.candidate.aid)).toBe("A000000003101002");
    expect(r.remaining.map((x) => toHex(x.aid))).toEqual(offered[1]);
    expect(offered.map((o) => o.length)).toEqual([7, 6]);
    expect(offered[1]).not.toContain("A000000003101001");
  });

  it("one candidate needing confirmation: refused → terminated, nothing selected", async () => {
    const only = list.find((x) => toHex(x.aid) === "A000000003101001")!;
    const confirming = { ...only, confirmationRequired: true, priority: 0x81 };
    const interaction = { ...scriptedInteraction(), confirmApplication: async () => false };
    const t = contextFor([], select, interaction);
    const r = await selectApplication(t.ctx, [confirming]);
    expect(r).toEqual({
      kind: "terminate",
      cause: "cancelled",
      reason: "cardholder did not confirm application A000000003101001",
    });
  });

  it("cancelled choice → terminated", async () => {
    const interaction = { ...scriptedInteraction(), chooseApplication: async () => undefined };
    const t = contextFor([], select, interaction);
    expect(await selectApplication(t.ctx, list)).toEqual({
      kind: "terminate",
      cause: "cancelled",
      reason: "application selection cancelled",
    });
  });

  it("card removed during the PSE → terminated with the transport error", async () => {
    const t = contextFor([{ command: "00A404000E315041592E5359532E444446303100", transportError: "card-removed" }]);
    const r = await buildCandidateList(t.ctx);
    expect(r).toEqual({ kind: "terminate", cause: "card-error", reason: "SELECT: scripted card-removed" });
  });
});

describe("PSE with a DDF entry (Book 1 §12.3.2)", () => {
  it("reads the DDF's directory after the PSE's", async () => {
    const ddf = "A000000003DDF1";
    const t = contextFor([
      {
        command: "00A404000E315041592E5359532E444446303100",
        response: "6F15840E315041592E5359532E4444463031A503880101" + "9000",
      },
      { command: "00B2010C00", response: `700B61099D07${ddf}9000` },
      { command: "00B2020C00", response: "6A83" },
      { command: `00A4040007${ddf}00`, response: `6F0E8407${ddf}A5038801029000` },
      { command: "00B2011400", response: "701461124F07A00000000310105004564953418701029000" },
      { command: "00B2021400", response: "6A83" },
    ]);
    const r = await buildCandidateList(t.ctx);
    expect(t.channel.errors).toEqual([]);
    expect(t.channel.finished).toBe(true);
    if (r.kind !== "candidates") throw new Error(r.reason);
    expect(r.candidates.map((x) => [toHex(x.aid), x.label, x.priority, x.source])).toEqual([
      ["A0000000031010", "VISA", 2, "pse"],
    ]);
  });
});
