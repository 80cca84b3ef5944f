// The transaction's data store (EMV Book 3 §5.4, §10): data objects by source, looked up in a fixed order
// when a DOL is built or a step needs a value. Values are kept as given; formats are applied by the DOL builder.

import { tagToHex } from "../../emv/tlv/ber.js";
import type { DataLookup } from "../../emv/tlv/dol.js";

/** Where a data object came from. Lookup order is the order of this list. */
export const DATA_SOURCES = ["transaction", "terminal", "card", "issuer"] as const;
export type DataSource = (typeof DATA_SOURCES)[number];

export class TransactionData implements DataLookup {
  private readonly transaction = new Map<number, Uint8Array>();
  private readonly terminal = new Map<number, Uint8Array>();
  private readonly card = new Map<number, Uint8Array>();
  private readonly issuer = new Map<number, Uint8Array>();
  /** Values computed on demand (TVR, TSI, CVM results), consulted before the stored layers. */
  private readonly computed = new Map<number, () => Uint8Array>();

  /** One source's layer: a switch rather than a property looked up by the source's name (every set and from). */
  private layer(source: DataSource): Map<number, Uint8Array> {
    switch (source) {
      case "transaction":
        return this.transaction;
      case "terminal":
        return this.terminal;
      case "card":
        return this.card;
      case "issuer":
        return this.issuer;
    }
  }

  set(source: DataSource, tag: number, value: Uint8Array): void {
    this.layer(source).set(tag, value);
  }

  /** Register a value that is computed when read, e.g. the current TVR for tag 95. */
  compute(tag: number, provider: () => Uint8Array): void {
    this.computed.set(tag, provider);
  }

  delete(source: DataSource, tag: number): void {
    this.layer(source).delete(tag);
  }

  get(tag: number): Uint8Array | undefined {
    const provider = this.computed.get(tag);
    if (provider) return provider();
    // Lookup order: DATA_SOURCES.
    return this.transaction.get(tag) ?? this.terminal.get(tag) ?? this.card.get(tag) ?? this.issuer.get(tag);
  }

  /** The value from one source only. */
  from(source: DataSource, tag: number): Uint8Array | undefined {
    return this.layer(source).get(tag);
  }

  has(tag: number): boolean {
    return this.get(tag) !== undefined;
  }

  /** Tags held by one source, in insertion order. */
  tags(source: DataSource): number[] {
    return [...this.layer(source).keys()];
  }

  /** A value that must be present; the error names the tag. */
  require(tag: number, what: string): Uint8Array {
    const v = this.get(tag);
    if (v === undefined) throw new Error(`${what} (tag ${tagToHex(tag)}) is missing`);
    return v;
  }
}
