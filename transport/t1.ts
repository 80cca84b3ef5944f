// T=1 block protocol (EMV Book 1 §9.2.4–9.2.5; ISO/IEC 7816-3 §11): I-, R- and S-blocks, chaining in both
// directions, IFS negotiation, waiting time extension, LRC or CRC, error detection and recovery by
// retransmission and resynchronisation. Terminal side (T1Channel) and card side (serveT1Card).

import { concatBytes, toHex } from "../emv/bytes.js";
import { TransportError } from "./channel.js";
import { LineChannel, type LineIo } from "./line.js";

export type T1Edc = "LRC" | "CRC";

/** S-block types (ISO 7816-3 §11.3.2.2, Book 1 §9.2.4.2.3): request = C0|type, response = E0|type. */
export const S_RESYNCH = 0x00;
export const S_IFS = 0x01;
export const S_ABORT = 0x02;
export const S_WTX = 0x03;

export type T1Block =
  | { kind: "I"; ns: number; more: boolean; inf: Uint8Array }
  | { kind: "R"; nr: number; error: 0 | 1 | 2 }
  | { kind: "S"; type: number; response: boolean; inf: Uint8Array };

/** LRC: XOR of all bytes (Book 1 §9.2.4.4). */
export function lrc(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** CRC (ISO 7816-3 §11.4.4, ISO/IEC 13239): x^16+x^12+x^5+1, reflected, initial FFFF; sent high byte first. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc & 0xffff;
}

function pcbOf(b: T1Block): number {
  if (b.kind === "I") return (b.ns ? 0x40 : 0) | (b.more ? 0x20 : 0); // Book 1 §9.2.4.2.1: b7 N(S), b6 M
  if (b.kind === "R") return 0x80 | (b.nr ? 0x10 : 0) | b.error; // §9.2.4.2.2: 100N 00EE
  return 0xc0 | (b.response ? 0x20 : 0) | b.type; // §9.2.4.2.3
}

/** Encode a block: NAD PCB LEN INF EDC (Book 1 §9.2.4.1). */
export function encodeBlock(b: T1Block, edc: T1Edc = "LRC", nad = 0): Uint8Array {
  const inf = b.kind === "R" ? new Uint8Array(0) : b.inf;
  if (inf.length > 254) throw new TransportError("protocol", `T=1: INF of ${inf.length} bytes exceeds 254`);
  const head = concatBytes(Uint8Array.of(nad, pcbOf(b), inf.length), inf);
  if (edc === "LRC") return concatBytes(head, Uint8Array.of(lrc(head)));
  const c = crc16(head);
  return concatBytes(head, Uint8Array.of(c >> 8, c & 0xff));
}

/** Decode a block's prologue+INF+EDC; returns a reason string for an invalid block. */
export function decodeBlock(bytes: Uint8Array, edc: T1Edc = "LRC"): T1Block | { invalid: string; edcError: boolean } {
  const el = edc === "LRC" ? 1 : 2;
  if (bytes.length < 3 + el) return { invalid: `block of ${bytes.length} bytes is too short`, edcError: false };
  const len = bytes[2]!;
  if (bytes.length !== 3 + len + el)
    return { invalid: `LEN ${len} does not match ${bytes.length - 3 - el} INF bytes`, edcError: false };
  const head = bytes.subarray(0, 3 + len);
  const ok = edc === "LRC" ? lrc(head) === bytes[3 + len] : crc16(head) === ((bytes[3 + len]! << 8) | bytes[4 + len]!);
  if (!ok) return { invalid: `${edc} mismatch`, edcError: true };
  const pcb = bytes[1]!;
  const inf = bytes.slice(3, 3 + len);
  if ((pcb & 0x80) === 0) {
    // Book 1 §9.2.4.2.1: 0 N(S) M, then b5–b1 RFU (0).
    if ((pcb & 0x1f) !== 0)
      return { invalid: `I-block PCB ${hex(pcb)} is not defined (b5–b1 are RFU)`, edcError: false };
    return { kind: "I", ns: (pcb >> 6) & 1, more: (pcb & 0x20) !== 0, inf };
  }
  if ((pcb & 0xc0) === 0x80) {
    if (len !== 0) return { invalid: `R-block with LEN ${len}`, edcError: false };
    const error = pcb & 0x0f;
    if (error > 2 || (pcb & 0x20) !== 0) return { invalid: `R-block PCB ${hex(pcb)} is not defined`, edcError: false };
    return { kind: "R", nr: (pcb >> 4) & 1, error: error as 0 | 1 | 2 };
  }
  const type = pcb & 0x1f;
  if (type > 3) return { invalid: `S-block PCB ${hex(pcb)} is not defined`, edcError: false };
  return { kind: "S", type, response: (pcb & 0x20) !== 0, inf };
}

function hex(b: number): string {
  return toHex(Uint8Array.of(b));
}

/** Read one block from the line; invalid or missing blocks come back as values, never hang past timeouts. */
async function receiveBlock(
  line: LineIo,
  edc: T1Edc,
  firstByteTimeoutMs: number,
  charTimeoutMs: number,
): Promise<T1Block | { invalid: string; edcError: boolean; timeout?: boolean }> {
  let prologue: Uint8Array;
  try {
    prologue = await line.read(3, firstByteTimeoutMs);
  } catch (e) {
    if (e instanceof TransportError && e.kind === "timeout")
      return { invalid: "no block within the block waiting time", edcError: false, timeout: true };
    throw e;
  }
  const len = prologue[2]!;
  if (len === 0xff) {
    line.discard?.();
    return { invalid: "LEN FF is reserved", edcError: false };
  }
  let rest: Uint8Array;
  try {
    rest = await line.read(len + (edc === "LRC" ? 1 : 2), charTimeoutMs);
  } catch (e) {
    if (e instanceof TransportError && e.kind === "timeout") {
      line.discard?.();
      return { invalid: "block truncated (character waiting time exceeded)", edcError: false, timeout: true };
    }
    throw e;
  }
  return decodeBlock(concatBytes(prologue, rest), edc);
}

export interface T1Options {
  /** Card's information field size from the ATR (TA3 for T=1), default 32. */
  ifsc?: number;
  /** Terminal's information field size, announced by S(IFS request) (Book 1 §9.2.4.3: 254). */
  ifsd?: number;
  edc?: T1Edc;
  /** Block waiting time in ms (from BWI; default 1600). */
  bwtMs?: number;
  /** Character waiting time for the rest of a block in ms (from CWI; default 200). */
  cwtMs?: number;
  /** Retransmissions of one block before resynchronisation (Book 1 §9.2.5: 2). */
  maxRetries?: number;
}

class Resync extends Error {}

/** Terminal side of T=1 (Book 1 §9.2.4): one APDU per transceive, chained when longer than IFSC. */
export class T1Terminal {
  private ns = 0; // N(S) of the terminal's next I-block
  private nr = 0; // N(S) expected in the card's next I-block
  ifsc: number;
  readonly ifsd: number;
  readonly edc: T1Edc;
  private readonly bwt: number;
  private readonly cwt: number;
  private readonly maxRetries: number;
  /** Counters for tests and traces. */
  readonly stats = { retransmissions: 0, resynchs: 0, wtx: 0, blocksSent: 0, blocksReceived: 0 };

  constructor(
    private readonly line: LineIo,
    options: T1Options = {},
  ) {
    this.ifsc = options.ifsc ?? 32;
    this.ifsd = options.ifsd ?? 254;
    this.edc = options.edc ?? "LRC";
    this.bwt = options.bwtMs ?? 1600;
    this.cwt = options.cwtMs ?? 200;
    this.maxRetries = options.maxRetries ?? 2;
  }

  private async send(b: T1Block): Promise<void> {
    this.stats.blocksSent++;
    await this.line.write(encodeBlock(b, this.edc));
  }

  /** S(IFS request) with IFSD, expecting S(IFS response) with the same value (Book 1 §9.2.4.3). */
  async negotiateIfsd(): Promise<void> {
    const req: T1Block = { kind: "S", type: S_IFS, response: false, inf: Uint8Array.of(this.ifsd) };
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      await this.send(req);
      const r = await receiveBlock(this.line, this.edc, this.bwt, this.cwt);
      if ("kind" in r && r.kind === "S" && r.type === S_IFS && r.response && r.inf[0] === this.ifsd) return;
      this.stats.retransmissions++;
    }
    throw new TransportError("protocol", `T=1: card did not confirm IFSD ${this.ifsd}`);
  }

  /** Resynchronise (ISO 7816-3 §11.6.3.3): S(RESYNCH request) up to 3 times; sequence numbers reset. */
  private async resynch(): Promise<void> {
    this.stats.resynchs++;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.line.discard?.();
      await this.send({ kind: "S", type: S_RESYNCH, response: false, inf: new Uint8Array(0) });
      const r = await receiveBlock(this.line, this.edc, this.bwt, this.cwt);
      if ("kind" in r && r.kind === "S" && r.type === S_RESYNCH && r.response) {
        this.ns = 0;
        this.nr = 0;
        return;
      }
    }
    throw new TransportError("protocol", "T=1: resynchronisation failed after 3 S(RESYNCH request) blocks");
  }

  /**
   * Send a block and return the card's next meaningful block. Handles S(WTX)/S(IFS) requests from the card,
   * invalid blocks (R-block with error, then retransmission by the card) and R-blocks asking us to retransmit.
   */
  private async exchange(block: T1Block): Promise<T1Block> {
    let failures = 0;
    let wtx = 1;
    await this.send(block);
    for (;;) {
      const r = await receiveBlock(this.line, this.edc, this.bwt * wtx, this.cwt);
      wtx = 1;
      if (!("kind" in r)) {
        failures++;
        if (failures > this.maxRetries) throw new Resync();
        this.stats.retransmissions++;
        this.line.discard?.();
        // Book 1 §9.2.5.1: invalid block → R-block with N(R) = N(S) expected from the card, error bits 01 (EDC)
        // or 10 (other); the card answers by sending its last block again.
        await this.send({ kind: "R", nr: this.nr, error: r.edcError ? 1 : 2 });
        continue;
      }
      this.stats.blocksReceived++;
      if (r.kind === "S" && !r.response) {
        if (r.type === S_WTX) {
          // Book 1 §9.2.4.4: WTX request → response with the same INF; BWT multiplied for the next block.
          this.stats.wtx++;
          wtx = Math.max(1, r.inf[0] ?? 1);
          await this.send({ kind: "S", type: S_WTX, response: true, inf: r.inf });
          continue;
        }
        if (r.type === S_IFS) {
          const v = r.inf[0] ?? 0;
          if (v >= 1 && v <= 254) this.ifsc = v;
          await this.send({ kind: "S", type: S_IFS, response: true, inf: r.inf });
          continue;
        }
        if (r.type === S_ABORT) throw new TransportError("protocol", "T=1: card sent S(ABORT request)");
        throw new Resync();
      }
      if (r.kind === "R") {
        const lastI = block.kind === "I" ? block : undefined;
        const ack = lastI?.more && r.nr !== lastI.ns;
        if (ack && r.error === 0) return r;
        // The card asks for a retransmission of our last block (Book 1 §9.2.5.1).
        failures++;
        if (failures > this.maxRetries) throw new Resync();
        this.stats.retransmissions++;
        await this.send(block);
        continue;
      }
      return r;
    }
  }

  /** Send one APDU (chained if needed) and return the card's complete response (Book 1 §9.2.4.3). */
  async transceive(apdu: Uint8Array): Promise<Uint8Array> {
    for (let round = 0; ; round++) {
      try {
        return await this.transceiveOnce(apdu);
      } catch (e) {
        if (!(e instanceof Resync)) throw e;
        if (round >= 1) throw new TransportError("protocol", "T=1: transmission failed after resynchronisation");
        await this.resynch();
      }
    }
  }

  private async transceiveOnce(apdu: Uint8Array): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for (let off = 0; off < apdu.length || chunks.length === 0; off += this.ifsc)
      chunks.push(apdu.subarray(off, off + this.ifsc));
    let reply: T1Block | undefined;
    for (let i = 0; i < chunks.length; i++) {
      const more = i < chunks.length - 1;
      reply = await this.exchange({ kind: "I", ns: this.ns, more, inf: chunks[i]! });
      if (more) {
        if (reply.kind !== "R")
          throw new TransportError("protocol", `T=1: expected R-block acknowledging chained block ${i + 1}`);
        this.ns ^= 1;
      }
    }
    this.ns ^= 1;
    const parts: Uint8Array[] = [];
    for (let guard = 0; guard < 1024; guard++) {
      if (reply?.kind !== "I") throw new TransportError("protocol", `T=1: expected an I-block, got ${reply?.kind}`);
      if (reply.ns !== this.nr) throw new Resync();
      parts.push(reply.inf);
      this.nr ^= 1;
      if (!reply.more) return concatBytes(...parts);
      reply = await this.exchange({ kind: "R", nr: this.nr, error: 0 }); // chaining ACK (Book 1 §9.2.4.3)
    }
    throw new TransportError("protocol", "T=1: response chain longer than 1024 blocks");
  }
}

/** A CardChannel speaking T=1 on a line. */
export class T1Channel extends LineChannel {
  readonly protocol: T1Terminal;
  constructor(line: LineIo, description: string, atr: Uint8Array | undefined, options: T1Options = {}) {
    super(line, description, atr);
    this.protocol = new T1Terminal(line, options);
  }
  protected exchange(command: Uint8Array): Promise<Uint8Array> {
    return this.protocol.transceive(command);
  }
}

export interface T1CardOptions {
  ifsc?: number;
  edc?: T1Edc;
  /** Send this many S(WTX request) blocks before each response (tests). */
  wtxPerCommand?: number;
  /** Announce this IFSC with S(IFS request) before the first response (ISO 7816-3 §11.4.2, tests). */
  ifsRequest?: number;
  idleTimeoutMs?: number;
  shouldStop?: () => boolean;
}

/** Card side of T=1 on a line: reassembles chained commands, chains responses by IFSD, answers S-blocks. */
export async function serveT1Card(
  line: LineIo,
  process: (apdu: Uint8Array) => Uint8Array,
  options: T1CardOptions = {},
): Promise<void> {
  const edc = options.edc ?? "LRC";
  let ifsd = 32;
  let ns = 0;
  let nr = 0;
  let rx: Uint8Array[] = [];
  let tx: Uint8Array[] = [];
  let last: T1Block | undefined;
  const send = async (b: T1Block) => {
    last = b;
    await line.write(encodeBlock(b, edc));
  };
  const sendNextChunk = async () => {
    const inf = tx.shift()!;
    const b: T1Block = { kind: "I", ns, more: tx.length > 0, inf };
    ns ^= 1;
    await send(b);
  };
  while (!options.shouldStop?.()) {
    let b: Awaited<ReturnType<typeof receiveBlock>>;
    try {
      b = await receiveBlock(line, edc, options.idleTimeoutMs ?? 3_600_000, 500);
    } catch {
      return; // line closed
    }
    if (!("kind" in b)) {
      if (b.timeout && !("invalid" in b && b.invalid.includes("truncated"))) return;
      line.discard?.();
      await line.write(encodeBlock({ kind: "R", nr, error: b.edcError ? 1 : 2 }, edc)); // ask again
      continue;
    }
    if (b.kind === "S") {
      if (b.response) continue; // WTX response: processing continues
      if (b.type === S_IFS) ifsd = b.inf[0] ?? ifsd;
      if (b.type === S_RESYNCH) {
        ns = 0;
        nr = 0;
        rx = [];
        tx = [];
      }
      await send({ kind: "S", type: b.type, response: true, inf: b.inf });
      continue;
    }
    if (b.kind === "R") {
      const lastI = last?.kind === "I" ? last : undefined;
      if (lastI && b.nr !== lastI.ns && tx.length > 0) await sendNextChunk();
      else if (last) await line.write(encodeBlock(last, edc)); // retransmission request
      continue;
    }
    // I-block
    if (b.ns !== nr) {
      if (last) await line.write(encodeBlock(last, edc)); // a repeated block: our answer was lost
      continue;
    }
    nr ^= 1;
    rx.push(b.inf);
    if (b.more) {
      await send({ kind: "R", nr, error: 0 });
      continue;
    }
    const apdu = concatBytes(...rx);
    rx = [];
    for (let i = 0; i < (options.wtxPerCommand ?? 0); i++) {
      await send({ kind: "S", type: S_WTX, response: false, inf: Uint8Array.of(2) });
      const w = await receiveBlock(line, edc, 2000, 500);
      if (!("kind" in w) || w.kind !== "S" || w.type !== S_WTX || !w.response) break;
    }
    if (options.ifsRequest !== undefined) {
      const value = options.ifsRequest;
      options = { ...options, ifsRequest: undefined };
      await send({ kind: "S", type: S_IFS, response: false, inf: Uint8Array.of(value) });
      await receiveBlock(line, edc, 2000, 500); // S(IFS response)
    }
    const response = process(apdu);
    tx = [];
    for (let off = 0; off < response.length; off += ifsd) tx.push(response.subarray(off, off + ifsd));
    if (tx.length === 0) tx.push(new Uint8Array(0));
    await sendNextChunk();
  }
}
