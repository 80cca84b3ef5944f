// `emvsim run` on the contactless interface: Entry Point + Kernel 3 against the emulated contactless cards.

import { describe, expect, it } from "vitest";
import { atrInterface } from "../../devices/contactless-atr.js";
import { contactlessAtr } from "../../emulator/contactless/atr.js";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}
async function run(args: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const t = io();
  const code = await main(["run", ...args], t);
  return { code, out: t.stdout.join("\n"), err: t.stderr };
}
const FIXED = ["--date", "261203", "--time", "120000", "--seed", "cl-test"];

describe("emvsim run --interface contactless", () => {
  it("a contactless-only card is tapped without --interface; --json carries pre-processing, PPSE, kernel, OPS", async () => {
    const r = await run(["--card", "visa-qvsdc-phone", "--amount", "10.00", "--json", ...FIXED]);
    expect(r.err).toEqual([]);
    const j = JSON.parse(r.out);
    expect(j.interface).toBe("contactless");
    expect(j.reader).toBe("attended-pos");
    expect(j.outcome).toBe("Approved");
    expect(j.outcomeParameters).toMatchObject({ status: "Approved", cvm: "Confirmation Code Verified" });
    // Book C-2 DF8129 layout: Approved 10, start N/A F0, online response data N/A F0, CVM CCV 30, UI on outcome + data record.
    expect(j.outcomeParameters.encoded).toBe("10F0F030A0F0FF00");
    expect(j.uiRequestOnOutcome).toMatchObject({ messageId: "03", message: "Approved" });
    expect(j.preProcessing[0]).toMatchObject({ aid: "A0000000031010", ttq: "3600C000", floorLimit: { value: 5000 } });
    expect(j.ppse[0].aid).toBe("A0000000031010");
    expect(j.kernel).toMatchObject({ name: "Kernel 3", fdda: { result: "passed" } });
    expect(j.kernel.ctqBits).toContain("Consumer device CVM performed");
  });
  it("a dual-interface card stays contact unless --interface contactless (npm start is a contact transaction)", async () => {
    const contact = JSON.parse((await run(["--card", "visa-cvn10-dda", "--amount", "10.00", "--json", ...FIXED])).out);
    expect(contact.interface).toBeUndefined();
    expect(contact.outcome).toBeDefined();
    const cl = JSON.parse(
      (await run(["--card", "visa-cvn10-dda", "--interface", "contactless", "--amount", "10.00", "--json", ...FIXED]))
        .out,
    );
    expect(cl).toMatchObject({ interface: "contactless", outcome: "Approved" });
  });
  it("--reader-config transit: 80.00 is over its 50.00 limit → Try Another Interface", async () => {
    const r = await run([
      "--card",
      "visa-qvsdc-phone",
      "--reader-config",
      "transit",
      "--amount",
      "80.00",
      "--json",
      ...FIXED,
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: "Try Another Interface", reader: "transit" });
  });
  it("the report shows the TTQ and CTQ bit by bit, the OPS and the UI messages in words, PAN masked", async () => {
    const r = await run(["--card", "visa-qvsdc-online", "--amount", "90.00", "--pin", "1234", "--trace", ...FIXED]);
    expect(r.out).toContain("1. Pre-processing (Book B §3.1)");
    expect(r.out).toContain("byte 2 bit 8: Online cryptogram required");
    expect(r.out).toContain("CTQ (9F6C) 9000:");
    expect(r.out).toContain("byte 1 bit 8: Online PIN required");
    expect(r.out).toContain("Status: Online Request");
    expect(r.out).toContain("UI Request on Outcome: Authorising, Please Wait");
    expect(r.out).not.toContain("4761739001010010");
    expect(r.out).not.toContain("D22122011143844489");
  });
  it("--json --trace masks the PAN and hides track 2 unless --unmask, which shows both", async () => {
    const args = ["--card", "visa-qvsdc-online", "--amount", "10.00", "--json", "--trace", ...FIXED];
    const masked = (await run(args)).out;
    expect(masked).not.toContain("4761739001010010");
    expect(masked).not.toContain("D2212201114384");
    expect(masked).toContain("476173******0010");
    const unmasked = (await run([...args, "--unmask"])).out;
    expect(unmasked).toContain("4761739001010010D2212201114384");
  });
  it("usage errors: an unknown interface, a reader configuration with contact, a card without the interface", async () => {
    expect((await run(["--interface", "nfc"])).err.join("")).toContain(
      "--interface 'nfc' is not contact or contactless",
    );
    expect((await run(["--interface", "contact", "--reader-config", "transit"])).err.join("")).toContain(
      "--reader-config is for --interface contactless",
    );
    expect((await run(["--card", "visa-qvsdc-phone", "--interface", "contact"])).err.join("")).toContain(
      "has only the contactless interface",
    );
    expect((await run(["--card", "visa-qvsdc-phone", "--reader-config", "nope"])).err.join("")).toContain(
      "unknown reader configuration 'nope'",
    );
  });
  it("the emulator's contactless ATR is recognised as PC/SC contactless (what a reader run keys on)", () => {
    expect(atrInterface(contactlessAtr(Uint8Array.of(0x80, 0x73))).kind).toBe("contactless");
  });
});
