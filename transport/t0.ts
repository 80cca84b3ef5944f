// T=0 character protocol, terminal side (EMV Book 1 §9.2.2 and §9.3.1; ISO/IEC 7816-3 §10):
// a C-APDU becomes a TPDU (5-byte header CLA INS P1 P2 P3 plus data), procedure bytes steer the transfer.

import { concatBytes, toHex } from "../emv/bytes.js";
import { decodeCommandApdu } from "./apdu.js";
import { TransportError } from "./channel.js";
import { LineChannel, type LineIo } from "./line.js";
import { transmitWithTtl } from "./ttl.js";

/** Procedure byte NULL: the card asks for more time (Book 1 §9.2.2.3.1). */
export const T0_NULL = 0x60;

/** Exchanges one T=0 TPDU: header (5 bytes) and, for cases 3/4, the data sent after the card's ACK. */
export interface T0TpduPort {
  /** Returns the data received from the card (case 2) followed by SW1 SW2. */
  exchangeTpdu(header: Uint8Array, dataOut?: Uint8Array): Promise<Uint8Array>;
}

/**
 * Map a C-APDU to its T=0 TPDU (Book 1 §9.3.1.1–9.3.1.2): case 1 → P3 = 00; case 2 → P3 = Le (256 → 00);
 * cases 3 and 4 → P3 = Lc with the data, Le not sent (the card answers 61xx and data comes by GET RESPONSE).
 */
export function apduToTpdu(command: Uint8Array): { header: Uint8Array; dataOut: Uint8Array | undefined } {
  const c = decodeCommandApdu(command);
  if (c.extended) throw new TransportError("protocol", "T=0 cannot carry an extended-length APDU (use T=1)");
  if (c.data.length > 0) return { header: Uint8Array.of(c.cla, c.ins, c.p1, c.p2, c.data.length), dataOut: c.data };
  return { header: Uint8Array.of(c.cla, c.ins, c.p1, c.p2, (c.le ?? 0) & 0xff), dataOut: undefined };
}

/** Run a C-APDU over T=0 with GET RESPONSE / re-issue handling (Book 1 §9.3.1.3). */
export function transmitT0(port: T0TpduPort, command: Uint8Array): Promise<Uint8Array> {
  return transmitWithTtl((apdu) => {
    const { header, dataOut } = apduToTpdu(apdu);
    return port.exchangeTpdu(header, dataOut);
  }, command);
}

export interface T0LineOptions {
  /** Work waiting time in ms: the longest silence allowed before a procedure byte or data (Book 1 §9.2.2.1). */
  waitingTimeMs?: number;
}

/** Byte-level T=0 over a line: ACK (INS), ~INS (one byte), NULL (60), SW1 SW2 (Book 1 §9.2.2.3). */
export class T0LinePort implements T0TpduPort {
  private readonly wwt: number;
  constructor(
    private readonly line: LineIo,
    options: T0LineOptions = {},
  ) {
    this.wwt = options.waitingTimeMs ?? 2000;
  }

  async exchangeTpdu(header: Uint8Array, dataOut?: Uint8Array): Promise<Uint8Array> {
    if (header.length !== 5) throw new TransportError("protocol", `T=0 header of ${header.length} bytes (need 5)`);
    const ins = header[1]!;
    const p3 = header[4]!;
    const toReceive = dataOut ? 0 : p3 === 0 ? 256 : p3;
    const received: Uint8Array[] = [];
    let got = 0;
    let sent = 0;
    const what = `T=0 ${toHex(header)}`;
    await this.line.write(header);
    for (let nulls = 0; nulls < 100_000; ) {
      const pb = (await this.line.read(1, this.wwt))[0]!;
      if (pb === T0_NULL) {
        nulls++;
        continue;
      }
      if ((pb & 0xf0) === 0x60 || (pb & 0xf0) === 0x90) {
        const sw2 = (await this.line.read(1, this.wwt))[0]!;
        return concatBytes(...received, Uint8Array.of(pb, sw2));
      }
      if (pb === ins || pb === (ins ^ 0xff)) {
        const all = pb === ins;
        if (dataOut) {
          if (sent >= dataOut.length)
            throw new TransportError("protocol", `${what}: card sent ACK ${hexByte(pb)} but all data was sent`);
          const n = all ? dataOut.length - sent : 1;
          await this.line.write(dataOut.subarray(sent, sent + n));
          sent += n;
        } else {
          if (got >= toReceive)
            throw new TransportError("protocol", `${what}: card sent ACK ${hexByte(pb)} but all data was received`);
          const n = all ? toReceive - got : 1;
          received.push(await this.line.read(n, this.wwt));
          got += n;
        }
        continue;
      }
      throw new TransportError("protocol", `${what}: invalid procedure byte ${hexByte(pb)}`);
    }
    throw new TransportError("protocol", `${what}: card sent NULL procedure bytes without end`);
  }
}

function hexByte(b: number): string {
  return toHex(Uint8Array.of(b));
}

/** A CardChannel speaking T=0 on a line (e.g. a Phoenix reader after the ATR). */
export class T0Channel extends LineChannel {
  private readonly port: T0LinePort;
  constructor(line: LineIo, description: string, atr: Uint8Array | undefined, options: T0LineOptions = {}) {
    super(line, description, atr);
    this.port = new T0LinePort(line, options);
  }
  protected exchange(command: Uint8Array): Promise<Uint8Array> {
    return transmitT0(this.port, command);
  }
}

/**
 * Card side of T=0 on a line (used by the emulator's raw card line and by tests): reads TPDUs, answers
 * with procedure bytes, and holds response data for GET RESPONSE. `process` is the card's APDU handler.
 */
export async function serveT0Card(
  line: LineIo,
  process: (apdu: Uint8Array) => Uint8Array,
  opts: { idleTimeoutMs?: number; shouldStop?: () => boolean } = {},
): Promise<void> {
  let pending: Uint8Array | undefined; // response data waiting for GET RESPONSE
  while (!opts.shouldStop?.()) {
    let header: Uint8Array;
    try {
      header = await line.read(5, opts.idleTimeoutMs ?? 3_600_000);
    } catch {
      return;
    }
    const [cla, ins, p3] = [header[0]!, header[1]!, header[4]!];
    if (ins === 0xc0 && cla === 0x00 && pending) {
      const n = p3 === 0 ? 256 : p3;
      if (n > pending.length) {
        await line.write(Uint8Array.of(0x6c, pending.length & 0xff));
        continue;
      }
      const chunk = pending.subarray(0, n);
      const rest = pending.subarray(n);
      pending = rest.length > 0 ? rest : undefined;
      const sw = rest.length > 0 ? Uint8Array.of(0x61, Math.min(rest.length, 256) & 0xff) : Uint8Array.of(0x90, 0x00);
      await line.write(concatBytes(Uint8Array.of(ins), chunk, sw));
      continue;
    }
    pending = undefined;
    // Decide: incoming data (case 3/4) if the card's handler needs it — INS-based knowledge is not available, so
    // the card ACKs and reads P3 bytes for commands known to carry data (Book 3 commands with Lc).
    const carriesData = p3 > 0 && DATA_INS.has(ins);
    let apdu: Uint8Array;
    if (carriesData) {
      await line.write(Uint8Array.of(ins));
      const data = await line.read(p3, 5000);
      apdu = concatBytes(header.subarray(0, 4), Uint8Array.of(p3), data, Uint8Array.of(0));
    } else {
      apdu = p3 === 0 ? concatBytes(header.subarray(0, 4), Uint8Array.of(0)) : header;
    }
    const r = process(apdu);
    const data = r.subarray(0, r.length - 2);
    const sw1 = r[r.length - 2]!;
    const sw2 = r[r.length - 1]!;
    if (data.length === 0) {
      await line.write(Uint8Array.of(sw1, sw2));
    } else if (carriesData) {
      pending = data; // case 4: data by GET RESPONSE (Book 1 §9.3.1.2)
      await line.write(Uint8Array.of(0x61, data.length >= 256 ? 0 : data.length));
    } else {
      const le = p3 === 0 ? 256 : p3;
      if (le !== data.length) {
        await line.write(Uint8Array.of(0x6c, data.length & 0xff)); // Book 1 §9.3.1.2 case 2: wrong Le
      } else {
        await line.write(concatBytes(Uint8Array.of(ins), data, Uint8Array.of(sw1, sw2)));
      }
    }
  }
}

/** Instructions whose command carries data (EMV Book 3 §6.5 and ISO 7816-4): the card ACKs and reads Lc bytes. */
const DATA_INS: ReadonlySet<number> = new Set([
  0xa4, // SELECT
  0xa8, // GET PROCESSING OPTIONS
  0xae, // GENERATE AC
  0x88, // INTERNAL AUTHENTICATE
  0x82, // EXTERNAL AUTHENTICATE
  0x20, // VERIFY
  0x24, // CHANGE REFERENCE DATA / PIN CHANGE
  0x1e, // APPLICATION BLOCK
  0x18, // APPLICATION UNBLOCK
  0x16, // CARD BLOCK
  0xda, // PUT DATA
  0xdc, // UPDATE RECORD
  0xd6, // UPDATE BINARY
  0xe2, // APPEND RECORD
]);
