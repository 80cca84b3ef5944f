// emvsim framed APDU protocol (documented in devices/README.md): how a microcontroller reader, a HID reader or
// the emulator's serial server carries power control and APDUs over a byte stream, with resynchronisation
// after garbage and a CRC on every frame.
//   A5 | TYPE | SEQ | LEN (2, big-endian) | PAYLOAD (LEN) | CRC-16/CCITT-FALSE over TYPE..PAYLOAD (2, big-endian)

import { concatBytes } from "../emv/bytes.js";

export const FRAME_SOF = 0xa5;
/** Largest payload: an extended R-APDU (65536 data + SW) would not fit; 4096 covers every EMV exchange. */
export const FRAME_MAX_PAYLOAD = 4096;

export const FrameType = {
  POWER_ON: 0x01,
  POWER_OFF: 0x02,
  APDU: 0x03,
  GET_ATR: 0x04,
  PING: 0x05,
  /** Responses carry the request type with bit 8 set. */
  RESPONSE: 0x80,
  ERROR: 0x7f,
} as const;

/** ERROR frame codes (first payload byte; the rest is a UTF-8 message). */
export const FrameError = {
  NO_CARD: 0x01,
  CARD_MUTE: 0x02,
  BAD_FRAME: 0x03,
  UNKNOWN_TYPE: 0x04,
  TOO_LONG: 0x05,
} as const;

export interface Frame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

/** CRC-16/CCITT-FALSE: polynomial 1021, initial FFFF, no reflection, no final XOR (check "123456789" = 29B1). */
export function crc16Ccitt(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeFrame(f: Frame): Uint8Array {
  if (f.payload.length > FRAME_MAX_PAYLOAD)
    throw new RangeError(`frame payload of ${f.payload.length} bytes exceeds ${FRAME_MAX_PAYLOAD}`);
  const body = concatBytes(
    Uint8Array.of(f.type & 0xff, f.seq & 0xff, f.payload.length >> 8, f.payload.length & 0xff),
    f.payload,
  );
  const crc = crc16Ccitt(body);
  return concatBytes(Uint8Array.of(FRAME_SOF), body, Uint8Array.of(crc >> 8, crc & 0xff));
}

/**
 * Streaming decoder: push bytes as they arrive, get whole frames. Bytes before a start byte, and frames whose
 * CRC or length is wrong, are skipped (counted in `discarded`), and decoding resumes at the next start byte.
 */
export class FrameDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  discarded = 0;

  push(bytes: Uint8Array): Frame[] {
    this.buf = this.buf.length ? concatBytes(this.buf, bytes) : bytes.slice();
    const out: Frame[] = [];
    let pos = 0;
    for (;;) {
      while (pos < this.buf.length && this.buf[pos] !== FRAME_SOF) {
        pos++;
        this.discarded++;
      }
      if (this.buf.length - pos < 5) break;
      const len = (this.buf[pos + 3]! << 8) | this.buf[pos + 4]!;
      if (len > FRAME_MAX_PAYLOAD) {
        pos++;
        this.discarded++;
        continue;
      }
      const total = 1 + 4 + len + 2;
      if (this.buf.length - pos < total) break;
      const body = this.buf.subarray(pos + 1, pos + 5 + len);
      const crc = (this.buf[pos + 5 + len]! << 8) | this.buf[pos + 6 + len]!;
      if (crc16Ccitt(body) !== crc) {
        pos++;
        this.discarded++;
        continue;
      }
      out.push({ type: body[0]!, seq: body[1]!, payload: body.slice(4) });
      pos += total;
    }
    this.buf = this.buf.slice(pos);
    return out;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }
}

export function errorFrame(seq: number, code: number, message: string): Frame {
  return { type: FrameType.ERROR, seq, payload: concatBytes(Uint8Array.of(code), new TextEncoder().encode(message)) };
}

/** Card side of the framed protocol: answer one request frame (emulator serial server, HID device firmware). */
export function answerFrame(
  card: { atr: Uint8Array; powerOn(): Uint8Array; powerOff(): void; transmit(apdu: Uint8Array): Uint8Array },
  f: Frame,
): Frame {
  const reply = (payload: Uint8Array): Frame => ({ type: f.type | FrameType.RESPONSE, seq: f.seq, payload });
  switch (f.type) {
    case FrameType.POWER_ON:
      return reply(card.powerOn());
    case FrameType.POWER_OFF:
      card.powerOff();
      return reply(new Uint8Array(0));
    case FrameType.GET_ATR:
      return reply(card.atr);
    case FrameType.PING:
      return reply(f.payload);
    case FrameType.APDU:
      if (f.payload.length < 4) return errorFrame(f.seq, FrameError.BAD_FRAME, `APDU of ${f.payload.length} bytes`);
      return reply(card.transmit(f.payload));
    default:
      return errorFrame(f.seq, FrameError.UNKNOWN_TYPE, `unknown frame type ${f.type}`);
  }
}
