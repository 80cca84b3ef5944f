// The terminal transport layer's response handling (EMV Book 1 §9.3.1.3, Annex A; ISO 7816-3 §12.2):
// 61xx → GET RESPONSE with Le = xx, 6Cxx → re-issue the command with Le = xx, and for case 4 a warning
// (62xx/63xx) → GET RESPONSE with Le = 00, the warning being returned with the final data.

import { concatBytes } from "../emv/bytes.js";
import { apduCase, decodeCommandApdu, encodeCommandApdu } from "./apdu.js";
import { type CardChannel, TransportError } from "./channel.js";
import { isWarning } from "./status-words.js";

/** Sends one command APDU (as the reader would exchange it) and returns its raw R-APDU. */
export type ApduExchange = (command: Uint8Array) => Promise<Uint8Array>;

/** A bound on 61xx/6Cxx rounds: a card looping on procedure bytes is a protocol error, never a hang. */
const MAX_ROUNDS = 64;

/** GET RESPONSE command (Book 1 §9.3.1.3; ISO 7816-4 §7.6.1): 00 C0 00 00 Le. */
export function getResponseCommand(le: number): Uint8Array {
  return Uint8Array.of(0x00, 0xc0, 0x00, 0x00, le & 0xff);
}

/** Re-issue a command with another Le (6Cxx). Non-decodable commands get their last byte replaced. */
function withLe(command: Uint8Array, le: number): Uint8Array {
  try {
    const c = decodeCommandApdu(command);
    return encodeCommandApdu({ ...c, le: le === 0 ? 256 : le, extended: false });
  } catch {
    const out = command.slice();
    out[out.length - 1] = le;
    return out;
  }
}

export interface TtlOptions {
  /**
   * Book 1 §9.3.1.3: a warning (62xx/63xx) without data to a case 4 command is followed by GET RESPONSE — a T=0 rule
   * (the TTL maps case 4 onto T=0 TPDUs). Off under T=1 and on the contactless interface (ISO 14443-4 carries whole
   * APDUs), where the warning is the answer. Default on.
   */
  readonly caseFourWarning?: boolean;
}

/** Run one command through the TTL rules; returns data followed by the final SW1 SW2. */
export async function transmitWithTtl(
  exchange: ApduExchange,
  command: Uint8Array,
  options: TtlOptions = {},
): Promise<Uint8Array> {
  let kind: 1 | 2 | 3 | 4 | 0 = 0;
  try {
    kind = apduCase(decodeCommandApdu(command));
  } catch {
    kind = 0; // not decodable: pass the card's answer through, only 61xx/6Cxx are resolved
  }
  const parts: Uint8Array[] = [];
  let warning: Uint8Array | undefined;
  let current = command;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const r = await exchange(current);
    if (r.length < 2) throw new TransportError("protocol", `response of ${r.length} byte(s) has no status word`);
    const sw1 = r[r.length - 2]!;
    const sw2 = r[r.length - 1]!;
    const data = r.subarray(0, r.length - 2);
    if (sw1 === 0x6c) {
      // Book 1 §9.3.1.3 (Annex A2/A5): wrong length, re-issue the same command with Le = SW2.
      current = withLe(current, sw2);
      continue;
    }
    parts.push(data);
    if (sw1 === 0x61) {
      // Book 1 §9.3.1.3 (Annex A4/A6): more data available, GET RESPONSE with Le = SW2.
      current = getResponseCommand(sw2);
      continue;
    }
    const sw = (sw1 << 8) | sw2;
    const fetchAfterWarning = options.caseFourWarning !== false && kind === 4 && isWarning(sw);
    if (fetchAfterWarning && data.length === 0 && warning === undefined && round === 0) {
      // Book 1 §9.3.1.3 (Annex A7): case 4 warning without data, fetch data by GET RESPONSE Le = 00;
      // the warning status is returned with it.
      warning = Uint8Array.of(sw1, sw2);
      current = getResponseCommand(0);
      continue;
    }
    const final = warning && sw === 0x9000 ? warning : Uint8Array.of(sw1, sw2);
    return concatBytes(...parts, final);
  }
  throw new TransportError("protocol", `card kept answering 61xx/6Cxx for ${MAX_ROUNDS} rounds`);
}

/** A CardChannel whose reader returns raw R-APDUs (e.g. PC/SC with a T=0 card) made to resolve 61xx/6Cxx. */
export class GetResponseChannel implements CardChannel {
  constructor(
    private readonly inner: CardChannel,
    private readonly options: TtlOptions = {},
  ) {}
  get description(): string {
    return this.inner.description;
  }
  get atr(): Uint8Array | undefined {
    return this.inner.atr;
  }
  transmit(command: Uint8Array): Promise<Uint8Array> {
    return transmitWithTtl((c) => this.inner.transmit(c), command, this.options);
  }
  reset(): Promise<Uint8Array> {
    if (!this.inner.reset) return Promise.reject(new TransportError("unavailable", `${this.description}: no reset`));
    return this.inner.reset();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
