// A property suite of the certification catalog: a rule of the books checked by fast-check on random inputs
// against an independent model. Suites run under vitest (npm test) and under `emvsim certify`, so their checks are
// plain assertions (node:assert), not a test framework's.

import { deepStrictEqual, ok } from "node:assert/strict";
import type { Family } from "../catalog/types.js";

export interface PropertySuite {
  /** Our own id, e.g. PROP-TAA-1. */
  readonly id: string;
  /** The catalog family of the step it is about. */
  readonly family: Family;
  readonly title: string;
  /** Book and section. */
  readonly ref: string;
  /** Throws (an AssertionError with fast-check's counterexample) when the property fails. */
  run(numRuns?: number): Promise<void>;
}

/** `actual` equals `expected` (deep, strict), naming what was checked. */
export function same<T>(actual: T, expected: T, what: string): void {
  deepStrictEqual(actual, expected, what);
}

/** A condition that must hold, naming it. */
export function holds(condition: boolean, what: string): void {
  ok(condition, what);
}

/** |a − b| < 10^-digits / 2, like a "close to" of a test framework. */
export function close(actual: number, expected: number, digits: number, what: string): void {
  ok(Math.abs(actual - expected) < 10 ** -digits / 2, `${what}: ${actual} is not close to ${expected}`);
}
