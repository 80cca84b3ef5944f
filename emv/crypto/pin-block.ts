// PIN blocks: ISO 9564-1 format 2 (offline PIN for VERIFY, EMV Book 3 §6.5.12 and Book 2 §7.2), format 0
// (online PIN), and the Visa PIN change block (VIS; pyemv-compatible). Values built here never go to logs.

import { fromHex, toHex, xorBytes } from "../bytes.js";

export class PinError extends Error {
  override readonly name = "PinError";
}

function checkPin(pin: string): void {
  if (!/^\d{4,12}$/.test(pin)) throw new PinError("a PIN must be 4 to 12 digits");
}

/** The PIN of a plain block C ‖ N ‖ PIN ‖ F…F (16 hex digits) with control field `control`; undefined otherwise. */
function pinField(hex: string, control: string): string | undefined {
  const n = Number.parseInt(hex[1]!, 16);
  if (hex[0] !== control || n < 4 || n > 12) return undefined;
  const pin = hex.slice(2, 2 + n);
  if (!/^\d+$/.test(pin) || !/^F*$/.test(hex.slice(2 + n))) return undefined;
  return pin;
}

/** ISO 9564 format 2: 2 ‖ N ‖ PIN ‖ F…F (8 bytes). */
export function pinBlockFormat2(pin: string): Uint8Array {
  checkPin(pin);
  return fromHex(`2${pin.length.toString(16)}${pin}`.padEnd(16, "F"), "PIN block");
}

/** The PIN in a format 2 block, or undefined when the block is not well formed. */
export function parsePinBlockFormat2(block: Uint8Array): string | undefined {
  return block.length === 8 ? pinField(toHex(block), "2") : undefined;
}

/** ISO 9564 format 0: (0 ‖ N ‖ PIN ‖ F…F) ⊕ (0000 ‖ rightmost 12 PAN digits excluding the check digit). */
export function pinBlockFormat0(pin: string, pan: string): Uint8Array {
  checkPin(pin);
  if (!/^\d{13,19}$/.test(pan)) throw new PinError("format 0 PIN block: PAN must be 13 to 19 digits");
  const block1 = fromHex(`0${pin.length.toString(16)}${pin}`.padEnd(16, "F"), "PIN block");
  const block2 = fromHex(`0000${pan.slice(-13, -1)}`, "PAN block");
  return xorBytes(block1, block2);
}

/** The PIN in a format 0 block for this PAN, or undefined when the block does not decode (wrong PAN or key). */
export function parsePinBlockFormat0(block: Uint8Array, pan: string): string | undefined {
  if (block.length !== 8 || !/^\d{13,19}$/.test(pan)) return undefined;
  return pinField(toHex(xorBytes(block, fromHex(`0000${pan.slice(-13, -1)}`, "PAN block"))), "0");
}

/**
 * Visa PIN change/unblock block: (00000000 ‖ ICC MK AC bytes 5–8) ⊕ (0 ‖ N ‖ PIN ‖ F…F), further ⊕ the current
 * PIN right-padded with zeros when the command changes a PIN that must be given.
 */
export function visaPinChangeBlock(iccMkAc: Uint8Array, newPin: string, currentPin?: string): Uint8Array {
  checkPin(newPin);
  const a = fromHex(`0${newPin.length.toString(16)}${newPin}`.padEnd(16, "F"), "PIN block");
  const b = new Uint8Array(8);
  b.set(iccMkAc.subarray(4, 8), 4);
  let block: Uint8Array = xorBytes(a, b);
  if (currentPin !== undefined) {
    checkPin(currentPin);
    block = xorBytes(block, fromHex(currentPin.padEnd(16, "0"), "current PIN"));
  }
  return block;
}

/** Undo visaPinChangeBlock: the new PIN, or undefined when the block does not decode. */
export function parseVisaPinChangeBlock(
  block: Uint8Array,
  iccMkAc: Uint8Array,
  currentPin?: string,
): string | undefined {
  if (block.length !== 8) return undefined;
  let b: Uint8Array = Uint8Array.from(block);
  if (currentPin !== undefined) b = xorBytes(b, fromHex(currentPin.padEnd(16, "0"), "current PIN"));
  const mask = new Uint8Array(8);
  mask.set(iccMkAc.subarray(4, 8), 4);
  return pinField(toHex(xorBytes(b, mask)), "0");
}
