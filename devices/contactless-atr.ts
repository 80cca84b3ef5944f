// Recognising a contactless card by the ATR a PC/SC reader builds for it (PC/SC Part 3 §3.1.3.2.3): 3B, T0 = 8n
// (TD1 present, n historical bytes), TD1 = 80 (TD2 follows, T=0), TD2 = 01 (T=1), n historical bytes, TCK. An
// ISO 14443-4 card runs through Entry Point; a storage card (historical bytes 80 4F 0C A0 00 00 03 06 …, PC/SC
// Part 3 §3.1.3.2.3.2) is not a payment card; any other ATR is a contact card.

import { toHex } from "../emv/bytes.js";

export type AtrInterface =
  | { readonly kind: "contactless"; readonly historicalBytes: Uint8Array }
  | { readonly kind: "contactless-storage"; readonly historicalBytes: Uint8Array }
  | { readonly kind: "contact" };

/** The registered application provider of the PC/SC workgroup, which storage-card ATRs carry. */
const PCSC_RID = "A000000306";

export function atrInterface(atr: Uint8Array | undefined): AtrInterface {
  if (!atr || atr.length < 5) return { kind: "contact" };
  const [ts, t0, td1, td2] = [atr[0]!, atr[1]!, atr[2]!, atr[3]!];
  const n = t0 & 0x0f;
  if (ts !== 0x3b || (t0 & 0xf0) !== 0x80 || td1 !== 0x80 || td2 !== 0x01 || atr.length !== 5 + n)
    return { kind: "contact" };
  // TCK: the exclusive-or of T0 … TCK is 0 (ISO/IEC 7816-3 §8.2.5).
  let x = 0;
  for (let i = 1; i < atr.length; i++) x ^= atr[i]!;
  if (x !== 0) return { kind: "contact" };
  const historicalBytes = atr.slice(4, 4 + n);
  const h = toHex(historicalBytes);
  if (h.startsWith("804F") && h.slice(6, 16) === PCSC_RID) return { kind: "contactless-storage", historicalBytes };
  return { kind: "contactless", historicalBytes };
}
