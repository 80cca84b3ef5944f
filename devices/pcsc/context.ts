// A PC/SC context and card channel as every backend offers them (PC/SC Part 5 SCardEstablishContext, SCardConnect,
// SCardTransmit), and the error for a reader without a card.

import type { CardChannel } from "../../transport/channel.js";
import { TransportError } from "../../transport/channel.js";

export interface PcscReaderInfo {
  name: string;
  cardPresent: boolean;
  atr: string | undefined;
}

export type PcscProtocol = "T0" | "T1" | "T0|T1";

/** A connected card. */
export interface PcscChannel extends CardChannel {
  /** "T=0" or "T=1", negotiated at connect. */
  readonly activeProtocol: string;
}

/** A PC/SC context: readers, waiting for a card, connecting. close() releases everything it opened. */
export interface PcscContext {
  readonly backend: "pcscd-socket" | "binding";
  /** The backend in words, e.g. "pcscd socket client, protocol 4.4". */
  readonly via: string;
  list(): Promise<PcscReaderInfo[]>;
  /** Wait until a card is present in the named reader (or any reader when name is empty); resolves its name. */
  waitForCard(name: string | undefined, timeoutMs: number): Promise<string>;
  /** Whether the card left the reader within ms. */
  cardGone(name: string, ms: number): Promise<boolean>;
  /** Connect in shared mode (T0|T1 by default: after a T=1 session a T=0-only connect can fail). */
  connect(name: string, protocol?: PcscProtocol): Promise<PcscChannel>;
  close(): Promise<void>;
}

/** Why waiting for a card ended without one: the named reader is not there, or no card came in time. */
export function noCardError(name: string | undefined, readers: readonly string[], timeoutMs: number): TransportError {
  if (name && !readers.includes(name))
    return new TransportError(
      "reader-gone",
      `pcsc: no reader named '${name}' (readers: ${readers.length ? readers.join(", ") : "none"})`,
    );
  return new TransportError(
    "no-card",
    `pcsc: no card in ${name ? `'${name}'` : readers.length ? "any reader" : "any reader (no readers attached)"} within ${timeoutMs} ms`,
  );
}
