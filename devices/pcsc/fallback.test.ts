// How openPcscContext chooses when pcscd is not what the socket client expects, without ever letting the native
// binding spin: its context constructor retries libpcsclite on the main thread for as long as pcscd reports "no
// service" (a stale socket, a daemon of another protocol). The scripted daemon runs in its own process, as a real
// pcscd would.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPcscContext } from "../pcsc.js";
import { type CardProcess, spawnFakePcscd } from "../testing/spawn-card.js";
import { probePcscd } from "./pcscd-client.js";

describe("PC/SC backend choice against an unexpected pcscd", () => {
  const dir = mkdtempSync(join(tmpdir(), "emvsim-fallback-"));
  const older = join(dir, "older.comm");
  const stale = join(dir, "stale.comm");
  let daemon: CardProcess | undefined;
  beforeAll(async () => {
    daemon = await spawnFakePcscd(older, "4.3");
    writeFileSync(stale, ""); // a socket path nobody listens on, as after a crashed pcscd
  });
  afterAll(async () => {
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("probePcscd reports the daemon's protocol version", async () => {
    expect(await probePcscd(older)).toEqual({ major: 4, minor: 3 });
  });

  it("an older pcscd protocol: a one-line error naming both versions, and no try with the binding", async () => {
    await expect(openPcscContext({ backend: "auto", socketPath: older })).rejects.toMatchObject({
      name: "TransportError",
      kind: "unavailable",
      message: `pcscd at ${older} speaks protocol 4.3; emvsim's pcscd client knows 4.4 and 4.5`,
    });
  });

  it("the binding forced on a socket nobody answers on: an error, not a spinning process", async () => {
    const err = await openPcscContext({ backend: "binding", socketPath: stale }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TransportError", kind: "unavailable" });
    expect((err as Error).message).toMatch(new RegExp(`^pcscd at ${stale.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `));
  });

  it("the binding forced with no pcscd socket at all: 'pcscd is not running', not a spinning process", async () => {
    const missing = join(dir, "missing.comm");
    await expect(openPcscContext({ backend: "binding", socketPath: missing })).rejects.toMatchObject({
      kind: "unavailable",
      message: `pcscd is not running (no socket at ${missing}; start it with 'systemctl start pcscd' or 'sudo pcscd')`,
    });
  });
});
