// The PPSE directory (EMV Contactless Book B §3.3.2.2–4): SELECT 2PAY.SYS.DDF01 answers an FCI 6F with A5 → BF0C
// holding one Directory Entry 61 per application: 4F ADF Name, 50 label, 87 priority, 9F2A Kernel Identifier,
// 9F29 Extended Selection.

import { toHex } from "../../emv/bytes.js";
import { decodeTlv, findTlv, type Tlv, TlvError } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";

/** 2PAY.SYS.DDF01 in ASCII. */
export const PPSE_NAME = new TextEncoder().encode("2PAY.SYS.DDF01");

export interface DirectoryEntry {
  /** Position in the PPSE, 0 first. */
  readonly order: number;
  readonly adfName?: Uint8Array;
  readonly label?: string;
  readonly priority?: number;
  readonly kernelIdentifier?: Uint8Array;
  readonly extendedSelection?: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type PpseParse =
  | { readonly ok: true; readonly entries: readonly DirectoryEntry[] }
  | { readonly ok: false; readonly reason: string };

function text(v: Uint8Array): string {
  let s = "";
  for (const c of v) if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
  return s;
}

/** The directory entries of a PPSE FCI, in order; a response that is not an FCI is a reason, not a throw. */
export function parsePpse(fci: Uint8Array): PpseParse {
  let root: Tlv;
  try {
    root = decodeTlv(fci);
  } catch (e) {
    if (e instanceof TlvError) return { ok: false, reason: `PPSE FCI is not valid BER-TLV: ${e.message}` };
    throw e;
  }
  if (root.tag !== TAG.FILE_CONTROL_INFORMATION_TEMPLATE)
    return { ok: false, reason: `PPSE response template is ${root.tagHex}, not 6F` };
  const a5 = findTlv(root.children ?? [], TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE);
  const bf0c = findTlv(a5?.children ?? [], TAG.FILE_CONTROL_INFORMATION_ISSUER_DISCRETIONARY_DATA);
  const entries: DirectoryEntry[] = [];
  for (const node of bf0c?.children ?? []) {
    if (node.tag !== TAG.APPLICATION_TEMPLATE) continue;
    const kids = node.children ?? [];
    const get = (tag: number) => kids.find((k) => k.tag === tag && !k.children)?.value;
    const adfName = get(TAG.APPLICATION_DEDICATED_FILE_NAME);
    const label = get(TAG.APPLICATION_LABEL);
    const api = get(TAG.APPLICATION_PRIORITY_INDICATOR);
    const kernelIdentifier = get(TAG.KERNEL_IDENTIFIER);
    const extendedSelection = get(TAG.EXTENDED_SELECTION);
    // Assigned one by one (conditional spreads cost microseconds on every tap); the same keys in the same order.
    const entry: Mutable<DirectoryEntry> = { order: entries.length };
    if (adfName) entry.adfName = adfName;
    if (label) entry.label = text(label);
    if (api?.length === 1) entry.priority = api[0]!;
    if (kernelIdentifier) entry.kernelIdentifier = kernelIdentifier;
    if (extendedSelection) entry.extendedSelection = extendedSelection;
    entries.push(entry);
  }
  return { ok: true, entries };
}

export function describeEntry(e: DirectoryEntry): string {
  const parts = [e.adfName ? toHex(e.adfName) : "(no ADF Name)"];
  if (e.label) parts.push(`"${e.label}"`);
  if (e.priority !== undefined) parts.push(`priority ${e.priority & 0x0f}`);
  if (e.kernelIdentifier) parts.push(`kernel identifier ${toHex(e.kernelIdentifier)}`);
  if (e.extendedSelection) parts.push(`extended selection ${toHex(e.extendedSelection)}`);
  return parts.join(", ");
}
