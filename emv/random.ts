// Sources of the terminal's Unpredictable Number (9F37, Book 4 §6.5.6) and random transaction selection (Book 3
// §10.6.2): the system's CSPRNG, or a seeded SHA-256 counter stream for repeatable runs (`--seed`).

import { createHash, randomBytes } from "node:crypto";

export interface RandomSource {
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniformly random integer in [1, 99] for random transaction selection (Book 3 §10.6.2). */
  percent(): number;
}

/** Bytes from the operating system's CSPRNG. */
export function systemRandom(): RandomSource {
  return fromByteSource((n) => new Uint8Array(randomBytes(n)));
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
