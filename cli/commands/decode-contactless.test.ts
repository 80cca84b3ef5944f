// `emvsim decode` explains the contactless data objects: TTQ (9F66) and CTQ (9F6C) bit by bit (Book C-3 Annex A),
// the Kernel Identifier (9F2A, Book B §3.3.2.5) and the Outcome Parameter Set (DF8129, Book A §6.2 / C-2 Annex A).

import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

async function decode(hex: string): Promise<string[]> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(`ERR ${t}`), readStdin: async () => "" };
  await main(["decode", hex], io);
  return out.join("\n").split("\n");
}

describe("emvsim decode, contactless data objects", () => {
  it("TTQ 24C04000 of the public online trace", async () => {
    expect(await decode("9F660424C04000")).toEqual([
      "9F66 PUNATC (Track2) / Terminal Transaction Qualifiers (TTQ) [4] 24C04000",
      "   qVSDC supported",
      "   Online PIN supported",
      "   Online cryptogram required",
      "   CVM required",
      "   Mobile device functionality supported",
    ]);
  });
  it("CTQ 9000", async () => {
    expect((await decode("9F6C029000")).slice(1)).toEqual([
      "   Online PIN required",
      "   Switch interface if offline data auth fails and reader supports VIS",
    ]);
  });
  it("Kernel Identifier 03 and a domestic one", async () => {
    expect((await decode("9F2A0103")).slice(1)).toEqual([
      "   international kernel, Short Kernel ID 3 — Kernel 3 (Visa)",
      "   Requested Kernel ID 03",
    ]);
    expect((await decode("9F2A03C10203")).slice(1)).toEqual([
      "   domestic (proprietary format) kernel, Short Kernel ID 1",
      "   Requested Kernel ID C10203",
    ]);
  });
  it("Outcome Parameter Set: Try Another Interface preferring the contact chip", async () => {
    const lines = await decode("DF81290860F0F0F08010FF00");
    expect(lines.slice(1, 3)).toEqual(["   Status: Try Another Interface", "   Start: N/A"]);
    expect(lines).toContain("   UI Request on Outcome Present: Yes");
    expect(lines).toContain("   Alternate Interface Preference: Contact Chip");
  });
});
