// The Torn Transaction Log (EMV Contactless Book C-2 §3.x "Torn Transaction Recovery", Annex A DF811C/DF811D/FF8101):
// when the card does not answer GENERATE AC and gave a DRDOL, the kernel keeps what it sent, asks for the card again,
// and at the next tap of the same card (PAN and PAN Sequence Number) sends RECOVER AC with the DRDOL data. Records
// leave the log when recovered, when a new record displaces the oldest (the log is full), or when older than the
// maximum lifetime. The log lives in the terminal across taps; the clock is injectable.

import { bytesEqual } from "../../emv/bytes.js";
import { encodeTlvs, type TlvInput } from "../../emv/tlv/ber.js";

export interface TornRecord {
  /** Application PAN (5A) and PAN Sequence Number (5F34, absent: none). */
  readonly pan: Uint8Array;
  readonly panSequenceNumber?: Uint8Array;
  /** When the card tore, ms since the epoch (the log's clock). */
  readonly createdAt: number;
  /** DRDOL Related Data (DF8113): what RECOVER AC sends. */
  readonly drdolData: Uint8Array;
  /** PDOL and CDOL1 Related Data (DF8111, DF8107): the CDA transaction data hash of the recovered answer covers them. */
  readonly pdolData: Uint8Array;
  readonly cdol1Data: Uint8Array;
  /** Reference Control Parameter (DF8114): the GENERATE AC P1 sent. */
  readonly referenceControl: number;
  /** The transaction's data objects as sent (amounts, UN, TVR, CVM Results, date …), restored when recovered. */
  readonly data: readonly (readonly [number, Uint8Array])[];
}

/** A record as the Torn Record data object (FF8101) carries it in the Discretionary Data (Book C-2 Annex A). */
export function encodeTornRecord(r: TornRecord): Uint8Array {
  const nodes: TlvInput[] = r.data.map(([tag, value]) => ({ tag, value }));
  return encodeTlvs(nodes);
}

export interface TornLogLimits {
  /** DF811D. */
  readonly maxRecords: number;
  /** DF811C, seconds. */
  readonly maxLifetimeSeconds: number;
}

export class TornTransactionLog {
  private records: TornRecord[] = [];

  get size(): number {
    return this.records.length;
  }

  all(): readonly TornRecord[] {
    return [...this.records];
  }

  /** The record of this card, if any (Book C-2: matched on PAN and PAN Sequence Number). */
  find(pan: Uint8Array, panSequenceNumber: Uint8Array | undefined): TornRecord | undefined {
    return this.records.find(
      (r) =>
        bytesEqual(r.pan, pan) &&
        (r.panSequenceNumber === undefined
          ? panSequenceNumber === undefined
          : panSequenceNumber !== undefined && bytesEqual(r.panSequenceNumber, panSequenceNumber)),
    );
  }

  remove(record: TornRecord): void {
    this.records = this.records.filter((r) => r !== record);
  }

  /** Add a record; when the log is full the oldest is displaced and returned (it goes to the Discretionary Data). */
  add(record: TornRecord, limits: TornLogLimits): TornRecord | undefined {
    if (limits.maxRecords <= 0) return undefined;
    let displaced: TornRecord | undefined;
    if (this.records.length >= limits.maxRecords) {
      const oldest = this.records.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
      this.remove(oldest);
      displaced = oldest;
    }
    this.records.push(record);
    return displaced;
  }

  /** Remove and return the records older than the maximum lifetime at `now` (ms). */
  expire(now: number, limits: TornLogLimits): TornRecord[] {
    const limit = limits.maxLifetimeSeconds * 1000;
    const old = this.records.filter((r) => now - r.createdAt > limit);
    for (const r of old) this.remove(r);
    return old;
  }
}
