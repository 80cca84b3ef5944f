// File Control Information the card returns on SELECT, and the PSE directory records (EMV Book 1 §11.3.4,
// §12.2.3; contactless PPSE: EMV Book B §3.3).

import { encodeTlvs, type TlvInput } from "../emv/tlv/ber.js";
import type { ApplicationProfile, DataObject } from "./profile.js";

/** DF name of the Payment System Environment (Book 1 §12.2.2). */
export const PSE_NAME = new TextEncoder().encode("1PAY.SYS.DDF01");
/** DF name of the Proximity Payment System Environment (Book B §3.3). */
export const PPSE_NAME = new TextEncoder().encode("2PAY.SYS.DDF01");

const text = (s: string) => new TextEncoder().encode(s);
const prim = (tag: number, value: Uint8Array): TlvInput => ({ tag, value });
const objects = (list: readonly DataObject[]): TlvInput[] => list.map((d) => prim(d.tag, d.value));

/** Directory entry data objects shared by PSE records and the PPSE FCI: 4F, 50, 9F12, 87 (Book 1 §12.2.3 Table 47). */
function directoryEntry(app: ApplicationProfile): TlvInput {
  const children: TlvInput[] = [prim(0x4f, app.aid), prim(0x50, text(app.label))];
  if (app.preferredName !== undefined) children.push(prim(0x9f12, text(app.preferredName)));
  if (app.priorityIndicator !== undefined) children.push(prim(0x87, Uint8Array.of(app.priorityIndicator)));
  return { tag: 0x61, children };
}

/** FCI of an ADF (Book 1 §11.3.4 Table 45): 6F { 84 DF name, A5 { 50, 87, 9F38, 5F2D, 9F11, 9F12, BF0C } }. */
export function applicationFci(app: ApplicationProfile): Uint8Array {
  const a5: TlvInput[] = [prim(0x50, text(app.label))];
  if (app.priorityIndicator !== undefined) a5.push(prim(0x87, Uint8Array.of(app.priorityIndicator)));
  if (app.pdol !== undefined) a5.push(prim(0x9f38, app.pdol));
  if (app.language !== undefined) a5.push(prim(0x5f2d, text(app.language)));
  if (app.issuerCodeTableIndex !== undefined) a5.push(prim(0x9f11, Uint8Array.of(app.issuerCodeTableIndex)));
  if (app.preferredName !== undefined) a5.push(prim(0x9f12, text(app.preferredName)));
  a5.push(...objects(app.fciProprietary));
  if (app.fciIssuerDiscretionary.length > 0) a5.push({ tag: 0xbf0c, children: objects(app.fciIssuerDiscretionary) });
  return encodeTlvs([{ tag: 0x6f, children: [prim(0x84, app.aid), { tag: 0xa5, children: a5 }] }]);
}

/** FCI of the PSE DDF (Book 1 §11.3.4 Table 44): 6F { 84 '1PAY.SYS.DDF01', A5 { 88 SFI, 5F2D } }. */
export function pseFci(sfi: number, language: string | undefined): Uint8Array {
  const a5: TlvInput[] = [prim(0x88, Uint8Array.of(sfi))];
  if (language !== undefined) a5.push(prim(0x5f2d, text(language)));
  return encodeTlvs([{ tag: 0x6f, children: [prim(0x84, PSE_NAME), { tag: 0xa5, children: a5 }] }]);
}

/** PPSE FCI: 6F { 84 '2PAY.SYS.DDF01', A5 { BF0C { 61 {4F, 50, 87} … } } }. */
export function ppseFci(apps: readonly ApplicationProfile[]): Uint8Array {
  const entries = apps.filter((a) => a.inDirectory).map(directoryEntry);
  return encodeTlvs([
    { tag: 0x6f, children: [prim(0x84, PPSE_NAME), { tag: 0xa5, children: [{ tag: 0xbf0c, children: entries }] }] },
  ]);
}

/** PSE directory records (Book 1 §12.2.3): one application per record, 70 { 61 { 4F, 50, 9F12, 87 } }, numbered from 1. */
export function directoryRecords(apps: readonly ApplicationProfile[]): Uint8Array[] {
  return apps.filter((a) => a.inDirectory).map((a) => encodeTlvs([{ tag: 0x70, children: [directoryEntry(a)] }]));
}
