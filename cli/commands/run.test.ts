import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultHostConfig } from "../../emulator/host/index.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { capkChecksum } from "../../emv/crypto/capk.js";
import { desEncryptEcb } from "../../emv/crypto/des.js";
import { pinBlockFormat0 } from "../../emv/crypto/pin-block.js";
import type { TransactionResultJson } from "../../kernel/result.js";
import type { CliIo } from "../command.js";
import { main } from "../main.js";
import { amountToMinorUnits, parseRunArgs } from "./run.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}

/** The default card's PAN and track 2 (emulator/profiles/visa-cvn18-cda.json). */
const PAN = "4761730000000003";
const PAN_MASKED = "476173******0003";
const TRACK2 = "4761730000000003D301220100000000000F";
const TRACK2_AFTER_PAN = TRACK2.slice(16);
// 50.00 is at the floor limit of attended-pos's Visa AID (5000 minor units): floor limit exceeded, no random selection.
const FIXED = ["--amount", "50.00", "--date", "250511", "--time", "120000", "--seed", "h6-test"];

async function run(args: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const t = io();
  const code = await main(["run", ...args], t);
  return { code, out: t.stdout.join("\n"), err: t.stderr };
}

/** Every way the PAN could appear: hex/digits, or spaced out. */
function expectNoClearPan(text: string): void {
  expect(text).not.toContain(PAN);
  expect(text.replace(/\s/g, "")).not.toContain(PAN);
}

describe("emvsim run --json (default card visa-cvn18-cda under attended-pos)", () => {
  it("gives the exact result for a fixed date, time and seed", async () => {
    const r = await run(["--json", ...FIXED]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as TransactionResultJson;
    // Book 3 §10: CDA (AIP 3D00 b1, 9F33 E0F8C8 b8 byte 3) passes with the test CA key under A000000003/01; the card's
    // dates, AUC FF00 (domestic, 0840 = 0840) and version 008C = 008C set nothing; CVM list 1E03 1F03 → signature (1E),
    // condition 03, result unknown (Book 4 A4: 1E0300); amount 5000 ≥ floor limit 5000 → TVR B4b8 (0000008000), no
    // random selection, no velocity check (no 9F14/9F23 on the card); TAC-Online DC4004F800 has B4b8 → ARQC; the host
    // approves "00" (amount ≤ 10 000.00) and EXTERNAL AUTHENTICATE passes (CDOL2 has no 91); second GENERATE AC TC.
    // TSI: ODA, CVM, card risk management, issuer authentication, terminal risk management = F800.
    expect({
      outcome: json.outcome,
      aid: json.aid,
      oda: json.oda,
      tvr: json.tvr,
      tsi: json.tsi,
      cvmResults: json.cvmResults,
      cryptograms: json.cryptograms.map((c) => [c.requested, c.type]),
      responseCode: json.online?.responseCode,
      issuerAuthentication: json.online?.issuerAuthentication,
    }).toEqual({
      outcome: "online-approved",
      aid: "A0000000031010",
      oda: { method: "CDA", result: "passed" },
      tvr: "0000008000",
      tsi: "F800",
      cvmResults: "1E0300",
      cryptograms: [
        ["ARQC", "ARQC"],
        ["TC", "TC"],
      ],
      responseCode: "00",
      issuerAuthentication: "passed",
    });
    expect(json.pan).toBe(PAN_MASKED);
    expect(Object.keys(json)).not.toContain("trace");
  });

  it("is repeatable: the same seed, date and time give the same cryptograms", async () => {
    const a = JSON.parse((await run(["--json", ...FIXED])).out) as TransactionResultJson;
    const b = JSON.parse((await run(["--json", ...FIXED])).out) as TransactionResultJson;
    expect(b.cryptograms.map((c) => c.value)).toEqual(a.cryptograms.map((c) => c.value));
    const c = JSON.parse((await run(["--json", ...FIXED.slice(0, 6), "--seed", "other"])).out) as TransactionResultJson;
    expect(c.cryptograms[0]?.value).not.toBe(a.cryptograms[0]?.value);
  });

  it("masks the PAN in JSON and trace, and never shows track 2", async () => {
    const r = await run(["--json", "--trace", ...FIXED]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as TransactionResultJson;
    expect(json.trace?.length).toBeGreaterThan(5);
    expect(json.trace?.[0]?.command).toBe("00A404000E315041592E5359532E444446303100");
    expectNoClearPan(r.out);
    expect(r.out).not.toContain(TRACK2_AFTER_PAN);
    expect(r.out).toContain(`[${PAN_MASKED}D<hidden>]`);
  });

  it("shows the PAN and track 2 as the card sent them with --unmask (issue 14: the exact bytes)", async () => {
    const r = await run(["--json", "--trace", "--unmask", ...FIXED]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`5A08${PAN}`);
    expect(r.out).toContain(TRACK2);
    expect(r.out).not.toContain("<hidden>");
  });

  it("online PIN at the ATM: the issuer checks it; neither the PIN, its block nor the PIN key ever shows", async () => {
    const base = ["--card", "mastercard-cvn17-cda", "--terminal", "atm", "--json", "--trace", "--unmask", ...FIXED];
    const right = await run([...base, "--pin", "1234"]);
    const wrong = await run([...base, "--pin", "9876"]);
    const rightJson = JSON.parse(right.out) as TransactionResultJson;
    const wrongJson = JSON.parse(wrong.out) as TransactionResultJson;
    expect([rightJson.outcome, rightJson.cvmResults]).toEqual(["online-approved", "420300"]);
    expect([wrongJson.outcome, wrongJson.reason]).toEqual([
      "online-declined",
      "issuer declined (55): ARQC verified; online PIN incorrect: decline (55)",
    ]);
    // The format 0 blocks of both PINs for this PAN, clear and enciphered under the shipped test key.
    const pan = (rightJson.pan ?? "").replace(/[^0-9]/g, "");
    expect(pan).toMatch(/^\d{13,19}$/); // --unmask: the PAN in clear, to build the blocks
    const key = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const blocks = ["1234", "9876"].map((pin) => pinBlockFormat0(pin, pan));
    const secrets = [toHex(key), ...blocks.map((b) => toHex(b)), ...blocks.map((b) => toHex(desEncryptEcb(key, b)))];
    for (const out of [right.out, wrong.out]) for (const x of secrets) expect(out.toUpperCase()).not.toContain(x);
  });
});

describe("emvsim run (report)", () => {
  it("prints the transaction step by step with the PAN masked", async () => {
    const r = await run([...FIXED]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Outcome: ONLINE-APPROVED");
    expect(r.out).toContain('   Selected: A0000000031010 "VISA CREDIT"');
    expect(r.out).toContain(`   PAN: ${PAN_MASKED}`);
    expect(r.out).toContain("   Method: CDA, result: passed");
    expect(r.out).toContain("   CVM Results (9F34) 1E0300:");
    expect(r.out).toContain("   GENERATE AC 1: requested ARQC with CDA signature, card returned ARQC");
    expect(r.out).toContain("   Authorisation Response Code (8A): 00");
    expect(r.out).toContain("TSI (9B) F800:");
    expectNoClearPan(r.out);
  });

  it("--trace decodes the exchange; track 2 never in clear, PAN masked", async () => {
    const r = await run(["--trace", ...FIXED]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("C-APDU CLA 00 INS A4 P1 04 P2 00: SELECT by DF name, first or only occurrence");
    expect(r.out).toContain(`57 Track 2 Equivalent Data [18] ${PAN_MASKED}D<hidden>`);
    expectNoClearPan(r.out);
    expect(r.out).not.toContain(TRACK2_AFTER_PAN);
  });
});

describe("emvsim run with offline PIN (visa-pin-preferring: CVM list 4103 first, PIN 1234)", () => {
  // ISO 9564 format 2 plaintext PIN block for 1234 (Book 3 §6.5.12): 2 | length 4 | 1234 | F padding.
  const PIN_BLOCK = "241234FFFFFFFFFF";
  const PIN_PAN = "4761770000000009";

  it("never shows the PIN block, in the report or JSON, even with --unmask", async () => {
    for (const args of [["--trace"], ["--trace", "--unmask"], ["--json", "--trace", "--unmask"]]) {
      const r = await run(["--card", "visa-pin-preferring", "--pin", "1234", ...args, ...FIXED]);
      expect(r.code).toBe(0);
      expect(r.out).toContain("0020008008[<8 bytes hidden>]");
      expect(r.out).not.toContain(PIN_BLOCK);
      // Track 2 only with --unmask (what the card sent); the PIN block never.
      if (!args.includes("--unmask")) expect(r.out).not.toContain("D301220100000000000F");
    }
    const masked = await run(["--card", "visa-pin-preferring", "--pin", "1234", "--trace", ...FIXED]);
    expect(masked.out).toContain("   CVM Results (9F34) 410302:");
    expect(masked.out).not.toContain(PIN_PAN);
  });
});

describe("emvsim run options reach the transaction", () => {
  const dir = mkdtempSync(join(tmpdir(), "emvsim-run-"));

  it("--issuer: a host configuration that declines gives online-declined with its response code", async () => {
    const file = join(dir, "decline-host.json");
    const config = { ...defaultHostConfig(), rules: [{ decision: "decline", responseCode: "05", reason: "test" }] };
    writeFileSync(file, JSON.stringify(config));
    const json = JSON.parse((await run(["--json", "--issuer", file, ...FIXED])).out) as TransactionResultJson;
    // Book 3 §10.9: a decline (8A 05) → the terminal asks for an AAC in the second GENERATE AC.
    expect(json.outcome).toBe("online-declined");
    expect(json.online?.responseCode).toBe("05");
    expect(json.cryptograms.map((c) => [c.requested, c.type])).toEqual([
      ["ARQC", "ARQC"],
      ["AAC", "AAC"],
    ]);
  });

  it("--random-draw fixes the random selection draw (Book 3 §10.6.2): 1 selects 12.34 for online, 99 never", async () => {
    const base = ["--json", "--card", "visa-cvn10-dda", "--amount", "12.34", "--date", "251129", "--time", "120000"];
    // attended-pos: floor limit 50.00, target 25 %; 12.34 under the threshold → selected when the draw is <= 25.
    const selected = JSON.parse((await run([...base, "--random-draw", "1"])).out) as TransactionResultJson;
    expect(selected.tvr).toBe("0000001000");
    expect(selected.cryptograms[0]?.requested).toBe("ARQC");
    const never = JSON.parse((await run([...base, "--random-draw", "99"])).out) as TransactionResultJson;
    expect(never.tvr).toBe("0000000000");
    expect(never.outcome).toBe("approved");
    expect((await run([...base, "--random-draw", "0"])).err).toEqual([
      "emvsim run: --random-draw '0' is not a number from 1 to 99",
    ]);
  });

  it("--capk: a wrong key for A000000003/01 replaces the shipped one and CDA fails (TVR B1b3)", async () => {
    const file = join(dir, "wrong-capk.json");
    const modulus = "C1".repeat(248);
    const rid = fromHex("A000000003");
    const checksum = toHex(capkChecksum({ rid, index: 1, modulus: fromHex(modulus), exponent: fromHex("03") }));
    writeFileSync(file, JSON.stringify([{ rid: "A000000003", index: "01", modulus, exponent: "03", checksum }]));
    const json = JSON.parse((await run(["--json", "--capk", file, ...FIXED])).out) as TransactionResultJson;
    expect(json.oda).toEqual({ method: "CDA", result: "failed" });
    expect(json.tvrBits).toContain("CDA failed");
  });

  it("--type cashback --other-amount: 9C 09 and 9F03 in CDOL1; AUC FF00 does not allow cashback → declined offline", async () => {
    const args = ["--json", "--trace", "--type", "cashback", "--other-amount", "5", ...FIXED];
    const json = JSON.parse((await run(args)).out) as TransactionResultJson;
    // Book 3 §10.4: AUC byte 2 (cashback) is 00 → "Requested service not allowed" (B2b5); TAC-Denial 0010000000 → AAC.
    expect(json.outcome).toBe("declined");
    expect(json.tvr).toBe("0010008000");
    expect(json.cryptograms.map((c) => [c.requested, c.type])).toEqual([["AAC", "AAC"]]);
    // CDOL1 = 9F02 9F03 9F1A 95 5F2A 9A 9C …: 5000, 500, 0840, TVR, 0840, 250511, 09.
    const genAc = json.trace?.find((t) => t.name === "GENERATE AC");
    expect(genAc?.command.slice(10, 10 + 2 * 25)).toBe(
      "000000005000" + "000000000500" + "0840" + "0010008000" + "0840" + "250511" + "09",
    );
  });

  it("--reader emulator:<profile> selects the card", async () => {
    const json = JSON.parse((await run(["--json", "--reader", "emulator:multi-app", ...FIXED])).out);
    // multi-app: Visa Debit A0000000032010 has priority 1 (confirmation given by the non-interactive cardholder).
    expect((json as TransactionResultJson).aid).toBe("A0000000032010");
    const r = await run(["--reader", "emulator:multi-app", "--card", "visa-cvn18-cda", ...FIXED]);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(["emvsim run: --card visa-cvn18-cda and --reader emulator:multi-app name different cards"]);
  });
});

describe("emvsim run: bad input gives one line on stderr and exit code 1", () => {
  const cases: [string, string[], RegExp][] = [
    ["unknown option", ["--colour"], /^emvsim run: unknown option '--colour' \(see 'emvsim run --help'\)$/],
    ["unknown card", ["--card", "no-such-card"], /^emvsim run: profile no-such-card: no such profile/],
    ["unknown terminal", ["--terminal", "no-such-terminal"], /^emvsim run: .*no-such-terminal/],
    ["bad amount", ["--amount", "12,34"], /^emvsim run: --amount '12,34' is not an amount \(e\.g\. 12\.34\)$/],
    ["too many decimals", ["--amount", "1.234"], /^emvsim run: --amount '1\.234' has 3 decimals; the currency has 2$/],
    ["bad type", ["--type", "sale"], /^emvsim run: --type 'sale' is not one of purchase, cash, cashback, refund$/],
    ["bad date", ["--date", "250230"], /^emvsim run: --date '250230' is not a date YYMMDD$/],
    ["bad time", ["--time", "246000"], /^emvsim run: --time '246000' is not a time HHMMSS$/],
    ["bad PIN", ["--pin", "12a4"], /^emvsim run: --pin must be 4 to 12 digits$/],
    ["missing value", ["--amount"], /^emvsim run: --amount needs a value$/],
    ["bad reader URI", ["--reader", "floppy:a"], /^emvsim run: reader URI 'floppy:a': unknown kind 'floppy'/],
    [
      "missing replay file",
      ["--reader", "replay:/nonexistent/trace.json"],
      /^emvsim run: .*\/nonexistent\/trace\.json/,
    ],
    ["missing CA key file", ["--capk", "/nonexistent/keys.json"], /^emvsim run: .*\/nonexistent\/keys\.json/],
    ["missing issuer file", ["--issuer", "/nonexistent/host.json"], /^emvsim run: .*\/nonexistent\/host\.json/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await run(args);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
      expect(r.err[0]).not.toContain("\n");
      expect(r.err[0]).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });
  }

  it("invalid terminal configuration file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-run-"));
    const file = join(dir, "terminal.json");
    writeFileSync(file, "{ not json");
    const r = await run(["--terminal", file]);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain("terminal.json");
  });
});

describe("parseRunArgs and amounts", () => {
  it("takes --opt value and --opt=value, with defaults", () => {
    const o = parseRunArgs(["--amount=5", "--type", "refund", "--json"]);
    expect(o).toMatchObject({ amount: "5", type: "refund", json: true, trace: false, terminal: "attended-pos" });
    expect(parseRunArgs([]).amount).toBe("12.34");
  });

  it("converts major to minor units with the currency exponent, without floating point", () => {
    expect(amountToMinorUnits("12.34", 2)).toBe(1234);
    expect(amountToMinorUnits("0.1", 2)).toBe(10);
    expect(amountToMinorUnits("1005", 0)).toBe(1005);
    expect(amountToMinorUnits("1.005", 3)).toBe(1005);
    expect(amountToMinorUnits("9999999999.99", 2)).toBe(999999999999);
    expect(() => amountToMinorUnits("99999999999.99", 2)).toThrow("does not fit 12 digits");
    expect(() => amountToMinorUnits("-1", 2)).toThrow("is not an amount");
  });

  it("checks cashback options", () => {
    expect(() => parseRunArgs(["--other-amount", "1"])).toThrow("--other-amount is only for --type cashback");
  });
});

describe("emvsim run --host (the network link, online/client.ts)", () => {
  it("refuses tcp:// without --insecure and a TLS directory it cannot read, with one line and exit code 1", async () => {
    const tcp = await run(["--host", "tcp://127.0.0.1:9", ...FIXED]);
    expect(tcp.code).toBe(1);
    expect(tcp.err.join("\n")).toMatch(/plain TCP carries card data in clear; add --insecure/);
    const tls = await run(["--host", "tls://127.0.0.1:9", "--tls-dir", "/nonexistent-emvsim", ...FIXED]);
    expect(tls.code).toBe(1);
    expect(tls.err.join("\n")).toMatch(/cannot read \/nonexistent-emvsim\/ca\.pem/);
  });

  it("gives the same outcome through a loopback ISO 8583 host (tcp:// --insecure) as in-process", async () => {
    const { createServer } = await import("node:net");
    const { defaultIssuerHost } = await import("../../emulator/host/index.js");
    const { decodeMessage, encodeMessage } = await import("../../online/iso8583/codec.js");
    const { FrameReader, frame } = await import("../../online/iso8583/framing.js");
    const { authorizationRequestOf, responseMessage } = await import("../../online/iso8583/mapping.js");
    const issuer = defaultIssuerHost();
    const server = createServer((socket) => {
      const reader = new FrameReader();
      socket.on("data", async (chunk: Buffer) => {
        for (const bytes of reader.push(chunk)) {
          const m = decodeMessage(bytes);
          const answer = await issuer.authorize(authorizationRequestOf(m));
          socket.write(frame(encodeMessage(responseMessage(m, "0110", answer))));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const local = JSON.parse((await run([...FIXED, "--json"])).out) as TransactionResultJson;
      const remote = await run(["--host", `tcp://127.0.0.1:${port}`, "--insecure", ...FIXED, "--json"]);
      expect(remote.code).toBe(0);
      const json = JSON.parse(remote.out) as TransactionResultJson;
      expect(local.online?.issuerAuthentication).toBeDefined();
      expect(json.online).toEqual(local.online);
      expect(json.outcome).toEqual(local.outcome);
      expect(json.tvr).toEqual(local.tvr);
      expect(json.tsi).toEqual(local.tsi);
    } finally {
      server.close();
    }
  });
});
