// A small deterministic card for transport tests (until/besides the emulator): SELECT PSE/AID, GPO, READ RECORD.

import { concatBytes, fromHex, toHex } from "../../emv/bytes.js";
import type { ServedCard } from "../../serve/served-card.js";

export const FAKE_ATR = fromHex("3B6500002063CBA000");
export const PSE_FCI = fromHex("6F1A840E315041592E5359532E4444463031A5088801015F2D02656E");
export const AID_FCI = fromHex("6F198407A0000000031010A50E500A56495341204445424954870101");
export const GPO_RESPONSE = fromHex("800E5C00080101001001010018010200");
export const RECORD_1 = fromHex("70125A0847617390010101195F24032212319F0702FF00");

/** Answers like a minimal EMV card; `removed()` makes it mute (for fault tests). */
export class FakeCard implements ServedCard {
  readonly atr = FAKE_ATR;
  powered = false;
  log: string[] = [];
  powerOn(): Uint8Array {
    this.powered = true;
    return this.atr;
  }
  powerOff(): void {
    this.powered = false;
  }
  transmit(apdu: Uint8Array): Uint8Array {
    const h = toHex(apdu);
    this.log.push(h);
    const ok = (d: Uint8Array) => concatBytes(d, fromHex("9000"));
    if (h === "00A404000E315041592E5359532E444446303100") return ok(PSE_FCI);
    if (h === "00A4040007A000000003101000") return ok(AID_FCI);
    if (h === "80A8000002830000") return ok(GPO_RESPONSE);
    if (h.startsWith("00B2010C") && apdu.length === 5) return ok(RECORD_1); // any Le, as cards do
    if (h.startsWith("80CA")) return ok(new Uint8Array(apdu.length > 5 ? apdu[4]! : 0).fill(0x11));
    if (h.startsWith("00840000") && apdu.length === 5) return ok(fromHex("0102030405060708"));
    return fromHex("6D00");
  }
}
