// Cost of a contactless tap through Entry Point (EMV Contactless Book B) and Kernel 3 (Book C-3) with an fDDA offline
// approval, against the in-process emulated card: kernel CPU time (the card's transmit excluded) and the whole tap,
// each as a ratio to its crypto floor measured in the same run on the tap's own data — for the terminal: issuer and
// ICC key recovery and the fDDA signature check (Book 2 §6.3, §6.4, §6.5); for the card: its application cryptogram
// and its fDDA signature with its own ICC key.

import { performance } from "node:perf_hooks";
import { caPublicKeysForProfile } from "../emulator/ca-keys.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { applicationKeys } from "../emulator/keystore.js";
import { loadProfile } from "../emulator/profile.js";
import { concatBytes, toHex } from "../emv/bytes.js";
import { recoverIccPublicKey, recoverIssuerPublicKey } from "../emv/crypto/certificates.js";
import { cryptogramScheme, generateApplicationCryptogram } from "../emv/crypto/cryptogram.js";
import { signDynamicData, verifySignedDynamicData } from "../emv/crypto/signed-data.js";
import { seededRandom } from "../emv/random.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { fddaTerminalData } from "../kernel/c3/fdda.js";
import { kernel3 } from "../kernel/c3/kernel.js";
import { withCaKeys } from "../kernel/config/load.js";
import { loadReaderConfig } from "../kernel/config/reader-load.js";
import { runTap, type TapRecord } from "../kernel/entry-point/entry-point.js";
import { fieldWithCard } from "../kernel/entry-point/field.js";
import { nonInteractive } from "../kernel/interaction.js";
import type { CardChannel } from "../transport/channel.js";
import { type BenchModule, measureTapAgainstFloor, recordReplay } from "./harness.js";

const PROFILE = "visa-cvn10-dda";
const READER = "attended-pos";
const TARGET_RATIO = 2;
const TAPS = 400;
/** Book A: a tap's card-in-field budget is about 500 ms; the kernel's share must stay under 1 %. */
const FIELD_BUDGET_MS = 500;

export const bench: BenchModule = {
  name: "c3",
  description: `Kernel 3 taps (fDDA, offline approval) against ${PROFILE} under the ${READER} reader, vs the crypto floor`,
  async run(out) {
    const profile = loadProfile(PROFILE);
    const loaded = loadReaderConfig(READER);
    if (!profile.ok || !loaded.ok) {
      out(`CHECK FAILED: ${profile.ok ? "" : profile.error.message} ${loaded.ok ? "" : loaded.error}`);
      return false;
    }
    const reader = {
      ...loaded.config,
      terminal: withCaKeys(loaded.config.terminal, caPublicKeysForProfile(profile.value)),
    };
    const random = seededRandom("c3-bench");
    const params = (r: typeof random) => ({
      type: "purchase" as const,
      amount: 1000,
      otherAmount: 0,
      date: "261203",
      time: "101500",
      sequenceCounter: 1,
      random: r,
    });
    const tapOn = (channel: CardChannel, r: typeof random) =>
      runTap({
        reader,
        params: params(r),
        field: fieldWithCard(channel),
        kernels: new Map([[3, kernel3]]),
        interaction: nonInteractive(),
      });
    let cardMs = 0;
    const tap = async (): Promise<{ record: TapRecord; totalMs: number; kernelMs: number }> => {
      // A fresh card per tap (not timed), so every tap is the same first offline tap.
      const card = openEmulatorChannel(profile.value, { interface: "contactless" });
      const timed: CardChannel = {
        description: card.description,
        atr: card.atr,
        async transmit(c) {
          const t0 = performance.now();
          try {
            return await card.transmit(c);
          } finally {
            cardMs += performance.now() - t0;
          }
        },
        close: () => card.close(),
      };
      cardMs = 0;
      const t0 = performance.now();
      const record = await tapOn(timed, random);
      const totalMs = performance.now() - t0;
      await card.close();
      return { record, totalMs, kernelMs: totalMs - cardMs };
    };
    const first = await tap();
    const ctx = first.record.kernel?.context;
    if (
      first.record.outcome.ops.status !== "Approved" ||
      first.record.kernelDetails?.fdda?.result !== "passed" ||
      !ctx
    ) {
      out(
        `CHECK FAILED: the tap ended ${first.record.outcome.ops.status} (fDDA ${first.record.kernelDetails?.fdda?.result}), expected Approved with fDDA passed`,
      );
      return false;
    }

    // The terminal's crypto floor, on this tap's own data.
    const get = (tag: number) => ctx.data.get(tag) ?? new Uint8Array(0);
    const ca = reader.terminal.caKeys.find((k) => k.index === get(TAG.CA_PUBLIC_KEY_INDEX_ICC)[0]);
    const terminalData = fddaTerminalData(ctx);
    if (!ca || "reason" in terminalData || !ctx.oda.staticData) {
      out("CHECK FAILED: the tap left no CA key, fDDA terminal data or static data to measure the floor on");
      return false;
    }
    const staticAll = concatBytes(ctx.oda.staticData, get(TAG.APPLICATION_INTERCHANGE_PROFILE));
    const sdad = get(TAG.SIGNED_DYNAMIC_APPLICATION_DATA);
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
      return verifySignedDynamicData(icc.key, sdad, terminalData).ok ? 1 : 0;
    };
    if (terminalFloor() !== 1) {
      out("CHECK FAILED: the floor's own fDDA check does not verify the tap's SDAD");
      return false;
    }

    // The card's crypto floor: its AC (the profile's CVN) and its fDDA signature with its own ICC key.
    const app = profile.value.applications[0]!;
    const keys = applicationKeys(PROFILE, toHex(app.aid));
    const scheme = app.cryptogram ? cryptogramScheme(app.cryptogram.cvn) : undefined;
    if (!keys?.icc || !scheme || !app.cryptogram) {
      out("CHECK FAILED: the card has no ICC key or cryptogram keys to measure its floor with");
      return false;
    }
    const iccKey = keys.icc;
    // The card keeps its own AC master key (derived from this issuer key, Book 2 Annex A1.4); an AC under either
    // costs the same 3DES work, which is what the floor counts.
    const mk = app.cryptogram.imkAc;
    const cardFloor = () => {
      const ac = generateApplicationCryptogram(scheme, mk, (t) => ctx.data.get(t));
      const s = signDynamicData(iccKey, {
        iccDynamicData: get(TAG.APPLICATION_TRANSACTION_COUNTER),
        ddolData: terminalData,
      });
      return (ac.ok ? 1 : 0) ^ s[0]!;
    };

    // The kernel alone: one tap recorded, then replayed from memory (bench/harness.ts recordReplay).
    const replay = await recordReplay(
      tapOn,
      openEmulatorChannel(profile.value, { interface: "contactless" }),
      "c3-bench-replay",
      (r) =>
        r.outcome.ops.status !== "Approved" || r.kernelDetails?.fdda?.result !== "passed"
          ? `ended ${r.outcome.ops.status}, expected Approved with fDDA passed`
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
        kernel: "Kernel 3",
        taps: TAPS,
        targetRatio: TARGET_RATIO,
        fieldBudgetMs: FIELD_BUDGET_MS,
        replayTap: replay.replay,
      },
      out,
    );
  },
};
