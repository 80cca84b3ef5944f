// Kernel Identifier, tag 9F2A (EMV Contactless Book B §3.3.2.5 C and Table 3-6): which kernel a PPSE directory
// entry asks for. Byte 1 b8–b7 say the kind, b6–b1 the Short Kernel ID; domestic kinds carry more bytes.

import { bytesEqual, fromHex, toHex } from "../bytes.js";
import type { FieldError } from "./field-error.js";

export type KernelIdKind = "international" | "RFU" | "domestic (EMVCo format)" | "domestic (proprietary format)";

export interface KernelIdentifier {
  readonly kind: KernelIdKind;
  /** Byte 1 b6–b1. */
  readonly shortKernelId: number;
  /**
   * The Requested Kernel ID the entry resolves to (Book B §3.3.2.5 C): byte 1 for b8–b7 = 00/01; bytes 1–3 for 10/11
   * with a Short Kernel ID other than 0; the whole value for 10/11 with Short Kernel ID 0 (outside Book B's scope).
   */
  readonly requested: Uint8Array;
}

const KINDS: readonly KernelIdKind[] = [
  "international",
  "RFU",
  "domestic (EMVCo format)",
  "domestic (proprietary format)",
];

/** Kernels EMVCo names by Short Kernel ID (Book A §5.8; Books C-1 … C-8). */
export const KERNEL_NAMES: Readonly<Record<number, string>> = {
  1: "Kernel 1 (some JCB and Visa cards)",
  2: "Kernel 2 (Mastercard)",
  3: "Kernel 3 (Visa)",
  4: "Kernel 4 (American Express)",
  5: "Kernel 5 (JCB)",
  6: "Kernel 6 (Discover)",
  7: "Kernel 7 (UnionPay)",
  8: "Kernel 8 (EMVCo)",
};

/** Book B §3.3.2.5 C: a value shorter than 3 bytes with b8–b7 = 10/11 is not usable (the entry is skipped). */
export function parseKernelIdentifier(value: Uint8Array): KernelIdentifier | FieldError {
  const first = value[0];
  if (first === undefined) return { error: "Kernel Identifier (9F2A) is empty" };
  const kind = KINDS[first >> 6]!;
  const shortKernelId = first & 0x3f;
  if (first >> 6 < 2) return { kind, shortKernelId, requested: value.slice(0, 1) };
  if (value.length < 3)
    return {
      error: `Kernel Identifier (9F2A) ${toHex(value)}: a ${kind} kernel identifier needs at least 3 bytes, got ${value.length} (Book B §3.3.2.5 C)`,
    };
  return { kind, shortKernelId, requested: shortKernelId === 0 ? value.slice() : value.slice(0, 3) };
}

/** Book B Table 3-6: the Requested Kernel ID when a directory entry has no (or an empty) Kernel Identifier. */
export const DEFAULT_KERNEL_BY_RID: ReadonlyArray<readonly [Uint8Array, number]> = [
  [fromHex("A000000004"), 2],
  [fromHex("A000000003"), 3],
  [fromHex("A000000025"), 4],
  [fromHex("A000000065"), 5],
  [fromHex("A000000152"), 6],
  [fromHex("A000000333"), 7],
];

/** The default Requested Kernel ID for an AID by its RID; 0 (any kernel the combination names) for other RIDs. */
export function defaultKernelId(aid: Uint8Array): number {
  const rid = aid.subarray(0, 5);
  return DEFAULT_KERNEL_BY_RID.find(([r]) => bytesEqual(r, rid))?.[1] ?? 0;
}

export function describeKernelIdentifier(k: KernelIdentifier): string[] {
  const name = k.kind === "international" ? KERNEL_NAMES[k.shortKernelId] : undefined;
  return [
    `${k.kind} kernel, Short Kernel ID ${k.shortKernelId}${name ? ` — ${name}` : ""}`,
    `Requested Kernel ID ${toHex(k.requested)}`,
  ];
}
