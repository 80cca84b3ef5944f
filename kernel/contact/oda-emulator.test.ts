// Offline data authentication (Book 3 §10.3, §10.8; Book 2 §5–§7) against the software card: SDA, DDA and CDA
// pass on the built-in profiles, and each card-side fault fails the method with its TVR bit and reason.

import { describe, expect, it } from "vitest";
import { caPublicKeysForProfile } from "../../emulator/ca-keys.js";
import { openEmulatorChannel } from "../../emulator/channel.js";
import { defaultIssuerHost } from "../../emulator/host/index.js";
import { type CardProfile, loadProfile } from "../../emulator/profile.js";
import type { FaultJson } from "../../emulator/profile-schema.js";
import { toHex } from "../../emv/bytes.js";
import type { TerminalConfig } from "../config/types.js";
import type { Interaction } from "../interaction.js";
import { nonInteractive } from "../interaction.js";
import { fixedRandom, scriptedInteraction, TEST_AID, TEST_CONFIG } from "./testing/context.js";
import { runTransaction } from "./transaction.js";

function profile(id: string, faults?: FaultJson[]): CardProfile {
  const r = loadProfile(id);
  if (!r.ok) throw r.error;
  return faults ? { ...r.value, faults } : r.value;
}

async function run(
  p: CardProfile,
  options: { config?: Partial<TerminalConfig>; interaction?: Interaction; host?: boolean } = {},
) {
  return runTransaction({
    config: {
      ...TEST_CONFIG,
      // The test terminal's AID settings for each of the card's applications.
      aids: p.applications.map((a) => ({ ...TEST_AID, aid: a.aid })),
      caKeys: caPublicKeysForProfile(p),
      ...options.config,
    },
    params: {
      type: "purchase",
      amount: 1234,
      otherAmount: 0,
      date: "251129",
      time: "120000",
      sequenceCounter: 1,
      random: fixedRandom(),
    },
    channel: openEmulatorChannel(p),
    ...(options.host === false ? {} : { host: defaultIssuerHost() }),
    interaction: options.interaction ?? nonInteractive(),
  });
}

/** TVR byte 1 holds every ODA bit (Book 3 Annex C5). */
const tvrByte1 = (tvr: Uint8Array) => toHex(tvr.subarray(0, 1));
const tsiOdaPerformed = (tsi: Uint8Array) => (tsi[0]! & 0x80) !== 0;

describe("ODA passes on the built-in profiles", () => {
  it("mastercard-cvn16-sda: SDA passed, TVR byte 1 = 02 (SDA selected), TSI ODA performed", async () => {
    const r = await run(profile("mastercard-cvn16-sda"));
    expect([r.oda.method, r.oda.result, r.oda.reason]).toEqual(["SDA", "passed", undefined]);
    expect(tvrByte1(r.tvr)).toBe("02");
    expect(tsiOdaPerformed(r.tsi)).toBe(true);
    expect(toHex(r.data.get(0x9f45)!)).toMatch(/^[0-9A-F]{4}$/);
  });

  it("visa-cvn10-dda: DDA passed with one INTERNAL AUTHENTICATE carrying the UN, 9F4C kept", async () => {
    const r = await run(profile("visa-cvn10-dda"));
    expect([r.oda.method, r.oda.result, r.oda.reason]).toEqual(["DDA", "passed", undefined]);
    expect(tvrByte1(r.tvr)).toBe("00");
    expect(tsiOdaPerformed(r.tsi)).toBe(true);
    const ia = r.trace.filter((t) => t.name === "INTERNAL AUTHENTICATE");
    expect(ia).toHaveLength(1);
    // DDOL 9F3704 with the fixed random source's Unpredictable Number.
    expect(toHex(ia[0]!.command)).toBe("00880000041111111100");
    expect(r.data.get(0x9f4c)!.length).toBe(8);
  });

  it("visa-cvn18-cda: CDA pending after ODA, passed once both GENERATE AC signatures verify", async () => {
    const r = await run(profile("visa-cvn18-cda"));
    expect([r.oda.method, r.oda.result, r.oda.reason]).toEqual(["CDA", "passed", undefined]);
    expect(tvrByte1(r.tvr)).toBe("00");
    expect(r.cryptograms.map((c) => c.cdaRequested)).toEqual([true, true]);
    expect(r.trace.some((t) => t.name === "INTERNAL AUTHENTICATE")).toBe(false);
  });
});

describe("ODA failures on the software card", () => {
  const TRAILER = "recovered data trailer is [0-9A-F]{2}, expected BC";
  const HASH = "hash result [0-9A-F]{40} differs from the computed [0-9A-F]{40}";
  const cases: [string, string, FaultJson["kind"], string, RegExp][] = [
    [
      "mastercard-cvn16-sda",
      "SDA",
      "bad-ssad-signature",
      "42",
      new RegExp(`^Signed Static Application Data \\(93\\): ${TRAILER} \\(Book 2 §5\\.4 step 2\\)$`),
    ],
    [
      "mastercard-cvn16-sda",
      "SDA",
      "wrong-static-data-hash",
      "42",
      new RegExp(`^Signed Static Application Data \\(93\\): ${HASH} \\(Book 2 §5\\.4 step 7\\)$`),
    ],
    [
      "mastercard-cvn16-sda",
      "SDA",
      "expired-issuer-certificate",
      "42",
      /^Issuer Public Key Certificate expired \(MMYY 0120\) \(Book 2 §5\.3 step 9\)$/,
    ],
    [
      "mastercard-cvn16-sda",
      "SDA",
      "bad-issuer-certificate-signature",
      "42",
      new RegExp(`^Issuer Public Key Certificate \\(90\\): ${TRAILER} \\(Book 2 §5\\.3 step 2\\)$`),
    ],
    [
      "visa-cvn10-dda",
      "DDA",
      "bad-sdad-signature",
      "08",
      // As for CDA below: 1 time in 256 the random recovered data ends in BC and the header check (step 3) fails.
      new RegExp(
        `^Signed Dynamic Application Data \\(9F4B\\): (${TRAILER} \\(Book 2 §6\\.5\\.2 step 2\\)|recovered data header is [0-9A-F]{2}, expected 6A \\(Book 2 §6\\.5\\.2 step 3\\))$`,
      ),
    ],
    [
      "visa-cvn10-dda",
      "DDA",
      "expired-icc-certificate",
      "08",
      /^ICC Public Key Certificate expired \(MMYY 0120\) \(Book 2 §6\.4 step 9\)$/,
    ],
    [
      "visa-cvn10-dda",
      "DDA",
      "wrong-static-data-hash",
      "08",
      new RegExp(`^ICC Public Key Certificate \\(9F46\\): ${HASH} \\(Book 2 §6\\.4 step 7\\)$`),
    ],
    [
      "visa-cvn10-dda",
      "DDA",
      "expired-issuer-certificate",
      "08",
      /^Issuer Public Key Certificate expired \(MMYY 0120\) \(Book 2 §5\.3 step 9\)$/,
    ],
    [
      "visa-cvn18-cda",
      "CDA",
      "expired-icc-certificate",
      "04",
      /^ICC Public Key Certificate expired \(MMYY 0120\) \(Book 2 §6\.4 step 9\)$/,
    ],
    [
      "visa-cvn18-cda",
      "CDA",
      "bad-sdad-signature",
      "04",
      // A corrupted signature recovers random data: its trailer is not BC (step 2) — or, 1 time in 256, it happens to
      // be and the header is not 6A (step 3).
      new RegExp(
        `^Signed Dynamic Application Data \\(9F4B\\): (${TRAILER} \\(Book 2 §6\\.6\\.2 step 2\\)|recovered data header is [0-9A-F]{2}, expected 6A \\(Book 2 §6\\.6\\.2 step 3\\))$`,
      ),
    ],
  ];
  for (const [id, method, fault, byte1, reason] of cases) {
    it(`${id} with ${fault}: ${method} failed, TVR byte 1 = ${byte1}`, async () => {
      const r = await run(profile(id, [{ kind: fault } as FaultJson]));
      expect([r.oda.method, r.oda.result]).toEqual([method, "failed"]);
      expect(r.oda.reason).toMatch(reason);
      expect(tvrByte1(r.tvr)).toBe(byte1);
      expect(tsiOdaPerformed(r.tsi)).toBe(true);
    });
  }

  it("visa-cda-faults: the expired ICC certificate fails CDA at ODA and GENERATE AC does not ask for CDA", async () => {
    const r = await run(profile("visa-cda-faults"));
    expect([r.oda.method, r.oda.result]).toEqual(["CDA", "failed"]);
    expect(r.oda.reason).toMatch(/^ICC Public Key Certificate expired \(MMYY 0120\)/);
    expect(tvrByte1(r.tvr)).toBe("04");
    const genAc = r.trace.filter((t) => t.name === "GENERATE AC");
    expect(genAc.length).toBeGreaterThan(0);
    // Book 3 §10.8: P1 b5 (CDA signature requested) stays 0 once CDA has failed.
    for (const g of genAc) expect(g.command[2]! & 0x10).toBe(0);
    expect(r.cryptograms.every((c) => !c.cdaRequested)).toBe(true);
  });

  it("visa-cvn18-cda with a bad SDAD: the first GENERATE AC's signature fails, CDA failed, no online request", async () => {
    const r = await run(profile("visa-cvn18-cda", [{ kind: "bad-sdad-signature" }]));
    expect(r.cryptograms.map((c) => [c.requested, c.type, c.cdaRequested])).toEqual([
      ["TC", "ARQC", true],
      ["AAC", "AAC", false],
    ]);
    expect(r.outcome).toBe("declined");
    expect(r.online).toBeUndefined();
  });

  it("a terminal without the card's CA key: the method fails naming RID and index, no ICC data missing", async () => {
    const r = await run(profile("visa-cvn10-dda"), { config: { caKeys: [] } });
    expect([r.oda.method, r.oda.result, r.oda.reason]).toEqual([
      "DDA",
      "failed",
      "CA public key A000000003/01 is not known to the terminal",
    ]);
    expect(tvrByte1(r.tvr)).toBe("08");
    expect(r.trace.some((t) => t.name === "INTERNAL AUTHENTICATE")).toBe(false);
  });

  it("a terminal that supports no ODA method: ODA not performed, TSI bit clear", async () => {
    const r = await run(profile("visa-cvn10-dda"), { config: { capabilities: Uint8Array.of(0xe0, 0xf8, 0x08) } });
    expect([r.oda.method, r.oda.result]).toEqual(["none", "not-performed"]);
    expect(tvrByte1(r.tvr)).toBe("80");
    expect(tsiOdaPerformed(r.tsi)).toBe(false);
  });
});

describe("CDA on an AAC (Book 2 §6.6.2): checked when the card signs it, nothing to check when it does not", () => {
  /** visa-cvn18-cda declining every TC request, signing its AAC or not. */
  const declining = (cdaOnAac: boolean, faults?: FaultJson[]): CardProfile => {
    const p = profile("visa-cvn18-cda", faults);
    const app = { ...p.applications[0]!, cdaOnAac, risk: { ...p.applications[0]!.risk, offline: "decline" as const } };
    return { ...p, applications: [app] };
  };
  const cdaAnswer = (r: Awaited<ReturnType<typeof run>>) => {
    const g = r.trace.find((t) => t.name === "GENERATE AC")!;
    const hex = toHex(g.response!);
    // P1 50: TC with CDA requested; the answer's template and whether it holds 9F4B.
    return [toHex(g.command.subarray(2, 3)), hex.slice(0, 2), hex.includes("9F4B81")];
  };

  it("unsigned AAC: CDA neither passed nor failed (pending → not performed), TVR byte 1 stays 00", async () => {
    const r = await run(declining(false));
    expect(cdaAnswer(r)).toEqual(["50", "80", false]);
    expect([r.oda.method, r.oda.result]).toEqual(["CDA", "pending"]);
    expect(r.oda.reason).toBe("the card answered the first GENERATE AC with an AAC, which carries no CDA signature");
    expect(toHex(r.tvr)).toBe("0000000000");
    expect(r.outcome).toBe("declined");
  });

  it("signed AAC: the signature is verified → CDA passed, TVR 0", async () => {
    const r = await run(declining(true));
    expect(cdaAnswer(r)).toEqual(["50", "77", true]);
    expect([r.oda.method, r.oda.result]).toEqual(["CDA", "passed"]);
    expect(toHex(r.tvr)).toBe("0000000000");
    expect(r.cryptograms.map((c) => [c.requested, c.type, c.value.length])).toEqual([["TC", "AAC", 8]]);
  });

  it("signed AAC with a bad signature: CDA failed (B1b3), still declined", async () => {
    const r = await run(declining(true, [{ kind: "bad-cda-signature", occurrence: 1 }]));
    expect([r.oda.method, r.oda.result]).toEqual(["CDA", "failed"]);
    expect(toHex(r.tvr)).toBe("0400000000");
    expect(r.outcome).toBe("declined");
  });
});

describe("offline enciphered PIN on visa-pin-preferring (terminal without plaintext offline PIN)", () => {
  // 9F33 byte 2 = 78: online PIN, signature, enciphered offline PIN, no CVM — not plaintext offline PIN.
  const capabilities = Uint8Array.of(0xe0, 0x78, 0xc8);

  it("the right PIN: GET CHALLENGE, VERIFY P2 88 with 128 enciphered bytes → 9000, CVM Results 440302", async () => {
    const interaction = scriptedInteraction(["1234"]);
    const r = await run(profile("visa-pin-preferring"), { config: { capabilities }, interaction });
    const verify = r.trace.filter((t) => t.name === "VERIFY");
    expect(verify.map((t) => toHex(t.command.subarray(0, 5)))).toEqual(["0020008880"]);
    expect(verify.map((t) => toHex(t.response!.subarray(-2)))).toEqual(["9000"]);
    const names = r.trace.map((t) => t.name);
    expect(names[names.indexOf("VERIFY") - 1]).toBe("GET CHALLENGE");
    expect(toHex(r.cvmResults!)).toBe("440302");
    expect(interaction.pinRequests).toEqual([{ kind: "offline-enciphered", attemptsLeft: 3 }]);
    // The PIN block never travels in clear.
    expect(toHex(verify[0]!.command)).not.toContain("241234FFFFFFFFFF");
  });

  it("a wrong PIN → 63C2, then the right one → 9000, each with a fresh challenge", async () => {
    const interaction = scriptedInteraction(["9999", "1234"]);
    const r = await run(profile("visa-pin-preferring"), { config: { capabilities }, interaction });
    const verify = r.trace.filter((t) => t.name === "VERIFY");
    expect(verify.map((t) => toHex(t.response!.subarray(-2)))).toEqual(["63C2", "9000"]);
    expect(r.trace.filter((t) => t.name === "GET CHALLENGE")).toHaveLength(2);
    expect(toHex(r.cvmResults!)).toBe("440302");
    expect(interaction.pinRequests.map((p) => p.attemptsLeft)).toEqual([3, 2]);
  });

  it("three wrong PINs: 63C2, 63C1, 63C0 → PIN try limit exceeded (TVR B3b6), CVM failed", async () => {
    const interaction = scriptedInteraction(["9999", "9999", "9999"]);
    const r = await run(profile("visa-pin-preferring"), { config: { capabilities }, interaction });
    const verify = r.trace.filter((t) => t.name === "VERIFY");
    expect(verify.map((t) => toHex(t.response!.subarray(-2)))).toEqual(["63C2", "63C1", "63C0"]);
    expect(r.tvr[2]! & 0x20).toBe(0x20);
  });
});
