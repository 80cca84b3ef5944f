import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { encodeTlvs } from "../../emv/tlv/ber.js";
import { encodeCommand } from "../card-session.js";
import { commandFromApdu, processIssuerScripts, scriptCommandName } from "./issuer-scripts.js";
import { testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";

describe("Issuer Script Command (86) as a C-APDU", () => {
  it("cases 1–4 round-trip to the same bytes", () => {
    for (const apdu of ["84180000", "8418000000", "84240000080102030405060708", "84240000080102030405060700"]) {
      const c = commandFromApdu(fromHex(apdu));
      expect("error" in c).toBe(false);
      if (!("error" in c)) expect(toHex(encodeCommand(c))).toBe(apdu);
    }
  });
  it("a length byte that disagrees with the data is an error naming both", () => {
    expect(commandFromApdu(fromHex("842400000801020304"))).toEqual({
      error: "ISSUER SCRIPT COMMAND: Lc 8 does not match the 4 bytes that follow the header",
    });
    expect(commandFromApdu(fromHex("842400"))).toEqual({
      error: "ISSUER SCRIPT COMMAND: 3 bytes is shorter than a command header",
    });
  });
  it("property: never throws; accepted commands re-encode to the input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const c = commandFromApdu(bytes);
        if (!("error" in c)) expect(toHex(encodeCommand(c))).toBe(toHex(bytes));
      }),
    );
  });
});

/** An Issuer Script Template as hex: 71/72 { 9F18 id?, 86 command… }. */
function template(tag: 0x71 | 0x72, id: string | undefined, commands: string[]): string {
  const children = [
    ...(id ? [{ tag: 0x9f18, value: fromHex(id) }] : []),
    ...commands.map((c) => ({ tag: 0x86, value: fromHex(c) })),
  ];
  return toHex(encodeTlvs([{ tag, children }]));
}

interface ScriptCase {
  readonly name: string;
  readonly phase: "before-final-genac" | "after-final-genac";
  readonly scripts: string[];
  readonly card: ScriptStep[];
  readonly results: string;
  readonly tvr: string;
  readonly tsi: string;
}

const CASES: ScriptCase[] = [
  {
    name: "two commands succeed (9000, 6283 warning): result 20 + script id",
    phase: "before-final-genac",
    scripts: [template(0x71, "AABBCCDD", ["841E000000", "84160000"])],
    card: [
      { command: "841E000000", response: "9000" },
      { command: "84160000", response: "6283" },
    ],
    results: "20AABBCCDD",
    tvr: "0000000000",
    tsi: "0400",
  },
  {
    name: "second command fails (6988): result 12, TVR script failed before final GENERATE AC, third not sent",
    phase: "before-final-genac",
    scripts: [template(0x71, "00000009", ["841E0000", "84160000", "84180000"])],
    card: [
      { command: "841E0000", response: "9000" },
      { command: "84160000", response: "6988" },
    ],
    results: "1200000009",
    tvr: "0000000020",
    tsi: "0400",
  },
  {
    name: "script without identifier, after final GENERATE AC, failing at command 1: 10 00000000 and TVR B5b5",
    phase: "after-final-genac",
    scripts: [template(0x72, undefined, ["841E0000"])],
    card: [{ command: "841E0000", response: "6A88" }],
    results: "1100000000",
    tvr: "0000000010",
    tsi: "0400",
  },
  {
    name: "malformed template: nothing sent, result 10 with sequence 0",
    phase: "before-final-genac",
    scripts: ["71209F1804"],
    card: [],
    results: "1000000000",
    tvr: "0000000020",
    tsi: "0400",
  },
  {
    name: "two scripts: results concatenated in order",
    phase: "after-final-genac",
    scripts: [template(0x72, "00000001", ["841E0000"]), template(0x72, "00000002", ["84160000"])],
    card: [
      { command: "841E0000", response: "9000" },
      { command: "84160000", response: "6D00" },
    ],
    results: "20000000011100000002",
    tvr: "0000000010",
    tsi: "0400",
  },
  {
    name: "no scripts: nothing performed, TSI untouched",
    phase: "before-final-genac",
    scripts: [],
    card: [],
    results: "",
    tvr: "0000000000",
    tsi: "0000",
  },
];

describe("issuer script processing (Book 3 §10.10) — exact APDUs, 9F5B, TVR, TSI", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { ctx, channel } = testContext({ script: c.card });
      const out = await processIssuerScripts(
        ctx,
        c.scripts.map((s) => fromHex(s)),
        c.phase,
      );
      expect(channel.errors).toEqual([]);
      expect(channel.finished).toBe(true);
      expect(toHex(out.results)).toBe(c.results);
      expect(toHex(ctx.tvr.bytes)).toBe(c.tvr);
      expect(toHex(ctx.tsi.bytes)).toBe(c.tsi);
    });
  }
  it("each script command is traced by its INS name (Book 3 §6.5); an unknown INS as ISSUER SCRIPT COMMAND", async () => {
    const { ctx } = testContext({
      script: [
        { command: "84180000", response: "9000" },
        { command: "84DA9F4F0101", response: "9000" },
        { command: "84EE0000", response: "9000" },
      ],
    });
    await processIssuerScripts(
      ctx,
      [fromHex(template(0x71, undefined, ["84180000", "84DA9F4F0101", "84EE0000"]))],
      "before-final-genac",
    );
    expect(ctx.card.trace.map((t) => t.name)).toEqual(["APPLICATION UNBLOCK", "PUT DATA", "ISSUER SCRIPT COMMAND"]);
    expect(scriptCommandName(fromHex("841E0000"))).toBe("APPLICATION BLOCK");
    expect(scriptCommandName(fromHex("84"))).toBe("ISSUER SCRIPT COMMAND");
  });
  it("a command longer than Lc + Le in the middle of a script: not sent, failed at its sequence number", async () => {
    const { ctx, channel } = testContext({ script: [{ command: "84180000", response: "9000" }] });
    const out = await processIssuerScripts(
      ctx,
      [fromHex(template(0x72, "00000052", ["84180000", "84DA9F4F0201020304", "84180000"]))],
      "after-final-genac",
    );
    expect(channel.finished).toBe(true);
    expect([toHex(out.results), toHex(ctx.tvr.bytes)]).toEqual(["1200000052", "0000000010"]);
  });
  it("card removed during a script: the transport error is reported, the script counts as failed", async () => {
    const { ctx } = testContext({ script: [{ command: "841E0000", transportError: "card-removed" }] });
    const out = await processIssuerScripts(
      ctx,
      [fromHex(template(0x71, undefined, ["841E0000"]))],
      "before-final-genac",
    );
    expect(out.transportError).toMatch(/card-removed/);
    expect(toHex(out.results)).toBe("1100000000");
  });
});
