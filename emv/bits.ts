// Named bit fields: every EMV bit (TVR, TSI, AIP, AUC, 9F33 …) is addressed as byte/bit as the books number
// them — byte 1 is the leftmost, bit 8 the most significant — never as a magic mask.

/**
 * One named bit: byte 1..n (left to right), bit 8..1 (b8 = 0x80). `R` names the register it belongs to ("TVR",
 * "TSI", ...), so that a register only takes its own bits: `newTvr().set(TSI.ODA_PERFORMED)` does not compile.
 */
export interface BitDef<R extends string = string> {
  readonly byte: number;
  readonly bit: number;
  readonly name: string;
  readonly register?: R;
}

export function bitMask(def: BitDef): number {
  return 1 << (def.bit - 1);
}

export function isBitSet(bytes: Uint8Array, def: BitDef): boolean {
  const b = bytes[def.byte - 1];
  return b !== undefined && (b & bitMask(def)) !== 0;
}

/** Names of the defined bits that are set in `bytes`, in byte/bit order. */
export function describeBits(defs: readonly BitDef[], bytes: Uint8Array): string[] {
  return defs.filter((d) => isBitSet(bytes, d)).map((d) => d.name);
}

/** Set bits in `bytes` that no definition names (RFU or unknown). Each as "byte N bit M". */
export function undefinedBits(defs: readonly BitDef[], bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 8; bit >= 1; bit--) {
      if (bytes[i]! & (1 << (bit - 1)) && !defs.some((d) => d.byte === i + 1 && d.bit === bit)) {
        out.push(`byte ${i + 1} bit ${bit}`);
      }
    }
  }
  return out;
}

/** A bit that names its register: the only kind a typed BitRegister takes. */
export type RegisterBit<R extends string> = BitDef<R> & { readonly register: R };

/** A mutable register of named bits, such as the TVR (5 bytes) or the TSI (2 bytes), typed by its bits' register. */
export class BitRegister<R extends string = string> {
  private readonly data: Uint8Array;

  constructor(
    length: number,
    readonly defs: readonly BitDef<R>[],
    initial?: Uint8Array,
  ) {
    this.data = new Uint8Array(length);
    if (initial) this.data.set(initial.subarray(0, length));
  }

  set(def: RegisterBit<R>): void {
    this.data[def.byte - 1]! |= bitMask(def);
  }

  clear(def: RegisterBit<R>): void {
    this.data[def.byte - 1]! &= ~bitMask(def);
  }

  isSet(def: RegisterBit<R>): boolean {
    return isBitSet(this.data, def);
  }

  /** A copy of the register's bytes. */
  get bytes(): Uint8Array {
    return this.data.slice();
  }

  /** The set bits' names. */
  describe(): string[] {
    return describeBits(this.defs, this.data);
  }
}
