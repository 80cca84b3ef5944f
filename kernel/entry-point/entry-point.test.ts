// Entry Point flows (Book B §3.2 protocol activation, §3.3 combination selection, §3.4 kernel activation, §3.5
// outcome processing) with Kernel 3 behind it, on cards that answer per command.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OUTCOME_STATUSES } from "../../emv/fields/outcome-parameter-set.js";
import { kernel3 } from "../c3/kernel.js";
import type { TransactionParams } from "../transaction-params.js";
import { runTap } from "./entry-point.js";
import { type ContactlessField, fieldWithCard, scriptedField } from "./field.js";
import { readerWith, terminalWith } from "./reader-builders.js";
import {
  type Answer,
  fciResponse,
  gpoResponse,
  ONLINE_GPO,
  ppseResponse,
  ResponderChannel,
  SELECT_PPSE,
  selectCommand,
} from "./testing/cards.js";

const VISA = "A0000000031010";
const ELECTRON = "A0000000032010";
const terminal = terminalWith("attended-pos");
const reader = readerWith(
  terminal,
  [
    { aid: VISA, kernel: 3, ttq: "36004000", transactionLimit: 100000, floorLimit: 5000, cvmRequiredLimit: 5000 },
    { aid: ELECTRON, kernel: 3, ttq: "36004000", transactionLimit: 100000, floorLimit: 5000, cvmRequiredLimit: 5000 },
    { aid: "A0000000041010", kernel: 2 },
  ],
  [2, 3],
);
const params = (amount: number): TransactionParams => ({
  type: "purchase",
  amount,
  otherAmount: 0,
  date: "261203",
  time: "120000",
  sequenceCounter: 1,
  random: { bytes: (n) => new Uint8Array(n).fill(0xab), percent: () => 50 },
});
const kernels = new Map([[3, kernel3]]);
const tap = (
  respond: (c: string, i: number) => Answer,
  amount = 1000,
  field?: (ch: ResponderChannel) => ContactlessField,
) => {
  const channel = new ResponderChannel(respond);
  return {
    channel,
    run: runTap({ reader, params: params(amount), field: field ? field(channel) : fieldWithCard(channel), kernels }),
  };
};
/** A card with these PPSE entries; SELECT of an AID answers its FCI (or `selects[aid]`); GPO answers `gpo`. */
const card =
  (entries: Parameters<typeof ppseResponse>[0], gpo: string, selects: Record<string, string> = {}) =>
  (c: string): Answer => {
    if (c === SELECT_PPSE) return ppseResponse(entries);
    for (const e of entries) if (c === selectCommand(e.aid)) return selects[e.aid] ?? fciResponse(e.aid);
    if (c.startsWith("80A8")) return gpo;
    return "6D00";
  };

describe("combination selection (Book B §3.3)", () => {
  it("§3.3.2.3/§3.3.2.7: SELECT PPSE not 9000 → End Application, 'Insert, Swipe or Try Another Card', Ready to Read", async () => {
    const r = await tap(() => "6A82").run;
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.outcome.uiOnOutcome).toMatchObject({ messageId: 0x1c, status: "Ready to Read" });
    expect(r.trace.map((t) => t.name)).toEqual(["SELECT PPSE"]);
  });
  it("§3.3.2.4: a PPSE without directory entries → End Application", async () => {
    const r = await tap(card([], "")).run;
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.directory).toEqual([]);
  });
  it("§3.3.3.5: a failing final SELECT removes the candidate and the next one is selected (Start C)", async () => {
    const { channel, run } = tap(
      card(
        [
          { aid: VISA, priority: 1 },
          { aid: ELECTRON, priority: 2 },
        ],
        gpoResponse(ONLINE_GPO),
        { [VISA]: "6A82" },
      ),
    );
    const r = await run;
    expect(channel.commands.slice(0, 3)).toEqual([SELECT_PPSE, selectCommand(VISA), selectCommand(ELECTRON)]);
    expect(r.outcome.ops.status).toBe("Online Request");
    expect(r.selected && Buffer.from(r.selected.adfName).toString("hex").toUpperCase()).toBe(ELECTRON);
  });
  it("§3.3.3.6: a Visa AID for kernel 3 whose PDOL lacks 9F66 is removed (no kernel 1)", async () => {
    const r = await tap(card([{ aid: VISA }], gpoResponse(ONLINE_GPO), { [VISA]: fciResponse(VISA, "9F02069F3704") }))
      .run;
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.events.some((e) => e.message.includes("§3.3.3.6"))).toBe(true);
  });
  it("a kernel the reader lists but emvsim lacks ends the application with the reason", async () => {
    const r = await tap(card([{ aid: "A0000000041010" }], "")).run;
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.outcome.reason).toBe("kernel 02 is not implemented by emvsim");
  });
  it("pre-processing: every combination over its limit → Try Another Interface before the card is touched", async () => {
    const visaOnly = readerWith(terminal, [{ aid: VISA, kernel: 3, ttq: "36004000", transactionLimit: 100000 }]);
    const channel = new ResponderChannel(card([{ aid: VISA }], ""));
    const r = await runTap({ reader: visaOnly, params: params(100000), field: fieldWithCard(channel), kernels });
    expect(r.outcome.ops.status).toBe("Try Another Interface");
    expect(channel.commands).toEqual([]);
    // The kernel 2 combination of the other reader has no limit: it stays allowed.
    expect((await tap(card([{ aid: VISA }], ""), 100000).run).outcome.ops.status).toBe("End Application");
  });
});

describe("protocol activation (Book B §3.2) and restarts", () => {
  it("a collision asks for one card and polls again", async () => {
    const channel = new ResponderChannel(card([{ aid: VISA }], gpoResponse(ONLINE_GPO)));
    const r = await runTap({
      reader,
      params: params(1000),
      kernels,
      field: scriptedField([{ kind: "collision" }, { kind: "card", channel }]),
    });
    expect(r.outcome.ops.status).toBe("Online Request");
    expect(r.events.some((e) => e.message.startsWith("collision"))).toBe(true);
  });
  it("collisions on every poll end the application with 'Please Present One Card Only'", async () => {
    const r = await runTap({ reader, params: params(1000), kernels, field: scriptedField([{ kind: "collision" }]) });
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.outcome.uiOnOutcome?.messageId).toBe(0x19);
  });
  it("no card within the field's wait ends the application", async () => {
    const r = await runTap({
      reader,
      params: params(1000),
      kernels,
      field: scriptedField([{ kind: "no-card", reason: "no card in 5 s" }]),
    });
    expect(r.outcome).toMatchObject({ source: "Entry Point", reason: "protocol activation: no card in 5 s" });
  });
  it("§3.3.3.7: the card removed during SELECT PPSE → protocol activation again, then the tap completes", async () => {
    const inner = card([{ aid: VISA }], gpoResponse(ONLINE_GPO));
    const r = await tap((c, i) => (i === 0 ? { transportError: "card-removed" } : inner(c))).run;
    expect(r.taps).toBe(2);
    expect(r.outcome.ops.status).toBe("Online Request");
  });
  it("the card removed during GPO → Try Again (Start B), presented again and completed", async () => {
    let gpos = 0;
    const inner = card([{ aid: VISA }], gpoResponse(ONLINE_GPO));
    const r = await tap((c) => (c.startsWith("80A8") && gpos++ === 0 ? { transportError: "card-removed" } : inner(c)))
      .run;
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["Try Again", "Online Request"]);
    expect(r.outcomes[0]?.uiOnRestart).toMatchObject({ messageId: 0x21, status: "Ready to Read" });
    expect(r.taps).toBe(2);
  });
});

describe("GPO status words (Book C-3)", () => {
  it("6984 → Try Another Interface, contact chip preferred", async () => {
    const r = await tap(card([{ aid: VISA }], "6984")).run;
    expect(r.outcome.ops).toMatchObject({
      status: "Try Another Interface",
      alternateInterfacePreference: "Contact Chip",
    });
  });
  it("6985 → Select Next: the next candidate is selected without SELECT PPSE again", async () => {
    let first = true;
    const inner = card(
      [
        { aid: VISA, priority: 1 },
        { aid: ELECTRON, priority: 2 },
      ],
      gpoResponse(ONLINE_GPO),
    );
    const { channel, run } = tap((c) => {
      if (c.startsWith("80A8") && first) {
        first = false;
        return "6985";
      }
      return inner(c);
    });
    const r = await run;
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["Select Next", "Online Request"]);
    expect(channel.commands.filter((c) => c === SELECT_PPSE)).toHaveLength(1);
    expect(channel.commands[3]).toBe(selectCommand(ELECTRON));
  });
  it("6986 → Try Again with 'See Phone for Instructions', then the card is presented again", async () => {
    let first = true;
    const inner = card([{ aid: VISA }], gpoResponse(ONLINE_GPO));
    const r = await tap((c) => {
      if (c.startsWith("80A8") && first) {
        first = false;
        return "6986";
      }
      return inner(c);
    }).run;
    expect(r.outcomes[0]).toMatchObject({ ops: { status: "Try Again", start: "B" }, uiOnOutcome: { messageId: 0x20 } });
    expect(r.outcome.ops.status).toBe("Online Request");
  });
  it("a card that answers 6986 forever ends after the restart bound", async () => {
    const r = await tap(card([{ aid: VISA }], "6986")).run;
    expect(r.outcome.ops.status).toBe("End Application");
    expect(r.outcome.reason).toBe("more than 3 restarts");
  });
});

describe("the kernel never throws and always ends in one of the seven outcomes (property)", () => {
  it("on arbitrary card answers", async () => {
    const answer = fc.oneof(
      fc.constantFrom("9000", "6A82", "6984", "6985", "6986", "6D00", ""),
      fc.uint8Array({ maxLength: 40 }).map((b) => `${Buffer.from(b).toString("hex").toUpperCase()}9000`),
      fc.constant(ppseResponse([{ aid: VISA }])),
      fc.constant(fciResponse(VISA)),
      fc.constant(gpoResponse(ONLINE_GPO)),
      fc
        .record({
          "94": fc.constantFrom("08010100", "18010101", "0801FF00", ""),
          "9F27": fc.constantFrom("00", "40", "80", "C0"),
        })
        .map((o) => gpoResponse({ ...ONLINE_GPO, ...o })),
      fc.constant({ transportError: "card-removed" as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 200000 }),
        async (answers, amount) => {
          const r = await tap((_c, i) => answers[i % answers.length]!, amount).run;
          expect(OUTCOME_STATUSES).toContain(r.outcome.ops.status);
          expect(r.outcome.reason).not.toContain("internal error");
        },
      ),
      { numRuns: 400 },
    );
  });
});
