// Terminal configuration as the kernel uses it (EMV Book 4 §6, Annex A; Book 3 §10). Values that go into DOLs
// are kept as the bytes the books define (hex in JSON); limits as integers in the minor unit of the currency.

import type { CaPublicKey } from "../../emv/crypto/capk.js";

export interface AidConfig {
  /** Terminal AID (9F06), 5–16 bytes. */
  readonly aid: Uint8Array;
  /** Application Selection Indicator: partial AID match allowed (Book 1 §12.3.1). */
  readonly partialSelection: boolean;
  /** Terminal application version number (9F09), 2 bytes. */
  readonly applicationVersion: Uint8Array;
  /** Terminal Action Codes (Book 3 §10.7), 5 bytes each. */
  readonly tacDenial: Uint8Array;
  readonly tacOnline: Uint8Array;
  readonly tacDefault: Uint8Array;
  /** Terminal floor limit (9F1B) in minor units. */
  readonly floorLimit: number;
  /** Random transaction selection (Book 3 §10.6.2): threshold in minor units, target and maximum target percentages. */
  readonly randomSelection: {
    readonly threshold: number;
    readonly targetPercent: number;
    readonly maxTargetPercent: number;
  };
  /** Default DDOL and TDOL (Book 3 §10.3, §5.4). */
  readonly defaultDdol: Uint8Array;
  readonly defaultTdol: Uint8Array;
  /** Human label for reports. */
  readonly label?: string;
}

/** A CA public key the terminal holds (Book 2 §5.1); see kernel/crypto/capk.ts. */
export type CaKeyConfig = CaPublicKey;

export interface RevocationEntry {
  readonly rid: Uint8Array;
  readonly index: number;
  /** Issuer certificate serial number, 3 bytes. */
  readonly serialNumber: Uint8Array;
}

export interface ExceptionFileEntry {
  /** PAN digits. */
  readonly pan: string;
  /** PAN sequence number; undefined matches any. */
  readonly panSequenceNumber?: number;
}

/** One entry of the terminal's transaction log, for the split-sales floor-limit check (Book 3 §10.6.1). */
export interface TransactionLogEntry {
  /** PAN digits (F padding allowed). */
  readonly pan: string;
  readonly panSequenceNumber?: number;
  /** Amount, Authorised in minor units of the terminal currency. */
  readonly amount: number;
  /** YYMMDD. */
  readonly date?: string;
}

export interface TerminalConfig {
  readonly id: string;
  readonly description: string;
  /** Terminal type (9F35), Book 4 Annex A1. */
  readonly terminalType: number;
  /** Terminal capabilities (9F33), 3 bytes, Book 4 Annex A2. */
  readonly capabilities: Uint8Array;
  /** Additional terminal capabilities (9F40), 5 bytes, Book 4 Annex A3. */
  readonly additionalCapabilities: Uint8Array;
  /** Terminal country code (9F1A), numeric ISO 3166. */
  readonly countryCode: number;
  /** Transaction currency code (5F2A) and exponent (5F36). */
  readonly currencyCode: number;
  readonly currencyExponent: number;
  /** Other terminal data objects given to DOLs as they are (9F1C terminal id, 9F16 merchant id, 9F15 MCC, 9F4E …). */
  readonly terminalData: ReadonlyMap<number, Uint8Array>;
  readonly aids: readonly AidConfig[];
  readonly caKeys: readonly CaKeyConfig[];
  readonly revocationList: readonly RevocationEntry[];
  readonly exceptionFile: readonly ExceptionFileEntry[];
  /** The terminal can go online (terminal type online-capable and a host is configured). */
  readonly onlineCapable: boolean;
  readonly pinPadPresent: boolean;
  /** PIN pad's TDES key for online PIN blocks (format 0, TDES-ECB); absent: the block goes unenciphered. */
  readonly pinEncryptionKey?: Uint8Array;
  /** Whether the terminal supports PIN bypass (Book 3 §10.5.1). */
  readonly pinBypass: boolean;
  /** Which TVR bit meanings to report. */
  readonly specVersion: "4.3" | "4.4";
  /** Velocity/transaction log for split-sales floor-limit checks (Book 3 §10.6.1). */
  readonly transactionLogEnabled: boolean;
  /** The transaction log itself, oldest first (used when transactionLogEnabled). */
  readonly transactionLog?: readonly TransactionLogEntry[];
  /** Languages the terminal can display (ISO 639-1), its default first (Book 4 §11.1); absent: ["en"]. */
  readonly languages?: readonly string[];
  /** Whether the cardholder may choose an application and confirm one (Book 1 §12.4); absent: true. */
  readonly cardholderSelection?: boolean;
}
