// `emvsim run` with a Mastercard-style contactless card: Entry Point + Kernel 2 under attended-pos-k2.

import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
  const code = await main(["run", ...args], io);
  return { code, out: stdout.join("\n"), err: stderr };
}
const FIXED = ["--date", "261203", "--time", "120000", "--seed", "c2-cli"];

describe("emvsim run --card mc-paypass-…", () => {
  it("a relay resistance card below the CVM limit: Approved by Kernel 2 with CDA, RRP performed", async () => {
    const r = await run(["--card", "mc-paypass-rrp", "--amount", "15.00", "--json", ...FIXED]);
    expect(r.err).toEqual([]);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ interface: "contactless", reader: "attended-pos-k2", outcome: "Approved" });
    expect(j.kernel.name).toBe("Kernel 2");
    expect(j.kernel.notes).toContain("CDA: passed");
    expect(j.kernel.notes.some((n: string) => n.startsWith("relay resistance: performed in 1 attempt(s)"))).toBe(true);
  });
  it("the text report names Book C-2 and masks the PAN", async () => {
    const r = await run(["--card", "mc-paypass-cda-tc", "--amount", "70.00", "--pin", "1234", ...FIXED]);
    expect(r.out).toContain("3. Kernel 2 (Book C-2)");
    expect(r.out).toContain("GENERATE AC: ARQC with CDA (P1 90)");
    expect(r.out).not.toContain("5413330089020011");
  });
  it("an online card: the in-process issuer host knows the Kernel 2 cards' keys and verifies the ARQC", async () => {
    const r = await run(["--card", "mc-paypass-online", "--amount", "60.00", "--json", ...FIXED]);
    const j = JSON.parse(r.out);
    expect(j.outcome).toBe("Online Request");
    expect(j.online).toEqual({
      reachable: true,
      responseCode: "00",
      approved: true,
      reason: "issuer answered 00 (approved): ARQC verified; no rule matched: approve (00)",
    });
  });
  it("--interface contact is refused for a contactless-only card", async () => {
    const r = await run(["--card", "mc-paypass-cda-tc", "--interface", "contact", ...FIXED]);
    expect(r.code).not.toBe(0);
    expect(r.err.join(" ")).toContain("has only the contactless interface");
  });
});
