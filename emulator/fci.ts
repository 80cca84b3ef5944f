// File Control Information the card returns on SELECT, and the PSE directory records (EMV Book 1 §11.3.4,
// §12.2.3; contactless PPSE: EMV Book B §3.3).

import { bytesEqual } from "../emv/bytes.js";
import { encodeTlvs, type TlvInput } from "../emv/tlv/ber.js";
import { TAG } from "../emv/tlv/tag-names.js";
import type {
  ApplicationProfile,
  CardInterface,
  ContactlessProfile,
  DataObject,
  DirectoryRecords,
  PseProfile,
} from "./profile-data.js";

/** DF name of the Payment System Environment (Book 1 §12.2.2). */
export const PSE_NAME = new TextEncoder().encode("1PAY.SYS.DDF01");
/** DF name of the Proximity Payment System Environment (Book B §3.3). */
export const PPSE_NAME = new TextEncoder().encode("2PAY.SYS.DDF01");

const text = (s: string) => new TextEncoder().encode(s);

/**
 * The FCIs and directory records depend on the profile alone (personalised data, Book 1 §11.3.4, §12.2.3): each is
 * built once per profile object (profiles are immutable) and the same bytes are returned after — callers must not
 * modify them (the card copies them into its response APDU).
 */
function once<K extends object, V>(cache: WeakMap<K, V>, key: K, build: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = build();
    cache.set(key, v);
  }
  return v;
}
const contactFcis = new WeakMap<ApplicationProfile, Uint8Array>();
const contactlessFcis = new WeakMap<ApplicationProfile, Uint8Array>();
const pseFcis = new WeakMap<PseProfile, Uint8Array>();
const ppseFcis = new WeakMap<readonly ApplicationProfile[], Uint8Array>();
const directories = new WeakMap<readonly ApplicationProfile[], readonly Uint8Array[]>();
const layouts = new WeakMap<DirectoryRecords, WeakMap<readonly ApplicationProfile[], readonly Uint8Array[]>>();
const prim = (tag: number, value: Uint8Array): TlvInput => ({ tag, value });
const objects = (list: readonly DataObject[]): TlvInput[] => list.map((d) => prim(d.tag, d.value));

/** Directory entry data objects shared by PSE records and the PPSE FCI: 4F, 50, 9F12, 87 (Book 1 §12.2.3 Table 47). */
function directoryEntry(app: ApplicationProfile): TlvInput {
  const children: TlvInput[] = [prim(0x4f, app.aid), prim(0x50, text(app.label))];
  if (app.preferredName !== undefined) children.push(prim(TAG.APPLICATION_PREFERRED_NAME, text(app.preferredName)));
  if (app.priorityIndicator !== undefined) children.push(prim(0x87, Uint8Array.of(app.priorityIndicator)));
  return { tag: TAG.APPLICATION_TEMPLATE, children };
}

/**
 * FCI of an ADF (Book 1 §11.3.4 Table 45): 6F { 84 DF name, A5 { 50, 87, 9F38, 5F2D, 9F11, 9F12, BF0C } }. On the
 * contactless interface the priority and PDOL are the application's contactless ones (Book C-3: PDOL with 9F66).
 * `misplacedPdol` (fault "pdol-outside-a5") goes in 6F after A5, where no PDOL belongs. Shared bytes: do not modify.
 */
export function applicationFci(
  app: ApplicationProfile,
  iface: CardInterface = "contact",
  misplacedPdol?: Uint8Array,
): Uint8Array {
  if (misplacedPdol) return buildApplicationFci(app, iface, misplacedPdol);
  return once(iface === "contactless" ? contactlessFcis : contactFcis, app, () => buildApplicationFci(app, iface));
}

function buildApplicationFci(app: ApplicationProfile, iface: CardInterface, misplacedPdol?: Uint8Array): Uint8Array {
  const cl = iface === "contactless" ? app.contactless : undefined;
  const priority = cl ? cl.priorityIndicator : app.priorityIndicator;
  const pdol = cl ? cl.pdol : app.pdol;
  const a5: TlvInput[] = [prim(TAG.APPLICATION_LABEL, text(app.label))];
  if (priority !== undefined) a5.push(prim(TAG.APPLICATION_PRIORITY_INDICATOR, Uint8Array.of(priority)));
  if (pdol !== undefined) a5.push(prim(TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST, pdol));
  if (app.language !== undefined) a5.push(prim(TAG.LANGUAGE_PREFERENCE, text(app.language)));
  if (app.issuerCodeTableIndex !== undefined)
    a5.push(prim(TAG.ISSUER_CODE_TABLE_INDEX, Uint8Array.of(app.issuerCodeTableIndex)));
  if (app.preferredName !== undefined) a5.push(prim(TAG.APPLICATION_PREFERRED_NAME, text(app.preferredName)));
  a5.push(...objects(app.fciProprietary));
  if (app.fciIssuerDiscretionary.length > 0)
    a5.push({
      tag: TAG.FILE_CONTROL_INFORMATION_ISSUER_DISCRETIONARY_DATA,
      children: objects(app.fciIssuerDiscretionary),
    });
  return encodeTlvs([
    {
      tag: TAG.FILE_CONTROL_INFORMATION_TEMPLATE,
      children: [
        prim(TAG.DEDICATED_FILE_NAME, app.aid),
        { tag: TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE, children: a5 },
        ...(misplacedPdol ? [prim(TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST, misplacedPdol)] : []),
      ],
    },
  ]);
}

/** FCI of the PSE DDF (Book 1 §11.3.4 Table 44): 6F { 84 '1PAY.SYS.DDF01', A5 { 88 SFI, 5F2D } }. Shared bytes. */
export function pseFci(pse: PseProfile): Uint8Array {
  return once(pseFcis, pse, () => ddfFci(PSE_NAME, pse.sfi, pse.language));
}

/** FCI of a DDF (Book 1 §11.3.4 Table 44): 6F { 84 DF name, A5 { 88 SFI of its directory, 5F2D } }. */
export function ddfFci(name: Uint8Array, sfi: number, language: string | undefined): Uint8Array {
  const a5: TlvInput[] = [prim(0x88, Uint8Array.of(sfi))];
  if (language !== undefined) a5.push(prim(TAG.LANGUAGE_PREFERENCE, text(language)));
  return encodeTlvs([
    {
      tag: TAG.FILE_CONTROL_INFORMATION_TEMPLATE,
      children: [
        prim(TAG.DEDICATED_FILE_NAME, name),
        { tag: TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE, children: a5 },
      ],
    },
  ]);
}

/**
 * PPSE directory entry (EMV Contactless Book B §3.3): 61 { 4F ADF Name, 50 Application Label, 87 Application Priority
 * Indicator, 9F2A Kernel Identifier, 9F29 Extended Selection }, the optional ones only when the profile gives them.
 */
function ppseEntry(app: ApplicationProfile, cl: ContactlessProfile): TlvInput {
  const children: TlvInput[] = [
    prim(TAG.APPLICATION_DEDICATED_FILE_NAME, app.aid),
    prim(TAG.APPLICATION_LABEL, text(app.label)),
  ];
  if (cl.priorityIndicator !== undefined)
    children.push(prim(TAG.APPLICATION_PRIORITY_INDICATOR, Uint8Array.of(cl.priorityIndicator)));
  if (cl.kernelIdentifier !== undefined) children.push(prim(TAG.KERNEL_IDENTIFIER, cl.kernelIdentifier));
  if (cl.extendedSelection !== undefined) children.push(prim(TAG.EXTENDED_SELECTION, cl.extendedSelection));
  return { tag: TAG.APPLICATION_TEMPLATE, children };
}

/**
 * PPSE FCI (Book B §3.3): 6F { 84 '2PAY.SYS.DDF01', A5 { BF0C { 61 … } } }, one entry per contactless application in
 * the directory, in profile order; no SFI (88), unlike the contact PSE. Shared bytes: do not modify.
 */
export function ppseFci(apps: readonly ApplicationProfile[]): Uint8Array {
  return once(ppseFcis, apps, () => buildPpseFci(apps));
}

function buildPpseFci(apps: readonly ApplicationProfile[]): Uint8Array {
  const entries: TlvInput[] = [];
  for (const a of apps) if (a.contactless && a.inDirectory) entries.push(ppseEntry(a, a.contactless));
  return encodeTlvs([
    {
      tag: TAG.FILE_CONTROL_INFORMATION_TEMPLATE,
      children: [
        prim(TAG.DEDICATED_FILE_NAME, PPSE_NAME),
        {
          tag: TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE,
          children: [{ tag: TAG.FILE_CONTROL_INFORMATION_ISSUER_DISCRETIONARY_DATA, children: entries }],
        },
      ],
    },
  ]);
}

/**
 * PSE directory records (Book 1 §12.2.3): one application per record, 70 { 61 { 4F, 50, 9F12, 87 } }, numbered from 1.
 * Shared bytes: do not modify.
 */
export function directoryRecords(apps: readonly ApplicationProfile[]): readonly Uint8Array[] {
  return once(directories, apps, () =>
    apps
      .filter((a) => a.inDirectory)
      .map((a) => encodeTlvs([{ tag: TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE, children: [directoryEntry(a)] }])),
  );
}

/**
 * Directory records laid out by the profile (Book 1 §12.2.3): 70 { 61 … 61 … } per record, an ADF entry from the
 * application with that AID, a DDF entry as 61 { 9D DDF name }. Shared bytes: do not modify.
 */
export function layoutRecords(records: DirectoryRecords, apps: readonly ApplicationProfile[]): readonly Uint8Array[] {
  return once(
    once(layouts, records, () => new WeakMap()),
    apps,
    () => buildLayoutRecords(records, apps),
  );
}

function buildLayoutRecords(records: DirectoryRecords, apps: readonly ApplicationProfile[]): Uint8Array[] {
  return records.map((entries) => {
    const children: TlvInput[] = [];
    for (const e of entries) {
      if (e.kind === "ddf") {
        children.push({ tag: TAG.APPLICATION_TEMPLATE, children: [prim(TAG.DIRECTORY_DEFINITION_FILE_NAME, e.name)] });
        continue;
      }
      // The profile check makes every ADF entry name an application of the card.
      const app = apps.find((a) => bytesEqual(a.aid, e.aid));
      if (app) children.push(directoryEntry(app));
    }
    return encodeTlvs([{ tag: TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE, children }]);
  });
}
