// Processing restrictions (EMV Book 3 §10.4): application version, Application Usage Control against the
// transaction and the terminal, and the application effective and expiration dates. Only TVR byte 2 changes.

import { isBitSet, type RegisterBit } from "../../emv/bits.js";
import { bytesEqual, toHex } from "../../emv/bytes.js";
import { AUC } from "../../emv/fields/auc.js";
import { daysInMonth, expandYear } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TVR } from "../../emv/tvr.js";
import { CONTINUE, type StepResult, type TransactionContext } from "./context.js";
import {
  additionalTerminalCapabilities,
  numericValue,
  terminalApplicationVersion,
  terminalCountryCode,
  terminalType,
  transactionDate,
  transactionTypeCode,
} from "./terminal-values.js";

const STEP = "processing-restrictions";

export interface RestrictionInputs {
  /** Application Version Number (ICC, 9F08) and (terminal, 9F09). */
  readonly cardVersion?: Uint8Array;
  readonly terminalVersion?: Uint8Array;
  /** Application Usage Control (9F07). */
  readonly auc?: Uint8Array;
  /** Issuer Country Code (5F28) and Terminal Country Code (9F1A), numeric. */
  readonly issuerCountry?: number;
  readonly terminalCountry: number;
  /** Terminal Type (9F35) digits, e.g. "22". */
  readonly terminalType: string;
  /** Additional Terminal Capabilities (9F40). */
  readonly additionalCapabilities: Uint8Array;
  /** Transaction Type (9C). */
  readonly transactionType: number;
  /** Transaction Date (9A), Application Effective Date (5F25), Application Expiration Date (5F24): YYMMDD digits. */
  readonly transactionDate: string;
  readonly effectiveDate?: string;
  readonly expirationDate?: string;
}

export interface RestrictionFinding {
  readonly bit: RegisterBit<"TVR">;
  readonly reason: string;
}

/** A YYMMDD date (digits) as a comparable number YYYYMMDD, or undefined when it is not a calendar date (Book 3 Annex A). */
export function dateValue(yymmdd: string): number | undefined {
  // Read digit by digit (three dates on every transaction), not through hex bytes and a decoded string.
  if (yymmdd.length !== 6) return undefined;
  const d: number[] = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 6; i++) {
    const digit = yymmdd.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    d[i] = digit;
  }
  const year = expandYear(d[0]! * 10 + d[1]!);
  const month = d[2]! * 10 + d[3]!;
  const day = d[4]! * 10 + d[5]!;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return year * 10000 + month * 100 + day;
}

/** An ATM: terminal type 14, 15 or 16 with cash in Additional Terminal Capabilities byte 1 b8 (Book 4 Annex A1). */
export function isAtm(terminalTypeDigits: string, additionalCapabilities: Uint8Array): boolean {
  return ["14", "15", "16"].includes(terminalTypeDigits) && ((additionalCapabilities[0] ?? 0) & 0x80) !== 0;
}

/** Transaction types as Book 3 §10.4.2 distinguishes them (9C: 01 cash, 09 purchase with cashback, 00 goods/services). */
const CASH_TYPES = new Set([0x01, 0x17]);
const CASHBACK_TYPE = 0x09;
const PURCHASE_TYPES = new Set([0x00, 0x09]);

/** The pure core of Book 3 §10.4: which TVR byte 2 bits the inputs set, each with its reason. */
export function processingRestrictionsCheck(inputs: RestrictionInputs): RestrictionFinding[] {
  const findings: RestrictionFinding[] = [];
  // Book 3 §10.4.1: versions differ → "ICC and terminal have different application versions"; absent 9F08 → compatible.
  if (inputs.cardVersion && inputs.terminalVersion && !bytesEqual(inputs.cardVersion, inputs.terminalVersion)) {
    findings.push({
      bit: TVR.DIFFERENT_APPLICATION_VERSIONS,
      reason: `application version ${toHex(inputs.cardVersion)} (9F08) differs from the terminal's ${toHex(inputs.terminalVersion)} (9F09)`,
    });
  }
  // Book 3 §10.4.2: Application Usage Control, when present.
  const auc = inputs.auc;
  if (auc) {
    const notAllowed = (why: string) => findings.push({ bit: TVR.SERVICE_NOT_ALLOWED, reason: why });
    const atm = isAtm(inputs.terminalType, inputs.additionalCapabilities);
    // Book 3 §10.4.2: at an ATM "Valid at ATMs" must be on; elsewhere "Valid at terminals other than ATMs".
    if (atm && !isBitSet(auc, AUC.ATMS)) notAllowed("AUC: not valid at ATMs");
    if (!atm && !isBitSet(auc, AUC.NON_ATM_TERMINALS)) notAllowed("AUC: not valid at terminals other than ATMs");
    // Book 3 §10.4.2: the transaction-type checks need the Issuer Country Code.
    if (inputs.issuerCountry !== undefined) {
      const domestic = inputs.issuerCountry === inputs.terminalCountry;
      const scope = domestic ? "domestic" : "international";
      const type = inputs.transactionType;
      // Book 3 §10.4.2: cash transaction → valid for domestic/international cash.
      if (CASH_TYPES.has(type) && !isBitSet(auc, domestic ? AUC.DOMESTIC_CASH : AUC.INTERNATIONAL_CASH)) {
        notAllowed(`AUC: not valid for ${scope} cash transactions`);
      }
      // Book 3 §10.4.2: purchase of goods or services → valid for domestic/international goods or services.
      if (PURCHASE_TYPES.has(type)) {
        const goods = domestic ? AUC.DOMESTIC_GOODS : AUC.INTERNATIONAL_GOODS;
        const services = domestic ? AUC.DOMESTIC_SERVICES : AUC.INTERNATIONAL_SERVICES;
        if (!isBitSet(auc, goods) && !isBitSet(auc, services)) {
          notAllowed(`AUC: not valid for ${scope} goods or services`);
        }
      }
      // Book 3 §10.4.2: cashback amount → domestic/international cashback allowed.
      if (type === CASHBACK_TYPE && !isBitSet(auc, domestic ? AUC.DOMESTIC_CASHBACK : AUC.INTERNATIONAL_CASHBACK)) {
        notAllowed(`AUC: ${scope} cashback not allowed`);
      }
    }
  }
  const today = dateValue(inputs.transactionDate);
  // Book 3 §10.4.3: Application Effective Date after the transaction date → "Application not yet effective".
  if (inputs.effectiveDate !== undefined) {
    const effective = dateValue(inputs.effectiveDate);
    if (effective === undefined || today === undefined || today < effective) {
      findings.push({
        bit: TVR.APPLICATION_NOT_YET_EFFECTIVE,
        reason:
          effective === undefined
            ? `application effective date (5F25) ${inputs.effectiveDate} is not a valid date`
            : `application effective date (5F25) ${inputs.effectiveDate} is after the transaction date ${inputs.transactionDate}`,
      });
    }
  }
  // Book 3 §10.4.3: Application Expiration Date before the transaction date → "Expired application".
  if (inputs.expirationDate !== undefined) {
    const expiry = dateValue(inputs.expirationDate);
    if (expiry === undefined || today === undefined || today > expiry) {
      findings.push({
        bit: TVR.EXPIRED_APPLICATION,
        reason:
          expiry === undefined
            ? `application expiration date (5F24) ${inputs.expirationDate} is not a valid date`
            : `application expired on ${inputs.expirationDate} (5F24), transaction date ${inputs.transactionDate}`,
      });
    }
  }
  return findings;
}

/** Book 3 §10.4: Processing Restrictions. Sets TVR byte 2 bits; never terminates the transaction. */
export async function processingRestrictions(ctx: TransactionContext): Promise<StepResult> {
  const card = (tag: number) => ctx.data.from("card", tag);
  const issuerCountry = card(TAG.ISSUER_COUNTRY_CODE);
  const effective = card(TAG.APPLICATION_EFFECTIVE_DATE);
  const expiry = card(TAG.APPLICATION_EXPIRATION_DATE);
  // Absent data objects are undefined properties (the check treats them as absent): one object shape, no spreads.
  const inputs: RestrictionInputs = {
    cardVersion: card(TAG.APPLICATION_VERSION_NUMBER_ICC),
    terminalVersion: terminalApplicationVersion(ctx),
    auc: card(TAG.APPLICATION_USAGE_CONTROL),
    issuerCountry: issuerCountry ? numericValue(issuerCountry) : undefined,
    terminalCountry: terminalCountryCode(ctx),
    terminalType: terminalType(ctx),
    additionalCapabilities: additionalTerminalCapabilities(ctx),
    transactionType: transactionTypeCode(ctx),
    transactionDate: transactionDate(ctx),
    effectiveDate: effective ? toHex(effective) : undefined,
    expirationDate: expiry ? toHex(expiry) : undefined,
  };
  const findings = processingRestrictionsCheck(inputs);
  for (const f of findings) {
    ctx.tvr.set(f.bit);
    ctx.log(STEP, `${f.bit.name}: ${f.reason}`);
  }
  if (findings.length === 0)
    ctx.log(STEP, "no restrictions: versions compatible, service allowed, application in date");
  return CONTINUE;
}
