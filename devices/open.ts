// Reader URIs (one syntax for every command): emulator:<profile> (default), pcsc:<reader name> (pcsc: = first
// reader with a card), serial:<path>[?baud=…&mode=phoenix|framed&echo=1&reset=rts|dtr|none],
// hid:<vid>:<pid> or hid:<path>, replay:<trace file>.

import { boundedChannel, type CardChannel, EXCHANGE_BOUND_MS } from "../transport/channel.js";
import { ReplayChannel } from "../transport/replay.js";
import { GetResponseChannel } from "../transport/ttl.js";
import { atrInterface } from "./contactless-atr.js";

/** A reader URI that cannot be understood; the message is one line naming the problem. */
export class ReaderUriError extends Error {
  override readonly name = "ReaderUriError";
}

export type ReaderUri =
  | { kind: "emulator"; profile: string | undefined }
  | { kind: "pcsc"; reader: string | undefined }
  | {
      kind: "serial";
      path: string;
      baudRate: number;
      mode: "framed" | "phoenix";
      echo: boolean;
      reset: "rts" | "dtr" | "none";
    }
  | { kind: "hid"; target: string }
  | { kind: "replay"; file: string };

const KINDS = "emulator:, pcsc:, serial:, hid:, replay:";

export function parseReaderUri(uri: string): ReaderUri {
  const colon = uri.indexOf(":");
  if (colon < 0) throw new ReaderUriError(`reader URI '${uri}': missing kind (use ${KINDS})`);
  const kind = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  switch (kind) {
    case "emulator":
      return { kind, profile: rest || undefined };
    case "pcsc":
      return { kind, reader: rest || undefined };
    case "hid":
      if (!rest) throw new ReaderUriError(`reader URI '${uri}': hid needs <vid>:<pid> (hex) or a device path`);
      return { kind, target: rest };
    case "replay":
      if (!rest) throw new ReaderUriError(`reader URI '${uri}': replay needs a trace file`);
      return { kind, file: rest };
    case "serial": {
      const q = rest.indexOf("?");
      const path = q < 0 ? rest : rest.slice(0, q);
      if (!path) throw new ReaderUriError(`reader URI '${uri}': serial needs a device path`);
      const params = new URLSearchParams(q < 0 ? "" : rest.slice(q + 1));
      for (const k of params.keys())
        if (!["baud", "mode", "echo", "reset"].includes(k))
          throw new ReaderUriError(`reader URI '${uri}': unknown serial option '${k}' (baud, mode, echo, reset)`);
      const mode = params.get("mode") ?? "framed";
      if (mode !== "framed" && mode !== "phoenix")
        throw new ReaderUriError(`reader URI '${uri}': mode '${mode}' is not phoenix or framed`);
      const baudText = params.get("baud") ?? (mode === "phoenix" ? "9600" : "115200");
      const baudRate = Number(baudText);
      if (!Number.isInteger(baudRate) || baudRate < 300 || baudRate > 4_000_000)
        throw new ReaderUriError(`reader URI '${uri}': baud '${baudText}' is not a baud rate`);
      const reset = params.get("reset") ?? "rts";
      if (reset !== "rts" && reset !== "dtr" && reset !== "none")
        throw new ReaderUriError(`reader URI '${uri}': reset '${reset}' is not rts, dtr or none`);
      return { kind, path, baudRate, mode, echo: params.get("echo") === "1", reset };
    }
    default:
      throw new ReaderUriError(`reader URI '${uri}': unknown kind '${kind}' (use ${KINDS})`);
  }
}

export interface OpenReaderOptions {
  /** How long pcsc: waits for a card (default 5000 ms). */
  waitForCardMs?: number;
  /** Response timeout: framed readers (default 5000 ms), one APDU through pcscd's socket (default 60000 ms). */
  timeoutMs?: number;
  /** Opens an emulator:<profile> card (software cards live above devices/: serve/readers.ts passes this). */
  openEmulator?: (profile: string | undefined) => Promise<CardChannel>;
}

/**
 * Connect to the card in `name`; a card that has just been inserted may be present but not yet powered
 * (SCARD_W_UNPOWERED_CARD, 0x80100067): connecting again shortly after is what PC/SC applications do. Bounded by
 * `withinMs`, then the last error stands.
 */
async function connectWhenPowered(
  ctx: Awaited<ReturnType<typeof import("./pcsc.js").openPcscContext>>,
  name: string,
  withinMs: number,
) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await ctx.connect(name);
    } catch (e) {
      const unpowered = e instanceof Error && /0x80100067/.test(e.message);
      if (!unpowered || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Open a CardChannel for a reader URI; 61xx/6Cxx are resolved for readers that pass them through. Every channel is
 * bounded (transport/channel.ts boundedChannel) above the reader's own timeout: one that never answers ends in a
 * TransportError timeout, whatever the reader kind.
 */
export async function openReader(uri = "emulator:", options: OpenReaderOptions = {}): Promise<CardChannel> {
  const bound = options.timeoutMs === undefined ? EXCHANGE_BOUND_MS : options.timeoutMs + 1000;
  return boundedChannel(await openUnbounded(uri, options), bound);
}

async function openUnbounded(uri: string, options: OpenReaderOptions): Promise<CardChannel> {
  const r = parseReaderUri(uri);
  switch (r.kind) {
    case "emulator":
      if (!options.openEmulator) throw new ReaderUriError(`reader URI '${uri}': no emulator is available here`);
      return options.openEmulator(r.profile);
    case "pcsc": {
      const { openPcscContext } = await import("./pcsc.js");
      const ctx = await openPcscContext(
        options.timeoutMs === undefined ? {} : { transmitTimeoutMs: options.timeoutMs },
      );
      try {
        const waitMs = options.waitForCardMs ?? 5000;
        const name = await ctx.waitForCard(r.reader, waitMs);
        const channel = await connectWhenPowered(ctx, name, Math.min(waitMs, 2000));
        // The case 4 warning rule is T=0's (Book 1 §9.3.1.3): not under T=1, nor for a contactless card.
        const t0 = channel.activeProtocol === "T=0" && atrInterface(channel.atr).kind === "contact";
        return new GetResponseChannel(channel, { caseFourWarning: t0 });
      } catch (e) {
        await ctx.close();
        throw e;
      }
    }
    case "serial": {
      const serial = await import("./serial.js");
      const port = await serial.openSerial(
        r.mode === "phoenix"
          ? { path: r.path, baudRate: r.baudRate, parity: "even", stopBits: 2 }
          : { path: r.path, baudRate: r.baudRate },
      );
      if (r.mode === "phoenix") return serial.phoenixChannel(port, { echo: r.echo, resetLine: r.reset });
      return new GetResponseChannel(await serial.framedSerialChannel(port, { timeoutMs: options.timeoutMs }));
    }
    case "hid": {
      const { openHidReader } = await import("./hid.js");
      return new GetResponseChannel(await openHidReader(r.target, { timeoutMs: options.timeoutMs }));
    }
    case "replay":
      return ReplayChannel.fromFile(r.file);
  }
}
