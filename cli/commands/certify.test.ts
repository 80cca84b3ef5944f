import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}

describe("emvsim certify", () => {
  it("runs a family with progress per case, writes JSON, Markdown, HTML and JUnit, exits 0 when all pass", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-certify-"));
    const t = io();
    const code = await main(["certify", "--family", "SEL", "--report", dir, "--junit", join(dir, "j", "junit.xml")], t);
    expect(code).toBe(0);
    const progress = t.stderr.filter((l) => l.startsWith("["));
    expect(progress.length).toBeGreaterThan(0);
    // The case number is padded to the width of the total ("[ 1/27]").
    expect(progress[0]).toMatch(/^\[ *1\/(\d+)\] PASS SEL-[A-Z0-9-]+ application selection \(1 passed, 0 failed\)$/);
    const total = Number(/^\[ *1\/(\d+)\]/.exec(progress[0]!)![1]);
    expect(progress).toHaveLength(total);
    expect(t.stdout.at(-1)).toMatch(new RegExp(`^${total} of ${total} cases passed in [0-9.]+ s \\(kernel emvsim\\)$`));
    for (const f of ["certification.json", "certification.md", "certification.html"])
      expect(existsSync(join(dir, f))).toBe(true);
    const junit = readFileSync(join(dir, "j", "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(total);
    const json = JSON.parse(readFileSync(join(dir, "certification.json"), "utf8")) as { total: number; passed: number };
    expect([json.total, json.passed]).toEqual([total, total]);
  });

  it("--list names the selected cases of a shard; shards of a CI matrix cover the catalog once", async () => {
    const lists = [];
    for (const shard of ["1/3", "2/3", "3/3"]) {
      const t = io();
      expect(await main(["certify", "--list", "--shard", shard], t)).toBe(0);
      lists.push(t.stdout.map((l) => l.split("\t")[0]));
    }
    const all = io();
    expect(await main(["certify", "--list"], all)).toBe(0);
    const ids = all.stdout.map((l) => l.split("\t")[0]);
    expect(lists.flat().sort()).toEqual([...ids].sort());
    expect(all.stdout[0]!.split("\t")).toHaveLength(4); // id, family, title, Book reference
  });

  it("usage errors are one line and exit 1: unknown family, bad shard, repeated option, unknown kernel", async () => {
    const cases: [string[], string][] = [
      [["--family", "nope"], "emvsim certify: --family: no case in family or with id prefix 'nope'"],
      [["--shard", "4/3"], 'emvsim certify: --shard "4/3": expected i/n with 1 <= i <= n, e.g. 1/4'],
      [["--junit", "a.xml", "--junit", "b.xml"], "emvsim certify: --junit given twice"],
      [["--kernel", "other"], "emvsim certify: --kernel other: only 'emvsim' is available"],
      [["--report"], "emvsim certify: --report needs a value"],
      [["--frobnicate"], "emvsim certify: unknown option '--frobnicate' (try 'emvsim certify --help')"],
    ];
    for (const [args, message] of cases) {
      const t = io();
      expect(await main(["certify", ...args], t)).toBe(1);
      expect(t.stderr).toEqual([message]);
    }
  });
});
