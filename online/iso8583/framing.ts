// The TCP framing of this link: each ISO 8583 message preceded by its length as 2 bytes, big-endian
// (the common "2-byte binary length header"), at most 65535 bytes.

export const MAX_FRAME = 0xffff;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** Prefixes a message with its 2-byte length. */
export function frame(message: Uint8Array): Uint8Array {
  if (message.length > MAX_FRAME)
    throw new FrameError(`message of ${message.length} bytes exceeds the 2-byte length header`);
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

/** Accumulates stream bytes and yields whole messages; bounded so a peer cannot make it grow without limit. */
export class FrameReader {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Adds received bytes and returns every message now complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const out: Uint8Array[] = [];
    let pos = 0;
    while (joined.length - pos >= 2) {
      const len = ((joined[pos] as number) << 8) | (joined[pos + 1] as number);
      if (joined.length - pos - 2 < len) break;
      out.push(joined.slice(pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
    this.buffer = joined.slice(pos);
    return out;
  }

  /** Bytes received that do not yet make a whole message (a truncated message when the peer closes). */
  get pending(): number {
    return this.buffer.length;
  }
}
