// The emulated card served on a serial port (or pty): the emvsim framed protocol (devices/README.md), or a raw
// card I/O line speaking T=0/T=1 after sending the ATR (for Phoenix-style readers and their tests).

import { openSerial, type SerialFactory, type SerialLike, serialLine } from "../devices/serial.js";
import { answerFrame, encodeFrame, FrameDecoder } from "../transport/framing.js";
import { serveT0Card } from "../transport/t0.js";
import { serveT1Card } from "../transport/t1.js";
import type { ServedCard } from "./served-card.js";

export interface SerialServerOptions {
  path: string;
  baudRate?: number;
  factory?: SerialFactory;
}

export interface RunningServer {
  close(): Promise<void>;
  /** Frames answered / garbage bytes skipped (framed mode). */
  readonly stats: { frames: number; discarded: number };
}

/** Answer framed requests on an open port. */
export function serveFramedOnPort(card: ServedCard, port: SerialLike): RunningServer {
  const decoder = new FrameDecoder();
  const stats = { frames: 0, discarded: 0 };
  port.on("data", (b) => {
    for (const f of decoder.push(new Uint8Array(b))) {
      stats.frames++;
      port.write(Buffer.from(encodeFrame(answerFrame(card, f))), () => {});
    }
    stats.discarded = decoder.discarded;
  });
  port.on("error", () => {});
  return {
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        card.powerOff();
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

/** Open the port and serve the card with the framed protocol until close(). */
export async function serveFramedSerial(card: ServedCard, options: SerialServerOptions): Promise<RunningServer> {
  const port = await openSerial({ path: options.path, baudRate: options.baudRate ?? 115200 }, options.factory);
  return serveFramedOnPort(card, port);
}

/** Raw card line: send the ATR, then run T=0 or T=1 (card side) on the port until close(). */
export async function serveRawCardLine(
  card: ServedCard,
  options: SerialServerOptions & { protocol: 0 | 1 },
): Promise<RunningServer> {
  const port = await openSerial({ path: options.path, baudRate: options.baudRate ?? 9600 }, options.factory);
  const line = serialLine(port);
  let stop = false;
  await line.write(card.powerOn());
  const process = (apdu: Uint8Array) => card.transmit(apdu);
  const running =
    options.protocol === 1
      ? serveT1Card(line, process, { shouldStop: () => stop })
      : serveT0Card(line, process, { shouldStop: () => stop });
  return {
    stats: { frames: 0, discarded: 0 },
    close: async () => {
      stop = true;
      card.powerOff();
      await line.close?.();
      await running.catch(() => {});
    },
  };
}
