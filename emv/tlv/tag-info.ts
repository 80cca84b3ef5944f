// What the tag dictionary records about one data object (EMV Book 3 §4.3 formats, Annex A columns).

/** Data element formats (Book 3 §4.3): alphabetic, alphanumeric, alphanumeric special, binary, compressed numeric, numeric, variable. */
export type TagFormat = "a" | "an" | "ans" | "b" | "cn" | "n" | "var";

/** Who provides the data object (Book 3 Annex A "Source"). */
export type TagSource = "ICC" | "terminal" | "issuer";

export interface TagInfo {
  /** Dictionary key: the tag in hex, or `tag@template` for a context-specific duplicate (e.g. `82@A1`). */
  readonly key: string;
  readonly tag: number;
  readonly name: string;
  /** Format class; undefined when no public source gives one (treated as binary by DOL processing). */
  readonly format?: TagFormat;
  /** Format as written in the source, e.g. "n 6 YYMMDD", "cn <= 19". */
  readonly formatText?: string;
  readonly source: readonly TagSource[];
  /** Allowed value length in bytes, when the source states a number or range. */
  readonly lengthMin?: number;
  readonly lengthMax?: number;
  /** Length as written in the source, e.g. "var.", "NI", "10-252". */
  readonly lengthText?: string;
  /** Templates the data object may appear in (Annex A "Template"). */
  readonly template: readonly number[];
  /** Constructed data object (b6 of the first tag byte). */
  readonly constructed: boolean;
  /** Biometric data object (EMV 4.4 biometric templates A1, BF4C, BF4D, BF4E). */
  readonly biometric?: boolean;
  /** For a `tag@template` entry: the templates in which this meaning applies instead of the plain one. */
  readonly context?: readonly number[];
}
