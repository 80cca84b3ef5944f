// Session key derivation (EMV Book 2 Annex A1.3): the EMV common session key, the Visa secure-messaging session
// key and the EMV2000 tree (EMV 4.0 Book 2 A1.3.1), each from an ICC master key and per-transaction data.

import { concatBytes, copyBytes, xorBytes } from "../bytes.js";
import { adjustParity, DesError, desEncryptEcb } from "./des.js";

/**
 * EMV common session key (Book 2 A1.3): SK = parity(3DES(MK, R with byte 3 = F0) ‖ 3DES(MK, R with byte 3 = 0F))
 * for an 8-byte diversification value R (e.g. ATC ‖ 00…00, ATC ‖ 0000 ‖ UN, or the ARQC).
 */
export function commonSessionKey(mk: Uint8Array, r: Uint8Array): Uint8Array {
  if (r.length !== 8) throw new DesError(`session key diversification value must be 8 bytes, got ${r.length}`);
  // The two cipher inputs pooled: node:crypto reads their buffers (emv/bytes allocBytes).
  const left = copyBytes(r);
  left[2] = 0xf0;
  const right = copyBytes(r);
  right[2] = 0x0f;
  return adjustParity(concatBytes(desEncryptEcb(mk, left), desEncryptEcb(mk, right)));
}

/** Visa secure-messaging session key: parity(MKL ⊕ (00…00 ‖ ATC) ‖ MKR ⊕ (00…00 ‖ ATC ⊕ FFFF)). */
export function visaSecureMessagingSessionKey(mk: Uint8Array, atc: Uint8Array): Uint8Array {
  if (mk.length !== 16 || atc.length !== 2) throw new DesError("Visa SM session key: 16-byte key and 2-byte ATC");
  const l = new Uint8Array(8);
  l.set(atc, 6);
  const r = new Uint8Array(8);
  r.set(xorBytes(atc, Uint8Array.of(0xff, 0xff)), 6);
  return adjustParity(concatBytes(xorBytes(mk.subarray(0, 8), l), xorBytes(mk.subarray(8), r)));
}

/**
 * EMV2000 tree session key (EMV 4.0 Book 2 A1.3.1): IK(0) = MK, IK(−1) = IV; each level
 * IK(i, j) = f(IK(i−1, j div b), IK(i−2, j div b²), j mod b) with
 * f(X, Y, j) = 3DES_X(YL ⊕ j) ‖ 3DES_X(YR ⊕ j ⊕ F0); SK = parity(IK(H, ATC) ⊕ IK(H−2, ATC div b²)).
 */
export function emv2000TreeSessionKey(
  mk: Uint8Array,
  atc: Uint8Array,
  height: number,
  branchFactor: number,
  iv: Uint8Array = new Uint8Array(16),
): Uint8Array {
  const atcNumber = (atc[0]! << 8) | atc[1]!;
  const f = (x: Uint8Array, y: Uint8Array, j: number): Uint8Array => {
    const jl = new Uint8Array(8);
    jl[7] = j;
    const jr = new Uint8Array(8);
    jr[7] = j ^ 0xf0;
    return concatBytes(desEncryptEcb(x, xorBytes(y.subarray(0, 8), jl)), desEncryptEcb(x, xorBytes(y.subarray(8), jr)));
  };
  // keys[i] = IK(i, ATC div b^(H−i)), with keys[-1] = IV.
  const levels: Uint8Array[] = [mk];
  let grandParent = iv;
  for (let i = 1; i <= height; i++) {
    const j = Math.floor(atcNumber / branchFactor ** (height - i));
    const parent = levels[i - 1]!;
    const next = f(parent, grandParent, j % branchFactor);
    grandParent = parent;
    levels.push(next);
  }
  return adjustParity(xorBytes(levels[height]!, levels[height - 2] ?? iv));
}
