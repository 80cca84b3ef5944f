// `emvsim run --record <file>` then `--reader replay:<file>`: a recorded session replays to the same outcome, TVR,
// TSI, CVM Results and cryptograms (the terminal's unpredictable numbers repeat with the same --seed, date and time,
// so every command matches the recording). Masked by default and then refused by replay; PIN data never written.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIo } from "./command.js";
import { main } from "./main.js";

const dir = mkdtempSync(join(tmpdir(), "emvsim-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" };
  const code = await main(["run", ...args], io).catch(() => 1);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const FIXED = ["--seed", "record-test", "--date", "251129", "--time", "120000", "--json"];

interface Result {
  outcome: string;
  reason: string;
  tvr: string;
  tsi: string;
  cvmResults: string;
  cryptograms: { type: string; cryptogram?: string; requested?: string }[];
}

const pick = (r: Result) => ({
  outcome: r.outcome,
  reason: r.reason,
  tvr: r.tvr,
  tsi: r.tsi,
  cvmResults: r.cvmResults,
  cryptograms: r.cryptograms,
});

describe("emvsim run --record / --reader replay:", () => {
  for (const [card, pin] of [
    ["visa-cvn18-cda", undefined],
    ["visa-pin-preferring", "1234"],
    ["mastercard-cvn16-sda", undefined],
  ] as const) {
    it(`${card}: recorded with --unmask, replayed to the same outcome, TVR, TSI, CVM Results and cryptograms`, async () => {
      const file = join(dir, `${card}.jsonl`);
      const pinArgs = pin ? ["--pin", pin] : [];
      const live = await run(["--card", card, ...pinArgs, "--record", file, "--unmask", ...FIXED]);
      expect(live.err).toBe("");
      expect(live.code).toBe(0);
      const replayed = await run(["--reader", `replay:${file}`, ...pinArgs, ...FIXED]);
      expect(replayed.err).toBe("");
      expect(replayed.code).toBe(0);
      const a = JSON.parse(live.out) as Result;
      const b = JSON.parse(replayed.out) as Result;
      expect(pick(b)).toEqual(pick(a));
      expect(a.cryptograms.length).toBeGreaterThan(0);
      const lines = readFileSync(file, "utf8").trim().split("\n");
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: "header", version: 1, masked: false });
      // Every exchange of the session is in the file; a VERIFY keeps its header and hides the PIN block.
      for (const l of lines.slice(1)) expect(JSON.parse(l)).toMatchObject({ type: "exchange" });
      const verify = lines
        .map((l) => JSON.parse(l) as { command?: string })
        .filter((x) => x.command?.startsWith("0020"));
      if (pin) {
        expect(verify.length).toBeGreaterThan(0);
        for (const v of verify) expect(v.command).toMatch(/^0020008008\[PIN data 8 bytes hidden\]$/);
      }
    });
  }

  it("masked by default: the PAN is masked in the file and replay refuses it with one line", async () => {
    const file = join(dir, "masked.jsonl");
    const live = await run(["--card", "visa-cvn18-cda", "--record", file, ...FIXED]);
    expect(live.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("4761730000000003");
    expect(text).toContain("476173******0003");
    expect(JSON.parse(text.split("\n")[0]!)).toMatchObject({ masked: true });
    const replayed = await run(["--reader", `replay:${file}`, ...FIXED]);
    expect(replayed.code).toBe(1);
    expect(replayed.err).toContain(
      "the trace is masked (PAN/track data hidden) and cannot be replayed; record it with --unmask",
    );
  });

  it("a replay with another seed sends other unpredictable numbers: the first differing command is named", async () => {
    const file = join(dir, "visa-cvn18-cda.jsonl");
    const replayed = await run([
      "--reader",
      `replay:${file}`,
      "--seed",
      "other",
      "--date",
      "251129",
      "--time",
      "120000",
      "--json",
    ]);
    const out = replayed.out + replayed.err;
    expect(out).toMatch(/replay step \d+: command 80AE[0-9A-F]+ differs from the recorded command 80AE/);
  });
});
