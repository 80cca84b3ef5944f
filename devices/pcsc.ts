// PC/SC readers (PC/SC Workgroup spec Part 5; EMV Book 1 §9 through the reader's IFD handler). Two backends
// behind one interface: our own client of pcscd's socket (Linux and BSD pcsc-lite: no native build, no thread
// hop per APDU) and the optional native binding @pokusew/pcsclite (any platform with a PC/SC stack).

import { existsSync } from "node:fs";
import { TransportError } from "../transport/channel.js";
import type { PcscContext } from "./pcsc/context.js";
import { SUPPORTED_PROTOCOLS } from "./pcsc/wire.js";

export type { PcscChannel, PcscContext, PcscProtocol, PcscReaderInfo } from "./pcsc/context.js";
export { noCardError } from "./pcsc/context.js";

export type PcscBackend = "auto" | "socket" | "binding";

export interface OpenPcscOptions {
  /** Default: $EMVSIM_PCSC_BACKEND, else auto (pcscd's socket when it is there, else the binding). */
  backend?: PcscBackend;
  /** pcscd's socket; default $PCSCLITE_CSOCK_NAME or /run/pcscd/pcscd.comm. */
  socketPath?: string;
  /** Bound on one APDU exchange through the socket client (default 60000 ms). */
  transmitTimeoutMs?: number;
}

function backendOf(options: OpenPcscOptions): PcscBackend {
  const v = options.backend ?? process.env["EMVSIM_PCSC_BACKEND"] ?? "auto";
  if (v === "auto" || v === "socket" || v === "binding") return v;
  throw new TransportError("unavailable", `EMVSIM_PCSC_BACKEND='${v}' is not auto, socket or binding`);
}

/**
 * The native binding, when pcscd answers. The binding's context constructor calls libpcsclite on the main
 * thread and retries for as long as pcscd reports "no service" (measured: a stale socket or a daemon of another
 * protocol spins the process forever), so on a pcscd socket we first check that the daemon answers.
 */
async function openBinding(path: string, probe: boolean): Promise<PcscContext> {
  if (probe) {
    const { probePcscd } = await import("./pcsc/pcscd-client.js");
    await probePcscd(path);
  }
  const { BindingPcscContext } = await import("./pcsc/binding.js");
  return BindingPcscContext.open();
}

/** Open a PC/SC context with the chosen backend; errors say what is missing and how to get it. */
export async function openPcscContext(options: OpenPcscOptions = {}): Promise<PcscContext> {
  const backend = backendOf(options);
  const { SocketPcscContext, PcscdProtocolMismatch, pcscdSocketPath } = await import("./pcsc/pcscd-client.js");
  const path = options.socketPath ?? pcscdSocketPath();
  const socketOptions = { socketPath: path, transmitTimeoutMs: options.transmitTimeoutMs };
  if (backend === "socket") return SocketPcscContext.open(socketOptions);
  const hasSocket = existsSync(path);
  // Without pcscd's socket (macOS, Windows: the system's own PC/SC stack) only the binding can help.
  // On Linux the binding always goes through pcscd: probe it even without a socket (no pcscd → an error, not a spin).
  if (backend === "binding" || (process.platform !== "linux" && !hasSocket))
    return openBinding(path, hasSocket || process.platform === "linux");
  try {
    return await SocketPcscContext.open(socketOptions);
  } catch (e) {
    // A newer pcscd than the socket client knows: the system's libpcsclite (in the binding) speaks its protocol.
    const [major, minor] = SUPPORTED_PROTOCOLS.at(-1)!;
    if (!(e instanceof PcscdProtocolMismatch) || e.major !== major || e.minor <= minor) throw e;
    try {
      return await openBinding(path, false);
    } catch (b) {
      throw new TransportError(
        "unavailable",
        `${e.message}, and the native binding is not usable: ${(b as Error).message}`,
      );
    }
  }
}
