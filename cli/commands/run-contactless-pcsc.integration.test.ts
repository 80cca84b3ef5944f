// Integration: `emvsim run --reader pcsc:…` taps an emulated contactless card served through real pcscd + vsmartcard
// vpcd (PC/SC Part 3 contactless ATR): the run picks the contactless interface from the ATR and reaches the same
// outcome, CVM, fDDA and APDU sequence as the same card tapped in-process. One pcscd per machine: the harness's
// machine-wide lock serialises the test files that start one (devices/testing/pcscd.ts).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrivatePcscd, pcscdSkipReason, requireHardware, startPrivatePcscd } from "../../devices/testing/pcscd.js";
import { type CardProcess, spawnCardProcess } from "../../devices/testing/spawn-card.js";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

const reason = pcscdSkipReason();
if (reason && requireHardware())
  throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but the contactless PC/SC tap cannot run: ${reason}`);
if (reason) console.warn(`[skip] contactless tap through pcscd + vpcd: ${reason}`);

async function runJson(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" };
  const code = await main(["run", ...args], io);
  return { code, err, json: out.length ? JSON.parse(out.join("\n")) : undefined };
}

describe.skipIf(!!reason)("emvsim run through pcscd + vpcd on the contactless interface", () => {
  let pcscd: PrivatePcscd;
  let card: CardProcess;
  beforeAll(async () => {
    pcscd = await startPrivatePcscd();
    card = await spawnCardProcess([
      "--vpcd",
      `127.0.0.1:${pcscd.port}`,
      "--card",
      "visa-qvsdc-phone",
      "--interface",
      "contactless",
    ]);
  });
  afterAll(async () => {
    await card?.stop();
    await pcscd?.stop();
  });

  it("the ATR selects Entry Point; the outcome equals the in-process tap's", async () => {
    const fixed = ["--amount", "10.00", "--date", "261203", "--time", "120000", "--json", "--trace"];
    const viaPcsc = await runJson(["--reader", `pcsc:${pcscd.readerName}`, ...fixed]);
    const inProcess = await runJson(["--card", "visa-qvsdc-phone", ...fixed]);
    expect(viaPcsc.err).toEqual([]);
    const pick = (j: Record<string, unknown>) => ({
      interface: j.interface,
      outcome: j.outcome,
      cvm: (j.outcomeParameters as { cvm: string }).cvm,
      fdda: (j.kernel as { fdda: unknown }).fdda,
      commands: (j.trace as { name: string }[]).map((t) => t.name),
    });
    expect(pick(viaPcsc.json)).toEqual(pick(inProcess.json));
    expect(pick(viaPcsc.json)).toMatchObject({
      interface: "contactless",
      outcome: "Approved",
      cvm: "Confirmation Code Verified",
    });
  });
});
