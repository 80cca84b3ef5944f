// Sources of the terminal's Unpredictable Number (9F37, Book 4 §6.5.6) and random transaction selection (Book 3
// §10.6.2): the system's CSPRNG, or a seeded SHA-256 counter stream for repeatable runs (`--seed`).

import { createHash, randomFillSync } from "node:crypto";
import { copyBytes } from "./bytes.js";

export interface RandomSource {
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniformly random integer in [1, 99] for random transaction selection (Book 3 §10.6.2). */
  percent(): number;
}

const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

/**
 * `n` bytes from the operating system's CSPRNG, drawn from a pool refilled 4 KiB at a time (a call to the CSPRNG
 * costs microseconds whatever its size; a tap asks for a few bytes several times). Each byte is handed out once.
 */
export function systemRandomBytes(n: number): Uint8Array {
  if (n > POOL_SIZE) return randomFillSync(new Uint8Array(n));
  if (poolOffset + n > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  // A copy from the byte slab (emv/bytes allocBytes): the Unpredictable Number is hashed, so its buffer is needed.
  const out = copyBytes(pool.subarray(poolOffset, poolOffset + n));
  poolOffset += n;
  return out;
}

/** Bytes from the operating system's CSPRNG. */
export function systemRandom(): RandomSource {
  return fromByteSource(systemRandomBytes);
}

/**
 * A repeatable stream: block i = SHA-256(label ‖ 0x00 ‖ seed ‖ i as 4 bytes), concatenated. Different labels give
 * independent streams from one seed (e.g. the terminal's and the emulated card's).
 */
export function seededBytes(seed: string, label = "terminal"): (n: number) => Uint8Array {
  let counter = 0;
  let buffer = new Uint8Array(0);
  return (n) => {
    while (buffer.length < n) {
      const block = createHash("sha256")
        .update(label)
        .update(Uint8Array.of(0))
        .update(seed)
        .update(Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff))
        .digest();
      counter++;
      const next = new Uint8Array(buffer.length + block.length);
      next.set(buffer);
      next.set(block, buffer.length);
      buffer = next;
    }
    const out = buffer.slice(0, n);
    buffer = buffer.slice(n);
    return out;
  };
}

export function seededRandom(seed: string, label = "terminal"): RandomSource {
  return fromByteSource(seededBytes(seed, label));
}

/** percent(): uniform in [1, 99] by rejection sampling on single bytes (0..197 → 2 values each). */
function fromByteSource(bytes: (n: number) => Uint8Array): RandomSource {
  return {
    bytes,
    percent() {
      for (;;) {
        const b = bytes(1)[0]!;
        if (b < 198) return (b % 99) + 1;
      }
    },
  };
}
