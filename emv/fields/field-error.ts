// Decoding problems as values: a decoder returns its structure or a FieldError naming the field and the fault.

export interface FieldError {
  /** One line naming the data object, the position and the problem, e.g. "AFL (94): entry 2 has SFI 0". */
  readonly error: string;
}

export function isFieldError(x: unknown): x is FieldError {
  return typeof x === "object" && x !== null && "error" in x && typeof (x as FieldError).error === "string";
}

/** `what`: length N is not EXPECTED — for fixed-length bit fields. */
export function checkLength(what: string, value: Uint8Array, expected: number): FieldError | undefined {
  return value.length === expected ? undefined : { error: `${what}: length ${value.length}, expected ${expected}` };
}
