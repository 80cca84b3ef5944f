// `emvsim host` and `emvsim host pki`: one-line errors (bad options, missing files, a key others can read, a port
// in use), and `emvsim run --host tls://` against the service for every built-in card giving the same outcome as
// the in-process host; SIGTERM stops the real process with exit code 0.

import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "../../devices/testing/spawn-card.js";
import { TEST_PIN_ENCRYPTION_KEY } from "../../emulator/host/default.js";
import { defaultHostConfig } from "../../emulator/host/index.js";
import { applicationPan, listProfiles, loadProfile } from "../../emulator/profile.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { desEncryptEcb } from "../../emv/crypto/des.js";
import { pinBlockFormat0 } from "../../emv/crypto/pin-block.js";
import { maskPan } from "../../emv/sensitive.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { TransactionResultJson } from "../../kernel/result.js";
import { journalKeys, readJournal } from "../../serve/host/journal.js";
import type { CliIo } from "../command.js";
import { main } from "../main.js";
import { parseHostArgs, runHost } from "./host.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const t = io();
  const code = await main(args, t);
  return { code, out: t.stdout, err: t.stderr };
}

let dir: string;
let pkiDir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "emvsim-host-cli-"));
  pkiDir = join(dir, "pki");
  const r = await cli(["host", "pki", "--out", pkiDir]);
  expect(r).toEqual({
    code: 0,
    out: [
      `emvsim host pki: wrote 7 files to ${pkiDir} (keys mode 0600): ca.pem, ca.key, server.pem, server.key, client.pem, client.key, journal.key`,
    ],
    err: [],
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("emvsim host pki", () => {
  it("writes keys 0600 and refuses to overwrite a PKI without --force", async () => {
    expect(statSync(join(pkiDir, "server.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(pkiDir, "journal.key")).mode & 0o777).toBe(0o600);
    const again = await cli(["host", "pki", "--out", pkiDir]);
    expect(again.code).toBe(1);
    expect(again.err).toEqual([
      `emvsim host: ${join(pkiDir, "ca.pem")} exists; give --force to replace the PKI in ${pkiDir}`,
    ]);
    expect((await cli(["host", "pki"])).err).toEqual([
      "emvsim host: --out DIR is required (Usage: emvsim host pki --out DIR [--force])",
    ]);
  });
});

describe("emvsim host: one-line errors, exit code 1", () => {
  it("rejects bad options", () => {
    expect(() => parseHostArgs(["--listen", "8583"])).toThrowError(
      "--listen '8583': expected HOST:PORT (port 0-65535)",
    );
    expect(() => parseHostArgs(["--listen", "127.0.0.1:70000"])).toThrowError(/port 0-65535/);
    expect(() => parseHostArgs(["--bogus"])).toThrowError("unknown option '--bogus' (see 'emvsim host --help')");
    expect(() => parseHostArgs(["--journal"])).toThrowError("--journal needs a value");
    expect(parseHostArgs(["--journal", "/x/j"])).toMatchObject({
      host: "127.0.0.1",
      port: 8583,
      audit: "/x/j.audit",
      journalKey: "emvsim-pki/journal.key",
    });
  });

  const start = (extra: string[]) =>
    cli(["host", "--listen", "127.0.0.1:0", "--tls-dir", pkiDir, "--journal", join(dir, "err.journal"), ...extra]);

  it("names a missing TLS directory, a key others can read, a missing configuration and a bad journal key", async () => {
    const missing = await cli(["host", "--tls-dir", join(dir, "none"), "--journal", join(dir, "x.journal")]);
    expect([missing.code, missing.err]).toEqual([
      1,
      [`emvsim host: certificate file ${join(dir, "none", "ca.pem")} does not exist`],
    ]);
    const key = join(pkiDir, "server.key");
    chmodSync(key, 0o644);
    try {
      const open = await start([]);
      expect([open.code, open.err]).toEqual([
        1,
        [`emvsim host: key file ${key} is accessible by group/others (mode 0644); run chmod 600 ${key}`],
      ]);
    } finally {
      chmodSync(key, 0o600);
    }
    const config = await start(["--config", join(dir, "nope.json")]);
    expect(config.code).toBe(1);
    expect(config.err).toHaveLength(1);
    expect(config.err[0]).toMatch(/nope\.json.*no such file/);
    const badKey = join(dir, "bad.key");
    writeFileSync(badKey, "1234\n", { mode: 0o600 });
    const bad = await start(["--journal-key", badKey]);
    expect(bad.err).toEqual([`emvsim host: journal key file ${badKey} must be 64 hex digits (32 bytes)`]);
  });

  it("names a port already in use", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await cli([
        "host",
        "--listen",
        `127.0.0.1:${port}`,
        "--tls-dir",
        pkiDir,
        "--journal",
        join(dir, "p.journal"),
      ]);
      expect([r.code, r.err]).toEqual([1, [`emvsim host: cannot listen on 127.0.0.1:${port}: address already in use`]]);
    } finally {
      blocker.close();
    }
  });
});

/** `emvsim host` in-process on a free port until stop(signal); stdout collected. */
async function startHost(
  args: string[],
): Promise<{ port: number; stdout: string[]; stop(signal: string): Promise<number> }> {
  const t = io();
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((r) => {
    stop = r;
  });
  const done = runHost(parseHostArgs(["--listen", "127.0.0.1:0", "--tls-dir", pkiDir, ...args]), t, stopped);
  for (let i = 0; i < 100 && t.stdout.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const port = Number(/listening on tls:\/\/127\.0\.0\.1:(\d+) /.exec(t.stdout[0] ?? "")?.[1]);
  expect(port).toBeGreaterThan(0);
  return {
    port,
    stdout: t.stdout,
    stop: (signal) => {
      stop(signal);
      return done;
    },
  };
}

describe("emvsim run --host tls:// against emvsim host", () => {
  const FIXED = ["--amount", "50.00", "--date", "261203", "--time", "101500"];
  const journal = () => join(dir, "e2e.journal");

  it("gives every built-in card the same outcome as the in-process host, over mutual TLS", async () => {
    const host = await startHost(["--journal", journal(), "--quiet"]);
    const port = host.port;
    let online = 0;
    for (const card of listProfiles()) {
      const args = ["run", "--card", card, ...FIXED, "--seed", `host-${card}`, "--json"];
      const local = await cli(args);
      const remote = await cli([...args, "--host", `tls://127.0.0.1:${port}`, "--tls-dir", pkiDir]);
      expect([card, remote.code, remote.err]).toEqual([card, local.code, local.err]);
      if (local.code !== 0) continue;
      const a = JSON.parse(local.out.join("\n")) as TransactionResultJson;
      const b = JSON.parse(remote.out.join("\n")) as TransactionResultJson;
      expect([card, b.outcome, b.tvr, b.tsi, b.cryptograms]).toEqual([card, a.outcome, a.tvr, a.tsi, a.cryptograms]);
      expect([card, b.online]).toEqual([card, a.online]);
      if (a.online) online++;
    }
    expect(await host.stop("SIGTERM")).toBe(0);
    expect(host.stdout.at(-1)).toMatch(
      new RegExp(
        `^emvsim host: stopped \\(SIGTERM\\): \\d+ messages, ${online} authorisations, 0 duplicates, 0 reversals`,
      ),
    );
    expect(online).toBeGreaterThanOrEqual(8);
    // The terminal id is the configuration's 9F1C (attended-pos: "EMVSIM01"), STANs continue across runs.
    const records = readJournal(journal(), journalKeys(readFileSync(join(pkiDir, "journal.key"), "utf8")));
    expect(records).toHaveLength(online);
    expect(new Set(records.map((r) => r.terminalId))).toEqual(new Set(["EMVSIM01"]));
    expect(new Set(records.map((r) => r.stan)).size).toBe(online);
    expect(readFileSync(join(pkiDir, "stan.EMVSIM01"), "utf8")).toBe(`${records.at(-1)?.stan}\n`);
  });

  it("MACs the link with --mac-key on both ends; a terminal without the key is refused with 63", async () => {
    const macKey = join(dir, "mac.key");
    writeFileSync(macKey, "0123456789ABCDEFFEDCBA9876543210\n", { mode: 0o600 });
    const host = await startHost(["--journal", join(dir, "mac.journal"), "--mac-key", macKey]);
    expect(host.stdout[0]).toMatch(/, DE 64\/128 MACs\)/);
    const port = host.port;
    const run = (...extra: string[]) =>
      cli([
        "run",
        ...FIXED,
        "--seed",
        "mac",
        "--json",
        "--host",
        `tls://127.0.0.1:${port}`,
        "--tls-dir",
        pkiDir,
        ...extra,
      ]);
    const withMac = JSON.parse((await run("--mac-key", macKey)).out.join("\n")) as TransactionResultJson;
    const without = JSON.parse((await run()).out.join("\n")) as TransactionResultJson;
    expect(await host.stop("SIGINT")).toBe(0);
    expect(withMac.outcome).toBe("online-approved");
    expect(without.outcome).toBe("online-declined");
    expect(JSON.stringify(without.online)).toContain("63");
    expect(
      host.stdout.filter((l) => l.includes("security violation (63): 0100 carries no MAC (field 64)")),
    ).toHaveLength(1);
    chmodSync(macKey, 0o644);
    const loose = await cli([
      "run",
      ...FIXED,
      "--host",
      `tls://127.0.0.1:${port}`,
      "--tls-dir",
      pkiDir,
      "--mac-key",
      macKey,
    ]);
    expect(loose.err).toEqual([
      `emvsim run: key file ${macKey} is accessible by group/others (mode 0644); run chmod 600 ${macKey}`,
    ]);
  });

  it("online PIN through the host: same decisions as in-process; no PAN, track 2, PIN block or key at rest", async () => {
    const journalPath = join(dir, "pin.journal");
    const host = await startHost(["--journal", journalPath]);
    const base = ["run", "--card", "mastercard-cvn17-cda", "--terminal", "atm", ...FIXED, "--seed", "pin", "--json"];
    const remote = ["--host", `tls://127.0.0.1:${host.port}`, "--tls-dir", pkiDir];
    const outcomes: string[][] = [];
    for (const pin of ["1234", "9876"]) {
      const a = JSON.parse((await cli([...base, "--pin", pin])).out.join("\n")) as TransactionResultJson;
      const b = JSON.parse((await cli([...base, "--pin", pin, ...remote])).out.join("\n")) as TransactionResultJson;
      expect([b.outcome, b.reason, b.online]).toEqual([a.outcome, a.reason, a.online]);
      outcomes.push([b.outcome, String(b.online?.responseCode)]);
    }
    expect(await host.stop("SIGTERM")).toBe(0);
    expect(outcomes).toEqual([
      ["online-approved", "00"],
      ["online-declined", "55"],
    ]);
    // What must never be at rest: the card's PAN and track 2 (its profile), the PIN blocks of both PINs for this
    // PAN (ISO 9564 format 0), clear and enciphered under the shipped terminals' test PIN key, and that key.
    const profile = loadProfile("mastercard-cvn17-cda");
    if (!profile.ok) throw profile.error;
    const app = profile.value.applications[0]!;
    const pan = applicationPan(app)!;
    const track2 = app.records
      .flatMap((r) => (r.content.kind === "tlvs" ? r.content.tlvs : []))
      .find((t) => t.tag === TAG.TRACK_2_EQUIVALENT_DATA)?.value;
    expect(track2).toBeInstanceOf(Uint8Array);
    const key = fromHex(TEST_PIN_ENCRYPTION_KEY);
    const blocks = ["1234", "9876"].map((p) => pinBlockFormat0(p, pan));
    const secrets = [
      pan,
      toHex(track2 as Uint8Array).slice(0, 24),
      toHex(key),
      ...blocks.map((b) => toHex(b)),
      ...blocks.map((b) => toHex(desEncryptEcb(key, b))),
    ];
    const records = readJournal(journalPath, journalKeys(readFileSync(join(pkiDir, "journal.key"), "utf8")));
    expect(records.map((r) => [r.kind, r.responseCode, r.panMasked])).toEqual([
      ["authorisation", "00", maskPan(pan)],
      ["authorisation", "55", maskPan(pan)],
    ]);
    const texts = [
      JSON.stringify(records),
      readFileSync(journalPath, "latin1"),
      readFileSync(`${journalPath}.audit`, "latin1"),
      host.stdout.join("\n"),
    ];
    for (const text of texts) for (const x of secrets) expect(text.toUpperCase()).not.toContain(x.toUpperCase());
    expect(texts[2]).toContain(`pan=${maskPan(pan)}`);
  });

  it("--config: decides by the given issuer host configuration", async () => {
    const file = join(dir, "decline-host.json");
    const config = {
      ...defaultHostConfig(),
      rules: [{ decision: "decline", responseCode: "05", reason: "test rule" }],
    };
    writeFileSync(file, JSON.stringify(config));
    const host = await startHost(["--journal", join(dir, "config.journal"), "--config", file, "--quiet"]);
    const r = await cli(["run", ...FIXED, "--json", "--host", `tls://127.0.0.1:${host.port}`, "--tls-dir", pkiDir]);
    expect(await host.stop("SIGTERM")).toBe(0);
    const json = JSON.parse(r.out.join("\n")) as TransactionResultJson;
    // Book 3 §10.9: the issuer's 8A "05" → the terminal asks for an AAC in the second GENERATE AC.
    expect([json.outcome, json.online?.responseCode]).toEqual(["online-declined", "05"]);
    expect(json.cryptograms.map((c) => c.requested)).toEqual(["ARQC", "AAC"]);
  });

  it("stops the real process on SIGTERM with exit code 0 after closing the journal", async () => {
    const b = await bundle(join(import.meta.dirname, "..", "main.ts"));
    try {
      const child = spawn(
        process.execPath,
        [b.file, "host", "--listen", "127.0.0.1:0", "--tls-dir", pkiDir, "--journal", join(dir, "sig.journal")],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      for (let i = 0; i < 200 && !out.includes("listening on"); i++) await new Promise((r) => setTimeout(r, 25));
      expect(out).toMatch(/listening on tls:\/\/127\.0\.0\.1:\d+ /);
      child.kill("SIGTERM");
      const code = await Promise.race([
        exited,
        new Promise<string>((r) => setTimeout(() => r("no exit in 10 s"), 10_000)),
      ]);
      if (code !== 0) child.kill("SIGKILL");
      expect(code).toBe(0);
      expect(out).toMatch(/emvsim host: stopped \(SIGTERM\): 0 messages.*journal closed \(0 records\)/);
    } finally {
      b.cleanup();
    }
  });
});
