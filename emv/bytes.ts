// Byte helpers shared by kernel, emulator, transport and CLI: hex at the edges, Uint8Array inside.

const HEX_DIGITS = "0123456789ABCDEF";
const HEX_TABLE: string[] = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!);

/** Error for malformed hex text given by a user, a profile or a configuration. */
export class HexError extends Error {
  override readonly name = "HexError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Upper-case hex of a byte array, no separators. */
export function toHex(bytes: Uint8Array, separator = ""): string {
  // Long values (keys, certificates, records): Node's native hex, upper-cased, instead of a string per byte.
  if (!separator && bytes.length > 16)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex").toUpperCase();
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && separator) out += separator;
    out += HEX_TABLE[bytes[i]!];
  }
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Parse hex text. Whitespace (spaces, tabs, newlines) and ':' separators are ignored.
 * Throws HexError naming the position of the first bad character or an odd digit count.
 */
export function fromHex(text: string, what = "hex"): Uint8Array {
  // Plain even-length hex (keys, derivation data): straight into the bytes.
  if (text.length % 2 === 0) {
    const out = new Uint8Array(text.length / 2);
    let i = 0;
    for (; i < out.length; i++) {
      const hi = nibble(text.charCodeAt(2 * i));
      const lo = nibble(text.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) break;
      out[i] = (hi << 4) | lo;
    }
    if (i === out.length) return out;
  }
  // Separators, or an error to report by position.
  const digits: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 58) continue;
    const v = nibble(c);
    if (v < 0) throw new HexError(`${what}: '${text[i]}' at position ${i} is not a hex digit`, i);
    digits.push(v);
  }
  if (digits.length % 2 !== 0) {
    throw new HexError(`${what}: odd number of hex digits (${digits.length})`, text.length);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (digits[2 * i]! << 4) | digits[2 * i + 1]!;
  return out;
}

/** True when text is non-empty, even-length hex without separators. */
export function isHex(text: string): boolean {
  return text.length % 2 === 0 && /^[0-9A-Fa-f]*$/.test(text);
}

/** Size of the shared slabs byte arrays are carved from (as Node's Buffer pool does, 8 KiB). */
const SLAB_BYTES = 8192;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

/** `length` zero bytes carved from the current slab (never reused), the next carving 8-aligned. */
function carve(length: number): Uint8Array {
  if (slabUsed + length > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, length);
  slabUsed += (length + 7) & ~7;
  return out;
}

/**
 * A zero-filled byte array of `length` bytes, carved (up to 2 KiB) from a shared 8 KiB slab, as Node pools small
 * Buffers: never reused, so zero-filled like a new array. Why (node 20, measured): a `new Uint8Array` above 64 bytes
 * gets a backing store of its own, allocated and tracked outside V8's heap (~0.6 µs against ~30 ns), and one of 64
 * bytes or less is moved out of the heap the first time its buffer is needed — a subarray taken (TLV views of a
 * response, the card's views of a command) or node:crypto reading it (hash and cipher inputs), ~0.65 µs; a slab view
 * needs neither. The array's `.buffer` is the slab: use it only with `byteOffset` and `length` (as `toHex` does). A
 * long-lived array keeps its slab alive.
 */
export function allocBytes(length: number): Uint8Array {
  return length > SLAB_BYTES / 4 ? new Uint8Array(length) : carve(length);
}

/** A copy of `bytes` (as `bytes.slice()`) from `allocBytes`. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = allocBytes(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Big-endian unsigned integer of up to 6 bytes. */
export function readUint(bytes: Uint8Array): number {
  if (bytes.length > 6) throw new RangeError(`readUint: ${bytes.length} bytes exceed 6`);
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/** One byte as two upper-case hex digits for messages, e.g. 0x9F → "9F". */
export function hexByte(value: number): string {
  return HEX_BYTE[value & 0xff]!;
}

/** A two-byte value (a status word) as four upper-case hex digits, e.g. 0x6A82 → "6A82". */
export function hexWord(value: number): string {
  return HEX_BYTE[(value >> 8) & 0xff]! + HEX_BYTE[value & 0xff]!;
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, "0"),
);

/** Big-endian unsigned integer into exactly `length` bytes. */
export function writeUint(value: number, length: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`writeUint: ${value} is not a non-negative integer`);
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  if (v !== 0) throw new RangeError(`writeUint: ${value} does not fit in ${length} bytes`);
  return out;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError(`xorBytes: lengths ${a.length} and ${b.length} differ`);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
