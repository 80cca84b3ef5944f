// One entry point that explains a data object's value in words, for `emvsim decode` and the kernel's report.
// Sensitive data objects (PAN, track data, PIN data) are never explained here: their display is kernel/sensitive.ts's.

import { type BitDef, describeBits, undefinedBits } from "../bits.js";
import { PAN_TAGS, SECRET_TAGS } from "../sensitive.js";
import { tagToHex } from "../tlv/ber.js";
import { DolError, parseDol } from "../tlv/dol.js";
import {
  decodeCompressedNumeric,
  decodeDate,
  decodeNumeric,
  decodeTime,
  FormatError,
  formatDate,
} from "../tlv/formats.js";
import { TAG } from "../tlv/tag-names.js";
import { tagInfo, tagName } from "../tlv/tags.js";
import { TSI_BITS, TVR_BITS } from "../tvr.js";
import { ADDITIONAL_TERMINAL_CAPABILITIES_BITS } from "./additional-terminal-capabilities.js";
import { describeAflEntry, parseAfl } from "./afl.js";
import { AIP_BITS } from "./aip.js";
import { AUC_BITS } from "./auc.js";
import { describeCid, parseCid } from "./cid.js";
import { CTQ_BITS } from "./ctq.js";
import { describeCvmList, parseCvmList } from "./cvm-list.js";
import { describeCvmResults, parseCvmResults } from "./cvm-results.js";
import { type FieldError, isFieldError } from "./field-error.js";
import { describeKernelIdentifier, parseKernelIdentifier } from "./kernel-identifier.js";
import { describeMastercardIad, MASTERCARD_CVNS, parseMastercardIad } from "./mastercard-iad.js";
import { decodeOutcomeParameterSet, describeOutcomeParameterSet } from "./outcome-parameter-set.js";
import { TERMINAL_CAPABILITIES_BITS } from "./terminal-capabilities.js";
import { describeTerminalType, parseTerminalType } from "./terminal-type.js";
import { TTQ_BITS } from "./ttq.js";
import { decodeUiRequest, describeUiRequest } from "./ui-request.js";
import { describeVisaIad, parseVisaIad } from "./visa-iad.js";

/** Bit fields by tag: name for messages, fixed length, bit definitions. */
const BIT_FIELDS: ReadonlyMap<number, { what: string; length: number; defs: readonly BitDef[] }> = new Map([
  [TAG.TERMINAL_VERIFICATION_RESULTS, { what: "TVR (95)", length: 5, defs: TVR_BITS }],
  [TAG.TRANSACTION_STATUS_INFORMATION, { what: "TSI (9B)", length: 2, defs: TSI_BITS }],
  [TAG.APPLICATION_INTERCHANGE_PROFILE, { what: "AIP (82)", length: 2, defs: AIP_BITS }],
  [TAG.APPLICATION_USAGE_CONTROL, { what: "AUC (9F07)", length: 2, defs: AUC_BITS }],
  [TAG.TERMINAL_CAPABILITIES, { what: "Terminal Capabilities (9F33)", length: 3, defs: TERMINAL_CAPABILITIES_BITS }],
  [
    TAG.ADDITIONAL_TERMINAL_CAPABILITIES,
    { what: "Additional Terminal Capabilities (9F40)", length: 5, defs: ADDITIONAL_TERMINAL_CAPABILITIES_BITS },
  ],
  [TAG.TERMINAL_TRANSACTION_QUALIFIERS, { what: "TTQ (9F66)", length: 4, defs: TTQ_BITS }],
  [TAG.CARD_TRANSACTION_QUALIFIERS, { what: "CTQ (9F6C)", length: 2, defs: CTQ_BITS }],
]);

/** Data Object Lists (Book 3 §5.4): PDOL, CDOL1, CDOL2, DDOL, TDOL, UDOL. */
const DOL_TAGS: ReadonlySet<number> = new Set([
  TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST,
  TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1,
  TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2,
  TAG.DYNAMIC_DATA_AUTHENTICATION_DATA_OBJECT_LIST,
  TAG.TRANSACTION_CERTIFICATE_DATA_OBJECT_LIST,
  TAG.CARD_AUTHENTICATION_RELATED_DATA,
]);
/** Dates n 6 YYMMDD (Book 3 Annex A). */
const DATE_TAGS: ReadonlySet<number> = new Set([
  TAG.APPLICATION_EXPIRATION_DATE,
  TAG.APPLICATION_EFFECTIVE_DATE,
  TAG.TRANSACTION_DATE,
]);
/** Amounts n 12 in minor units (the exponent 5F36 is not part of the value). */
const AMOUNT_TAGS: ReadonlySet<number> = new Set([TAG.AMOUNT_AUTHORISED_NUMERIC, TAG.AMOUNT_OTHER_NUMERIC]);

/** Set bits by name, plus set bits no definition names; "No bits set" when all are clear. */
export function describeBitField(defs: readonly BitDef[], value: Uint8Array): string[] {
  const lines = [...describeBits(defs, value), ...undefinedBits(defs, value).map((b) => `${b} (RFU)`)];
  return lines.length ? lines : ["No bits set"];
}

function orError<T>(parsed: T | FieldError, describe: (x: T) => string[]): string[] {
  return isFieldError(parsed) ? [`Invalid: ${parsed.error}`] : describe(parsed);
}

function describeIad(value: Uint8Array): string[] | undefined {
  const first = value[0];
  if (first === 0x06 || first === 0x07 || first === 0x1f) {
    const visa = parseVisaIad(value);
    if (!isFieldError(visa)) return describeVisaIad(visa);
  }
  if (value.length >= 10 && MASTERCARD_CVNS.has(value[1]!))
    return orError(parseMastercardIad(value), describeMastercardIad);
  return undefined;
}

function describeDol(value: Uint8Array): string[] {
  try {
    return parseDol(value).map((e) => `${tagToHex(e.tag)} ${tagName(e.tag) ?? "(unknown tag)"}, ${e.length} byte(s)`);
  } catch (e) {
    if (e instanceof DolError) return [`Invalid: ${e.message}`];
    throw e;
  }
}

function printable(value: Uint8Array): string | undefined {
  for (const c of value) if (c < 0x20 || c > 0x7e) return undefined;
  return `"${String.fromCharCode(...value)}"`;
}

function describeByFormat(tag: number, value: Uint8Array): string[] | undefined {
  const format = tagInfo(tag)?.format;
  if (format === "a" || format === "an" || format === "ans") {
    const text = printable(value);
    return text ? [text] : undefined;
  }
  // DF names (84) of directories are ASCII by convention, e.g. "1PAY.SYS.DDF01" (Book 1 §12.2.2).
  if (tag === TAG.DEDICATED_FILE_NAME) {
    const text = printable(value);
    return text ? [text] : undefined;
  }
  if (format === "n") return [decodeNumeric(value)];
  if (format === "cn") return [decodeCompressedNumeric(value)];
  return undefined;
}

/**
 * The value of `tag` in words (set bits, CVM rules, AFL entries, dates, amounts, DOL entries, text), or
 * undefined when there is nothing to add to the hex. A value that breaks its format gives one "Invalid: …" line.
 * Never explains PANs, track data or PIN data.
 */
export function describeField(tag: number, value: Uint8Array): string[] | undefined {
  if (PAN_TAGS.has(tag) || SECRET_TAGS.has(tag)) return undefined;
  const bits = BIT_FIELDS.get(tag);
  if (bits) {
    if (value.length !== bits.length) return [`Invalid: ${bits.what}: length ${value.length}, expected ${bits.length}`];
    return describeBitField(bits.defs, value);
  }
  try {
    switch (tag) {
      case 0x8e:
        return orError(parseCvmList(value), describeCvmList);
      case TAG.CVM_RESULTS:
        return orError(parseCvmResults(value), describeCvmResults);
      case TAG.CRYPTOGRAM_INFORMATION_DATA:
        return orError(parseCid(value), describeCid);
      case 0x94:
        return orError(parseAfl(value), (entries) => entries.map(describeAflEntry));
      case TAG.TERMINAL_TYPE:
        return orError(parseTerminalType(value), (t) => [describeTerminalType(t)]);
      case TAG.ISSUER_APPLICATION_DATA:
        return describeIad(value);
      case TAG.TRANSACTION_TIME:
        return [decodeTime(value)];
      case TAG.KERNEL_IDENTIFIER:
        return orError(parseKernelIdentifier(value), describeKernelIdentifier);
      case TAG.OUTCOME_PARAMETER_SET:
        return orError(decodeOutcomeParameterSet(value), describeOutcomeParameterSet);
      case TAG.USER_INTERFACE_REQUEST_DATA:
        return orError(decodeUiRequest(value), (r) => [describeUiRequest(r)]);
    }
    if (DOL_TAGS.has(tag)) return describeDol(value);
    if (DATE_TAGS.has(tag)) return [formatDate(decodeDate(value))];
    if (AMOUNT_TAGS.has(tag)) return [`${BigInt(decodeNumeric(value))} (minor units)`];
    return describeByFormat(tag, value);
  } catch (e) {
    if (e instanceof FormatError) return [`Invalid: ${e.message}`];
    throw e;
  }
}
