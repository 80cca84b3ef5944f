// Test support: a minimal contactless reader driving an emulated card by APDUs (Book B: SELECT PPSE, final SELECT;
// Book C-3: GPO with the PDOL data, READ RECORD by AFL). Plain byte handling, none of the emulator's own helpers.

import { fromHex, toHex } from "../../../emv/bytes.js";
import { decodeTlv, decodeTlvs, findTlv, type Tlv } from "../../../emv/tlv/ber.js";
import { buildDolData, parseDol } from "../../../emv/tlv/dol.js";
import { EmulatedCard } from "../../card.js";
import { type CardInterface, type Fault, loadProfile } from "../../profile.js";

export const PPSE_SELECT = "00A404000E325041592E5359532E444446303100";
export const PSE_SELECT = "00A404000E315041592E5359532E444446303100";

/** Terminal data for the PDOL (amount 10.00 USD, date 2026-12-03); tests override entries. */
export const TERMINAL_DATA: Readonly<Record<string, string>> = {
  "9F66": "36204000",
  "9F02": "000000001000",
  "9F03": "000000000000",
  "9F1A": "0840",
  "95": "0000000000",
  "5F2A": "0840",
  "9A": "261203",
  "9C": "00",
  "9F37": "ABABABAB",
};

export interface Response {
  readonly data: Uint8Array;
  readonly sw: string;
}

export function split(r: Uint8Array): Response {
  return { data: r.subarray(0, r.length - 2), sw: toHex(r.subarray(r.length - 2)) };
}

/** A short command APDU with Le 00. */
export function apdu(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = fromHex(header);
  return Uint8Array.from([...h, ...(data.length > 0 ? [data.length, ...data] : []), 0x00]);
}

/** A card opened on one interface with a counting random source (repeatable), optionally with extra faults. */
export function openCard(
  id: string,
  iface: CardInterface = "contactless",
  faults: readonly Fault[] = [],
): EmulatedCard {
  const r = loadProfile(id);
  if (!r.ok) throw r.error;
  let n = 0;
  const profile = faults.length ? { ...r.value, faults: [...r.value.faults, ...faults] } : r.value;
  const card = new EmulatedCard(profile, {
    interface: iface,
    random: (k) => Uint8Array.from({ length: k }, () => ++n & 0xff),
  });
  card.powerOn();
  return card;
}

export function selectAid(card: EmulatedCard, aid: Uint8Array): Response {
  return split(card.transmit(apdu("00A40400", aid)));
}

/** GET PROCESSING OPTIONS with the PDOL of the FCI filled from TERMINAL_DATA and `terminal`. */
export function gpo(
  card: EmulatedCard,
  fci: Uint8Array,
  terminal: Readonly<Record<string, string>> = {},
): { readonly response: Response; readonly pdolData: Uint8Array; readonly values: Map<string, Uint8Array> } {
  const pdol = findTlv(decodeTlvs(fci), 0x9f38)?.value ?? new Uint8Array(0);
  const all = { ...TERMINAL_DATA, ...terminal };
  const values = new Map<string, Uint8Array>();
  const pdolData = buildDolData(parseDol(pdol), {
    get: (tag: number) => {
      const hex = all[tag.toString(16).toUpperCase()];
      if (hex === undefined) return undefined;
      values.set(tag.toString(16).toUpperCase(), fromHex(hex));
      return fromHex(hex);
    },
  });
  const response = split(card.transmit(apdu("80A80000", Uint8Array.from([0x83, pdolData.length, ...pdolData]))));
  return { response, pdolData, values };
}

/** The children of template 77 by tag hex, in order. */
export function template77(data: Uint8Array): Tlv[] {
  const t = decodeTlv(data);
  if (t.tag !== 0x77) throw new Error(`expected template 77, got ${t.tag.toString(16)}`);
  return t.children ?? [];
}

export function child(nodes: readonly Tlv[], tagHex: string): Uint8Array | undefined {
  return nodes.find((n) => n.tag === Number.parseInt(tagHex, 16))?.value;
}

/** READ RECORD of every record the AFL names (Book 3 §10.2), with the responses. */
export function readAfl(card: EmulatedCard, afl: Uint8Array): Response[] {
  const out: Response[] = [];
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let rec = afl[i + 1]!; rec <= afl[i + 2]!; rec++)
      out.push(split(card.transmit(Uint8Array.of(0x00, 0xb2, rec, (sfi << 3) | 4, 0x00))));
  }
  return out;
}
