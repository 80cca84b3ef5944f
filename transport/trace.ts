// Trace recorder: every exchange on a CardChannel with its timing, as JSON lines. Sensitive data is masked
// by default (PAN first 6/last 4, Track 2 discretionary data hidden: kernel/sensitive.ts); PIN data in
// VERIFY commands (EMV Book 3 §6.5.12) is never written in clear, not even in an unmasked trace.

import { appendFileSync, writeFileSync } from "node:fs";
import { toHex } from "../emv/bytes.js";
import { type Disclosure, displayTlvBytes, MASKED, maskPanContentInHex } from "../emv/sensitive.js";
import { decodeTlvs } from "../emv/tlv/ber.js";
import { type CardChannel, TransportError } from "./channel.js";
import { statusWordMeaning } from "./status-words.js";

export const TRACE_VERSION = 1;

export interface TraceHeader {
  type: "header";
  version: number;
  /** false only when recorded with an explicit unmask option; only such traces can be replayed. */
  masked: boolean;
  description: string;
  atr: string | undefined;
  started: string;
}

export interface TraceExchange {
  type: "exchange";
  step: number;
  /** Milliseconds from the start of the trace to the command. */
  t: number;
  /** Round-trip time in milliseconds. */
  ms: number;
  command: string;
  response?: string;
  sw?: string;
  meaning?: string;
  error?: { kind: string; message: string };
}

export type TraceRecord = TraceHeader | TraceExchange;

/** INS of VERIFY (Book 3 §6.5.12): its data is a PIN block and is never recorded. */
const INS_VERIFY = 0x20;
/** INS of CHANGE REFERENCE DATA / PIN CHANGE/UNBLOCK (Book 3 §6.5.10, issuer script): carries PIN data. */
const INS_PIN_CHANGE = 0x24;

/** Command as recorded: VERIFY / PIN CHANGE data replaced by its length (header and Lc kept for replay). */
export function traceCommand(command: Uint8Array): string {
  const ins = command[1];
  if ((ins === INS_VERIFY || ins === INS_PIN_CHANGE) && command.length > 5) {
    const lc = command[4]!;
    return `${toHex(command.subarray(0, 5))}[PIN data ${lc} bytes hidden]`;
  }
  return toHex(command);
}

/**
 * Hex of response data with sensitive data objects replaced by their display form in brackets, by tag and by
 * content (emv/sensitive.ts). Data that is not BER-TLV is hidden whole when it may hold a PAN or track data.
 */
export function maskedResponseHex(data: Uint8Array, disclosure: Disclosure = MASKED): string {
  try {
    decodeTlvs(data);
  } catch {
    const hex = toHex(data);
    return maskPanContentInHex(hex, disclosure) === hex
      ? hex
      : `[${data.length} bytes hidden: not TLV, may hold a PAN]`;
  }
  return displayTlvBytes(data, disclosure);
}

export interface TraceOptions {
  /** Record PANs and track data in clear (explicit user choice, e.g. --unmask); needed for replay. */
  unmasked?: boolean;
  /** Where each JSON line goes. */
  sink: (line: string) => void;
  /** Milliseconds clock (default performance.now). */
  clock?: () => number;
}

/** A sink appending JSON lines to a file (created or truncated first). */
export function fileSink(path: string): (line: string) => void {
  writeFileSync(path, "");
  return (line) => appendFileSync(path, `${line}\n`);
}

/** Wraps a channel and records every exchange. */
export class TracingChannel implements CardChannel {
  private step = 0;
  private readonly t0: number;
  private readonly clock: () => number;
  constructor(
    private readonly inner: CardChannel,
    private readonly options: TraceOptions,
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.t0 = this.clock();
    this.write({
      type: "header",
      version: TRACE_VERSION,
      masked: !options.unmasked,
      description: inner.description,
      atr: inner.atr ? toHex(inner.atr) : undefined,
      started: new Date().toISOString(),
    });
  }
  get description(): string {
    return this.inner.description;
  }
  get atr(): Uint8Array | undefined {
    return this.inner.atr;
  }

  private write(r: TraceRecord): void {
    this.options.sink(JSON.stringify(r));
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const step = ++this.step;
    const start = this.clock();
    const base = { type: "exchange" as const, step, t: round(start - this.t0), command: traceCommand(command) };
    try {
      const r = await this.inner.transmit(command);
      const ms = round(this.clock() - start);
      const data = r.subarray(0, Math.max(0, r.length - 2));
      const swBytes = r.subarray(Math.max(0, r.length - 2));
      const sw = swBytes.length === 2 ? (swBytes[0]! << 8) | swBytes[1]! : undefined;
      const disclosure: Disclosure = { unmaskPan: !!this.options.unmasked };
      const response = this.options.unmasked ? toHex(r) : maskedResponseHex(data, disclosure) + toHex(swBytes);
      this.write({
        ...base,
        ms,
        response,
        sw: toHex(swBytes),
        meaning: sw === undefined ? undefined : statusWordMeaning(sw),
      });
      return r;
    } catch (e) {
      const err = e instanceof TransportError ? e : new TransportError("io", String(e));
      this.write({ ...base, ms: round(this.clock() - start), error: { kind: err.kind, message: err.message } });
      throw err;
    }
  }

  async reset(): Promise<Uint8Array> {
    if (!this.inner.reset) throw new TransportError("unavailable", `${this.description}: no reset`);
    return this.inner.reset();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Record every exchange of `channel` to a JSON-lines file (masked unless `unmasked`, which replay needs). */
export function traceToFile(channel: CardChannel, path: string, options: { unmasked?: boolean } = {}): TracingChannel {
  return new TracingChannel(channel, { sink: fileSink(path), unmasked: options.unmasked });
}
