import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";
import type { CardSummary } from "./cards.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}

describe("emvsim cards", () => {
  it("--json lists every built-in profile with its AIDs, CVN and ODA method, PANs masked", async () => {
    const t = io();
    expect(await main(["cards", "--json"], t)).toBe(0);
    const cards = JSON.parse(t.stdout.join("")) as CardSummary[];
    expect(cards.length).toBeGreaterThanOrEqual(12);
    const def = cards.find((c) => c.default)!;
    expect(def).toMatchObject({ id: "visa-cvn18-cda", aids: ["A0000000031010"], cvn: [18], oda: ["cda"], pse: true });
    expect(def.pans[0]).toMatch(/^476173\*{6}\d{4}$/);
    expect(cards.find((c) => c.id === "multi-app")!.aids).toEqual(["A0000000031010", "A0000000032010"]);
    expect(t.stdout.join("")).not.toMatch(/(?<![0-9A-F])\d{13,19}(?![0-9A-F])/);
  });

  it("lists the Mastercard-style contactless cards for Kernel 2 too, each with the interface and kernel", async () => {
    const t = io();
    expect(await main(["cards", "--json"], t)).toBe(0);
    const cards = JSON.parse(t.stdout.join("")) as CardSummary[];
    const k2 = cards.filter((c) => c.kernel === 2 && c.interfaces.join() === "contactless");
    expect(k2.map((c) => c.id)).toContain("mc-paypass-tear-once");
    expect(k2.length).toBeGreaterThanOrEqual(8);
    expect(cards.find((c) => c.id === "mc-paypass-online")).toMatchObject({
      aids: ["A0000000041010"],
      cvn: [16],
      oda: ["cda"],
      pans: ["541333******0011"],
    });
    expect(cards.find((c) => c.id === "visa-qvsdc-phone")).toMatchObject({ interfaces: ["contactless"], kernel: 3 });
    expect(cards.find((c) => c.id === "visa-offline-only")).toMatchObject({ interfaces: ["contact"], kernel: null });
  });

  it("prints a table marking the default profile", async () => {
    const t = io();
    expect(await main(["cards"], t)).toBe(0);
    const text = t.stdout.join("\n");
    expect(text.split("\n")[0]).toMatch(/^ID\s+INTERFACES\s+AIDS\s+CVN\s+ODA\s+DESCRIPTION$/);
    expect(text).toMatch(/^visa-cvn18-cda \*\s+contact\+contactless \(K3\)\s+A0000000031010\s+18\s+cda\s/m);
    expect(text).toMatch(/^mc-paypass-online\s+contactless \(K2\)\s+A0000000041010\s+16\s+cda\s/m);
  });

  it("rejects an unknown option with one line and exit code 1", async () => {
    const t = io();
    expect(await main(["cards", "--yaml"], t)).toBe(1);
    expect(t.stderr).toEqual(["emvsim cards: unknown option '--yaml' (try 'emvsim cards --help')"]);
  });
});
