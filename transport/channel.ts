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

/**
 * Bound on one exchange when the reader has none of its own to offer: above the longest wait of any reader kind
 * (one APDU through pcscd's socket, 60 s), so that it only ever ends a channel that would never answer.
 */
export const EXCHANGE_BOUND_MS = 65_000;

/**
 * The channel with every wait bounded: a transmit or reset that does not settle within `timeoutMs` rejects with a
 * TransportError "timeout" (a card that never answers ends the transaction, it does not hang it), and a close that
 * does not settle is abandoned after the same time. An answer that comes after the bound is dropped.
 */
export function boundedChannel(inner: CardChannel, timeoutMs = EXCHANGE_BOUND_MS): CardChannel {
  // One watchdog timer for the channel instead of a timer per exchange (a tap makes several exchanges in well under
  // a millisecond): it holds the process only while an operation is pending (unref'd when idle) and, when it fires,
  // rejects the operations past their deadline and re-arms itself for the earliest one left.
  interface Pending {
    readonly deadline: number;
    readonly fail: () => void;
  }
  const pending = new Set<Pending>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const op of pending) {
      if (op.deadline <= now) {
        pending.delete(op);
        op.fail();
      } else next = Math.min(next, op.deadline);
    }
    if (pending.size > 0) timer = setTimeout(check, Math.max(1, next - now));
  };
  const bound = <T>(what: string, p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const op: Pending = {
        deadline: performance.now() + timeoutMs,
        fail: () => reject(new TransportError("timeout", `${inner.description}: no ${what} within ${timeoutMs} ms`)),
      };
      pending.add(op);
      if (!timer) timer = setTimeout(check, timeoutMs);
      else if (pending.size === 1) timer.ref();
      const settle = () => {
        // An answer after the bound is dropped (the operation was rejected and removed).
        if (!pending.delete(op)) return false;
        if (pending.size === 0) timer?.unref();
        return true;
      };
      p.then(
        (v) => {
          if (settle()) resolve(v);
        },
        (e: unknown) => {
          if (settle()) reject(e);
        },
      );
    });
  const reset = inner.reset?.bind(inner);
  return {
    get description() {
      return inner.description;
    },
    get atr() {
      return inner.atr;
    },
    transmit: (command) => bound("response", inner.transmit(command)),
    ...(reset ? { reset: () => bound("answer to reset", reset()) } : {}),
    close: () => bound("close", inner.close()).catch(() => {}),
  };
}
