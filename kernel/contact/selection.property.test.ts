// Property tests for application selection (EMV Book 1 §12): random cards (applications, priorities, blocked flags,
// PSE present/absent/blocked) and random terminal ASIs always end in a defined result, consistent with the rules.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesEqual, concatBytes, toHex } from "../../emv/bytes.js";
import { encodeTlv } from "../../emv/tlv/ber.js";
import type { CardChannel } from "../../transport/channel.js";
import { nonInteractive } from "../interaction.js";
import { aidMatches, priorityOf } from "./selection/candidates.js";
import { PSE_NAME } from "./selection/pse.js";
import { buildCandidateList, selectApplication } from "./selection.js";
import { fixedRandom, TEST_AID, TEST_CONFIG, testContext } from "./testing/context.js";
import { runTransaction } from "./transaction.js";

interface CardApp {
  readonly aid: Uint8Array;
  readonly priority: number;
  readonly blocked: boolean;
  readonly inPse: boolean;
}

const BASES = ["A0000000031010", "A0000000041010", "A0000000032010"].map((h) => Uint8Array.from(Buffer.from(h, "hex")));

const sw = (value: number) => Uint8Array.of(value >> 8, value & 0xff);
const fci = (name: Uint8Array, proprietary: Uint8Array) =>
  encodeTlv(0x6f, concatBytes(encodeTlv(0x84, name), encodeTlv(0xa5, proprietary)));

/** A card that answers SELECT (first/next occurrence, by prefix) and READ RECORD of a one-entry-per-record PSE. */
function fakeCard(apps: readonly CardApp[], pse: "absent" | "present" | "blocked"): CardChannel {
  const cursor = new Map<string, number>();
  return {
    description: "property card",
    atr: undefined,
    async transmit(c: Uint8Array): Promise<Uint8Array> {
      const ins = c[1];
      if (ins === 0xa4) {
        const name = c.subarray(5, 5 + c[4]!);
        if (bytesEqual(name, PSE_NAME)) {
          if (pse === "absent") return sw(0x6a82);
          const f = fci(name, encodeTlv(0x88, Uint8Array.of(1)));
          return concatBytes(f, sw(pse === "blocked" ? 0x6283 : 0x9000));
        }
        // Occurrences by prefix, the exact DF name first (the card model this test assumes; a card that answers a
        // longer DF name first for an AID it also holds exactly cannot be finally selected by EMV's exact SELECT).
        const matching = apps
          .filter((a) => a.aid.length >= name.length && bytesEqual(a.aid.subarray(0, name.length), name))
          .sort((a, b) => Number(!bytesEqual(a.aid, name)) - Number(!bytesEqual(b.aid, name)));
        const key = toHex(name);
        const index = c[3] === 0x02 ? (cursor.get(key) ?? -1) + 1 : 0;
        const app = matching[index];
        if (!app) return sw(0x6a82);
        cursor.set(key, index);
        const f = fci(
          app.aid,
          concatBytes(encodeTlv(0x50, Buffer.from("APP")), encodeTlv(0x87, Uint8Array.of(app.priority))),
        );
        return concatBytes(f, sw(app.blocked ? 0x6283 : 0x9000));
      }
      if (ins === 0xb2 && c[3] === 0x0c) {
        const listed = apps.filter((a) => a.inPse);
        const app = listed[c[2]! - 1];
        if (!app) return sw(0x6a83);
        const entry = encodeTlv(
          0x61,
          concatBytes(encodeTlv(0x4f, app.aid), encodeTlv(0x87, Uint8Array.of(app.priority))),
        );
        return concatBytes(encodeTlv(0x70, entry), sw(0x9000));
      }
      return sw(0x6d00);
    },
    async close() {},
  };
}

const appArb = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  suffix: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  priority: fc.integer({ min: 0, max: 255 }),
  blocked: fc.boolean(),
  inPse: fc.boolean(),
});

const scenarioArb = fc.record({
  apps: fc.uniqueArray(appArb, { maxLength: 6, selector: (a) => `${a.base}/${a.suffix}` }),
  pse: fc.constantFrom("absent" as const, "present" as const, "blocked" as const),
  partial: fc.array(fc.boolean(), { minLength: BASES.length, maxLength: BASES.length }),
});

describe("random selection scenarios", () => {
  it("candidates are mutually supported, in priority order; selection picks the first unblocked one", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ apps: spec, pse, partial }) => {
        const apps: CardApp[] = spec.map((s) => ({
          aid: s.suffix === undefined ? BASES[s.base]! : concatBytes(BASES[s.base]!, Uint8Array.of(s.suffix)),
          priority: s.priority,
          blocked: s.blocked,
          inPse: s.inPse,
        }));
        const aids = BASES.map((aid, i) => ({ ...TEST_AID, aid, partialSelection: partial[i]! }));
        const t = testContext({ cardChannel: fakeCard(apps, pse), interaction: nonInteractive() });
        const ctx = { ...t.ctx, config: { ...t.ctx.config, aids } };
        const list = await buildCandidateList(ctx);
        expect(list.kind).toBe("candidates");
        if (list.kind !== "candidates") return;
        const found = list.candidates;
        for (const c of found) {
          const app = apps.find((a) => bytesEqual(a.aid, c.aid));
          expect(app).toBeDefined();
          expect(aids.some((a) => aidMatches(a, c.aid) !== undefined)).toBe(true);
          // The list of AIDs leaves blocked applications out (Book 1 §12.3.3).
          if (c.source === "aid-list") expect(app!.blocked).toBe(false);
        }
        const ranks = found.map((c) => priorityOf(c) || 16);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        const selection = await selectApplication(ctx, found);
        const firstUnblocked = found.find((c) => !apps.find((a) => bytesEqual(a.aid, c.aid))!.blocked);
        if (firstUnblocked) {
          expect(selection.kind).toBe("selected");
          if (selection.kind === "selected") expect(toHex(selection.candidate.aid)).toBe(toHex(firstUnblocked.aid));
        } else {
          expect(selection).toEqual({ kind: "terminate", cause: "not-accepted", reason: "no matching application" });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a card answering arbitrary bytes never makes runTransaction throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 12 }), async (answers) => {
        let i = 0;
        const channel: CardChannel = {
          description: "random bytes",
          atr: undefined,
          transmit: async () => answers[i++ % answers.length]!,
          async close() {},
        };
        const r = await runTransaction({
          config: TEST_CONFIG,
          params: {
            type: "purchase",
            amount: 100,
            otherAmount: 0,
            date: "251129",
            time: "120000",
            sequenceCounter: 1,
            random: fixedRandom(),
          },
          channel,
        });
        expect(["approved", "declined", "online-approved", "online-declined", "terminated"]).toContain(r.outcome);
        expect(r.reason.length).toBeGreaterThan(0);
        expect(r.reason).not.toMatch(/^internal error/);
      }),
      { numRuns: 300 },
    );
  });
});
