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

// One watchdog timer for every bounded channel instead of a timer per exchange (a tap makes several exchanges in well
// under a millisecond): it holds the process only while an operation is pending (unref'd when idle), holds no
// channel once its operations have settled, and when it fires rejects the operations past their deadline and
// re-arms itself for the earliest one left. The pending operations are a doubly linked list through the operations
// themselves (added and removed in constant time without hashing: two of each per exchange).
let pendingHead: BoundedOperation | undefined;
let pendingCount = 0;
let watchdog: ReturnType<typeof setTimeout> | undefined;
let watchdogDue = Number.POSITIVE_INFINITY;

function armWatchdog(due: number, now: number): void {
  if (watchdog) clearTimeout(watchdog);
  watchdogDue = due;
  watchdog = setTimeout(checkDeadlines, Math.max(1, due - now));
}

function checkDeadlines(): void {
  watchdog = undefined;
  watchdogDue = Number.POSITIVE_INFINITY;
  const now = performance.now();
  let next = Number.POSITIVE_INFINITY;
  for (let op = pendingHead; op; ) {
    const following = op.next;
    if (op.deadline <= now) {
      unlink(op);
      op.fail();
    } else next = Math.min(next, op.deadline);
    op = following;
  }
  if (pendingCount > 0) armWatchdog(next, now);
}

function watch(op: BoundedOperation): void {
  op.next = pendingHead;
  if (pendingHead) pendingHead.prev = op;
  pendingHead = op;
  op.pending = true;
  pendingCount++;
  if (!watchdog || op.deadline < watchdogDue) armWatchdog(op.deadline, performance.now());
  else if (pendingCount === 1) watchdog.ref();
}

function unlink(op: BoundedOperation): void {
  if (op.prev) op.prev.next = op.next;
  else pendingHead = op.next;
  if (op.next) op.next.prev = op.prev;
  op.prev = op.next = undefined;
  op.pending = false;
  pendingCount--;
}

/** An operation with a deadline: what `fail` does when the watchdog finds it past its deadline. */
abstract class BoundedOperation {
  prev: BoundedOperation | undefined = undefined;
  next: BoundedOperation | undefined = undefined;
  pending = false;

  constructor(readonly deadline: number) {}

  abstract fail(): void;
}

/** An exchange of a bounded channel: the rejection (built only if it comes) when its deadline passes. */
class ChannelOperation extends BoundedOperation {
  constructor(
    deadline: number,
    private readonly reject: (e: TransportError) => void,
    private readonly channel: string,
    private readonly what: string,
    private readonly timeoutMs: number,
  ) {
    super(deadline);
  }

  fail(): void {
    this.reject(new TransportError("timeout", `${this.channel}: no ${this.what} within ${this.timeoutMs} ms`));
  }
}

/** A wait settled with a value of its own when its deadline passes. */
class DeadlineOperation<T> extends BoundedOperation {
  constructor(
    deadline: number,
    private readonly resolve: (v: T) => void,
    private readonly onTimeout: () => T,
  ) {
    super(deadline);
  }

  fail(): void {
    this.resolve(this.onTimeout());
  }
}

/**
 * `p`, or `onTimeout()` when `p` has not settled within `timeoutMs` (a rejection of `p` is passed on); the wait is
 * kept by the same watchdog as the channels' exchanges, not by a timer of its own. A late settlement is dropped.
 */
export function settleWithin<T>(p: Promise<T>, timeoutMs: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const op = new DeadlineOperation(performance.now() + timeoutMs, resolve, onTimeout);
    watch(op);
    p.then(
      (v) => {
        if (settled(op)) resolve(v);
      },
      (e: unknown) => {
        if (settled(op)) reject(e);
      },
    );
  });
}

/** False when the operation was already rejected by the watchdog. */
function settled(op: BoundedOperation): boolean {
  if (!op.pending) return false;
  unlink(op);
  if (pendingCount === 0) watchdog?.unref();
  return true;
}

/**
 * The channel with every wait bounded: a transmit or reset that does not settle within `timeoutMs` rejects with a
 * TransportError "timeout" (a card that never answers ends the transaction, it does not hang it), and a close that
 * does not settle is abandoned after the same time. An answer that comes after the bound is dropped.
 */
export function boundedChannel(inner: CardChannel, timeoutMs = EXCHANGE_BOUND_MS): CardChannel {
  return new BoundedChannel(inner, timeoutMs);
}

/**
 * A class rather than an object literal with getters: a literal's getter closures give every channel its own hidden
 * class, which V8 keeps in the old generation, and the card behind the channel then outlived young-generation
 * collections.
 */
class BoundedChannel implements CardChannel {
  readonly reset?: () => Promise<Uint8Array>;

  constructor(
    private readonly inner: CardChannel,
    private readonly timeoutMs: number,
  ) {
    if (inner.reset) this.reset = () => this.bound("answer to reset", inner.reset!());
  }

  get description(): string {
    return this.inner.description;
  }

  get atr(): Uint8Array | undefined {
    return this.inner.atr;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.bound("response", this.inner.transmit(command));
  }

  close(): Promise<void> {
    return this.bound("close", this.inner.close()).catch(() => {});
  }

  private bound<T>(what: string, p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const op = new ChannelOperation(
        performance.now() + this.timeoutMs,
        reject,
        this.inner.description,
        what,
        this.timeoutMs,
      );
      watch(op);
      // An answer after the bound is dropped (the operation was rejected and removed).
      p.then(
        (v) => {
          if (settled(op)) resolve(v);
        },
        (e: unknown) => {
          if (settled(op)) reject(e);
        },
      );
    });
  }
}
