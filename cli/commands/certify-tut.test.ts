// `emvsim certify --terminal-under-test`: the options, the one-line errors, and the case selection of the mode.

import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const a = srv.address();
  const port = typeof a === "object" && a ? a.port : 0;
  await new Promise((r) => srv.close(() => r(undefined)));
  return port;
}

describe("emvsim certify --terminal-under-test", () => {
  it("no vpcd listening: one line naming the address and what to install, exit 1, no case run", async () => {
    const port = await closedPort();
    const t = io();
    const code = await main(["certify", "--terminal-under-test", `vpcd:127.0.0.1:${port}`, "--case", "SEL-PSE-001"], t);
    expect(code).toBe(1);
    expect(t.stderr).toEqual([
      `certify: vpcd at 127.0.0.1:${port}: connection refused (is pcscd running with the vsmartcard vpcd reader? Debian: pcscd vsmartcard-vpcd)`,
    ]);
    expect(t.stdout).toEqual([]);
  });

  it("usage errors are one line each", async () => {
    const cases: [string[], string][] = [
      [["--run", "true"], "--run, --timeout, --reader and --portable go with --terminal-under-test"],
      [["--kernel", "emvsim", "--terminal-under-test", "vpcd"], "--kernel and --terminal-under-test: give one"],
      [
        ["--terminal-under-test", "vpcd", "--timeout", "soon"],
        "--timeout soon: expected seconds, more than 0 and at most 3600",
      ],
      [
        ["--terminal-under-test", "pcsc:x"],
        '--terminal-under-test "pcsc:x": expected vpcd, vpcd:PORT or vpcd:HOST:PORT (e.g. vpcd:127.0.0.1:35963)',
      ],
    ];
    for (const [args, message] of cases) {
      const t = io();
      const code = await main(["certify", ...args], t);
      expect(code, args.join(" ")).toBe(1);
      expect(t.stderr.join("\n")).toContain(message);
    }
  });

  it("--list in the mode: catalog cases only (the property suites drive emvsim's kernel), --portable fewer", async () => {
    const all = io();
    expect(await main(["certify", "--terminal-under-test", "vpcd", "--list"], all)).toBe(0);
    const kernel = io();
    expect(await main(["certify", "--list"], kernel)).toBe(0);
    const portable = io();
    expect(await main(["certify", "--terminal-under-test", "vpcd", "--portable", "--list"], portable)).toBe(0);
    expect(all.stdout.some((l) => l.startsWith("PROP-"))).toBe(false);
    expect(kernel.stdout.some((l) => l.startsWith("PROP-"))).toBe(true);
    // The contact catalog only: neither the property suites nor the contactless taps (listed "contactless").
    const contact = kernel.stdout.filter((l) => !l.startsWith("PROP-") && !l.endsWith("\tcontactless"));
    expect(all.stdout.length).toBe(contact.length);
    expect(kernel.stdout.some((l) => l.endsWith("\tcontactless"))).toBe(true);
    expect(portable.stdout.length).toBeLessThan(all.stdout.length);
    expect(portable.stdout.some((l) => l.startsWith("SCR-"))).toBe(false); // scripts come from the host
  });
});
