// Integration: serial readers through a real socat pty pair: the framed protocol against the emulator's serial
// server (same bytes as the in-process emulator), garbage on the line, a raw T=1 card line, unplug.
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { serveFramedSerial, serveRawCardLine } from "../serve/serial.js";
import type { CardChannel } from "../transport/channel.js";
import { answerFrame, encodeFrame, FrameDecoder } from "../transport/framing.js";
import { openReader } from "./open.js";
import { loadSerialFactory, openSerial } from "./serial.js";
import { FakeCard } from "./testing/fake-card.js";
import { requireHardware } from "./testing/pcscd.js";
import { type PtyPair, socatAvailability, startPtyPair } from "./testing/socat.js";
import { spawnCli } from "./testing/spawn-card.js";

async function why(): Promise<string | undefined> {
  const s = socatAvailability();
  if (!s.ok) return s.reason;
  try {
    await loadSerialFactory();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
const reason = await why();
if (reason && requireHardware())
  throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but serial integration cannot run: ${reason}`);
if (reason) console.warn(`[skip] serial pty integration tests: ${reason}`);

const SELECT_PSE = fromHex("00A404000E315041592E5359532E444446303100");

describe.skipIf(!!reason)("serial readers over a socat pty pair", () => {
  let pty: PtyPair;
  const cleanups: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    pty = await startPtyPair();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
    await pty.stop();
  });

  it("framed protocol: the emulator card answers exactly as in-process", async () => {
    const { openEmulatorChannel } = await import("../emulator/channel.js");
    const { loadProfile } = await import("../emulator/profile.js");
    const { EmulatedCard } = await import("../emulator/card.js");
    const PROFILE = "visa-online-only";
    const profile = loadProfile(PROFILE);
    if (!profile.ok) throw profile.error;
    const server = await serveFramedSerial(new EmulatedCard(profile.value), { path: pty.b });
    cleanups.push(() => server.close());
    const ch = await openReader(`serial:${pty.a}?baud=115200`);
    cleanups.push(() => ch.close());
    const local = openEmulatorChannel(PROFILE);
    cleanups.push(() => local.close());
    expect(toHex(ch.atr!)).toBe(toHex(local.atr!));
    for (const c of [SELECT_PSE, fromHex("00B2010C00"), fromHex("00A4040007A000000003101000")]) {
      expect(toHex(await ch.transmit(c))).toBe(toHex(await local.transmit(c)));
    }
  });

  it("garbage bytes on the line are skipped; a corrupt frame is a timeout, not a wrong answer", async () => {
    const card = new FakeCard();
    const port = await openSerial({ path: pty.b, baudRate: 115200 });
    cleanups.push(() => new Promise((r) => port.close(() => r())));
    const d = new FrameDecoder();
    let n = 0;
    port.on("data", (b) => {
      for (const f of d.push(new Uint8Array(b))) {
        const bytes = encodeFrame(answerFrame(card, f));
        n++;
        if (n === 3) bytes[bytes.length - 1]! ^= 0x01; // corrupt the third answer
        port.write(Buffer.concat([Buffer.from("noise\x00\xa5\x01", "latin1"), Buffer.from(bytes)]), () => {});
      }
    });
    const ch = await openReader(`serial:${pty.a}`, { timeoutMs: 300 });
    cleanups.push(() => ch.close());
    expect(toHex(await ch.transmit(SELECT_PSE))).toBe("6F1A840E315041592E5359532E4444463031A5088801015F2D02656E9000");
    await expect(ch.transmit(fromHex("00B2010C00"))).rejects.toMatchObject({ kind: "timeout" });
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("70125A0847617390010101195F24032212319F0702FF009000");
  });

  it("raw card line: ATR then T=1 (phoenix mode without reset lines, as ptys have none)", async () => {
    const card = new FakeCard();
    (card as { atr: Uint8Array }).atr = fromHex("3BF81300008131FE454A434F5076323431B7");
    const opening: Promise<CardChannel> = openReader(`serial:${pty.a}?mode=phoenix&reset=none`);
    await new Promise((r) => setTimeout(r, 100));
    const server = await serveRawCardLine(card, { path: pty.b, protocol: 1 });
    cleanups.push(() => server.close());
    const ch = await opening;
    cleanups.push(() => ch.close());
    expect(toHex(ch.atr!)).toBe("3BF81300008131FE454A434F5076323431B7");
    expect(toHex(await ch.transmit(fromHex("80A8000002830000")))).toBe("800E5C000801010010010100180102009000");
    expect(toHex(await ch.transmit(SELECT_PSE))).toBe("6F1A840E315041592E5359532E4444463031A5088801015F2D02656E9000");
  });

  it("unplugging (socat killed) mid-session gives a TransportError, no hang", async () => {
    const server = await serveFramedSerial(new FakeCard(), { path: pty.b });
    cleanups.push(() => server.close());
    const ch = await openReader(`serial:${pty.a}`, { timeoutMs: 500 });
    cleanups.push(() => ch.close());
    expect(toHex(await ch.transmit(fromHex("0084000000")))).toBe("01020304050607089000");
    await pty.stop();
    const err = await ch.transmit(fromHex("0084000000")).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TransportError" });
    expect(["reader-gone", "timeout", "io"]).toContain((err as { kind: string }).kind);
  });

  it("emvsim emulate --serial serves the emulator card to serial:<pty> and stops on SIGTERM", async () => {
    const { openEmulatorChannel } = await import("../emulator/channel.js");
    const profilePath = fileURLToPath(new URL("../emulator/profiles/visa-online-only.json", import.meta.url));
    const emu = await spawnCli(["emulate", "--card", profilePath, "--serial", pty.b], "framed protocol");
    cleanups.push(() => emu.stop());
    const ch = await openReader(`serial:${pty.a}`);
    cleanups.push(() => ch.close());
    const local = openEmulatorChannel("visa-online-only");
    cleanups.push(() => local.close());
    expect(toHex(await ch.transmit(SELECT_PSE))).toBe(toHex(await local.transmit(SELECT_PSE)));
    await emu.stop();
    expect(emu.exitCode()).toBe(0);
  });
});
