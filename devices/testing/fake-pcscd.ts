// An in-process stand-in for pcscd's socket (devices/pcsc/wire.ts, server side) for unit tests of the socket
// client: scripted readers and card answers, faults on demand (hang, close, errors, one byte per write).

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  encodeReadersState,
  MAX_READERNAME,
  PcscdCommand,
  type PcscdReaderState,
  ReaderStateBits,
  SCARD_E_SERVICE_STOPPED,
  SCARD_PROTOCOL_T1,
  SCARD_S_SUCCESS,
} from "../pcsc/wire.js";

/** What the card does with one APDU: answer it, fail with a PC/SC code, never answer, or drop the connection. */
export type FakeAnswer = Uint8Array | { rv: number } | "hang" | "close";

export interface FakePcscdOptions {
  /** Protocol version the daemon speaks (default 4.4). */
  version?: readonly [number, number];
  /** Reader table (default: one reader "Fake Reader 00 00" with a T=1 card). */
  readers?: PcscdReaderState[];
  /** Card behaviour per command APDU. */
  card?: (apdu: Uint8Array) => FakeAnswer;
  /** Write every reply one byte at a time (exercises reassembly in the client). */
  trickle?: boolean;
  /** Socket path (default: pcscd.comm in a new temporary folder, removed by stop()). */
  path?: string;
}

export interface ReceivedMessage {
  command: number;
  body: Buffer;
  /** TRANSMIT only: the command APDU. */
  apdu?: Buffer;
}

export const FAKE_READER = "Fake Reader 00 00";
export const FAKE_READER_ATR = Uint8Array.from([0x3b, 0x65, 0x00, 0x00, 0x20, 0x63, 0xcb, 0xa0, 0x00]);

export function cardInReader(name = FAKE_READER, atr: Uint8Array = FAKE_READER_ATR): PcscdReaderState {
  return {
    name,
    eventCounter: 1,
    state: ReaderStateBits.PRESENT | ReaderStateBits.POWERED | ReaderStateBits.NEGOTIABLE,
    sharing: 0,
    atr,
    protocol: 0,
  };
}

export function emptyReader(name: string): PcscdReaderState {
  return { name, eventCounter: 0, state: ReaderStateBits.ABSENT, sharing: 0, atr: new Uint8Array(0), protocol: 0 };
}

export class FakePcscd {
  readonly received: ReceivedMessage[] = [];
  readers: PcscdReaderState[];
  private readonly sockets = new Set<Socket>();
  private nextHandle = 0x1000;

  private constructor(
    private readonly server: Server,
    readonly path: string,
    private readonly dir: string,
    private readonly options: FakePcscdOptions,
  ) {
    this.readers = options.readers ?? [cardInReader()];
  }

  static async start(options: FakePcscdOptions = {}): Promise<FakePcscd> {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-fake-pcscd-"));
    const path = options.path ?? join(dir, "pcscd.comm");
    let fake: FakePcscd | undefined;
    const server = createServer((s) => fake?.serve(s));
    fake = new FakePcscd(server, path, dir, options);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return fake;
  }

  /** Command codes received so far, in order. */
  commands(): number[] {
    return this.received.map((m) => m.command);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => {});
    let buf = Buffer.alloc(0);
    let hung = false;
    socket.on("data", (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      for (;;) {
        if (hung || buf.length < 8) return;
        const size = buf.readUInt32LE(0);
        const command = buf.readUInt32LE(4);
        if (buf.length < 8 + size) return;
        const body = buf.subarray(8, 8 + size);
        let used = 8 + size;
        let apdu: Buffer | undefined;
        if (command === PcscdCommand.TRANSMIT) {
          const n = body.readUInt32LE(12);
          if (buf.length < used + n) return;
          apdu = Buffer.from(buf.subarray(used, used + n));
          used += n;
        }
        const message: ReceivedMessage = { command, body: Buffer.from(body), apdu };
        buf = buf.subarray(used);
        this.received.push(message);
        const reply = this.answer(message);
        if (reply === "hang") hung = true;
        else if (reply === "close") socket.destroy();
        else this.send(socket, reply);
      }
    });
  }

  private send(socket: Socket, bytes: Buffer): void {
    if (!this.options.trickle) {
      socket.write(bytes);
      return;
    }
    let i = 0;
    const next = () => {
      if (i >= bytes.length || socket.destroyed) return;
      socket.write(bytes.subarray(i, i + 1));
      i++;
      setImmediate(next);
    };
    next();
  }

  private answer(m: ReceivedMessage): Buffer | "hang" | "close" {
    const body = Buffer.from(m.body);
    switch (m.command) {
      case PcscdCommand.VERSION: {
        const [major, minor] = this.options.version ?? [4, 4];
        const ok = body.readInt32LE(0) === major && body.readInt32LE(4) === minor;
        body.writeInt32LE(major, 0);
        body.writeInt32LE(minor, 4);
        body.writeUInt32LE(ok ? SCARD_S_SUCCESS : SCARD_E_SERVICE_STOPPED, 8);
        return body;
      }
      case PcscdCommand.ESTABLISH_CONTEXT:
        body.writeUInt32LE(0x2a2a2a2a, 4);
        return body;
      case PcscdCommand.RELEASE_CONTEXT:
      case PcscdCommand.DISCONNECT:
        body.writeUInt32LE(SCARD_S_SUCCESS, body.length - 4);
        return body;
      case PcscdCommand.GET_READERS_STATE:
        return encodeReadersState(this.readers);
      case PcscdCommand.CONNECT: {
        const nul = body.indexOf(0, 4);
        const name = body.toString("utf8", 4, nul >= 0 && nul < 4 + MAX_READERNAME ? nul : 4 + MAX_READERNAME);
        const reader = this.readers.find((r) => r.name === name);
        const at = 4 + MAX_READERNAME + 8;
        if (!reader) body.writeUInt32LE(0x80100009, at + 8);
        else if (!(reader.state & ReaderStateBits.PRESENT)) body.writeUInt32LE(0x8010000c, at + 8);
        else {
          body.writeUInt32LE(this.nextHandle++, at);
          body.writeUInt32LE(SCARD_PROTOCOL_T1, at + 4);
          body.writeUInt32LE(SCARD_S_SUCCESS, at + 8);
        }
        return body;
      }
      case PcscdCommand.RECONNECT:
        body.writeUInt32LE(SCARD_PROTOCOL_T1, 16);
        body.writeUInt32LE(SCARD_S_SUCCESS, 20);
        return body;
      case PcscdCommand.TRANSMIT: {
        const answer = this.options.card?.(m.apdu!) ?? Uint8Array.from([0x6d, 0x00]);
        if (answer === "hang" || answer === "close") return answer;
        if (answer instanceof Uint8Array) {
          body.writeUInt32LE(answer.length, 24);
          body.writeUInt32LE(SCARD_S_SUCCESS, 28);
          return Buffer.concat([body, answer]);
        }
        body.writeUInt32LE(0, 24);
        body.writeUInt32LE(answer.rv >>> 0, 28);
        return body;
      }
      default:
        return "close"; // pcscd drops a client that sends an unknown command
    }
  }
}
