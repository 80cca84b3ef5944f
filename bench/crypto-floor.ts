// The crypto floor of a transaction, recorded rather than modelled: while one transaction runs (untimed), every
// node:crypto operation it performs — RSA public and private operations, cipher and decipher objects with their
// updates, hashes — is recorded with its arguments and with the side that performed it (terminal, card, host); the
// floor is then the time of replaying exactly those calls with node:crypto, side by side with the timed transactions.
// Bench only: the recording wraps node:crypto's exports (module.syncBuiltinESMExports) and restores them.

import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { performance } from "node:perf_hooks";
import { median } from "./harness.js";

export type CryptoSide = "terminal" | "card" | "host";
export type CryptoKind = "RSA public" | "RSA private" | "cipher" | "decipher" | "hash";

interface RecordedOp {
  readonly side: CryptoSide;
  readonly kind: CryptoKind;
  /** The same node:crypto call again with the same arguments; returns a byte of the result. */
  readonly replay: () => number;
}

export interface CryptoRecording {
  /** Side the next operations are attributed to (the bench's card and host wrappers switch it). */
  side: CryptoSide;
  readonly ops: readonly RecordedOp[];
  /** Restore node:crypto. */
  stop(): void;
}

/** Arguments kept for the replay: byte arrays copied (a caller may reuse its buffer), the rest as given. */
const keep = (args: readonly unknown[]): unknown[] =>
  args.map((a) => (a instanceof Uint8Array ? Uint8Array.from(a) : a));

type Method = (...args: unknown[]) => unknown;
type Factory = (...args: unknown[]) => Record<string, Method>;

/** Start recording. Only one recording at a time; call stop() before timing anything. */
export function recordCrypto(): CryptoRecording {
  const target = crypto as unknown as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  const ops: RecordedOp[] = [];
  const recording: CryptoRecording = {
    side: "terminal",
    ops,
    stop() {
      for (const [name, fn] of originals) target[name] = fn;
      syncBuiltinESMExports();
    },
  };
  const oneShot = (name: string, kind: CryptoKind) => {
    const original = target[name] as (...args: unknown[]) => Uint8Array;
    originals.set(name, original);
    target[name] = (...args: unknown[]) => {
      const kept = keep(args);
      ops.push({ side: recording.side, kind, replay: () => original(...kept)[0] ?? 0 });
      return original(...args);
    };
  };
  // An object-returning factory: the replay builds a new object with the same arguments and makes the same calls.
  const withObject = (name: string, kind: CryptoKind, methods: readonly string[]) => {
    const original = target[name] as Factory;
    originals.set(name, original);
    target[name] = (...args: unknown[]) => {
      const made = original(...args);
      const calls: [string, unknown[]][] = [];
      const kept = keep(args);
      ops.push({
        side: recording.side,
        kind,
        replay: () => {
          const o = original(...kept);
          let r: unknown;
          for (const [m, a] of calls) r = o[m]!.apply(o, a);
          return r instanceof Uint8Array ? (r[0] ?? 0) : 0;
        },
      });
      for (const m of methods) {
        const fn = made[m];
        if (typeof fn !== "function") continue;
        made[m] = (...a: unknown[]) => {
          calls.push([m, keep(a)]);
          return fn.apply(made, a);
        };
      }
      return made;
    };
  };
  oneShot("publicEncrypt", "RSA public");
  oneShot("privateDecrypt", "RSA private");
  withObject("createCipheriv", "cipher", ["update", "final", "setAutoPadding"]);
  withObject("createDecipheriv", "decipher", ["update", "final", "setAutoPadding"]);
  withObject("createHash", "hash", ["update", "digest"]);
  syncBuiltinESMExports();
  return recording;
}

/** How many operations of each kind a side performed, e.g. "2 RSA public, 4 cipher, 6 hash". */
export function describeOps(ops: readonly RecordedOp[], side: CryptoSide): string {
  const counts = new Map<CryptoKind, number>();
  for (const op of ops) if (op.side === side) counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "none";
}

/** A sink for replay results so that the engine cannot drop the replayed work. */
export let floorSink = 0;

/**
 * Median milliseconds of replaying one side's operations (all of them, in order), over `runs` runs after
 * `warmUp` runs.
 */
export function replayFloor(ops: readonly RecordedOp[], side: CryptoSide, runs: number, warmUp: number): number {
  const mine = ops.filter((o) => o.side === side);
  const once = () => {
    let x = 0;
    for (const op of mine) x ^= op.replay();
    return x;
  };
  for (let i = 0; i < warmUp; i++) floorSink ^= once();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    floorSink ^= once();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}
