// The ATR a PC/SC reader reports for an ISO/IEC 14443-4 card (PC/SC Part 3 §3.1.3.2.3; the same table is in the
// Microsoft NFC PC/SC interface notes and reader manuals such as the SCM SCL3711's): the card sends no ATR over the
// air, so the reader builds one — 3B, T0 = 8n (TD1 present, n historical bytes), TD1 = 80 (TD2 present, T=0),
// TD2 = 01 (T=1), the historical bytes (ISO 14443-A: from the ATS; B: from ATQB/ATTRIB), TCK.

/** TS, T0 high nibble, TD1 and TD2 of the PC/SC contactless ATR. */
const TS = 0x3b;
const T0_TD1_PRESENT = 0x80;
const TD1 = 0x80;
const TD2 = 0x01;

/** At most 15 historical bytes: n is one nibble of T0 (ISO/IEC 7816-3 §8.2.2). */
export const MAX_HISTORICAL_BYTES = 15;

/** TCK (ISO/IEC 7816-3 §8.2.5): the exclusive-or of every byte from T0 up to the byte before TCK. */
export function atrCheckByte(atrWithoutTck: Uint8Array): number {
  let x = 0;
  for (let i = 1; i < atrWithoutTck.length; i++) x ^= atrWithoutTck[i]!;
  return x;
}

/** The PC/SC Part 3 ATR for a contactless card with these historical bytes (0–15), TCK included. */
export function contactlessAtr(historicalBytes: Uint8Array): Uint8Array {
  if (historicalBytes.length > MAX_HISTORICAL_BYTES)
    throw new RangeError(
      `contactless ATR: ${historicalBytes.length} historical bytes, at most ${MAX_HISTORICAL_BYTES} fit T0`,
    );
  const body = new Uint8Array(4 + historicalBytes.length);
  body.set([TS, T0_TD1_PRESENT | historicalBytes.length, TD1, TD2]);
  body.set(historicalBytes, 4);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  out[body.length] = atrCheckByte(body);
  return out;
}
