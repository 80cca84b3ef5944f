// Byte-level mutations shared by the parser targets and the mutated-session runner.

import type { Rng } from "./rng.js";

/** Bytes that make parsers take their edge paths: padding, length forms, constructed tags, SW1 values. */
const INTERESTING = [
  0x00, 0xff, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x1f, 0x20, 0x3f, 0x5f, 0x9f, 0xbf, 0xdf, 0x61, 0x6c, 0x90,
];

export type ByteMutation = "bit-flip" | "truncate" | "extend" | "insert" | "delete" | "interesting" | "duplicate";
export const BYTE_MUTATIONS: readonly ByteMutation[] = [
  "bit-flip",
  "truncate",
  "extend",
  "insert",
  "delete",
  "interesting",
  "duplicate",
];

/** One mutation of `input` (a new array; the input is untouched). */
export function mutateBytes(input: Uint8Array, rng: Rng, kind: ByteMutation = rng.pick(BYTE_MUTATIONS)): Uint8Array {
  const n = input.length;
  switch (kind) {
    case "bit-flip": {
      const out = input.slice();
      if (n === 0) return Uint8Array.of(1 << rng.int(8));
      for (let i = 1 + rng.int(3); i > 0; i--) out[rng.int(n)]! ^= 1 << rng.int(8);
      return out;
    }
    case "truncate":
      return input.slice(0, rng.int(n));
    case "extend": {
      const extra = rng.bytes(1 + rng.int(8));
      const out = new Uint8Array(n + extra.length);
      out.set(input);
      out.set(extra, n);
      return out;
    }
    case "insert": {
      const at = rng.int(n + 1);
      const extra = rng.chance(0.5) ? Uint8Array.of(rng.pick(INTERESTING)) : rng.bytes(1 + rng.int(4));
      const out = new Uint8Array(n + extra.length);
      out.set(input.subarray(0, at));
      out.set(extra, at);
      out.set(input.subarray(at), at + extra.length);
      return out;
    }
    case "delete": {
      if (n === 0) return input.slice();
      const at = rng.int(n);
      const len = 1 + rng.int(Math.min(4, n - at));
      const out = new Uint8Array(n - len);
      out.set(input.subarray(0, at));
      out.set(input.subarray(at + len), at);
      return out;
    }
    case "interesting": {
      const out = input.slice();
      if (n === 0) return Uint8Array.of(rng.pick(INTERESTING));
      out[rng.int(n)] = rng.pick(INTERESTING);
      return out;
    }
    case "duplicate": {
      if (n === 0) return input.slice();
      const from = rng.int(n);
      const len = 1 + rng.int(Math.min(16, n - from));
      const at = rng.int(n + 1);
      const piece = input.slice(from, from + len);
      const out = new Uint8Array(n + len);
      out.set(input.subarray(0, at));
      out.set(piece, at);
      out.set(input.subarray(at), at + len);
      return out;
    }
  }
}

/** An input for a target: a seed mutated 1–4 times (most of the time), or random bytes. */
export function nextInput(seeds: readonly Uint8Array[], rng: Rng, maxRandom = 64): Uint8Array {
  if (seeds.length === 0 || rng.chance(0.15)) return rng.bytes(rng.int(maxRandom + 1));
  let x = rng.pick(seeds);
  if (rng.chance(0.05)) return x.slice();
  for (let i = 1 + rng.int(4); i > 0; i--) x = mutateBytes(x, rng);
  return x;
}
