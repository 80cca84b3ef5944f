// Integration: real pcscd + vsmartcard vpcd reader + our vpcd card server, through both PC/SC backends
// (our pcscd socket client and the native binding @pokusew/pcsclite).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../cli/command.js";
import { exportedCaKeys } from "../cli/commands/keys.js";
import { main } from "../cli/main.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { fromHex, toHex } from "../emv/bytes.js";
import { CardSession } from "../kernel/card-session.js";
import { GetResponseChannel } from "../transport/ttl.js";
import { pcscReport } from "./discovery.js";
import { openReader } from "./open.js";
import { loadPcscBinding } from "./pcsc/binding.js";
import { openPcscContext } from "./pcsc.js";
import { AID_FCI, FAKE_ATR, GPO_RESPONSE, PSE_FCI } from "./testing/fake-card.js";
import { type PrivatePcscd, pcscdSkipReason, requireHardware, startPrivatePcscd } from "./testing/pcscd.js";
import { type CardProcess, spawnCardProcess, spawnCli } from "./testing/spawn-card.js";

/** The socket client always; the native binding when it loads (CI requires it). */
async function backends(): Promise<Array<"socket" | "binding">> {
  try {
    await loadPcscBinding();
    return ["socket", "binding"];
  } catch (e) {
    if (requireHardware())
      throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but the PC/SC binding does not load: ${(e as Error).message}`);
    console.warn(`[skip] PC/SC binding backend: ${(e as Error).message}`);
    return ["socket"];
  }
}

const reason = pcscdSkipReason();
if (reason && requireHardware())
  throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but PC/SC integration cannot run: ${reason}`);
if (reason)
  console.warn(
    `[skip] PC/SC integration tests: ${reason}. Install pcscd + vsmartcard-vpcd and stop any system pcscd to run them.`,
  );

const BACKENDS = reason ? [] : await backends();

describe.skipIf(!!reason).each(BACKENDS)("PC/SC through pcscd + vpcd (%s backend)", (backend) => {
  let pcscd: PrivatePcscd;
  const saved = process.env["EMVSIM_PCSC_BACKEND"];
  let server: CardProcess;
  // The card runs in its own process: see serve/testing/card-process.ts for why.
  const startCard = async () => {
    server = await spawnCardProcess(["--vpcd", `127.0.0.1:${pcscd.port}`, "--card", "fake"]);
  };

  beforeAll(async () => {
    process.env["EMVSIM_PCSC_BACKEND"] = backend; // openReader follows it too
    pcscd = await startPrivatePcscd();
    await startCard();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env["EMVSIM_PCSC_BACKEND"];
    else process.env["EMVSIM_PCSC_BACKEND"] = saved;
    await server?.stop();
    await pcscd?.stop();
  });

  it("lists the vpcd reader with the card and its ATR", async () => {
    const ctx = await openPcscContext({ backend });
    try {
      const name = await ctx.waitForCard(undefined, 5000);
      expect(name).toBe(pcscd.readerName);
      const r = (await ctx.list()).find((x) => x.name === name)!;
      expect(r.cardPresent).toBe(true);
      expect(r.atr).toBe(toHex(FAKE_ATR));
    } finally {
      await ctx.close();
    }
  });

  it("emvsim readers reports the reader, its card and the backend in use", async () => {
    const report = await pcscReport();
    expect(report).toMatchObject({ kind: "pcsc", available: true });
    expect(report.via).toMatch(
      backend === "socket" ? /^pcscd socket client, protocol 4\.[45]$/ : /^native binding @pokusew\/pcsclite$/,
    );
    expect(report.readers[0]).toEqual({
      uri: `pcsc:${pcscd.readerName}`,
      name: pcscd.readerName,
      detail: `card present, ATR ${toHex(FAKE_ATR)}`,
    });
  });

  it("SELECT PSE, SELECT AID, GPO and READ RECORD with exact bytes", async () => {
    const ctx = await openPcscContext({ backend });
    const name = await ctx.waitForCard(pcscd.readerName, 5000);
    const ch = new GetResponseChannel(await ctx.connect(name));
    try {
      expect(toHex(ch.atr!)).toBe(toHex(FAKE_ATR));
      expect(toHex(await ch.transmit(fromHex("00A404000E315041592E5359532E444446303100")))).toBe(
        `${toHex(PSE_FCI)}9000`,
      );
      expect(toHex(await ch.transmit(fromHex("00A4040007A000000003101000")))).toBe(`${toHex(AID_FCI)}9000`);
      expect(toHex(await ch.transmit(fromHex("80A8000002830000")))).toBe(`${toHex(GPO_RESPONSE)}9000`);
      expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe(
        "70125A0847617390010101195F24032212319F0702FF009000",
      );
      expect(toHex(await ch.transmit(fromHex("00B2020C00")))).toBe("6D00");
    } finally {
      await ch.close();
    }
  });

  it("card removed mid-session gives a card-removed TransportError, then no card", async () => {
    const ctx = await openPcscContext({ backend });
    const name = await ctx.waitForCard(pcscd.readerName, 5000);
    const ch = await ctx.connect(name);
    try {
      expect(toHex(await ch.transmit(fromHex("0084000000")))).toBe("01020304050607089000");
      await server.stop();
      await expect(ch.transmit(fromHex("0084000000"))).rejects.toMatchObject({ name: "TransportError" });
      const err = await ch.transmit(fromHex("0084000000")).catch((e: unknown) => e);
      expect(["card-removed", "no-card", "reader-gone"], String(err)).toContain((err as { kind: string }).kind);
    } finally {
      await ch.close();
      await startCard();
    }
  });
  it("pcsc: (no name) opens the first reader with a card; an unknown name is a one-line error", async () => {
    const ch = await openReader("pcsc:");
    try {
      expect(ch.description).toBe(`pcsc:${pcscd.readerName}`);
    } finally {
      await ch.close();
    }
    await expect(openReader("pcsc:No Such Reader", { waitForCardMs: 300 })).rejects.toMatchObject({
      kind: "reader-gone",
      message: `pcsc: no reader named 'No Such Reader' (readers: ${pcscd.readerName}, Virtual PCD 00 01)`,
    });
  });

  it("a kernel session sees the card pulled mid-transaction as an error value naming the command", async () => {
    const ch = await openReader(`pcsc:${pcscd.readerName}`);
    const session = new CardSession(ch);
    try {
      const select = await session.exchange({
        name: "SELECT",
        cla: 0,
        ins: 0xa4,
        p1: 4,
        p2: 0,
        data: fromHex("315041592E5359532E4444463031"),
        le: 0,
      });
      expect(select.ok && toHex(select.response.data)).toBe(toHex(PSE_FCI));
      await server.stop(); // the card leaves the reader
      const read = await session.exchange({ name: "READ RECORD", cla: 0, ins: 0xb2, p1: 1, p2: 0x0c, le: 0 });
      expect(read.ok).toBe(false);
      // The whole message in a failure's diff (a plain toMatch truncates it).
      if (!read.ok)
        expect({ error: read.error }).toEqual({
          error: expect.stringMatching(/^READ RECORD: pcsc:Virtual PCD 00 00: (transmit: )?(card was removed|no card)/),
        });
    } finally {
      await ch.close();
      await startCard();
    }
  });
});

describe.skipIf(!!reason)("emvsim emulate --vpcd: the emulator card seen through pcscd", () => {
  const PROFILE = "visa-online-only";
  const profilePath = fileURLToPath(new URL(`../emulator/profiles/${PROFILE}.json`, import.meta.url));
  let pcscd: PrivatePcscd;

  beforeAll(async () => {
    pcscd = await startPrivatePcscd();
  });
  afterAll(async () => {
    await pcscd?.stop();
  });

  it("answers SELECT PSE / SELECT AID / GPO / READ RECORD exactly like the in-process emulator, then stops on SIGTERM", async () => {
    const emu = await spawnCli(
      ["emulate", "--card", profilePath, "--vpcd", `127.0.0.1:${pcscd.port}`],
      "card inserted",
    );
    const local = openEmulatorChannel(PROFILE);
    try {
      const ch = await openReader(`pcsc:${pcscd.readerName}`);
      try {
        expect(toHex(ch.atr!)).toBe(toHex(local.atr!));
        const commands = [
          "00A404000E315041592E5359532E444446303100",
          "00B2010C00",
          "00A4040007A000000003101000",
          "80A8000002830000",
          "00B2011400",
          "00B2020C00",
        ];
        for (const c of commands)
          expect(`${c} → ${toHex(await ch.transmit(fromHex(c)))}`).toBe(
            `${c} → ${toHex(await local.transmit(fromHex(c)))}`,
          );
      } finally {
        await ch.close();
      }
    } finally {
      await local.close();
      await emu.stop();
    }
    expect(emu.exitCode()).toBe(0);
    expect(emu.stderr()).toContain("card removed, stopped");
  });

  it("reconnects to vpcd when pcscd restarts", async () => {
    const emu = await spawnCli(
      ["emulate", "--card", profilePath, "--vpcd", `127.0.0.1:${pcscd.port}`],
      "card inserted",
    );
    try {
      const before = await openReader(`pcsc:${pcscd.readerName}`);
      await before.close();
      const port = pcscd.port;
      await pcscd.stop();
      pcscd = await startPrivatePcscd({ port });
      const after = await openReader(`pcsc:${pcscd.readerName}`, { waitForCardMs: 8000 });
      try {
        const select = fromHex("00A404000E315041592E5359532E444446303100");
        const local = openEmulatorChannel(PROFILE);
        expect(toHex(await after.transmit(select))).toBe(toHex(await local.transmit(select)));
        await local.close();
      } finally {
        await after.close();
      }
      expect(emu.stderr()).toContain("closed the connection");
    } finally {
      await emu.stop();
    }
  });
});

describe.skipIf(!!reason)("emvsim run --reader pcsc: a full transaction through pcscd", () => {
  let pcscd: PrivatePcscd;
  const dir = mkdtempSync(join(tmpdir(), "emvsim-run-pcsc-"));
  beforeAll(async () => {
    pcscd = await startPrivatePcscd();
  });
  afterAll(async () => {
    await pcscd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" };
    const code = await main(["run", ...args, "--json", "--seed", "pcsc", "--date", "261128", "--time", "120000"], io);
    expect(err.join("\n")).toBe("");
    expect(code).toBe(0);
    return JSON.parse(out.join("")) as {
      outcome: string;
      reason: string;
      aid: string;
      oda: { method: string; result: string };
      tvr: string;
      tsi: string;
      cvmResults: string;
      cryptograms: { type: string }[];
    };
  };

  for (const profile of ["visa-cvn18-cda", "mastercard-cvn16-sda", "visa-pin-preferring"]) {
    it(`${profile}: same outcome, TVR, TSI, CVM results and cryptogram types as in-process`, async () => {
      const profilePath = fileURLToPath(new URL(`../emulator/profiles/${profile}.json`, import.meta.url));
      const capk = join(dir, `${profile}.json`);
      writeFileSync(capk, JSON.stringify(exportedCaKeys(profile)));
      const emu = await spawnCli(
        ["emulate", "--card", profilePath, "--vpcd", `127.0.0.1:${pcscd.port}`],
        "card inserted",
      );
      try {
        const viaPcsc = await run(["--reader", `pcsc:${pcscd.readerName}`, "--capk", capk, "--pin", "1234"]);
        const inProcess = await run(["--card", profile, "--pin", "1234"]);
        const pick = (r: typeof viaPcsc) => ({
          outcome: r.outcome,
          reason: r.reason,
          aid: r.aid,
          oda: r.oda,
          tvr: r.tvr,
          tsi: r.tsi,
          cvmResults: r.cvmResults,
          cryptograms: r.cryptograms.map((c) => c.type),
        });
        expect(pick(viaPcsc)).toEqual(pick(inProcess));
        expect(viaPcsc.outcome).toMatch(/approved/);
      } finally {
        await emu.stop();
      }
    });
  }
});

describe.skipIf(!!reason)("reader gone: pcscd stops mid-session", () => {
  it("transmit fails with a TransportError and close does not hang", async () => {
    const pcscd = await startPrivatePcscd();
    const card = await spawnCardProcess(["--vpcd", `127.0.0.1:${pcscd.port}`, "--card", "fake"]);
    try {
      const ch = await openReader(`pcsc:${pcscd.readerName}`);
      expect(toHex(await ch.transmit(fromHex("0084000000")))).toBe("01020304050607089000");
      await pcscd.stop();
      const err = await ch.transmit(fromHex("0084000000")).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "TransportError" });
      expect(["reader-gone", "unavailable", "card-removed", "io"]).toContain((err as { kind: string }).kind);
      await ch.close();
    } finally {
      await card.stop();
      await pcscd.stop();
    }
    // Nothing this test started is left running.
    expect(() => process.kill(pcscd.pid, 0)).toThrow();
    expect(() => process.kill(card.pid, 0)).toThrow();
  });
});
