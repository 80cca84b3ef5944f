import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return { outText, errText, out: (t) => outText.push(t), err: (t) => errText.push(t), readStdin: async () => "" };
}

describe("emvsim readers", () => {
  it("lists every kind, available or with a reason, and never fails", async () => {
    const o = io();
    expect(await main(["readers", "--json"], o)).toBe(0);
    const reports = JSON.parse(o.outText.join("")) as Array<{
      kind: string;
      available: boolean;
      reason?: string;
      readers?: Array<{ uri: string }>;
    }>;
    expect(reports.map((r) => r.kind)).toEqual(["emulator", "pcsc", "serial", "hid"]);
    for (const r of reports) if (!r.available) expect(r.reason).toMatch(/\S/);
    expect((reports[0]?.readers ?? []).map((x) => x.uri)).toContain("emulator:visa-online-only");
  });

  it("prints text and rejects unknown arguments", async () => {
    const o = io();
    expect(await main(["readers"], o)).toBe(0);
    expect(o.outText.join("\n")).toMatch(/^emulator: \d+ found/);
    expect(o.outText.join("\n")).toMatch(/\npcsc: /);
    const e = io();
    expect(await main(["readers", "--usb"], e)).toBe(1);
    expect(e.errText).toEqual(["emvsim readers: unknown argument '--usb' (see 'emvsim readers --help')"]);
  });
});
