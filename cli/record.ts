// `emvsim run --record <file>`: the session written as a trace file (JSON lines, transport/trace.ts) on any reader.
// Masked by default (PAN first 6 / last 4, track data hidden); with --unmask the exact bytes the card sent, which
// `--reader replay:<file>` needs. PIN data in VERIFY / PIN CHANGE commands is never written (traceCommand), and no
// key ever passes through the channel.

import type { CardChannel } from "../transport/channel.js";
import { traceToFile } from "../transport/trace.js";
import { UsageError } from "./command.js";

/** The channel, recording to `path` when given. A file that cannot be written is a one-line usage error. */
export function recordedChannel(channel: CardChannel, path: string | undefined, unmask: boolean): CardChannel {
  if (path === undefined) return channel;
  try {
    return traceToFile(channel, path, { unmasked: unmask });
  } catch (e) {
    throw new UsageError(`--record ${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
