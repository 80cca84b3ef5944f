// The kernel's side of the card dialogue (EMV Book 3 §6: commands; Book 1 §11: APDU structure): builds each
// command, sends it through the CardChannel, records the exchange, and turns transport failures into values.

import { toHex } from "../emv/bytes.js";
import { encodeTlv } from "../emv/tlv/ber.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { encodeCommandApdu } from "../transport/apdu.js";
import { boundedChannel, type CardChannel, EXCHANGE_BOUND_MS, TransportError } from "../transport/channel.js";

/** A command as the kernel builds it (short APDUs; EMV contact commands never need extended length). */
export interface KernelCommand {
  /** Name for traces and reports, e.g. "SELECT", "GENERATE AC". */
  readonly name: string;
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length: 0x00 for "up to 256" (case 2/4). Omit for case 1/3. */
  readonly le?: number;
}

export interface CardResponse {
  /** Response data without the status word. */
  readonly data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  readonly sw: number;
}

export interface TraceEntry {
  readonly name: string;
  readonly command: Uint8Array;
  /** Full response incl. SW, or undefined when the transport failed. */
  readonly response: Uint8Array | undefined;
  readonly error?: string;
}

export type Exchange =
  | { readonly ok: true; readonly response: CardResponse }
  | { readonly ok: false; readonly error: string };

/** Largest command data of a short APDU (ISO 7816-4 §5.1; Book 1 §9.4: Lc is one byte). */
export const MAX_SHORT_COMMAND_DATA = 255;

/** Encode a short command APDU (ISO 7816-4 §5.1 cases 1–4) with the transport's codec; Le 00 means 256. */
const NO_DATA = new Uint8Array(0);

export function encodeCommand(c: KernelCommand): Uint8Array {
  const data = c.data ?? NO_DATA;
  if (data.length > MAX_SHORT_COMMAND_DATA)
    throw new RangeError(`${c.name}: command data of ${data.length} bytes exceeds a short APDU`);
  const le = c.le === undefined ? undefined : c.le === 0 ? 256 : c.le;
  return encodeCommandApdu({ cla: c.cla, ins: c.ins, p1: c.p1, p2: c.p2, data, le, extended: false });
}

export class CardSession {
  readonly trace: TraceEntry[] = [];
  /** The channel with the kernel's own bound on every exchange: a card that never answers is a transport error. */
  private readonly bounded: CardChannel;

  constructor(
    readonly channel: CardChannel,
    exchangeBoundMs = EXCHANGE_BOUND_MS,
  ) {
    this.bounded = boundedChannel(channel, exchangeBoundMs);
  }

  /** Send a command; a transport failure or a response shorter than a status word is an error value. */
  async exchange(command: KernelCommand): Promise<Exchange> {
    let bytes: Uint8Array;
    try {
      bytes = encodeCommand(command);
    } catch (e) {
      // A command that cannot be encoded (data beyond a short APDU) never reaches the card.
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    let raw: Uint8Array;
    try {
      raw = await this.bounded.transmit(bytes);
    } catch (e) {
      const error =
        e instanceof TransportError
          ? `${command.name}: ${e.message}`
          : `${command.name}: transport failed: ${String(e)}`;
      this.trace.push({ name: command.name, command: bytes, response: undefined, error });
      return { ok: false, error };
    }
    this.trace.push({ name: command.name, command: bytes, response: raw });
    if (raw.length < 2) {
      return {
        ok: false,
        error: `${command.name}: response of ${raw.length} byte(s) has no status word (${toHex(raw)})`,
      };
    }
    const sw = (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
    return { ok: true, response: { data: raw.subarray(0, raw.length - 2), sw } };
  }
}

/** EMV commands (Book 3 §6.5; Book 1 §11.3 SELECT). */
export const Commands = {
  /** SELECT by DF name, first (P2=00) or next (P2=02) occurrence (Book 1 §11.3). */
  select(dfName: Uint8Array, next = false, name = "SELECT"): KernelCommand {
    return { name, cla: 0x00, ins: 0xa4, p1: 0x04, p2: next ? 0x02 : 0x00, data: dfName, le: 0x00 };
  },
  /** READ RECORD: record number in P1, SFI in P2 b8–b4 with b3–b1 = 100 (Book 3 §6.5.11). */
  readRecord(sfi: number, record: number): KernelCommand {
    return { name: "READ RECORD", cla: 0x00, ins: 0xb2, p1: record, p2: (sfi << 3) | 0x04, le: 0x00 };
  },
  /** GET PROCESSING OPTIONS with the command template 83 around the PDOL data (Book 3 §6.5.8). */
  getProcessingOptions(pdolData: Uint8Array): KernelCommand {
    // BER-TLV length (Book 3 Annex B2): 81 xx from 128 bytes of PDOL data on.
    const data = encodeTlv(TAG.COMMAND_TEMPLATE, pdolData);
    return { name: "GET PROCESSING OPTIONS", cla: 0x80, ins: 0xa8, p1: 0x00, p2: 0x00, data, le: 0x00 };
  },
  /** GET DATA for a primitive tag such as 9F36 ATC, 9F13 last online ATC, 9F17 PIN try counter (Book 3 §6.5.7). */
  getData(tag: number): KernelCommand {
    return { name: "GET DATA", cla: 0x80, ins: 0xca, p1: (tag >> 8) & 0xff, p2: tag & 0xff, le: 0x00 };
  },
  /** GENERATE AC; reference control in P1 b8–b7 (00 AAC, 40 TC, 80 ARQC), b5 = CDA signature requested (Book 3 §6.5.5). */
  generateAc(type: "AAC" | "TC" | "ARQC", cdolData: Uint8Array, cda: boolean): KernelCommand {
    const p1 = (type === "AAC" ? 0x00 : type === "TC" ? 0x40 : 0x80) | (cda ? 0x10 : 0x00);
    return { name: "GENERATE AC", cla: 0x80, ins: 0xae, p1, p2: 0x00, data: cdolData, le: 0x00 };
  },
  /** INTERNAL AUTHENTICATE with the DDOL data (Book 3 §6.5.9). */
  internalAuthenticate(ddolData: Uint8Array): KernelCommand {
    return { name: "INTERNAL AUTHENTICATE", cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: ddolData, le: 0x00 };
  },
  /** GET CHALLENGE: an 8-byte ICC unpredictable number for enciphered PIN (Book 3 §6.5.6). */
  getChallenge(): KernelCommand {
    return { name: "GET CHALLENGE", cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 0x00 };
  },
  /** VERIFY: P2 80 plaintext PIN block, 88 enciphered PIN (Book 3 §6.5.12). Never trace the data in clear. */
  verify(qualifier: 0x80 | 0x88, pinData: Uint8Array): KernelCommand {
    return { name: "VERIFY", cla: 0x00, ins: 0x20, p1: 0x00, p2: qualifier, data: pinData };
  },
  /** EXTERNAL AUTHENTICATE with the Issuer Authentication Data (Book 3 §6.5.4). */
  externalAuthenticate(issuerAuthenticationData: Uint8Array): KernelCommand {
    return { name: "EXTERNAL AUTHENTICATE", cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data: issuerAuthenticationData };
  },
} as const;
