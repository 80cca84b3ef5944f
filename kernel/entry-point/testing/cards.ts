// Test support: contactless cards as functions of the command (a responder channel), and the TLV pieces of PPSE
// and FCI responses built from their parts, for Entry Point and Kernel 3 flow tests.

import { fromHex, toHex } from "../../../emv/bytes.js";
import { encodeTlv } from "../../../emv/tlv/ber.js";
import type { CardChannel } from "../../../transport/channel.js";
import { TransportError } from "../../../transport/channel.js";

/** A response in hex (data ‖ SW), or a transport failure. */
export type Answer = string | { readonly transportError: "card-removed" | "timeout" };

export class ResponderChannel implements CardChannel {
  readonly description = "responder";
  readonly atr = undefined;
  readonly commands: string[] = [];
  constructor(private readonly respond: (command: string, index: number) => Answer) {}
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const hex = toHex(command);
    this.commands.push(hex);
    const a = this.respond(hex, this.commands.length - 1);
    if (typeof a !== "string") throw new TransportError(a.transportError, `test: ${a.transportError}`);
    return fromHex(a);
  }
  async close(): Promise<void> {}
}

const hex = (tag: number, value: string) => toHex(encodeTlv(tag, fromHex(value)));

export interface PpseEntry {
  readonly aid: string;
  readonly label?: string;
  readonly priority?: number;
  readonly kernel?: string;
  readonly extendedSelection?: string;
}

/** 6F (84 2PAY.SYS.DDF01, A5 (BF0C (61 …))) ‖ 9000. */
export function ppseResponse(entries: readonly PpseEntry[]): string {
  const dir = entries
    .map((e) =>
      hex(
        0x61,
        hex(0x4f, e.aid) +
          (e.label ? hex(0x50, toHex(new TextEncoder().encode(e.label))) : "") +
          (e.priority === undefined ? "" : hex(0x87, toHex(Uint8Array.of(e.priority)))) +
          (e.kernel === undefined ? "" : hex(0x9f2a, e.kernel)) +
          (e.extendedSelection ? hex(0x9f29, e.extendedSelection) : ""),
      ),
    )
    .join("");
  return `${hex(0x6f, hex(0x84, "325041592E5359532E4444463031") + hex(0xa5, hex(0xbf0c, dir)))}9000`;
}

/** An application FCI with a PDOL ‖ 9000. */
export function fciResponse(aid: string, pdol = "9F66049F02069F37045F2A02"): string {
  return `${hex(0x6f, hex(0x84, aid) + hex(0xa5, hex(0x50, "56495341") + (pdol ? hex(0x9f38, pdol) : "")))}9000`;
}

/** Template 77 of primitive data objects (tag hex → value hex) ‖ 9000. */
export function gpoResponse(objects: Readonly<Record<string, string>>, sw = "9000"): string {
  return `${hex(
    0x77,
    Object.entries(objects)
      .map(([t, v]) => hex(Number.parseInt(t, 16), v))
      .join(""),
  )}${sw}`;
}

/** A qVSDC online answer (ARQC in 9F27), no AFL. */
export const ONLINE_GPO: Readonly<Record<string, string>> = {
  "82": "2000",
  "57": "4761739001010010D22122011143844489",
  "9F10": "06010A03A00000",
  "9F26": "48325309BE82CBA2",
  "9F27": "80",
  "9F36": "0077",
};

export const SELECT_PPSE = "00A404000E325041592E5359532E444446303100";
export const selectCommand = (aid: string) => `00A40400${toHex(Uint8Array.of(aid.length / 2))}${aid}00`;
