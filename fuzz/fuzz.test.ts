// The short run of `npm run fuzz` (issue 13): 2,000 inputs per parser target with a fixed seed; no undocumented
// throw and no round-trip mismatch. The harness itself is checked to count both when they happen.
import { describe, expect, it } from "vitest";
import { TlvError } from "../emv/tlv/ber.js";
import { formatTable, runCampaign, runTarget } from "./campaign.js";
import { corpus } from "./corpus.js";
import { TARGETS, type Target } from "./targets.js";

describe("npm run fuzz, short run", () => {
  it("2,000 inputs per target, seed 'ci': 0 undocumented throws, 0 round-trip mismatches", async () => {
    const rows = await runCampaign({ count: 2000, seed: "ci" });
    expect(rows.map((r) => r.target)).toEqual(TARGETS.map((t) => t.name));
    const bad = rows
      .filter((r) => r.undocumentedThrows || r.mismatches)
      .map((r) => `${r.target}: ${r.findings.join("; ")}`);
    expect(bad, formatTable(rows)).toEqual([]);
    for (const r of rows) {
      expect(r.inputs).toBe(2000);
      expect(r.ok + r.documentedErrors).toBe(2000);
    }
    // The inputs reach past the first check: every target that can reject its input has both outcomes (generated
    // trees are always valid; the stream decoders skip what they cannot use).
    for (const r of rows.filter((x) => x.target !== "tlv-encode" && x.target !== "framing")) {
      expect(r.ok, r.target).toBeGreaterThan(0);
      expect(r.documentedErrors, r.target).toBeGreaterThan(0);
    }
  }, 120_000);

  it("the corpus is taken from real emulator sessions (commands, answers, DOLs, ISO 8583 messages)", async () => {
    const c = await corpus();
    expect(c.commands.length).toBeGreaterThan(100);
    expect(c.dols.length).toBeGreaterThan(10);
    expect(c.iso8583.length).toBeGreaterThan(2);
  });

  it("counts an undocumented throw, a documented error and a mismatch (the run can fail)", () => {
    const probe: Target = {
      name: "probe",
      description: "harness check",
      seeds: () => [Uint8Array.of(1, 2, 3)],
      documented: (e) => e instanceof TlvError,
      run(input) {
        if (input.length % 3 === 0) throw new RangeError("undocumented");
        if (input.length % 3 === 1) throw new TlvError("empty", 0, undefined, "documented");
        return { kind: "mismatch", detail: "differs" };
      },
    };
    const row = runTarget(probe, probe.seeds(undefined as never), { count: 300, seed: "probe" });
    expect(row.undocumentedThrows).toBeGreaterThan(0);
    expect(row.documentedErrors).toBeGreaterThan(0);
    expect(row.mismatches).toBeGreaterThan(0);
    expect(row.undocumentedThrows + row.documentedErrors + row.mismatches).toBe(300);
    expect(row.findings[0]).toMatch(/^#\d+ [0-9A-F]*: /);
  });
});
