// End to end: the emulator's contactless cards (emulator/profiles, card side of issue 10) tapped in-process through
// Entry Point and Kernel 3 under the shipped reader configurations, online to the in-process issuer host. Each
// expectation follows from the profile's stated behaviour and the Book B / Book C-3 rule named beside it.

import { describe, expect, it } from "vitest";
import { caPublicKeysForProfile } from "../../emulator/ca-keys.js";
import { openEmulatorChannel } from "../../emulator/channel.js";
import { defaultIssuerHost } from "../../emulator/host/index.js";
import { loadProfile } from "../../emulator/profile.js";
import { toHex } from "../../emv/bytes.js";
import { seededRandom } from "../../emv/random.js";
import { kernel3 } from "../c3/kernel.js";
import { withCaKeys } from "../config/load.js";
import { loadReaderConfig } from "../config/reader-load.js";
import { nonInteractive } from "../interaction.js";
import { runTap } from "./entry-point.js";
import { fieldWithCard } from "./field.js";

async function tapCard(profileId: string, amount: number, readerId = "attended-pos", pin?: string) {
  const p = loadProfile(profileId);
  if (!p.ok) throw p.error;
  const r = loadReaderConfig(readerId);
  if (!r.ok) throw new Error(r.error);
  const reader = { ...r.config, terminal: withCaKeys(r.config.terminal, caPublicKeysForProfile(p.value)) };
  let n = 0;
  const channel = openEmulatorChannel(p.value, {
    interface: "contactless",
    random: (k) => new Uint8Array(k).fill(++n),
  });
  return runTap({
    reader,
    params: {
      type: "purchase",
      amount,
      otherAmount: 0,
      date: "261203",
      time: "120000",
      sequenceCounter: 1,
      random: seededRandom("emulator-tap"),
    },
    field: fieldWithCard(channel),
    kernels: new Map([[3, kernel3]]),
    host: defaultIssuerHost(),
    interaction: nonInteractive(pin ? { pin } : {}),
  });
}

describe("offline approvals with fDDA (attended POS, 10.00: under the 50.00 floor and CVM limits)", () => {
  it("visa-cvn10-dda (no 9F27: the decision comes from the IAD): Approved, No CVM, fDDA passed", async () => {
    const r = await tapCard("visa-cvn10-dda", 1000);
    expect(r.outcome.ops).toMatchObject({ status: "Approved", cvm: "No CVM" });
    expect(r.kernelDetails?.cryptogram).toMatchObject({ type: "TC", from: "IAD" });
    expect(r.kernelDetails?.fdda?.result).toBe("passed");
    expect(r.outcome.uiOnOutcome?.messageId).toBe(0x03);
  });
  it("visa-qvsdc-phone: consumer device CVM (CTQ b2b8) → Confirmation Code Verified", async () => {
    const r = await tapCard("visa-qvsdc-phone", 1000);
    expect(r.outcome.ops).toMatchObject({ status: "Approved", cvm: "Confirmation Code Verified" });
  });
});

describe("fDDA and expiry failure rules from the CTQ", () => {
  it("visa-qvsdc-wrong-atc: the signed ICC Dynamic Number is not the ATC; CTQ b1b5 → Try Another Interface", async () => {
    const r = await tapCard("visa-qvsdc-wrong-atc", 1000);
    expect(r.outcome.ops).toMatchObject({
      status: "Try Another Interface",
      alternateInterfacePreference: "Contact Chip",
    });
    expect(r.kernelDetails?.fdda?.reason).toMatch(/ICC Dynamic Number .* is not the ATC/);
  });
  it("visa-qvsdc-bad-fdda: the signature does not verify; CTQ b1b6 and an online reader → Online Request", async () => {
    const r = await tapCard("visa-qvsdc-bad-fdda", 1000);
    expect(r.outcome.ops.status).toBe("Online Request");
    expect(r.kernelDetails?.fdda?.result).toBe("failed");
  });
  it("visa-expired: expired application; CTQ b1b4 → Online Request", async () => {
    const r = await tapCard("visa-expired", 1000);
    expect(r.outcome.ops.status).toBe("Online Request");
    expect(r.kernelDetails?.rules.some((x) => x.startsWith("application expired"))).toBe(true);
  });
});

describe("online (ARQC) and CVM", () => {
  it("visa-qvsdc-online: ARQC in the GPO, no AFL; the issuer approves the ARQC", async () => {
    const r = await tapCard("visa-qvsdc-online", 1000);
    expect(r.outcome.ops).toMatchObject({ status: "Online Request", onlineResponseData: "EMV Data" });
    expect(r.online).toMatchObject({ reachable: true, responseCode: "00", approved: true });
    expect(r.trace.map((t) => t.name)).toEqual(["SELECT PPSE", "SELECT", "GET PROCESSING OPTIONS"]);
  });
  it("visa-pin-preferring at 80.00: CVM required (Book B §3.1.1.12), the card asks for online PIN; the issuer checks it", async () => {
    const r = await tapCard("visa-pin-preferring", 8000, "attended-pos", "1234");
    expect(toHex(r.kernelDetails!.ttq!)).toBe("36C0C000");
    expect(r.outcome.ops).toMatchObject({ status: "Online Request", cvm: "Online PIN" });
    expect(r.online?.reason).toContain("online PIN correct");
  });
  it("visa-cvn10-dda at 80.00: online, and the reader's signature meets 'CVM required'", async () => {
    const r = await tapCard("visa-cvn10-dda", 8000);
    expect(r.outcome.ops).toMatchObject({ status: "Online Request", cvm: "Obtain Signature", receipt: true });
  });
  it("online-only reader (floor limit 0): 10.00 sets 'online cryptogram required' and the card goes online", async () => {
    const r = await tapCard("visa-cvn10-dda", 1000, "online-only");
    expect(toHex(r.kernelDetails!.ttq!)).toBe("3680C000");
    expect(r.outcome.ops.status).toBe("Online Request");
  });
});

describe("Entry Point around the kernel", () => {
  it("multi-app: the debit application (priority 1, no kernel identifier: kernel 3 by RID) is selected", async () => {
    const r = await tapCard("multi-app", 1000);
    expect(r.directory?.length).toBe(2);
    expect(toHex(r.selected!.adfName)).toBe("A0000000032010");
  });
  it("transit reader, 80.00 ≥ its 50.00 transaction limit: Try Another Interface before any command", async () => {
    const r = await tapCard("visa-cvn10-dda", 8000, "transit");
    expect(r.outcome.ops.status).toBe("Try Another Interface");
    expect(r.trace).toEqual([]);
  });
  it("mastercard-cvn17-cda (kernel 2 in the PPSE): no combination of a kernel 3 reader → End Application", async () => {
    const r = await tapCard("mastercard-cvn17-cda", 1000);
    expect(r.outcome.ops.status).toBe("End Application");
  });
  it("GPO 6984 → Try Another Interface; 6985 → Select Next then End Application; 6986 → Try Again until the bound", async () => {
    expect((await tapCard("visa-qvsdc-gpo-6984", 1000)).outcome.ops.status).toBe("Try Another Interface");
    const r85 = await tapCard("visa-qvsdc-gpo-6985", 1000);
    expect(r85.outcomes.map((o) => o.ops.status)).toEqual(["Select Next", "End Application"]);
    const r86 = await tapCard("visa-qvsdc-gpo-6986", 1000);
    expect(r86.outcomes.slice(0, 2).map((o) => o.ops.status)).toEqual(["Try Again", "Try Again"]);
    expect(r86.taps).toBe(4);
  });
});

describe("issuer update processing (two taps)", () => {
  it("visa-qvsdc-issuer-update: TTQ b3b8 and CTQ b2b7 → Start B; the second tap sends the ARPC without a GPO", async () => {
    const r = await tapCard("visa-qvsdc-issuer-update", 1000);
    expect(r.outcomes.map((o) => o.ops.status)).toEqual(["Online Request", "Approved"]);
    expect(r.outcomes[0]?.ops).toMatchObject({ start: "B", uiRequestOnRestartPresent: true });
    expect(r.outcomes[0]?.uiOnRestart).toMatchObject({ messageId: 0x21, status: "Ready to Read" });
    expect(r.taps).toBe(2);
    const second = r.trace.slice(3).map((t) => t.name);
    expect(second.slice(0, 2)).toEqual(["SELECT", "EXTERNAL AUTHENTICATE"]);
    expect(second).not.toContain("GET PROCESSING OPTIONS");
    // The card accepts the issuer's ARPC (the host verified the ARQC and answered 00).
    expect(r.trace[4]?.response && Buffer.from(r.trace[4].response.slice(-2)).toString("hex")).toBe("9000");
  });
});
