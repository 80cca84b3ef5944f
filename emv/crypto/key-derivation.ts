// ICC master key derivation, Options A and B (EMV Book 2 Annex A1.4); session keys are in session-keys.ts.

import { concatBytes, copyBytes, fromHex, toHex, xorBytes } from "../bytes.js";
import { adjustParity, DesError, desEncryptEcb } from "./des.js";
import { sha1 } from "./hash.js";

const FF8 = new Uint8Array(8).fill(0xff);

function digitsOnly(value: string, what: string): string {
  if (!/^\d*$/.test(value)) throw new DesError(`${what} must be decimal digits`);
  return value;
}

/** Option A from a 16-digit Y: MK = parity(3DES(IMK, Y) ‖ 3DES(IMK, Y ⊕ FF…FF)). */
function optionAFromDigits(imk: Uint8Array, y16: string): Uint8Array {
  // The cipher inputs pooled: node:crypto reads their buffers (emv/bytes allocBytes).
  const y = copyBytes(fromHex(y16, "Y"));
  return adjustParity(concatBytes(desEncryptEcb(imk, y), desEncryptEcb(imk, copyBytes(xorBytes(y, FF8)))));
}

/**
 * Option A (Book 2 A1.4.1): Y = the rightmost 16 digits of PAN ‖ PAN Sequence Number (PSN "00" when absent),
 * left-padded with zeros when shorter.
 */
export function iccMasterKeyOptionA(imk: Uint8Array, pan: string, psn?: string): Uint8Array {
  const x = digitsOnly(pan, "PAN") + digitsOnly(psn ?? "00", "PSN");
  return optionAFromDigits(imk, x.slice(-16).padStart(16, "0"));
}

/**
 * Option B (Book 2 A1.4.2), for PANs longer than 16 digits: SHA-1 of PAN ‖ PSN (BCD, left-padded to whole
 * bytes), its decimal digits in order, then A–F mapped to 0–5 when fewer than 16; Option A for ≤ 16 digits.
 */
export function iccMasterKeyOptionB(imk: Uint8Array, pan: string, psn?: string): Uint8Array {
  if (digitsOnly(pan, "PAN").length <= 16) return iccMasterKeyOptionA(imk, pan, psn);
  let x = pan + digitsOnly(psn ?? "00", "PSN");
  if (x.length % 2 === 1) x = `0${x}`;
  const digest = toHex(sha1(fromHex(x, "PAN ‖ PSN")));
  let y = digest.replace(/[A-F]/g, "");
  if (y.length < 16) {
    const letters = digest
      .replace(/[0-9]/g, "")
      .split("")
      .map((c) => String(c.charCodeAt(0) - 65))
      .join("");
    y += letters;
  }
  return optionAFromDigits(imk, y.slice(0, 16));
}

export type MasterKeyDerivation = "A" | "B";

export function iccMasterKey(
  imk: Uint8Array,
  pan: string,
  psn: string | undefined,
  option: MasterKeyDerivation,
): Uint8Array {
  return option === "A" ? iccMasterKeyOptionA(imk, pan, psn) : iccMasterKeyOptionB(imk, pan, psn);
}
