// Why a transaction ended without a decision ("terminate the transaction", EMV Book 3 §10; Book 1 §12) and the
// standard message the terminal shows for it (EMV Book 4 §11.2, messages '01'–'13').

/** A Book 4 §11.2 standard message: its identifier and its English text. */
export interface StandardMessage {
  readonly id: number;
  readonly text: string;
}

/** Book 4 §11.2: the standard messages the kernel shows (identifier, English text). */
export const STANDARD_MESSAGE = Object.freeze({
  APPROVED: { id: 0x03, text: "APPROVED" },
  CARD_ERROR: { id: 0x06, text: "CARD ERROR" },
  DECLINED: { id: 0x07, text: "DECLINED" },
  NOT_ACCEPTED: { id: 0x0c, text: "NOT ACCEPTED" },
  PROCESSING_ERROR: { id: 0x0f, text: "PROCESSING ERROR" },
  TRY_AGAIN: { id: 0x13, text: "TRY AGAIN" },
} as const satisfies Record<string, StandardMessage>);

export const TERMINATION_CAUSES = [
  "card-blocked",
  "card-error",
  "processing-error",
  "not-accepted",
  "cancelled",
  "internal",
] as const;

/**
 * Why the transaction was terminated:
 * - card-blocked: the card answered SELECT with 6A81 (Book 1 §12.3.2, §12.4);
 * - card-error: the card's answer is missing, malformed, has an unexpected status or lacks mandatory data
 *   (Book 3 §6.5, §10.2, §10.8; transport errors included);
 * - processing-error: the terminal's own data cannot be built (terminal data, DOL data that does not fit a command);
 * - not-accepted: no application both sides support, or the card's conditions of use exclude it (Book 1 §12.4);
 * - cancelled: the cardholder or attendant ended it (declined to confirm or choose an application);
 * - internal: a fault in the kernel itself (a bug; the transaction still ends with a defined outcome).
 */
export type TerminationCause = (typeof TERMINATION_CAUSES)[number];

/** The message each cause shows (Book 4 §11.2); a cancelled transaction shows none. */
export const TERMINATION_MESSAGE: Readonly<Record<TerminationCause, StandardMessage | undefined>> = Object.freeze({
  "card-blocked": STANDARD_MESSAGE.NOT_ACCEPTED,
  "card-error": STANDARD_MESSAGE.CARD_ERROR,
  "processing-error": STANDARD_MESSAGE.PROCESSING_ERROR,
  "not-accepted": STANDARD_MESSAGE.NOT_ACCEPTED,
  cancelled: undefined,
  internal: STANDARD_MESSAGE.PROCESSING_ERROR,
});

/** A step's or a sub-step's "terminate the transaction": the typed cause and the detail in words. */
export interface Terminate {
  readonly kind: "terminate";
  readonly cause: TerminationCause;
  readonly reason: string;
}

export function terminateWith(cause: TerminationCause, reason: string): Terminate {
  return { kind: "terminate", cause, reason };
}

/** The JSON form: the cause and the Book 4 §11.2 message it shows (identifier as two hex digits), or null. */
export interface TerminationJson {
  cause: TerminationCause;
  message: { id: string; text: string } | null;
}

export function terminationJson(cause: TerminationCause): TerminationJson {
  const m = TERMINATION_MESSAGE[cause];
  return { cause, message: m ? { id: hexId(m), text: m.text } : null };
}

/** "card error, shows '06' CARD ERROR": the cause in words with its message, as the report shows it. */
export function describeTermination(cause: TerminationCause): string {
  const m = TERMINATION_MESSAGE[cause];
  return `${cause.replace("-", " ")}, ${m ? `shows '${hexId(m)}' ${m.text}` : "no message shown"}`;
}

function hexId(m: StandardMessage): string {
  return m.id.toString(16).toUpperCase().padStart(2, "0");
}
