// A T=0 card's answers as a terminal sees them through a reader that passes T=0 procedure bytes up (ISO 7816-3 §10.3,
// ISO 7816-4 §5.1; EMV Book 1 §9.3.1 and Annex A): case 2 with a P3 other than the data length → '6C La'; case 4 →
// '61 La' then the data by GET RESPONSE (00 C0 00 00 La), a 62xx/63xx warning first and the data then with 9000. Used
// when the emulated card is served under T=0 (vpcd, serial); the in-process card answers at APDU level (T=1 style).

import { SW } from "./status.js";

/** Whether a served card uses T=0 procedure bytes: on by default for a T=0 card, off for T=1 and contactless. */
export interface T0ProcedureOptions {
  readonly enabled: boolean;
}

const GET_RESPONSE_INS = 0xc0;

/** The case of a short command APDU (ISO 7816-4 §5.1): 1 no data/no Le, 2 Le, 3 data, 4 data and Le. */
export function commandCase(apdu: Uint8Array): 1 | 2 | 3 | 4 | undefined {
  if (apdu.length < 4) return undefined;
  if (apdu.length === 4) return 1;
  if (apdu.length === 5) return 2;
  const lc = apdu[4]!;
  if (lc === 0) return undefined;
  if (apdu.length === 5 + lc) return 3;
  if (apdu.length === 6 + lc) return 4;
  return undefined;
}

const isWarning = (sw1: number) => sw1 === 0x62 || sw1 === 0x63;

/**
 * Wraps an APDU-level card (`inner`: response data ‖ SW1 SW2) with T=0 procedure-byte behaviour. The held response
 * of a case 4 command is dropped by any command but GET RESPONSE, as a card's would be.
 */
export class T0Procedure {
  private held: { data: Uint8Array; sw: Uint8Array } | undefined;

  constructor(private readonly inner: (apdu: Uint8Array) => Uint8Array) {}

  /** Forget a held response (power off, reset). */
  reset(): void {
    this.held = undefined;
  }

  transmit(apdu: Uint8Array): Uint8Array {
    if (apdu.length >= 5 && apdu[1] === GET_RESPONSE_INS && (apdu[0]! & 0xfc) === 0x00 && apdu.length === 5) {
      return this.getResponse(apdu[4]! === 0 ? 256 : apdu[4]!);
    }
    this.held = undefined;
    const kind = commandCase(apdu);
    const r = this.inner(apdu);
    if (r.length < 2 || kind === undefined) return r;
    const data = r.subarray(0, r.length - 2);
    const sw = r.subarray(r.length - 2);
    const sw1 = sw[0]!;
    if (data.length === 0) return r;
    if (kind === 3 || kind === 4) {
      // Case 4 (EMV Book 1 Annex A4/A7): the data waits for GET RESPONSE; a warning is sent first, alone.
      this.held = { data: Uint8Array.from(data), sw: isWarning(sw1) ? Uint8Array.of(0x90, 0x00) : Uint8Array.from(sw) };
      if (isWarning(sw1)) return Uint8Array.from(sw);
      return Uint8Array.of(0x61, data.length >= 256 ? 0x00 : data.length);
    }
    if (kind === 2) {
      // Case 2 (EMV Book 1 Annex A2/A3): P3 must be the exact length, else '6C La' and the terminal asks again.
      const le = apdu[4]! === 0 ? 256 : apdu[4]!;
      if (le !== data.length) return Uint8Array.of(0x6c, data.length >= 256 ? 0x00 : data.length);
    }
    return r;
  }

  private getResponse(le: number): Uint8Array {
    const held = this.held;
    if (!held) return Uint8Array.of(SW.CONDITIONS_NOT_SATISFIED >> 8, SW.CONDITIONS_NOT_SATISFIED & 0xff);
    // ISO 7816-4 §7.6.1: Le longer than what is left → '6C La'; shorter → that much and '61 xx' for the rest.
    if (le > held.data.length) return Uint8Array.of(0x6c, held.data.length >= 256 ? 0x00 : held.data.length);
    const part = held.data.subarray(0, le);
    const rest = held.data.subarray(le);
    if (rest.length === 0) {
      this.held = undefined;
      return Uint8Array.from([...part, ...held.sw]);
    }
    this.held = { data: Uint8Array.from(rest), sw: held.sw };
    return Uint8Array.from([...part, 0x61, rest.length >= 256 ? 0x00 : rest.length]);
  }
}
