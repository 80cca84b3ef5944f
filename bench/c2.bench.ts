// Kernel 2 taps (Book C-2: CDA, online): Entry Point + Kernel 2 against the in-process Mastercard-style card
// mc-paypass-online (ARQC with CDA, relay resistance off), per tap: the kernel's CPU time (the card's time inside
// transmit excluded) and the whole tap, each as a ratio to its crypto floor measured in the same run — for the
// kernel the three RSA recoveries and hashes CDA needs (issuer certificate, ICC certificate, SDAD with the
// transaction data hash), for the whole tap those plus the card's (one RSA signature, the AC MAC). Target <= 2x.

import { performance } from "node:perf_hooks";
import { PaypassCard } from "../emulator/contactless/paypass.js";
import { loadPaypassProfile } from "../emulator/contactless/paypass-profile.js";
import { concatBytes, fromHex } from "../emv/bytes.js";
import { recoverIccPublicKey, recoverIssuerPublicKey } from "../emv/crypto/certificates.js";
import { cryptogramScheme, generateApplicationCryptogram } from "../emv/crypto/cryptogram.js";
import { generateRsaKey } from "../emv/crypto/rsa.js";
import { cdaTransactionDataHash, signDynamicData, verifyCdaSignature } from "../emv/crypto/signed-data.js";
import { seededRandom } from "../emv/random.js";
import { decodeTlv } from "../emv/tlv/ber.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { createKernel2 } from "../kernel/c2/kernel.js";
import { loadTerminalConfig } from "../kernel/config/load.js";
import { parseReaderConfig } from "../kernel/config/reader-load.js";
import { runTap, type TapRecord } from "../kernel/entry-point/entry-point.js";
import { fieldWithCard } from "../kernel/entry-point/field.js";
import { nonInteractive } from "../kernel/interaction.js";
import type { CardChannel } from "../transport/channel.js";
import { type BenchModule, measureTapAgainstFloor, recordReplay } from "./harness.js";

const PROFILE = "mc-paypass-online";
const TARGET_RATIO = 2;
const TAPS = 400;

export const bench: BenchModule = {
  name: "c2",
  description: `Kernel 2 taps (CDA, online) against ${PROFILE}, kernel CPU and whole tap vs the crypto floor`,
  async run(out) {
    const terminal = loadTerminalConfig("attended-pos");
    const profile = loadPaypassProfile(PROFILE);
    if (!terminal.ok || !profile.ok) {
      out(`CHECK FAILED: ${terminal.ok ? "" : terminal.error} ${profile.ok ? "" : profile.error}`);
      return false;
    }
    const reader = parseReaderConfig(
      {
        id: "bench-k2",
        description: "bench",
        terminal: "attended-pos",
        kernels: [2],
        combinations: [
          {
            aid: "A0000000041010",
            kernel: 2,
            statusCheckSupport: false,
            zeroAmountAllowed: false,
            floorLimit: 10000,
            cvmRequiredLimit: 5000,
            c2: {
              kernelConfiguration: "20",
              cvmCapabilityCvmRequired: "60",
              cvmCapabilityNoCvmRequired: "08",
              securityCapability: "08",
              cardDataInputCapability: "00",
              applicationVersion: "0002",
              tacDefault: "0400800000",
              tacDenial: "DC50000000",
              tacOnline: "F45084800C",
              maxTornRecords: 2,
              maxTornLifetimeSeconds: 300,
            },
          },
        ],
      },
      "bench-k2",
      () => terminal,
    );
    if (!reader.ok) {
      out(`CHECK FAILED: ${reader.error}`);
      return false;
    }
    const kernel = createKernel2();
    const random = seededRandom("c2-bench");
    const card = new PaypassCard(profile.profile);
    let cardMs = 0;
    const timed: CardChannel = {
      description: card.description,
      atr: undefined,
      async transmit(c) {
        const t0 = performance.now();
        try {
          return await card.transmit(c);
        } finally {
          cardMs += performance.now() - t0;
        }
      },
      close: async () => {},
    };
    const tapOn = (channel: CardChannel, r: typeof random) =>
      runTap({
        reader: reader.config,
        params: {
          type: "purchase",
          amount: 1500,
          otherAmount: 0,
          date: "261203",
          time: "101500",
          sequenceCounter: 1,
          random: r,
        },
        field: fieldWithCard(channel),
        kernels: new Map([[2, kernel]]),
        interaction: nonInteractive(),
      });
    const tap = async (): Promise<{ record: TapRecord; totalMs: number; kernelMs: number }> => {
      cardMs = 0;
      const t0 = performance.now();
      const record = await tapOn(timed, random);
      const totalMs = performance.now() - t0;
      return { record, totalMs, kernelMs: totalMs - cardMs };
    };
    const first = await tap();
    const d = first.record.kernel?.context;
    if (first.record.outcome.ops.status !== "Online Request" || d?.oda.result !== "passed") {
      out(
        `CHECK FAILED: the tap ended ${first.record.outcome.ops.status} (${first.record.outcome.reason}), expected Online Request with CDA`,
      );
      return false;
    }

    // The crypto floor, on this tap's own data.
    const get = (tag: number) => d.data.get(tag) ?? new Uint8Array(0);
    const ca = reader.config.terminal.caKeys.find(
      (k) => k.rid[4] === 0x04 && k.index === get(TAG.CA_PUBLIC_KEY_INDEX_ICC)[0],
    )!;
    const staticData = d.oda.staticData!;
    const staticAll = concatBytes(staticData, get(TAG.APPLICATION_INTERCHANGE_PROFILE));
    const gac = first.record.trace.find((e) => e.name === "GENERATE AC")!;
    const pdolData = d.pdolData ?? new Uint8Array(0);
    const cdol1 = gac.command.subarray(5, 5 + gac.command[4]!);
    // The SDAD and the hashed data objects from the answer itself (template 77): 9F4B is not in the data store.
    const answer = decodeTlv(gac.response!.subarray(0, -2)).children ?? [];
    const sdad = answer.find((n) => n.tag === TAG.SIGNED_DYNAMIC_APPLICATION_DATA)?.value;
    const cid = answer.find((n) => n.tag === TAG.CRYPTOGRAM_INFORMATION_DATA)?.value[0];
    if (!sdad || cid === undefined) {
      out("CHECK FAILED: the GENERATE AC answer has no SDAD (9F4B) or CID (9F27) to measure the floor on");
      return false;
    }
    const responseTlvs = concatBytes(
      ...answer.filter((n) => n.tag !== TAG.SIGNED_DYNAMIC_APPLICATION_DATA).map((n) => n.encoded),
    );
    const terminalFloor = () => {
      const issuer = recoverIssuerPublicKey(ca, {
        certificate: get(TAG.ISSUER_PUBLIC_KEY_CERTIFICATE),
        remainder: get(TAG.ISSUER_PUBLIC_KEY_REMAINDER),
        exponent: get(TAG.ISSUER_PUBLIC_KEY_EXPONENT),
      });
      if (!issuer.ok) throw new Error(issuer.reason);
      const icc = recoverIccPublicKey(issuer.key, {
        certificate: get(TAG.ICC_PUBLIC_KEY_CERTIFICATE),
        remainder: get(TAG.ICC_PUBLIC_KEY_REMAINDER),
        exponent: get(TAG.ICC_PUBLIC_KEY_EXPONENT),
        staticData: staticAll,
      });
      if (!icc.ok) throw new Error(icc.reason);
      // The hash over PDOL data, CDOL1 data and the answer's data objects without 9F4B, then the SDAD.
      const hash = cdaTransactionDataHash({ pdolData, cdol1Data: cdol1, responseTlvs });
      const v = verifyCdaSignature(icc.key, sdad, {
        unpredictableNumber: get(TAG.UNPREDICTABLE_NUMBER),
        cid,
        transactionDataHash: hash,
      });
      return v.ok ? 1 : 0;
    };
    // A floor whose checks fail returns early and measures less than the kernel must do (until 2026-12-03 the SDAD
    // was read from the data store, where it is not: the check stopped at its length, without the RSA operation).
    if (terminalFloor() !== 1) {
      out("CHECK FAILED: the floor's own CDA check does not verify the tap's SDAD");
      return false;
    }
    const iccKey = generateRsaKey(1024, 3);
    const scheme = cryptogramScheme(16)!;
    const mk = fromHex(profile.profile.mkAc);
    const acValues = new Map<number, Uint8Array>([
      [0x9f02, new Uint8Array(6)],
      [0x9f03, new Uint8Array(6)],
      [0x9f1a, new Uint8Array(2)],
      [0x95, new Uint8Array(5)],
      [0x5f2a, new Uint8Array(2)],
      [0x9a, new Uint8Array(3)],
      [0x9c, new Uint8Array(1)],
      [0x9f37, new Uint8Array(4)],
      [0x82, new Uint8Array(2)],
      [0x9f36, new Uint8Array(2)],
      [0x9f10, new Uint8Array(18)],
    ]);
    const cardFloor = () => {
      const ac = generateApplicationCryptogram(scheme, mk, (t) => acValues.get(t));
      const sdad = signDynamicData(iccKey, { iccDynamicData: new Uint8Array(38), ddolData: new Uint8Array(4) });
      return (ac.ok ? 1 : 0) ^ sdad[0]!;
    };

    // The kernel alone: one tap recorded, then replayed from memory (bench/harness.ts recordReplay).
    const replay = await recordReplay(tapOn, timed, "c2-bench-replay", (r) =>
      r.outcome.ops.status !== "Online Request" || r.kernel?.context.oda.result !== "passed"
        ? `ended ${r.outcome.ops.status}, expected Online Request with CDA`
        : undefined,
    );
    if ("error" in replay) {
      out(`CHECK FAILED: ${replay.error}`);
      return false;
    }

    return measureTapAgainstFloor(
      tap,
      terminalFloor,
      cardFloor,
      {
        kernel: "Kernel 2",
        taps: TAPS,
        targetRatio: TARGET_RATIO,
        fieldBudgetMs: 500,
        replayTap: replay.replay,
      },
      out,
    );
  },
};
