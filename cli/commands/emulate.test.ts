import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../../devices/testing/spawn-card.js";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { errText: string[] } {
  const errText: string[] = [];
  return { errText, out: () => {}, err: (t) => errText.push(t), readStdin: async () => "" };
}

/** A TCP port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === "object" && a ? a.port : 1;
}

describe("emvsim emulate (argument checks; serving is covered by devices/*.integration.test.ts)", () => {
  it.each([
    [[], "emvsim emulate: give --vpcd <host:port> or --serial <path>"],
    [["--vpcd"], "emvsim emulate: --vpcd needs a value"],
    [["--usb", "x"], "emvsim emulate: unknown option '--usb' (see 'emvsim emulate --help')"],
    [["--serial", "/dev/x", "--line", "t2"], "emvsim emulate: --line 't2' is not t0 or t1"],
    [["--serial", "/dev/x", "--baud", "fast"], "emvsim emulate: --baud 'fast' is not a baud rate"],
    // Issue 13 defect 2: these were retried forever or half-started.
    [["--vpcd", "127.0.0.1:99999"], "emvsim emulate: --vpcd '127.0.0.1:99999': port 99999 is not 1 to 65535"],
    // A bare number is a port (issue 13 defect 2: it was taken for host "99999" and retried for ever).
    [["--vpcd", "99999"], "emvsim emulate: --vpcd '99999': port 99999 is not 1 to 65535"],
    [
      ["--vpcd", "no-such-host.invalid"],
      "emvsim emulate: --vpcd 'no-such-host.invalid': host 'no-such-host.invalid' not found (ENOTFOUND)",
    ],
    [["--vpcd", "127.0.0.1:0"], "emvsim emulate: --vpcd '127.0.0.1:0': port 0 is not 1 to 65535"],
    [["--vpcd", "127.0.0.1:"], "emvsim emulate: --vpcd '127.0.0.1:': no port after ':' (give host:port)"],
    [["--vpcd", "127.0.0.1:abc"], "emvsim emulate: --vpcd '127.0.0.1:abc': port 'abc' is not a number"],
    [["--vpcd", "127.0.0.1:35963", "--serial", "/dev/x"], "emvsim emulate: give --vpcd or --serial, not both"],
    [["--vpcd", "a:1", "--vpcd", "b:2"], "emvsim emulate: --vpcd given twice"],
  ])("%j → one-line error", async (args, message) => {
    const o = io();
    expect(await main(["emulate", ...args], o)).toBe(1);
    expect(o.errText).toEqual([message]);
  });

  it("a host name that does not resolve is one line and exit 1, not a retry for ever (issue 13 defect 2)", async () => {
    const o = io();
    expect(await main(["emulate", "--vpcd", "no-such-host.invalid"], o)).toBe(1);
    // RFC 2606 reserves .invalid: no resolver gives it an address (ENOTFOUND, or EAI_AGAIN without a DNS server).
    expect(o.errText).toHaveLength(1);
    expect(o.errText[0]).toMatch(
      /^emvsim emulate: --vpcd 'no-such-host\.invalid': host 'no-such-host\.invalid' not found \((ENOTFOUND|EAI_AGAIN)\)$/,
    );
  });

  it("names an unknown profile", async () => {
    const o = io();
    expect(await main(["emulate", "--card", "no-such-card", "--vpcd", "127.0.0.1:1"], o)).toBe(1);
    expect(o.errText[0]).toMatch(/^emvsim emulate: .*no-such-card/);
  });

  it("exits 0 on SIGTERM while vpcd was never reached (issue 13 defect 2)", async () => {
    const port = await closedPort();
    const p = await spawnCli(["emulate", "--vpcd", `127.0.0.1:${port}`], "emulating");
    // stop(): SIGTERM, then SIGKILL after 3 s (a bounded wait). Killed, the process has no exit code.
    await p.stop();
    expect({ code: p.exitCode(), stderr: p.stderr() }).toEqual({
      code: 0,
      stderr: expect.stringContaining("card removed, stopped"),
    });
  });
});
