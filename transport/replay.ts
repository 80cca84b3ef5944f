// Replay channel: plays a recorded, unmasked trace (transport/trace.ts) back as a card, for regression tests
// of real-card sessions. A command that differs from the recording is a clear error naming the step.

import { readFileSync } from "node:fs";
import { fromHex } from "../emv/bytes.js";
import { type CardChannel, TransportError, type TransportErrorKind } from "./channel.js";
import { type TraceExchange, type TraceHeader, type TraceRecord, traceCommand } from "./trace.js";

/** Parse trace JSON lines; errors name the line. */
export function parseTrace(text: string, where = "trace"): { header: TraceHeader; exchanges: TraceExchange[] } {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  let header: TraceHeader | undefined;
  const exchanges: TraceExchange[] = [];
  lines.forEach((line, i) => {
    let r: TraceRecord;
    try {
      r = JSON.parse(line) as TraceRecord;
    } catch {
      throw new TransportError("io", `${where} line ${i + 1}: not JSON`);
    }
    if (r.type === "header") header = r;
    else if (r.type === "exchange") {
      if (typeof r.command !== "string")
        throw new TransportError("io", `${where} line ${i + 1}: exchange without command`);
      exchanges.push(r);
    } else throw new TransportError("io", `${where} line ${i + 1}: unknown record type`);
  });
  if (!header) throw new TransportError("io", `${where}: no header line`);
  // A header alone records no session: replaying it would fail at the first command, far from the cause.
  if (exchanges.length === 0) throw new TransportError("io", `${where}: no exchange recorded after the header`);
  return { header, exchanges };
}

export class ReplayChannel implements CardChannel {
  private next = 0;
  private closed = false;
  readonly description: string;
  readonly atr: Uint8Array | undefined;

  constructor(
    readonly header: TraceHeader,
    private readonly exchanges: readonly TraceExchange[],
    source = "trace",
  ) {
    if (header.masked)
      throw new TransportError(
        "unavailable",
        `${source}: the trace is masked (PAN/track data hidden) and cannot be replayed; record it with --unmask`,
      );
    this.description = `replay:${source} (recorded from ${header.description})`;
    this.atr = header.atr ? fromHex(header.atr, `${source} ATR`) : undefined;
  }

  static fromFile(path: string): ReplayChannel {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new TransportError("unavailable", `replay: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const { header, exchanges } = parseTrace(text, path);
    return new ReplayChannel(header, exchanges, path);
  }

  /** Number of recorded exchanges not yet played. */
  get remaining(): number {
    return this.exchanges.length - this.next;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new TransportError("closed", `${this.description}: channel closed`);
    const got = traceCommand(command);
    const e = this.exchanges[this.next];
    if (!e)
      throw new TransportError(
        "protocol",
        `replay: command ${got} at step ${this.next + 1} is beyond the end of the recording (${this.exchanges.length} exchanges)`,
      );
    if (e.command.toUpperCase() !== got.toUpperCase())
      throw new TransportError(
        "protocol",
        `replay step ${e.step}: command ${got} differs from the recorded command ${e.command}`,
      );
    this.next++;
    if (e.error) throw new TransportError(e.error.kind as TransportErrorKind, e.error.message);
    if (e.response === undefined)
      throw new TransportError("protocol", `replay step ${e.step}: the recording has no response`);
    return fromHex(e.response, `replay step ${e.step} response`);
  }

  async reset(): Promise<Uint8Array> {
    this.next = 0;
    return this.atr ?? new Uint8Array(0);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
