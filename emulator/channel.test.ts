import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { TransportError } from "../transport/channel.js";
import { openEmulatorChannel } from "./channel.js";
import { parseProfile } from "./profile.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "test-plain.json");

function persistentProfile() {
  const json = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
  json["persistState"] = true;
  const r = parseProfile(json, FIXTURE);
  if (!r.ok) throw r.error;
  return r.value;
}

const SELECT = fromHex("00A4040007A000000003101000");
const GPO = fromHex("80A80000048302084000");
const GET_ATC = fromHex("80CA9F3600");

describe("openEmulatorChannel", () => {
  it("is a CardChannel: description, ATR, transmit, reset, close (then TransportError 'closed')", async () => {
    const ch = openEmulatorChannel(persistentProfile());
    expect(ch.description).toBe("emulator:test-plain");
    expect(toHex(ch.atr!)).toBe("3B6800000073C84000009000");
    expect(toHex(await ch.transmit(SELECT)).slice(-4)).toBe("9000");
    expect(toHex(await ch.reset!())).toBe("3B6800000073C84000009000");
    // After a reset nothing is selected.
    expect(toHex(await ch.transmit(GPO))).toBe("6985");
    await ch.close();
    await ch.close();
    await expect(ch.transmit(SELECT)).rejects.toBeInstanceOf(TransportError);
  });

  it("throws the ProfileError of an unknown profile", () => {
    expect(() => openEmulatorChannel("no-such-card")).toThrow(/^profile no-such-card: no such profile/);
  });

  it("keeps the ATC across sessions in the state file when the profile asks for it", async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), "emvsim-")), "card.json");
    for (const expected of ["001D", "001E"]) {
      const ch = openEmulatorChannel(persistentProfile(), { stateFile });
      await ch.transmit(SELECT);
      await ch.transmit(GPO);
      expect(toHex(await ch.transmit(GET_ATC))).toBe(`9F3602${expected}9000`);
      await ch.close();
    }
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as { applications: Record<string, { atc: number }> };
    expect(saved.applications["A0000000031010"]!.atc).toBe(0x1e);
  });

  it("starts from the profile's counters without a state file", async () => {
    for (let i = 0; i < 2; i++) {
      const ch = openEmulatorChannel(persistentProfile());
      await ch.transmit(SELECT);
      await ch.transmit(GPO);
      expect(toHex(await ch.transmit(GET_ATC))).toBe("9F3602001D9000");
    }
  });

  it("opens a dual card on the contactless interface: contactless ATR, the PPSE, a description saying so", async () => {
    const ch = openEmulatorChannel("visa-cvn18-cda", { interface: "contactless" });
    expect(toHex(ch.atr!)).toBe("3B80800101");
    expect(ch.description).toBe("emulator:visa-cvn18-cda (contactless)");
    expect(toHex(await ch.transmit(fromHex("00A404000E325041592E5359532E444446303100"))).slice(-4)).toBe("9000");
    expect(toHex(await ch.reset!())).toBe("3B80800101");
    await ch.close();
    expect(openEmulatorChannel("visa-cvn18-cda").card.interface).toBe("contact");
  });
});
