import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";
import { command } from "./atr.js";

function io(stdin = ""): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return {
    outText,
    errText,
    out: (t) => outText.push(t),
    err: (t) => errText.push(t),
    readStdin: async () => stdin,
  };
}

describe("emvsim atr", () => {
  it("explains an ATR", async () => {
    const o = io();
    expect(await command.run(["3B F8 13 00 00 81 31 FE 45 4A 43 4F 50 76 32 34 31 B7"], o)).toBe(0);
    const text = o.outText.join("\n");
    expect(text).toContain("TD1 81  T=1, Y2=1000");
    expect(text).toContain("protocols offered: T=1");
    expect(text).toContain("EMV Book 1 §8.3: within the accepted ranges");
  });

  it("prints JSON and reads stdin", async () => {
    const o = io("3B6500002063CBA000\n");
    expect(await command.run(["-", "--json"], o)).toBe(0);
    const j = JSON.parse(o.outText[0]!) as { protocols: number[]; historical: string; wi: number };
    expect(j.protocols).toEqual([0]);
    expect(j.historical).toBe("2063CBA000");
    expect(j.wi).toBe(10);
  });

  it("gives a one-line error for bad input through the CLI", async () => {
    const o = io();
    expect(await main(["atr", "3B6500002063CB"], o)).toBe(1);
    expect(o.errText).toEqual(["emvsim atr: ATR: T0 announces 5 historical bytes at offset 4 but only 3 remain"]);
    const o2 = io();
    expect(await main(["atr", "3BZZ"], o2)).toBe(1);
    expect(o2.errText[0]).toBe("emvsim atr: ATR: 'Z' at position 2 is not a hex digit");
  });

  it("reads the ATR of the card in a reader", async () => {
    const { openEmulatorChannel } = await import("../../emulator/channel.js");
    const local = openEmulatorChannel("visa-online-only");
    const expected = Buffer.from(local.atr!)
      .toString("hex")
      .toUpperCase()
      .replace(/(..)(?!$)/g, "$1 ");
    await local.close();
    const o = io();
    expect(await command.run(["--reader", "emulator:visa-online-only"], o)).toBe(0);
    expect(o.outText[0]!.split("\n")[0]).toBe(`ATR ${expected}`);
    const e = io();
    expect(await main(["atr", "--reader"], e)).toBe(1);
    expect(e.errText).toEqual(["emvsim atr: --reader needs a reader URI (see 'emvsim atr --help')"]);
  });
});
