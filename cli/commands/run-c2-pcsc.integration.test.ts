// Integration: `emvsim run --reader pcsc:…` taps a Mastercard-style contactless card (emulator/profiles/paypass/)
// served through real pcscd + vsmartcard vpcd: the contactless ATR selects Entry Point, the card is activated on
// Kernel 2 under attended-pos-k2, and the outcome, CVM, CDA result and APDU sequence equal the in-process tap's.
// Needs pcscd and vpcd and no pcscd of the system's; the harness's machine-wide lock serialises the test files that
// start their own pcscd (devices/testing/pcscd.ts).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReader } from "../../devices/open.js";
import { type PrivatePcscd, pcscdSkipReason, requireHardware, startPrivatePcscd } from "../../devices/testing/pcscd.js";
import { type CardProcess, spawnCardProcess } from "../../devices/testing/spawn-card.js";
import { seededRandom } from "../../emv/random.js";
import { createKernel2 } from "../../kernel/c2/kernel.js";
import { loadReaderConfig } from "../../kernel/config/reader-load.js";
import { runTap } from "../../kernel/entry-point/entry-point.js";
import type { ContactlessField } from "../../kernel/entry-point/field.js";
import { nonInteractive } from "../../kernel/interaction.js";
import type { CardChannel } from "../../transport/channel.js";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

const reason = pcscdSkipReason();
if (reason && requireHardware())
  throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but the Kernel 2 PC/SC tap cannot run: ${reason}`);
if (reason) console.warn(`[skip] Kernel 2 tap through pcscd + vpcd: ${reason}`);

async function runJson(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" };
  const code = await main(["run", ...args], io);
  return { code, err, json: out.length ? JSON.parse(out.join("\n")) : undefined };
}

describe.skipIf(!!reason)("emvsim run, Kernel 2, through pcscd + vpcd", () => {
  let pcscd: PrivatePcscd;
  let card: CardProcess;
  beforeAll(async () => {
    pcscd = await startPrivatePcscd();
    card = await spawnCardProcess(["--vpcd", `127.0.0.1:${pcscd.port}`, "--card", "mc-paypass-cda-tc"]);
  });
  afterAll(async () => {
    await card?.stop();
    await pcscd?.stop();
  });

  it("outcome, CVM, CDA and commands equal the in-process tap's (above the CVM limit: online PIN, ARQC)", async () => {
    const fixed = ["--amount", "70.00", "--pin", "1234", "--date", "261203", "--time", "120000", "--json", "--trace"];
    const viaPcsc = await runJson([
      "--reader",
      `pcsc:${pcscd.readerName}`,
      "--reader-config",
      "attended-pos-k2",
      ...fixed,
    ]);
    const inProcess = await runJson(["--card", "mc-paypass-cda-tc", ...fixed]);
    expect(viaPcsc.err).toEqual([]);
    const pick = (j: Record<string, unknown>) => ({
      interface: j.interface,
      outcome: j.outcome,
      cvm: (j.outcomeParameters as { cvm: string }).cvm,
      kernel: (j.kernel as { name: string }).name,
      notes: (j.kernel as { notes: string[] }).notes,
      commands: (j.trace as { name: string }[]).map((t) => t.name),
    });
    expect(pick(viaPcsc.json)).toEqual(pick(inProcess.json));
    expect(pick(viaPcsc.json)).toMatchObject({
      interface: "contactless",
      outcome: "Online Request",
      cvm: "Online PIN",
    });
  });
});

describe.skipIf(!!reason)("a torn Kernel 2 transaction recovered across two taps through pcscd + vpcd", () => {
  let pcscd: PrivatePcscd;
  let card: CardProcess;
  beforeAll(async () => {
    pcscd = await startPrivatePcscd();
    card = await spawnCardProcess(["--vpcd", `127.0.0.1:${pcscd.port}`, "--card", "mc-paypass-tear-once"]);
  });
  afterAll(async () => {
    await card?.stop();
    await pcscd?.stop();
  });

  it("the card leaves the field at GENERATE AC; presented again, RECOVER AC recovers the TC", async () => {
    const loaded = loadReaderConfig("attended-pos-k2");
    if (!loaded.ok) throw new Error(loaded.error);
    const opened: CardChannel[] = [];
    // Each poll waits (bounded) for a card in the reader and connects to it anew, as a reader's field does.
    const field: ContactlessField = {
      async poll() {
        try {
          const channel = await openReader(`pcsc:${pcscd.readerName}`, { waitForCardMs: 5000, timeoutMs: 5000 });
          opened.push(channel);
          return { kind: "card", channel };
        } catch (e) {
          return { kind: "no-card", reason: e instanceof Error ? e.message : String(e) };
        }
      },
    };
    try {
      const r = await runTap({
        reader: loaded.config,
        params: {
          type: "purchase",
          amount: 1500,
          otherAmount: 0,
          date: "261203",
          time: "120000",
          sequenceCounter: 1,
          random: seededRandom("c2-pcsc-torn"),
        },
        field,
        kernels: new Map([[2, createKernel2()]]),
        interaction: nonInteractive(),
      });
      expect(r.outcomes.map((o) => o.ops.status)).toEqual(["End Application", "Approved"]);
      // The reader may still see the leaving card at the first poll (its PPSE then fails and Entry Point polls
      // again, Book B §3.3.3.7): at least two presentations.
      expect(r.taps).toBeGreaterThanOrEqual(2);
      expect(r.trace.map((t) => t.name)).toContain("RECOVER AC");
      expect(r.kernel?.details.notes).toContain("CDA: passed");
    } finally {
      for (const c of opened) await c.close().catch(() => {});
    }
  }, 30_000);
});
