import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import { loadTerminalConfig } from "../../kernel/config/load.js";
import { parseHostConfig } from "./config.js";
import { defaultHostConfig, TEST_PIN_ENCRYPTION_KEY } from "./default.js";

const KEY = "0123456789ABCDEFFEDCBA9876543210";

function problems(json: unknown): readonly string[] {
  const r = parseHostConfig(json, "host.json");
  if (r.ok) throw new Error("expected the configuration to be rejected");
  return r.error.problems;
}

describe("issuer host configuration", () => {
  it("accepts key sets, rules and scripts", () => {
    const r = parseHostConfig({
      issuers: [{ name: "visa", aid: "A0000000031010", cvn: 18, derivation: "A", imkAc: KEY, arpcMethod: 2 }],
      rules: [{ amountAbove: 50000, decision: "decline", responseCode: "51" }],
      default: "approve",
      scripts: [{ template: 72, commands: [{ command: "put-data", tag: "9F14", value: "05" }] }],
    });
    expect(r.ok).toBe(true);
  });

  it("names every problem with its path", () => {
    expect(
      problems({
        issuers: [{ name: "x", cvn: 18, derivation: "C", imkAc: "0123" }],
        rules: [{ decision: "approve", responseCode: "000" }],
        scripts: [{ template: 73, commands: [] }],
      }),
    ).toEqual([
      'issuers[0].derivation: must be one of "A", "B"',
      "issuers[0].imkAc: must be 16 bytes of hex",
      "rules[0].responseCode: must be 2 characters (e.g. 00, 05, 51)",
      "scripts[0].template: must be one of 71, 72",
      "scripts[0].commands: must be at least 1 item",
    ]);
  });

  it("script commands must fit a command APDU", () => {
    const issuers = [{ name: "x", aid: "A0", cvn: 18, derivation: "A", imkAc: KEY }];
    expect(
      problems({
        issuers,
        scripts: [
          {
            template: 71,
            commands: [
              { command: "put-data", tag: "9F5801", value: "05" },
              { command: "update-record", sfi: 1, record: 1, data: "00".repeat(248) },
              { command: "raw", header: "8418", data: "" },
            ],
          },
        ],
      }),
    ).toEqual([
      "scripts[0].commands[0].tag: must be a 1- or 2-byte tag (P1 P2)",
      "scripts[0].commands[1].data: must be at most 247 bytes (Lc with the MAC ≤ 255)",
      "scripts[0].commands[2].header: must be 4 bytes (CLA INS P1 P2)",
    ]);
  });

  it("takes exactly one of an issuer master key and a card's own master key", () => {
    expect(problems({ issuers: [{ name: "x", aid: "A0", cvn: 16, derivation: "A" }] })).toEqual([
      "issuers[0]: give exactly one of 'imkAc' and 'iccMkAc'",
    ]);
    expect(
      problems({ issuers: [{ name: "x", aid: "A0", cvn: 16, derivation: "A", imkAc: KEY, iccMkAc: KEY }] }),
    ).toEqual(["issuers[0]: give exactly one of 'imkAc' and 'iccMkAc'"]);
    expect(
      parseHostConfig({ issuers: [{ name: "x", aid: "A0", cvn: 16, derivation: "A", iccMkAc: KEY }] }, "h").ok,
    ).toBe(true);
  });

  it("requires an AID or a PAN prefix on each key set", () => {
    expect(problems({ issuers: [{ name: "x", cvn: 10, derivation: "A", imkAc: KEY }] })).toEqual([
      "issuers[0]: give 'aid' or 'panPrefix' (or both)",
    ]);
  });
});

describe("the default host and the shipped terminal configurations", () => {
  it("share the test PIN encryption key: every online-capable configuration with a PIN pad enciphers under it", () => {
    for (const id of ["attended-pos", "online-only", "unattended", "atm"]) {
      const r = loadTerminalConfig(id);
      expect(r.ok, id).toBe(true);
      if (r.ok) expect(toHex(r.config.pinEncryptionKey ?? new Uint8Array(0)), id).toBe(TEST_PIN_ENCRYPTION_KEY);
    }
    expect(defaultHostConfig().pinEncryptionKey).toBe(TEST_PIN_ENCRYPTION_KEY);
  });
});
