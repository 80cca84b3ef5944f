// Sensitive cardholder data handling: PAN masking (first 6, last 4, PCI DSS 3.4) and redaction of
// Track 2/Track 1 equivalents, PIN data and keys in every log, trace, report and error.

import { toHex } from "./bytes.js";
import { decodeTlvs, type Tlv, TlvError, walkTlvs } from "./tlv/ber.js";

/** Whether sensitive values may be shown in clear. The default everywhere is masked. */
export interface Disclosure {
  /** Show PANs in clear (an explicit user option such as --unmask). Track data, PIN blocks and keys stay hidden. */
  readonly unmaskPan: boolean;
}

export const MASKED: Disclosure = Object.freeze({ unmaskPan: false });

/** Mask a PAN given as digits: first 6 and last 4 kept, the rest replaced by '*'. Short PANs keep at most 4. */
export function maskPan(pan: string): string {
  const digits = pan.replace(/F+$/i, "");
  if (digits.length >= 13) return digits.slice(0, 6) + "*".repeat(digits.length - 10) + digits.slice(-4);
  if (digits.length > 4) return "*".repeat(digits.length - 4) + digits.slice(-4);
  return "*".repeat(digits.length);
}

/** Tags whose value is a PAN (shown masked unless disclosure allows). */
export const PAN_TAGS: ReadonlySet<number> = new Set([0x5a]);

/**
 * Tags that are never shown in clear: Track 2 equivalent (57), Track 1/2 data and discretionary data
 * (56, 9F1F, 9F20, 9F6B), transaction PIN data (99), enciphered PIN (DF... not EMV-defined, excluded here).
 */
export const SECRET_TAGS: ReadonlySet<number> = new Set([0x57, 0x56, 0x9f1f, 0x9f20, 0x9f6b, 0x99]);

/**
 * Display form of a data object value for logs and traces: PAN masked (as digits), secret tags replaced
 * by a length placeholder, everything else as upper-case hex.
 */
export function displayValue(tag: number, value: Uint8Array, disclosure: Disclosure = MASKED): string {
  if (PAN_TAGS.has(tag)) {
    const pan = toHex(value);
    return disclosure.unmaskPan ? pan : maskPan(pan);
  }
  if (SECRET_TAGS.has(tag)) {
    if (tag === 0x57 || tag === 0x9f6b) return maskTrack2(toHex(value), disclosure);
    return `<${value.length} bytes hidden>`;
  }
  return toHex(value);
}

/** Track 2 equivalent data as hex digits 'PAN D YYMM SSS ...': PAN masked, everything after the separator hidden. */
export function maskTrack2(track2Hex: string, disclosure: Disclosure = MASKED): string {
  const sep = track2Hex.toUpperCase().indexOf("D");
  if (sep < 0) return `<${track2Hex.length / 2} bytes hidden>`;
  const pan = track2Hex.slice(0, sep);
  return `${disclosure.unmaskPan ? pan : maskPan(pan)}D<hidden>`;
}

/**
 * Mask every PAN-like digit run (13–19 digits) in free text, e.g. an error message or a hex dump
 * that might carry a PAN. Used as a last line of defence before text leaves the process.
 */
export function maskPansInText(text: string): string {
  return text.replace(/(?<![0-9A-Fa-f])([0-9]{13,19})(?![0-9A-Fa-f])/g, (m) => maskPan(m));
}

/** Whether a data object is shown only in its masked display form (PAN, track data, PIN data). */
export function isSensitiveTag(tag: number): boolean {
  return PAN_TAGS.has(tag) || SECRET_TAGS.has(tag);
}

function sensitiveLeaves(nodes: readonly Tlv[]): Tlv[] {
  const out: Tlv[] = [];
  walkTlvs(nodes, (n) => {
    if (!n.children && isSensitiveTag(n.tag)) out.push(n);
  });
  return out;
}

/**
 * Hex of the bytes `source[start, end)` with the value of every sensitive leaf inside replaced by its
 * display form in brackets, e.g. `5A08[476173******0119]5F2403…`. Leaves must lie in that span.
 */
function hexWithLeavesMasked(
  source: Uint8Array,
  start: number,
  end: number,
  leaves: readonly Tlv[],
  disclosure: Disclosure,
): string {
  let out = "";
  let pos = start;
  for (const leaf of leaves) {
    out += toHex(source.subarray(pos, leaf.valueOffset));
    out += `[${displayValue(leaf.tag, leaf.value, disclosure)}]`;
    pos = leaf.valueOffset + leaf.length;
  }
  return out + toHex(source.subarray(pos, end));
}

/** A data object's value as shown: hex, or with the sensitive data objects inside (templates too) masked. */
export function displayTlvValue(node: Tlv, disclosure: Disclosure = MASKED): string {
  if (!node.children) return displayValue(node.tag, node.value, disclosure);
  const leaves = sensitiveLeaves(node.children);
  if (leaves.length === 0) return toHex(node.value);
  return hexWithLeavesMasked(node.source, node.valueOffset, node.valueOffset + node.length, leaves, disclosure);
}

/**
 * Bytes that may be BER-TLV (a response, the authorisation data) as hex with every PAN, track and PIN data
 * object masked. Data that is not TLV is shown as hex, except that it is hidden whole when `hideIfNotTlv`.
 */
export function displayTlvBytes(data: Uint8Array, disclosure: Disclosure = MASKED, hideIfNotTlv = false): string {
  let nodes: Tlv[];
  try {
    nodes = decodeTlvs(data);
  } catch (e) {
    if (!(e instanceof TlvError)) throw e;
    return hideIfNotTlv ? `<${data.length} bytes hidden>` : toHex(data);
  }
  return hexWithLeavesMasked(data, 0, data.length, sensitiveLeaves(nodes), disclosure);
}
