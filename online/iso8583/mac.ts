// Message authentication for this link (ISO 8583:1987 DE 64 / DE 128): ISO/IEC 9797-1 MAC algorithm 3 with
// padding method 1 (the ANSI X9.19 "retail MAC") under a double-length DES key shared by terminal and host, over
// every byte of the message before the MAC field. The MAC field is the last one of its bitmap, so it is always the
// message's last 8 bytes: DE 64 when the message has only a primary bitmap, DE 128 when it has a secondary one
// (then DE 64 is absent).

import { retailMac } from "../../emv/crypto/mac.js";
import { encodeMessage, type Iso8583Message } from "./codec.js";

const MAC_LENGTH = 8;

/** The MAC field a message uses: 128 when any field above 64 is present, else 64. */
export function macField(message: Iso8583Message): 64 | 128 {
  for (const n of message.fields.keys()) if (n > 64 && n !== 128) return 128;
  return 64;
}

/** Encodes `message` with its MAC (DE 64 or DE 128) computed under `key` (16 bytes); any MAC it had is replaced. */
export function encodeWithMac(message: Iso8583Message, key: Uint8Array): Uint8Array {
  const fields = new Map(message.fields);
  fields.delete(64);
  fields.delete(128);
  const field = macField({ mti: message.mti, fields });
  fields.set(field, new Uint8Array(MAC_LENGTH));
  const bytes = encodeMessage({ mti: message.mti, fields });
  bytes.set(retailMac(key, bytes.subarray(0, bytes.length - MAC_LENGTH), 1), bytes.length - MAC_LENGTH);
  return bytes;
}

export type MacCheck = "ok" | "missing" | "wrong-field" | "mismatch";

/** Checks the MAC of a received message (its bytes and their decoding). */
export function checkMac(bytes: Uint8Array, message: Iso8583Message, key: Uint8Array): MacCheck {
  const field = macField(message);
  const mac = message.fields.get(field);
  if (!(mac instanceof Uint8Array))
    return message.fields.has(64) || message.fields.has(128) ? "wrong-field" : "missing";
  if (field === 128 && message.fields.has(64)) return "wrong-field";
  const expected = retailMac(key, bytes.subarray(0, bytes.length - MAC_LENGTH), 1);
  let diff = 0;
  for (let i = 0; i < MAC_LENGTH; i++) diff |= (expected[i] as number) ^ (mac[i] as number);
  return diff === 0 ? "ok" : "mismatch";
}

/** Words for a failed check, for answers and errors. */
export function macProblem(check: Exclude<MacCheck, "ok">, message: Iso8583Message): string {
  const field = macField(message);
  switch (check) {
    case "missing":
      return `${message.mti} carries no MAC (field ${field})`;
    case "wrong-field":
      return `${message.mti} carries its MAC in the wrong field (expected field ${field} only)`;
    case "mismatch":
      return `${message.mti}: MAC (field ${field}) does not verify`;
  }
}
