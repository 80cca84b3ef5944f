// The pcsc-lite client/server message protocol (pcscd's UNIX socket, protocol 4.4 and 4.5: pcsc-lite 1.8.24
// through 2.x): an 8-byte header {size, command} then a fixed C struct, all little-endian uint32 on the
// platforms pcsc-lite runs on. Layouts checked byte for byte against libpcsclite 1.9.9 (strace of SCardConnect,
// SCardTransmit, SCardGetStatusChange) and pcsc-lite's winscard_msg.h / eventhandler.h.

/** Message commands (winscard_msg.h, enum pcsc_msg_commands). */
export const PcscdCommand = {
  ESTABLISH_CONTEXT: 0x01,
  RELEASE_CONTEXT: 0x02,
  CONNECT: 0x04,
  RECONNECT: 0x05,
  DISCONNECT: 0x06,
  TRANSMIT: 0x09,
  VERSION: 0x11,
  GET_READERS_STATE: 0x12,
} as const;

/** Protocol versions whose layouts for the commands above are the ones in this file (4.5 only adds a command). */
export const SUPPORTED_PROTOCOLS: ReadonlyArray<readonly [number, number]> = [
  [4, 4],
  [4, 5],
];

export const SCARD_SCOPE_SYSTEM = 2;
export const SCARD_SHARE_SHARED = 2;
export const SCARD_PROTOCOL_T0 = 1;
export const SCARD_PROTOCOL_T1 = 2;
export const SCARD_LEAVE_CARD = 0;
export const SCARD_RESET_CARD = 1;
export const SCARD_UNPOWER_CARD = 2;
export const SCARD_S_SUCCESS = 0;
export const SCARD_E_SERVICE_STOPPED = 0x8010001e;

/** sizeof(SCARD_IO_REQUEST) on LP64 (two unsigned longs); pcscd passes it through unchanged. */
const IO_REQUEST_LENGTH = 16;
/** MAX_READERNAME, MAX_ATR_SIZE, PCSCLITE_MAX_READERS_CONTEXTS (pcsclite.h). */
export const MAX_READERNAME = 128;
export const MAX_ATR_SIZE = 33;
export const MAX_READERS = 16;
/** MAX_BUFFER_SIZE_EXTENDED: the largest command or response pcscd accepts. */
export const MAX_BUFFER_SIZE_EXTENDED = 4 + 3 + (1 << 16) + 3 + 2;

/** Reader state bits in pcscd's reader list (pcsclite.h: SCARD_ABSENT, SCARD_PRESENT, …). */
export const ReaderStateBits = {
  UNKNOWN: 0x01,
  ABSENT: 0x02,
  PRESENT: 0x04,
  SWALLOWED: 0x08,
  POWERED: 0x10,
  NEGOTIABLE: 0x20,
  SPECIFIC: 0x40,
} as const;

/** Response body sizes (the structs in winscard_msg.h). */
export const ResponseSize = {
  version: 12,
  establish: 12,
  release: 8,
  connect: 4 + MAX_READERNAME + 5 * 4,
  disconnect: 12,
  reconnect: 24,
  transmit: 32,
  /** READER_STATE (eventhandler.h): name[128], eventCounter, readerState, readerSharing, cardAtr[33] + 3 pad, cardAtrLength, cardProtocol. */
  readerState: 184,
} as const;
export const READERS_STATE_SIZE = MAX_READERS * ResponseSize.readerState;

/** A complete request: header followed by its struct (and, for TRANSMIT, the command APDU). */
function message(command: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(command, 4);
  body.copy(out, 8);
  return out;
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt32LE(v >>> 0, 4 * i);
  return b;
}

export function encodeVersion(major: number, minor: number): Buffer {
  return message(PcscdCommand.VERSION, words(major, minor, 0));
}

export function encodeEstablish(scope = SCARD_SCOPE_SYSTEM): Buffer {
  return message(PcscdCommand.ESTABLISH_CONTEXT, words(scope, 0, 0));
}

export function encodeRelease(context: number): Buffer {
  return message(PcscdCommand.RELEASE_CONTEXT, words(context, 0));
}

/** The reader name travels NUL-terminated in a 128-byte field: longer names cannot be addressed. */
export function encodeConnect(context: number, reader: string, shareMode: number, protocols: number): Buffer {
  const name = Buffer.from(reader, "utf8");
  if (name.length >= MAX_READERNAME)
    throw new RangeError(`reader name is ${name.length} bytes; pcscd allows at most ${MAX_READERNAME - 1}`);
  const body = Buffer.alloc(ResponseSize.connect);
  body.writeUInt32LE(context >>> 0, 0);
  name.copy(body, 4);
  body.writeUInt32LE(shareMode, 4 + MAX_READERNAME);
  body.writeUInt32LE(protocols, 8 + MAX_READERNAME);
  return message(PcscdCommand.CONNECT, body);
}

export function encodeDisconnect(card: number, disposition: number): Buffer {
  return message(PcscdCommand.DISCONNECT, words(card, disposition, 0));
}

/** SCardReconnect, e.g. a warm reset: SCARD_RESET_CARD. The reply's active protocol is at offset 16. */
export function encodeReconnect(card: number, shareMode: number, protocols: number, initialization: number): Buffer {
  return message(PcscdCommand.RECONNECT, words(card, shareMode, protocols, initialization, 0, 0));
}

/** Header, transmit struct and the command APDU in one buffer (pcscd reads exact sizes from the stream). */
export function encodeTransmit(card: number, protocol: number, command: Uint8Array, receiveMax: number): Buffer {
  if (command.length > MAX_BUFFER_SIZE_EXTENDED)
    throw new RangeError(`command is ${command.length} bytes; pcscd accepts at most ${MAX_BUFFER_SIZE_EXTENDED}`);
  const out = Buffer.allocUnsafe(8 + ResponseSize.transmit + command.length);
  out.writeUInt32LE(ResponseSize.transmit, 0);
  out.writeUInt32LE(PcscdCommand.TRANSMIT, 4);
  out.writeUInt32LE(card >>> 0, 8);
  out.writeUInt32LE(protocol, 12);
  out.writeUInt32LE(IO_REQUEST_LENGTH, 16);
  out.writeUInt32LE(command.length, 20);
  out.writeUInt32LE(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, 24);
  out.writeUInt32LE(IO_REQUEST_LENGTH, 28);
  out.writeUInt32LE(receiveMax, 32);
  out.writeUInt32LE(0, 36);
  out.set(command, 40);
  return out;
}

/** GET_READERS_STATE carries no struct: the answer is the whole reader table. */
export function encodeGetReadersState(): Buffer {
  return message(PcscdCommand.GET_READERS_STATE, Buffer.alloc(0));
}

export interface VersionReply {
  major: number;
  minor: number;
  rv: number;
}
export function decodeVersion(b: Buffer): VersionReply {
  return { major: b.readInt32LE(0), minor: b.readInt32LE(4), rv: b.readUInt32LE(8) };
}

export function decodeEstablish(b: Buffer): { context: number; rv: number } {
  return { context: b.readUInt32LE(4), rv: b.readUInt32LE(8) };
}

export function decodeConnect(b: Buffer): { card: number; protocol: number; rv: number } {
  const at = 4 + MAX_READERNAME + 8;
  return { card: b.readUInt32LE(at), protocol: b.readUInt32LE(at + 4), rv: b.readUInt32LE(at + 8) };
}

/** rv of a DISCONNECT (last word) or RELEASE_CONTEXT (second word) reply. */
export function decodeRv(b: Buffer): number {
  return b.readUInt32LE(b.length - 4);
}

/** The transmit reply struct; when rv is 0, `length` response bytes follow on the stream. */
export function decodeTransmit(b: Buffer): { length: number; rv: number } {
  return { length: b.readUInt32LE(24), rv: b.readUInt32LE(28) };
}

export interface PcscdReaderState {
  name: string;
  eventCounter: number;
  /** ReaderStateBits. */
  state: number;
  /** Number of handles sharing the card, -1 when held exclusively. */
  sharing: number;
  /** Empty when no card (or a mute one) is in the reader. */
  atr: Uint8Array;
  protocol: number;
}

/** The reader table: only used slots (non-empty name), in pcscd's order. */
export function decodeReadersState(b: Buffer): PcscdReaderState[] {
  const out: PcscdReaderState[] = [];
  for (let off = 0; off + ResponseSize.readerState <= b.length; off += ResponseSize.readerState) {
    if (b[off] === 0) continue;
    const nul = b.indexOf(0, off);
    const nameEnd = nul >= 0 && nul < off + MAX_READERNAME ? nul : off + MAX_READERNAME;
    const atrLength = Math.min(b.readUInt32LE(off + 176), MAX_ATR_SIZE);
    out.push({
      name: b.toString("utf8", off, nameEnd),
      eventCounter: b.readUInt32LE(off + 128),
      state: b.readUInt32LE(off + 132),
      sharing: b.readInt32LE(off + 136),
      atr: new Uint8Array(b.subarray(off + 140, off + 140 + atrLength)),
      protocol: b.readUInt32LE(off + 180),
    });
  }
  return out;
}

/** The server side of the reader table (for tests and fake daemons): the inverse of decodeReadersState. */
export function encodeReadersState(readers: readonly PcscdReaderState[]): Buffer {
  if (readers.length > MAX_READERS) throw new RangeError(`pcscd holds at most ${MAX_READERS} readers`);
  const b = Buffer.alloc(READERS_STATE_SIZE);
  for (const [i, r] of readers.entries()) {
    const off = i * ResponseSize.readerState;
    const name = Buffer.from(r.name, "utf8");
    if (name.length >= MAX_READERNAME || name.length === 0) throw new RangeError(`bad reader name '${r.name}'`);
    if (r.atr.length > MAX_ATR_SIZE) throw new RangeError(`ATR of ${r.atr.length} bytes`);
    name.copy(b, off);
    b.writeUInt32LE(r.eventCounter >>> 0, off + 128);
    b.writeUInt32LE(r.state >>> 0, off + 132);
    b.writeInt32LE(r.sharing, off + 136);
    b.set(r.atr, off + 140);
    b.writeUInt32LE(r.atr.length, off + 176);
    b.writeUInt32LE(r.protocol >>> 0, off + 180);
  }
  return b;
}
