import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CliIo } from "./command.js";
import { main } from "./main.js";

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" }, out, err };
}

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;

describe("emvsim (no command, --help, --version)", () => {
  it("--version and -V print the package version and exit 0", async () => {
    for (const flag of ["--version", "-V", "version"]) {
      const c = capture();
      expect(await main([flag], c.io)).toBe(0);
      expect(c.out).toEqual([`emvsim ${VERSION}`]);
      expect(c.err).toEqual([]);
    }
  });

  it("no command prints the help and exits 1; --help prints it and exits 0", async () => {
    const none = capture();
    expect(await main([], none.io)).toBe(1);
    const help = capture();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(none.out).toEqual(help.out);
    expect(help.out[0]).toMatch(
      /^emvsim — EMV Level 2 terminal kernel and card simulator\n\nUsage: emvsim <command> \[options\]\n/,
    );
    expect(help.out[0]).toContain("  run ");
  });

  it("an unknown command that looks like a PAN is echoed masked", async () => {
    const c = capture();
    expect(await main(["4761730000000003"], c.io)).toBe(1);
    expect(c.err).toEqual(["emvsim: unknown command '476173******0003' (try 'emvsim --help')"]);
  });

  it("an unknown command that is a track 2, or a PAN run into hex letters, is echoed masked (issue 13 defect 1)", async () => {
    const t = capture();
    expect(await main(["4761730000000003D30122010000"], t.io)).toBe(1);
    expect(t.err).toEqual(["emvsim: unknown command '476173******0003D<hidden>' (try 'emvsim --help')"]);
    const p = capture();
    expect(await main(["4761730000000003ab"], p.io)).toBe(1);
    expect(p.err).toEqual(["emvsim: unknown command '476173******0003AB' (try 'emvsim --help')"]);
  });
});
