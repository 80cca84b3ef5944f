// The terminal-under-test runner without pcscd: a scripted vpcd (the TCP side vsmartcard's vpcd driver plays, wire
// format of serve/vpcd.ts) drives emvsim's kernel against the served card, so the whole loop — card served, the
// terminal's transaction, power off ending the session, judged from the card's side — runs on any machine. The
// command-line pieces (address, variables, shell quoting, vpcd unreachable) are checked exactly.

import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { defaultIssuerHost } from "../../emulator/host/index.js";
import { runTransaction } from "../../kernel/contact/transaction.js";
import { nonInteractive } from "../../kernel/interaction.js";
import { VPCD_GET_ATR, VPCD_POWER_OFF, VPCD_POWER_ON, VpcdDeframer, vpcdFrame } from "../../serve/vpcd.js";
import type { CardChannel } from "../../transport/channel.js";
import { catalog } from "../catalog/index.js";
import type { CertCase } from "../catalog/types.js";
import { configWithOverrides } from "../harness.js";
import {
  caseVariables,
  evaluateCaseOnTerminal,
  parseTerminalUnderTest,
  portable,
  shellQuote,
  substitute,
  unportableSetup,
  vpcdReachable,
} from "./runner.js";

const byId = (id: string): CertCase => catalog().find((c) => c.id === id)!;

/** A listening vpcd stand-in: when the card connects, `onCard` gets a channel to it over the vpcd wire format. */
async function fakeVpcd(onCard: (channel: CardChannel, powerOff: () => void) => Promise<void>): Promise<Server> {
  const server = createServer((socket: Socket) => {
    const deframer = new VpcdDeframer();
    const waiting: Array<(b: Uint8Array) => void> = [];
    socket.on("data", (d: Buffer) => {
      for (const p of deframer.push(new Uint8Array(d))) waiting.shift()?.(p);
    });
    socket.on("error", () => {});
    const ask = (payload: Uint8Array) =>
      new Promise<Uint8Array>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("card did not answer within 2 s")), 2000);
        waiting.push((b) => {
          clearTimeout(t);
          resolve(b);
        });
        socket.write(vpcdFrame(payload));
      });
    void (async () => {
      socket.write(vpcdFrame(new Uint8Array([VPCD_POWER_ON])));
      const atr = await ask(new Uint8Array([VPCD_GET_ATR]));
      const channel: CardChannel = {
        description: "fake vpcd",
        atr,
        transmit: (c) => ask(c),
        close: async () => {},
      };
      await onCard(channel, () => socket.write(vpcdFrame(new Uint8Array([VPCD_POWER_OFF]))));
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return server;
}

const portOf = (s: Server) => {
  const a = s.address();
  return typeof a === "object" && a ? a.port : 0;
};

/** emvsim's kernel as the terminal: the case's configuration and parameters, then the card powered off. */
function kernelTerminal(c: CertCase, tacDenial?: string) {
  return async (channel: CardChannel, powerOff: () => void) => {
    const base = configWithOverrides(c.config, tacDenial ? { aid: { tacDenial } } : undefined);
    if (!base.ok) throw new Error(base.error);
    await runTransaction({
      config: base.value,
      params: {
        type: c.params?.type ?? "purchase",
        amount: c.params?.amount ?? 1234,
        otherAmount: 0,
        date: c.params?.date ?? "251129",
        time: "120000",
        sequenceCounter: 1,
        random: { bytes: (n) => new Uint8Array(n).fill(0x11), percent: () => 99 },
      },
      channel,
      host: defaultIssuerHost(),
      interaction: nonInteractive(),
    });
    powerOff();
  };
}

let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) await new Promise((r) => s.close(() => r(undefined)));
  servers = [];
});

describe("evaluateCaseOnTerminal through a scripted vpcd", () => {
  it("waits for the terminal's transaction, ends at power off, and passes emvsim's kernel on every criterion", async () => {
    const c = byId("ODA-CDA-001");
    const server = await fakeVpcd(kernelTerminal(c));
    servers.push(server);
    const log: string[] = [];
    const r = await evaluateCaseOnTerminal(c, {
      vpcd: { host: "127.0.0.1", port: portOf(server) },
      timeoutMs: 10_000,
      log: (l) => log.push(l),
    });
    expect(r.problems).toEqual([]);
    expect(r.passed).toBe(true);
    expect(log).toEqual(["ODA-CDA-001: card in the reader, waiting for the terminal's transaction (up to 10 s)"]);
    // What the card saw: CDA asked on the TC of both GENERATE ACs (Book 2 §6.6), the card's ARQC then TC.
    expect(r.actual?.cryptograms).toEqual([
      ["TC+CDA", "ARQC"],
      ["TC+CDA", "TC"],
    ]);
    expect(r.actual?.tvr).toBe("0000000000");
    expect(r.actual?.tsi).toBe("F800");
    expect(r.notes).toContain("outcome: expected online-approved: needs the terminal's own report, not judged");
    // Reports never hold the PAN in clear.
    expect(JSON.stringify(r)).not.toContain("4761730000000003");
    expect(JSON.stringify(r)).toContain("476173******0003");
  });

  it("a terminal with TAC-denial FFFFFFFFFF fails the case naming the GENERATE AC criterion", async () => {
    const c = byId("ODA-SDA-002");
    const server = await fakeVpcd(kernelTerminal(c, "FFFFFFFFFF"));
    servers.push(server);
    const r = await evaluateCaseOnTerminal(c, { vpcd: { host: "127.0.0.1", port: portOf(server) }, timeoutMs: 10_000 });
    expect(r.passed).toBe(false);
    expect(r.problems).toEqual(["card-side GENERATE AC requested: expected ARQC, card saw AAC"]);
  });

  it("vpcd not listening: the case fails with one line naming the address", async () => {
    const server = await fakeVpcd(async () => {});
    const port = portOf(server);
    await new Promise((r) => server.close(() => r(undefined)));
    const r = await evaluateCaseOnTerminal(byId("SEL-PSE-001"), { vpcd: { host: "127.0.0.1", port }, timeoutMs: 600 });
    expect(r.problems).toEqual([`terminal under test: vpcd at 127.0.0.1:${port}: not reachable within 600 ms`]);
    expect(await vpcdReachable({ host: "127.0.0.1", port })).toBe(
      `vpcd at 127.0.0.1:${port}: connection refused (is pcscd running with the vsmartcard vpcd reader? Debian: pcscd vsmartcard-vpcd)`,
    );
  });
});

describe("command line pieces", () => {
  it("--terminal-under-test addresses", () => {
    expect(parseTerminalUnderTest("vpcd")).toEqual({ ok: true, value: { host: "127.0.0.1", port: 35963 } });
    expect(parseTerminalUnderTest("vpcd:35999")).toEqual({ ok: true, value: { host: "127.0.0.1", port: 35999 } });
    expect(parseTerminalUnderTest("vpcd:10.1.2.3:4000")).toEqual({ ok: true, value: { host: "10.1.2.3", port: 4000 } });
    expect(parseTerminalUnderTest("serial:/dev/ttyS0")).toEqual({
      ok: false,
      error:
        '--terminal-under-test "serial:/dev/ttyS0": expected vpcd, vpcd:PORT or vpcd:HOST:PORT (e.g. vpcd:127.0.0.1:35963)',
    });
    expect(parseTerminalUnderTest("vpcd:70000").ok).toBe(false);
  });

  it("variables are shell-quoted; {pinarg} and {otherarg} vanish when the case has no PIN / other amount", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const pin = byId("CVM-PIN-001");
    const vars = caseVariables(pin, "Virtual PCD 00 00");
    expect(vars).toMatchObject({ amount: "12.34", type: "purchase", case: "CVM-PIN-001", reader: "Virtual PCD 00 00" });
    expect(substitute("run --reader pcsc:{reader} --amount {amount} {pinarg}{otherarg}", vars)).toEqual({
      ok: true,
      value: `run --reader pcsc:'Virtual PCD 00 00' --amount '12.34' --pin '${vars.pin}'`,
    });
    expect(substitute("{pinarg}", caseVariables(byId("SEL-PSE-001"), "r"))).toEqual({ ok: true, value: "" });
    expect(
      substitute("--txn-amount={amountminor} --txn-type={typecode} --txn-date={isodate}", caseVariables(pin, "r")),
    ).toEqual({ ok: true, value: "--txn-amount='1234' --txn-type='00' --txn-date='2025-11-29'" });
    expect(substitute("x {pan}", vars)).toEqual({
      ok: false,
      error:
        "--run: unknown variable {pan} (known: {amount} {otheramount} {type} {pin} {case} {reader} {terminal} {interface} {date} {amountminor} {otherminor} {typecode} {isodate} {pinarg} {otherarg} {configarg})",
    });
  });

  it("the setup a terminal must have is listed with PANs masked", () => {
    const c = catalog().find((x) => x.terminal?.exceptionFile?.length);
    expect(c).toBeDefined();
    const pan = c!.terminal!.exceptionFile![0]!;
    const text = unportableSetup(c!).join(" ");
    expect(text).toContain("exceptionFile");
    expect(text).not.toContain(pan);
    expect(text).toContain(`${pan.slice(0, 6)}${"*".repeat(pan.length - 10)}${pan.slice(-4)}`);
  });

  it("portable cases are those a command line can set up", () => {
    expect(portable(byId("SEL-PSE-001"))).toBe(true);
    expect(portable(byId("SCR-71-001"))).toBe(false); // issuer scripts come from the host
  });
});
