// PIN cardholder verification methods (EMV Book 3 §10.5.1 offline PIN, §10.5.2 online PIN and PIN bypass; Book 2
// §7 PIN encipherment): PIN try counter, PIN entry through the interaction, VERIFY, and the online PIN block.
// PINs and PIN blocks never reach a log, a trace text or an error.

import { hexWord, toHex } from "../../../emv/bytes.js";
import { desEncryptEcb } from "../../../emv/crypto/des.js";
import { pinBlockFormat0, pinBlockFormat2 } from "../../../emv/crypto/pin-block.js";
import type { RsaPublicKey } from "../../../emv/crypto/rsa.js";
import { panDigits } from "../../../emv/tlv/formats.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import { TVR } from "../../../emv/tvr.js";
import { Commands } from "../../card-session.js";
import type { TransactionContext } from "../context.js";
import { getDataValue } from "../risk.js";
import { encipheredPinData, pinEnciphermentKey } from "./enciphered-pin.js";
import type { CvmAttempt } from "./rules.js";

/** Per-transaction PIN state: bypass carries over to later PIN CVMs (Book 3 §10.5.2). */
export interface PinState {
  bypassed: boolean;
}

const onlinePinBlocks = new WeakMap<TransactionContext, Uint8Array>();

/** The online PIN block captured during cardholder verification, for the authorisation request only. */
export function onlinePinBlock(ctx: TransactionContext): Uint8Array | undefined {
  return onlinePinBlocks.get(ctx);
}

const validPin = (pin: string) => /^[0-9]{4,12}$/.test(pin);

/** Book 3 §6.5.12: VERIFY status words. */
function verifyStatus(sw: number): "ok" | "retry" | "blocked" | "error" {
  if (sw === 0x9000) return "ok";
  if ((sw & 0xfff0) === 0x63c0) return (sw & 0x0f) === 0 ? "blocked" : "retry";
  if (sw === 0x6983 || sw === 0x6984) return "blocked";
  return "error";
}

/**
 * Offline PIN (plaintext, Book 3 §10.5.1; enciphered, Book 2 §7.2): PIN try counter by GET DATA 9F17, then PIN entry
 * and VERIFY until the card accepts the PIN, blocks it, or the cardholder bypasses entry.
 */
export async function offlinePin(ctx: TransactionContext, enciphered: boolean, state: PinState): Promise<CvmAttempt> {
  const step = "cardholder-verification";
  // Book 3 §10.5.1: PIN pad not present or not working → TVR B3b5, CVM unsuccessful.
  if (!ctx.config.pinPadPresent) {
    return { kind: "done", result: "failed", tvr: [TVR.PIN_PAD_NOT_PRESENT], note: "no PIN pad" };
  }
  // Book 3 §10.5.2: once PIN entry was bypassed, later PIN CVMs are bypassed too.
  if (state.bypassed) {
    return { kind: "done", result: "failed", tvr: [TVR.PIN_NOT_ENTERED], note: "PIN entry bypassed earlier" };
  }
  // Book 3 §10.5.1: the PIN Try Counter (9F17) may be read first; zero → "PIN Try Limit exceeded".
  let attemptsLeft: number | undefined;
  const ptc = await getDataValue(ctx, TAG.PERSONAL_IDENTIFICATION_NUMBER_TRY_COUNTER);
  if ("value" in ptc && ptc.value.length === 1) {
    attemptsLeft = ptc.value[0]!;
    ctx.data.set("card", TAG.PERSONAL_IDENTIFICATION_NUMBER_TRY_COUNTER, ptc.value);
    if (attemptsLeft === 0) {
      return { kind: "done", result: "failed", tvr: [TVR.PIN_TRY_LIMIT_EXCEEDED], note: "PIN Try Counter is 0" };
    }
  } else if ("error" in ptc) {
    ctx.log(step, `PIN Try Counter not available (${ptc.error})`);
  }
  // Book 2 §7.1: offline enciphered PIN needs the PIN encipherment (or ICC) public key; without it the CVM fails.
  let key: RsaPublicKey | undefined;
  if (enciphered) {
    const k = pinEnciphermentKey(ctx);
    if (!k.ok) return { kind: "done", result: "failed", note: `offline enciphered PIN: ${k.reason}` };
    key = k.key;
  }
  for (;;) {
    const pin = await ctx.interaction.enterPin(enciphered ? "offline-enciphered" : "offline-plaintext", attemptsLeft);
    if (pin === undefined || !validPin(pin)) {
      // Book 3 §10.5.2: PIN not entered → TVR B3b4 "PIN entry required, PIN pad present, but PIN was not entered".
      state.bypassed = true;
      return { kind: "done", result: "failed", tvr: [TVR.PIN_NOT_ENTERED], note: "PIN entry bypassed" };
    }
    let pinData = pinBlockFormat2(pin);
    if (key) {
      const e = await encipheredPinData(ctx, pin, key);
      if (!e.ok) {
        if (e.terminate) return { kind: "terminate", cause: "card-error", reason: e.reason };
        return { kind: "done", result: "failed", note: `offline enciphered PIN: ${e.reason}` };
      }
      pinData = e.data;
    }
    const ex = await ctx.card.exchange(Commands.verify(key ? 0x88 : 0x80, pinData));
    if (!ex.ok) return { kind: "terminate", cause: "card-error", reason: `VERIFY: ${ex.error}` };
    const sw = ex.response.sw;
    const status = verifyStatus(sw);
    if (status === "ok") {
      ctx.interaction.display("PIN OK");
      return { kind: "done", result: "successful", note: "PIN verified by the ICC" };
    }
    if (status === "blocked") {
      // Book 3 §10.5.1: 63C0, 6983 or 6984 → "PIN Try Limit exceeded".
      ctx.interaction.display("PIN TRY LIMIT EXCEEDED");
      return {
        kind: "done",
        result: "failed",
        tvr: [TVR.PIN_TRY_LIMIT_EXCEEDED],
        note: `VERIFY SW ${hexWord(sw)}: PIN Try Limit exceeded`,
      };
    }
    if (status === "error") {
      return { kind: "done", result: "failed", note: `VERIFY SW ${hexWord(sw)}` };
    }
    // Book 3 §10.5.1: 63Cx → wrong PIN, x tries left: "INCORRECT PIN" and enter again.
    attemptsLeft = sw & 0x0f;
    ctx.interaction.display("INCORRECT PIN");
    ctx.log(step, `incorrect PIN, ${attemptsLeft} tries left`);
  }
}

/** Online enciphered PIN (Book 3 §10.5.2): PIN entry; the PIN block goes with the authorisation request only. */
export async function onlinePin(ctx: TransactionContext, state: PinState): Promise<CvmAttempt> {
  if (!ctx.config.pinPadPresent) {
    return { kind: "done", result: "failed", tvr: [TVR.PIN_PAD_NOT_PRESENT], note: "no PIN pad" };
  }
  if (state.bypassed) {
    return { kind: "done", result: "failed", tvr: [TVR.PIN_NOT_ENTERED], note: "PIN entry bypassed earlier" };
  }
  const pin = await ctx.interaction.enterPin("online", undefined);
  if (pin === undefined || !validPin(pin)) {
    state.bypassed = true;
    return { kind: "done", result: "failed", tvr: [TVR.PIN_NOT_ENTERED], note: "PIN entry bypassed" };
  }
  // ISO 9564 format 0 with the PAN; a terminal with a PIN encryption key enciphers it before it leaves the PIN pad.
  // A contactless card may give its PAN only in Track 2 Equivalent Data (57): the digits before the separator D.
  const pan = ctx.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  const track2 = ctx.data.from("card", TAG.TRACK_2_EQUIVALENT_DATA);
  const digits = pan ? panDigits(pan) : track2 ? (toHex(track2).split("D")[0] ?? "") : "";
  const block = /^\d{13,19}$/.test(digits) ? pinBlockFormat0(pin, digits) : pinBlockFormat2(pin);
  const key = ctx.config.pinEncryptionKey;
  onlinePinBlocks.set(ctx, key ? desEncryptEcb(key, block) : block);
  // Book 3 §10.5.2: TVR "Online PIN entered"; CVM Results "unknown" (the issuer verifies).
  return { kind: "done", result: "unknown", tvr: [TVR.ONLINE_PIN_ENTERED], note: "PIN kept for the online request" };
}
