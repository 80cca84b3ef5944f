import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { errText: string[] } {
  const errText: string[] = [];
  return { errText, out: () => {}, err: (t) => errText.push(t), readStdin: async () => "" };
}

describe("emvsim emulate (argument checks; serving is covered by devices/*.integration.test.ts)", () => {
  it.each([
    [[], "emvsim emulate: give --vpcd <host:port> or --serial <path>"],
    [["--vpcd"], "emvsim emulate: --vpcd needs a value"],
    [["--usb", "x"], "emvsim emulate: unknown argument '--usb' (see 'emvsim emulate --help')"],
    [["--serial", "/dev/x", "--line", "t2"], "emvsim emulate: --line 't2' is not t0 or t1"],
    [["--serial", "/dev/x", "--baud", "fast"], "emvsim emulate: --baud 'fast' is not a baud rate"],
  ])("%j → one-line error", async (args, message) => {
    const o = io();
    expect(await main(["emulate", ...args], o)).toBe(1);
    expect(o.errText).toEqual([message]);
  });

  it("names an unknown profile", async () => {
    const o = io();
    expect(await main(["emulate", "--card", "no-such-card", "--vpcd", "127.0.0.1:1"], o)).toBe(1);
    expect(o.errText[0]).toMatch(/^emvsim emulate: .*no-such-card/);
  });
});
