// PC/SC return codes (pcsclite.h, PC/SC Workgroup spec Part 5) → transport error kinds with words.

import { TransportError, type TransportErrorKind } from "../../transport/channel.js";

const CODES: ReadonlyMap<number, readonly [TransportErrorKind, string]> = new Map([
  [0x80100069, ["card-removed", "card was removed"]],
  [0x80100068, ["card-removed", "card was reset by another application"]],
  [0x80100067, ["card-removed", "card is not powered"]],
  [0x80100066, ["protocol", "card is unresponsive (mute)"]],
  [0x80100065, ["protocol", "card is not supported by the reader"]],
  [0x8010000c, ["no-card", "no card in the reader"]],
  [0x80100009, ["reader-gone", "reader is unknown"]],
  [0x80100017, ["reader-gone", "reader is unavailable"]],
  [0x8010002e, ["reader-gone", "no readers available"]],
  [0x8010001d, ["unavailable", "pcscd is not running (service not available)"]],
  [0x8010001e, ["unavailable", "pcscd stopped the service"]],
  [0x8010000a, ["timeout", "timeout"]],
  [0x8010000f, ["protocol", "protocol mismatch (connect with T0|T1)"]],
  [0x80100016, ["io", "transaction failed"]],
  [0x8010000b, ["io", "sharing violation (another application holds the card exclusively)"]],
  [0x80100008, ["io", "response larger than the receive buffer"]],
  [0x80100003, ["closed", "invalid handle (connection or context already released)"]],
  [0x80100002, ["io", "cancelled"]],
  [0x8010006a, ["unavailable", "access denied by pcscd's polkit policy"]],
  [0x80100001, ["io", "internal error in pcscd"]],
] as const);

export function scardHex(rv: number): string {
  return `0x${(rv >>> 0).toString(16).padStart(8, "0")}`;
}

/** A TransportError for a PC/SC return code, e.g. "pcsc:Reader: transmit: card was removed (0x80100069)". */
export function scardError(what: string, rv: number): TransportError {
  const known = CODES.get(rv >>> 0);
  if (known) return new TransportError(known[0], `${what}: ${known[1]} (${scardHex(rv)})`);
  return new TransportError("io", `${what}: PC/SC error ${scardHex(rv)}`);
}

/** The binding reports return codes inside message text ("… error(0x80100069)"): map them the same way. */
export function pcscError(what: string, e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const code = /0x(8010[0-9a-f]{4})/i.exec(message);
  if (code) return scardError(what, Number.parseInt(code[1]!, 16));
  if (message.toLowerCase().includes("not connected"))
    return new TransportError("closed", `${what}: reader not connected`);
  return new TransportError("io", `${what}: ${message}`);
}
