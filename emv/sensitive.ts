// Sensitive cardholder data handling: PAN masking (first 6, last 4, PCI DSS 3.4) and redaction of
// Track 2/Track 1 equivalents, PIN data and keys in every log, trace, report and error.

import { toHex } from "./bytes.js";
import { decodeTlvs, type Tlv, TlvError, walkTlvs } from "./tlv/ber.js";
import { tagInfo } from "./tlv/tags.js";

/** Whether sensitive values may be shown in clear. The default everywhere is masked. */
export interface Disclosure {
  /** Show PANs in clear (an explicit user option such as --unmask). */
  readonly unmaskPan: boolean;
  /**
   * Show the track data the card sent (56, 57, 9F1F, 9F20, 9F6B, and track shapes found by content) in clear too: the
   * exact bytes a replayable trace needs. Only with an explicit user option (--unmask); PIN data (99, VERIFY and PIN
   * change commands) and keys are never shown, whatever the disclosure.
   */
  readonly unmaskTrack?: boolean;
}

export const MASKED: Disclosure = Object.freeze({ unmaskPan: false });
/** What `--unmask` shows: everything the card sent, PIN data excepted. */
export const UNMASKED: Disclosure = Object.freeze({ unmaskPan: true, unmaskTrack: true });

/** PIN data tags, hidden whatever the disclosure: Transaction PIN Data (99). */
const PIN_TAGS: ReadonlySet<number> = new Set([0x99]);

/** Whether nothing but PIN data is hidden (PAN and track data both disclosed). */
const showsAll = (d: Disclosure): boolean => d.unmaskPan && d.unmaskTrack === true;

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
 * Tags hidden or masked unless everything is disclosed (`--unmask`): Track 2 equivalent (57), Track 1/2 data and
 * discretionary data (56, 9F1F, 9F20, 9F6B), transaction PIN data (99, hidden even then: PIN_TAGS).
 */
export const SECRET_TAGS: ReadonlySet<number> = new Set([0x57, 0x56, 0x9f1f, 0x9f20, 0x9f6b, 0x99]);

/**
 * Display form of a data object value for logs and traces: PAN masked (as digits), secret tags replaced
 * by a length placeholder, everything else as upper-case hex.
 */
export function displayValue(tag: number, value: Uint8Array, disclosure: Disclosure = MASKED): string {
  if (showsAll(disclosure)) return PIN_TAGS.has(tag) ? hidden(value) : toHex(value);
  if (PAN_TAGS.has(tag)) {
    const pan = toHex(value);
    return disclosure.unmaskPan ? pan : maskPan(pan);
  }
  if (SECRET_TAGS.has(tag)) {
    if (tag === 0x57 || tag === 0x9f6b) return maskTrack2(toHex(value), disclosure);
    return `<${value.length} bytes hidden>`;
  }
  // By content too: a bit flip in a tag (57 → 55, 5A → 5B) must not show the value it held in clear. A data object
  // the dictionary does not know, or of a length its tag does not allow (a template 70 flipped into 50), is searched
  // whole for PAN and track content.
  // Any other value is searched for a track 2 shape (a length byte flipped so that an AFL swallows the 57 after it).
  const shown = displaySensitiveContent(value, disclosure);
  if (shown !== undefined) return shown;
  const hex = toHex(value);
  return isUnexpected(tag, value.length) ? maskPanContentInHex(hex, disclosure) : maskTrackShapesInHex(hex, disclosure);
}

/**
 * A tag the dictionary does not know or knows from no EMV source (an ISO/IEC 7816 interindustry entry such as 53),
 * or a length outside what it allows for the tag (Book 3 Annex A).
 */
function isUnexpected(tag: number, length: number): boolean {
  const info = tagInfo(tag);
  if (!info || info.source.length === 0) return true;
  return (
    (info.lengthMin !== undefined && length < info.lengthMin) ||
    (info.lengthMax !== undefined && length > info.lengthMax)
  );
}

// ---------------------------------------------------------------------------------------------
// Masking by content (issue 13 defect 1): PANs and track data whatever tag (or no tag) they come under.

/** Luhn check digit valid (ISO/IEC 7812-1 Annex B), on a string of decimal digits. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A PAN is 13–19 digits with a valid Luhn check digit (ISO/IEC 7812-1; Book 3 Annex A: 5A is cn up to 19). */
const isPanDigits = (digits: string): boolean =>
  digits.length >= 13 && digits.length <= 19 && /^[0-9]+$/.test(digits) && isLuhnValid(digits);

/** Track 2 shape (Book 3 Annex A, 57): PAN, separator D (BCD) or = (ASCII), YYMM, service code, discretionary. */
const TRACK2_BCD = /^[0-9]{12,19}D[0-9]{7}[0-9]*F?$/;
/** Track 2 whose separator nibble was altered (a bit flip turns D into C or F): hidden all the same. */
const TRACK2_BCD_BROKEN = /^[0-9]{12,19}[A-F][0-9]{7}[0-9]*F?$/;
const TRACK2_ASCII = /^;?[0-9]{12,19}=[0-9]{7}/;
/** Track 1 shape (ISO/IEC 7813): format code B, PAN, ^. */
const TRACK1_ASCII = /^%?B[0-9]{12,19}\^/;

/**
 * What a value holds by its content alone: a PAN (BCD, F-padded, or ASCII digits, Luhn-valid) or track data
 * (track 2 in BCD or ASCII, track 1 in ASCII); undefined when neither.
 */
export function sensitiveContent(value: Uint8Array): "pan" | "track" | undefined {
  if (value.length < 7) return undefined;
  const hex = toHex(value);
  if (TRACK2_BCD.test(hex) || TRACK2_BCD_BROKEN.test(hex)) return "track";
  if (isPanDigits(hex.replace(/F+$/, ""))) return "pan";
  const ascii = asciiText(value);
  if (ascii === undefined) return undefined;
  if (TRACK2_ASCII.test(ascii) || TRACK1_ASCII.test(ascii)) return "track";
  return isPanDigits(ascii) ? "pan" : undefined;
}

function asciiText(value: Uint8Array): string | undefined {
  let out = "";
  for (const b of value) {
    if (b < 0x20 || b > 0x7e) return undefined;
    out += String.fromCharCode(b);
  }
  return out;
}

/** The display form of a value whose content is a PAN or track data (see sensitiveContent); undefined otherwise. */
export function displaySensitiveContent(value: Uint8Array, disclosure: Disclosure = MASKED): string | undefined {
  const kind = sensitiveContent(value);
  if (kind === undefined) return undefined;
  const hex = toHex(value);
  if (kind === "track") return TRACK2_BCD.test(hex) ? maskTrack2(hex, disclosure) : hidden(value);
  const bcd = hex.replace(/F+$/, "");
  const digits = isPanDigits(bcd) ? bcd : (asciiText(value) ?? "");
  return disclosure.unmaskPan ? digits : maskPan(digits);
}

const hidden = (value: Uint8Array) => `<${value.length} bytes hidden>`;

/**
 * Track 2 shape inside hex: a run of 12 or more digits (the PAN and whatever digits precede it), D, at least 4
 * digits (YYMM), then the rest of the digit run and F padding.
 */
const TRACK2_IN_HEX = /([0-9]{12,})D[0-9]{4}[0-9]*F*/g;
/** The same with the separator altered (D flipped to C or F): 12 or more digits, a letter, 7 or more digits. */
const TRACK2_BROKEN_IN_HEX = /([0-9]{12,})([A-F])[0-9]{7,}F*/g;
/** What follows a track 2 separator, whatever came before it (a PAN too damaged to be recognised): D, YYMM, service code. */
const TRACK2_TAIL_IN_HEX = /D[0-9]{7,}F*/g;
const DIGIT_RUN_IN_HEX = /[0-9]{13,}/g;

/**
 * Hex of bytes that are not (valid) BER-TLV with every PAN-like content masked: a track 2 shape (BCD or ASCII:
 * the ASCII '=' is 3D) keeps at most the PAN's first 6 and last 4 digits and hides the rest; a run of 13 or more
 * decimal digits holding a Luhn-valid PAN (in BCD, or in ASCII as 3x bytes) keeps its first 6 and last 4 digits.
 * The run is masked whole, so no PAN inside it shows more than its first 6 and last 4 digits.
 */
export function maskPanContentInHex(hex: string, disclosure: Disclosure = MASKED): string {
  if (showsAll(disclosure)) return hex.toUpperCase();
  const runs = maskTrackShapesInHex(hex, disclosure).replace(TRACK2_TAIL_IN_HEX, "D<hidden>");
  // Unmasked, a run of at most 19 digits may be shown (it is at most a PAN); a longer one holding a PAN may carry
  // track data after it (a separator flipped into a digit) and is masked all the same.
  return runs.replace(DIGIT_RUN_IN_HEX, (run) =>
    (!disclosure.unmaskPan || run.length > 19) && holdsPan(run) ? maskDigitRun(run, MASKED) : run,
  );
}

/**
 * Hex with every track 2 shape masked (12 or more digits, the separator D or a letter it was flipped into, YYMM and
 * more digits): the digits before as a PAN-holding run, everything after the separator hidden. The signal is strong
 * enough to look for inside any value, whatever its tag.
 */
export function maskTrackShapesInHex(hex: string, disclosure: Disclosure = MASKED): string {
  if (showsAll(disclosure)) return hex.toUpperCase();
  return hex
    .toUpperCase()
    .replace(TRACK2_IN_HEX, (_m, pan: string) => `${maskDigitRun(pan, disclosure)}D<hidden>`)
    .replace(TRACK2_BROKEN_IN_HEX, (_m, pan: string, sep: string) => `${maskDigitRun(pan, disclosure)}${sep}<hidden>`);
}

/**
 * A digit run holding a PAN as shown: its first 6 and last 4 digits (PCI DSS 3.4); a run longer than a PAN
 * (19 digits) keeps only its first 6, as what follows the PAN may be track data.
 */
function maskDigitRun(run: string, disclosure: Disclosure): string {
  if (disclosure.unmaskPan) return run;
  if (run.length > 19) return run.slice(0, 6) + "*".repeat(run.length - 6);
  return run.length >= 13 ? run.slice(0, 6) + "*".repeat(run.length - 10) + run.slice(-4) : "*".repeat(run.length);
}

/** Whether a run of decimal hex digits holds a Luhn-valid PAN: as BCD digits, or as ASCII digits (3x bytes). */
function holdsPan(run: string): boolean {
  if (hasPanWindow(run)) return true;
  // ASCII digits are whole bytes 30..39; the run may start on either nibble of a byte, so try both alignments.
  for (const start of [0, 1]) {
    let ascii = "";
    for (let i = start; i + 2 <= run.length; i += 2) {
      if (run[i] === "3") ascii += run[i + 1];
      else {
        if (hasPanWindow(ascii)) return true;
        ascii = "";
      }
    }
    if (hasPanWindow(ascii)) return true;
  }
  return false;
}

/**
 * Some 13–19 digit window of `digits` is a PAN: Luhn-valid and not starting with 0 (major industry identifier 0 is
 * not issued to cards, ISO/IEC 7812-1), so zero-filled data is not taken for one.
 */
function hasPanWindow(digits: string): boolean {
  for (let i = 0; i + 13 <= digits.length; i++) {
    if (digits[i] === "0") continue;
    for (let len = 13; len <= 19 && i + len <= digits.length; len++)
      if (isLuhnValid(digits.slice(i, i + len))) return true;
  }
  return false;
}

/** Track 2 equivalent data as hex digits 'PAN D YYMM SSS ...': PAN masked, everything after the separator hidden. */
export function maskTrack2(track2Hex: string, disclosure: Disclosure = MASKED): string {
  if (showsAll(disclosure)) return track2Hex.toUpperCase();
  const sep = track2Hex.toUpperCase().indexOf("D");
  const pan = sep < 0 ? "" : track2Hex.slice(0, sep);
  // Book 3 Annex A (57): the PAN is up to 19 digits before the separator. Anything else (a separator flipped into F,
  // so that the first D is the padding) is not shown at all: what stands before it may be the discretionary data.
  if (!/^[0-9]{1,19}$/.test(pan)) return `<${track2Hex.length / 2} bytes hidden>`;
  return `${disclosure.unmaskPan ? pan : maskPan(pan)}D<hidden>`;
}

/**
 * Mask every PAN-like digit run (13–19 digits) in free text, e.g. an error message or a hex dump
 * that might carry a PAN. Used as a last line of defence before text leaves the process.
 */
export function maskPansInText(text: string): string {
  // Every log line passes here: the regex (and a new string) only when the text has a run of 13 digits at all.
  let run = 0;
  let found = false;
  for (let i = 0; i < text.length && !found; i++) {
    const c = text.charCodeAt(i);
    run = c >= 48 && c <= 57 ? run + 1 : 0;
    found = run >= 13;
  }
  if (!found) return text;
  return text.replace(/(?<![0-9A-Fa-f])([0-9]{13,19})(?![0-9A-Fa-f])/g, (m) => maskPan(m));
}

/**
 * maskPansInText, and PAN or track content inside hex-looking words too (maskPanContentInHex): for text a user
 * typed and we echo, e.g. an unknown command that is a track 2 ("4761…D2512…").
 */
export function maskSensitiveText(text: string): string {
  return maskPansInText(text).replace(/[0-9A-Fa-f]{13,}/g, (word) => maskPanContentInHex(word));
}

/** Whether a data object is shown only in its masked display form (PAN, track data, PIN data). */
export function isSensitiveTag(tag: number): boolean {
  return PAN_TAGS.has(tag) || SECRET_TAGS.has(tag);
}

/** Leaves shown otherwise than as their hex: sensitive by tag, or by content (displayValue decides). */
function sensitiveLeaves(nodes: readonly Tlv[], disclosure: Disclosure): Tlv[] {
  const out: Tlv[] = [];
  walkTlvs(nodes, (n) => {
    if (n.children) return;
    const shown = showsAll(disclosure)
      ? PIN_TAGS.has(n.tag)
      : isSensitiveTag(n.tag) || displayValue(n.tag, n.value, disclosure) !== toHex(n.value);
    if (shown) out.push(n);
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
  const leaves = sensitiveLeaves(node.children, disclosure);
  if (leaves.length === 0) return toHex(node.value);
  return hexWithLeavesMasked(node.source, node.valueOffset, node.valueOffset + node.length, leaves, disclosure);
}

/**
 * Bytes that may be BER-TLV (a response, the authorisation data) as hex with every PAN, track and PIN data
 * object masked, by tag and by content. Data that is not TLV (a truncated record) is shown as hex with PAN-like
 * content masked (maskPanContentInHex), or hidden whole when `hideIfNotTlv`.
 */
export function displayTlvBytes(data: Uint8Array, disclosure: Disclosure = MASKED, hideIfNotTlv = false): string {
  let nodes: Tlv[];
  try {
    nodes = decodeTlvs(data);
  } catch (e) {
    if (!(e instanceof TlvError)) throw e;
    return hideIfNotTlv ? `<${data.length} bytes hidden>` : maskPanContentInHex(toHex(data), disclosure);
  }
  return hexWithLeavesMasked(data, 0, data.length, sensitiveLeaves(nodes, disclosure), disclosure);
}
