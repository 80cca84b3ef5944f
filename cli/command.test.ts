// The shared option parser of every sub-command (issue 13 defect 7: a repeated single-valued option was accepted,
// the last one winning).
import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "./command.js";

const VALUES = ["--card", "--vpcd"];
const FLAGS = ["--json"];

describe("parseOptions", () => {
  it("reads '--opt value', '--opt=value' and flags", () => {
    const p = parseOptions(["--card", "a", "--vpcd=h:1", "--json"], VALUES, FLAGS, "demo");
    expect([...p.values]).toEqual([
      ["--card", "a"],
      ["--vpcd", "h:1"],
    ]);
    expect([...p.flags]).toEqual(["--json"]);
    expect(p.positional).toEqual([]);
  });

  it.each([
    [["--card", "a", "--card", "b"], "--card given twice"],
    [["--card=a", "--card", "a"], "--card given twice"],
    [["--json", "--json"], "--json given twice"],
    [["--card"], "--card needs a value"],
    [["--card="], "--card needs a value"],
    [["--json=yes"], "--json takes no value"],
    [["--colour"], "unknown option '--colour' (see 'emvsim demo --help')"],
    [["x"], "unexpected argument 'x' (see 'emvsim demo --help')"],
  ])("%j → UsageError '%s'", (args, message) => {
    expect(() => parseOptions(args, VALUES, FLAGS, "demo")).toThrow(UsageError);
    expect(() => parseOptions(args, VALUES, FLAGS, "demo")).toThrow(message);
  });

  it("keeps positional arguments when the command takes them", () => {
    expect(parseOptions(["9C00", "--json", "-"], VALUES, FLAGS, "demo", { positional: true }).positional).toEqual([
      "9C00",
      "-",
    ]);
  });
});
