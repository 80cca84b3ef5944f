// Kernel 2 never throws and always ends in one of the seven outcomes (Book A §6.2; Book C-2), on arbitrary card
// answers: the Mastercard-style card's real answers with random faults injected per command (random bytes, a
// changed byte, a truncation, another status word, a transport failure), over random amounts, with and without RRP,
// and a torn log kept across runs. Events never show the card's PAN in clear.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PaypassCard } from "../../emulator/contactless/paypass.js";
import { loadPaypassProfile } from "../../emulator/contactless/paypass-profile.js";
import { OUTCOME_STATUSES } from "../../emv/fields/outcome-parameter-set.js";
import { seededRandom } from "../../emv/random.js";
import type { CardChannel } from "../../transport/channel.js";
import { TransportError } from "../../transport/channel.js";
import { runTap } from "../entry-point/entry-point.js";
import { fieldWithCard } from "../entry-point/field.js";
import { terminalWith } from "../entry-point/reader-builders.js";
import { nonInteractive } from "../interaction.js";
import type { KernelClock } from "./clock.js";
import { createKernel2 } from "./kernel.js";
import { c2Config, k2Reader } from "./reader-builders.js";
import { TornTransactionLog } from "./torn.js";

type Fault =
  | { kind: "none" }
  | { kind: "random"; bytes: Uint8Array }
  | { kind: "flip"; at: number }
  | { kind: "truncate"; to: number }
  | { kind: "sw"; sw: number }
  | { kind: "transport" };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Fault>({ kind: "none" }) },
  fc.uint8Array({ maxLength: 40 }).map<Fault>((bytes) => ({ kind: "random", bytes })),
  fc.nat(300).map<Fault>((at) => ({ kind: "flip", at })),
  fc.nat(300).map<Fault>((to) => ({ kind: "truncate", to })),
  fc.constantFrom(0x6985, 0x6a82, 0x6700, 0x6984, 0x6986, 0x6300).map<Fault>((sw) => ({ kind: "sw", sw })),
  fc.constant<Fault>({ kind: "transport" }),
);

class FaultyChannel implements CardChannel {
  readonly description = "faulty";
  readonly atr = undefined;
  private n = 0;
  constructor(
    private readonly card: CardChannel,
    private readonly faults: readonly Fault[],
  ) {}
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const f = this.faults[this.n++ % this.faults.length] ?? { kind: "none" };
    if (f.kind === "transport") throw new TransportError("timeout", "injected");
    let r: Uint8Array;
    try {
      r = await this.card.transmit(command);
    } catch (e) {
      if (e instanceof TransportError) throw e;
      throw new TransportError("timeout", String(e));
    }
    switch (f.kind) {
      case "random":
        return f.bytes;
      case "flip": {
        const out = r.slice();
        if (out.length > 0) out[f.at % out.length]! ^= 0x5a;
        return out;
      }
      case "truncate":
        return r.subarray(0, Math.min(r.length, f.to));
      case "sw":
        return Uint8Array.of(f.sw >> 8, f.sw & 0xff);
      default:
        return r;
    }
  }
  async close(): Promise<void> {}
}

describe("Kernel 2 robustness (property)", () => {
  const profiles = ["mc-paypass-cda-tc", "mc-paypass-rrp", "mc-paypass-tear-once", "mc-paypass-phone"].map((id) => {
    const r = loadPaypassProfile(id);
    if (!r.ok) throw new Error(r.error);
    return r.profile;
  });
  const terminal = terminalWith("attended-pos");
  const reader = k2Reader(terminal, [
    {
      aid: "A0000000041010",
      floorLimit: 10000,
      cvmRequiredLimit: 5000,
      c2: c2Config({
        kernelConfiguration: "30",
        relayResistance: {
          minGracePeriod: 5,
          maxGracePeriod: 5,
          expectedCapduTime: 5,
          expectedRapduTime: 5,
          accuracyThreshold: 30,
          mismatchThresholdPercent: 50,
        },
      }),
    },
  ]);
  const tornLog = new TornTransactionLog();

  it("never throws; every outcome is one of the seven; no PAN in clear in the events", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(profiles.length - 1),
        fc.array(fault, { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 0, max: 120000 }),
        fc.boolean(),
        async (which, faults, amount, pin) => {
          const profile = profiles[which]!;
          let micros = 0;
          const card = new PaypassCard(profile, { time: { advanceMicros: (n) => (micros += n) } });
          const clock: KernelClock = { wallMs: () => 1_700_000_000_000, monotonicMicros: () => micros };
          const r = await runTap({
            reader,
            params: {
              type: "purchase",
              amount,
              otherAmount: 0,
              date: "261203",
              time: "101500",
              sequenceCounter: 1,
              random: seededRandom(`prop-${amount}`),
            },
            field: fieldWithCard(new FaultyChannel(card, faults)),
            kernels: new Map([[2, createKernel2({ clock, tornLog })]]),
            interaction: nonInteractive(pin ? { pin: "1234" } : {}),
          });
          for (const o of [...r.outcomes, r.outcome]) {
            expect(OUTCOME_STATUSES).toContain(o.ops.status);
            // Every fault is a decided outcome, never the catch-all of an exception.
            expect(o.reason).not.toContain("internal error");
          }
          expect(r.outcome.reason.length).toBeGreaterThan(0);
          const pan = profile.pan;
          for (const e of r.events) expect(e.message).not.toContain(pan);
        },
      ),
      { numRuns: 400 },
    );
  });
});
