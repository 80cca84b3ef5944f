// The card channel: the only way the kernel talks to a card (EMV Book 1 §9: the terminal transport layer
// carries C-APDUs to the card and R-APDUs back). Implemented by the emulator, PC/SC, serial, HID and replay.

/** Why a channel operation failed. Card behaviour (any status word) is never a TransportError. */
export type TransportErrorKind =
  | "timeout"
  | "card-removed"
  | "reader-gone"
  | "no-card"
  | "protocol"
  | "io"
  | "closed"
  | "unavailable";

/** A failure below the application layer: no response APDU could be obtained. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface CardChannel {
  /** Human-readable identity of the reader and card, e.g. "emulator:visa-cvn10-cda" or "pcsc:Virtual PCD 00 00". */
  readonly description: string;
  /** Answer to Reset of the card in the reader, when known. */
  readonly atr: Uint8Array | undefined;
  /**
   * Send one command APDU (ISO 7816-4 encoding) and return the full response APDU: data followed by SW1 SW2.
   * 61xx (GET RESPONSE) and 6Cxx (re-issue with Le) are resolved below this interface (Book 1 §9.3.1.3),
   * so the kernel sees the final response. Rejects only with TransportError.
   */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Cold or warm reset; resolves to the new ATR. */
  reset?(): Promise<Uint8Array>;
  /** Release the card and the reader. Idempotent. */
  close(): Promise<void>;
}
