// Contactless catalog, Entry Point (EMV Contactless Book B), families modelled on EMVCo's 2EA–2EF: general,
// pre-processing (§3.1), protocol activation (§3.2), combination selection (§3.3), kernel activation (§3.4),
// outcome processing (§3.5). Kernel 3 runs behind Entry Point; the cards are scripted unless a profile is named.

import { fromHex, toHex } from "../../emv/bytes.js";
import { encodeTlv } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CombinationJson, ContactlessCase, ScriptedCard } from "./contactless-types.js";

/** An application FCI (6F: 84 the AID, A5: 50 "VISA", 9F38 the PDOL when given) ‖ 9000. */
export function fci(aid: string, pdol: string): string {
  const t = (tag: number, hex: string) => encodeTlv(tag, fromHex(hex));
  const a5 = [
    t(TAG.APPLICATION_LABEL, "56495341"),
    ...(pdol ? [t(TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST, pdol)] : []),
  ];
  const body = [
    t(TAG.DEDICATED_FILE_NAME, aid),
    t(TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE, a5.map((x) => toHex(x)).join("")),
  ];
  return `${toHex(encodeTlv(TAG.FILE_CONTROL_INFORMATION_TEMPLATE, fromHex(body.map((x) => toHex(x)).join(""))))}9000`;
}
const PDOL = "9F66049F02069F37045F2A02";

export const VISA = "A0000000031010";
export const ELECTRON = "A0000000032010";
export const MASTERCARD = "A0000000041010";
/** A qVSDC card's online answer: ARQC (9F27 80), no AFL, no CTQ. */
export const ARQC: Readonly<Record<string, string>> = {
  "82": "2000",
  "57": "4761739001010010D22122011143844489",
  "9F10": "06010A03A00000",
  "9F26": "48325309BE82CBA2",
  "9F27": "80",
  "9F36": "0077",
};
export const TAP = ["SELECT PPSE", "SELECT", "GET PROCESSING OPTIONS"] as const;
const PPSE = ["SELECT PPSE"] as const;

/** Visa kernel 3: TTQ 36004000 (qVSDC, contact chip, online PIN, signature), limits 100.00 / 50.00 / 30.00. */
export const BASE: CombinationJson = {
  aid: VISA,
  kernel: 3,
  ttq: "36004000",
  transactionLimit: 10000,
  floorLimit: 5000,
  cvmRequiredLimit: 3000,
  statusCheckSupport: true,
  zeroAmountAllowed: true,
};
const reader = (...combinations: CombinationJson[]) => ({ combinations });
const online = (extra: Partial<ScriptedCard> = {}): { script: ScriptedCard } => ({
  script: { ppse: [{ aid: VISA }], gpo: ARQC, ...extra },
});

/** 2EB: one case per Book B §3.1.1 rule, on the amount's side of each limit; TTQ byte 2 as sent in the GPO. */
function preProcessing(): ContactlessCase[] {
  const ttq = (id: string, amount: number, want: string, title: string, ref: string, why: string, cvm = "No CVM") =>
    ({
      id,
      family: "2EB pre-processing",
      title,
      ref,
      card: online(),
      reader: reader(BASE),
      params: { amount },
      expected: {
        outcome: "Online Request",
        ops: { cvm: cvm as "No CVM" },
        ttq: want,
        commands: [...TAP],
      },
      why,
    }) satisfies ContactlessCase;
  const tai = (id: string, amount: number, c: CombinationJson, want: string, title: string, ref: string, why: string) =>
    ({
      id,
      family: "2EB pre-processing",
      title,
      ref,
      card: online(),
      reader: reader(c),
      params: { amount },
      expected: { outcome: "Try Another Interface", uiMessage: 0x18, ttq: want, commands: [] },
      why,
    }) satisfies ContactlessCase;
  return [
    ttq(
      "EPB-001",
      1000,
      "36004000",
      "10.00 under every limit: TTQ byte 2 stays 00",
      "Book B §3.1.1.2",
      "No indicator is set, so the copy is the configured TTQ with b8–b7 clear.",
    ),
    ttq(
      "EPB-002",
      3000,
      "36404000",
      "Amount equal to the CVM Required Limit: CVM required",
      "Book B §3.1.1.8, §3.1.1.12",
      "amount >= limit sets Reader CVM Required Limit Exceeded → TTQ b2b7; the card names no CVM, the reader's signature is used.",
      "Obtain Signature",
    ),
    ttq(
      "EPB-003",
      2999,
      "36004000",
      "One unit under the CVM Required Limit: no CVM",
      "Book B §3.1.1.8",
      "2999 < 3000: the indicator stays 0.",
    ),
    ttq(
      "EPB-004",
      5000,
      "36404000",
      "Amount equal to the floor limit: not exceeded (strict >)",
      "Book B §3.1.1.6",
      "Floor limit exceeded needs amount > limit; CVM required (5000 ≥ 3000).",
      "Obtain Signature",
    ),
    ttq(
      "EPB-005",
      5001,
      "36C04000",
      "One unit over the floor limit: online cryptogram required",
      "Book B §3.1.1.6, §3.1.1.9",
      "5001 > 5000 sets the indicator → TTQ b2b8; CVM required too.",
      "Obtain Signature",
    ),
    ttq(
      "EPB-006",
      9999,
      "36C04000",
      "One unit under the transaction limit is still contactless",
      "Book B §3.1.1.5",
      "9999 < 10000: allowed.",
      "Obtain Signature",
    ),
    tai(
      "EPB-007",
      10000,
      BASE,
      "36C04000",
      "Amount equal to the transaction limit: Try Another Interface",
      "Book B §3.1.1.5, §3.1.1.13",
      "amount >= limit: not allowed for the only combination → Try Another Interface, 'Please Insert or Swipe Card'.",
    ),
    ttq(
      "EPB-008",
      100,
      "36804000",
      "Status check: one unit of currency asks for an online cryptogram",
      "Book B §3.1.1.3, §3.1.1.10",
      "Status Check Support on and 1.00 = one unit → Status Check Requested → TTQ b2b8.",
    ),
    {
      ...ttq(
        "EPB-009",
        100,
        "36004000",
        "One unit without status check support: nothing set",
        "Book B §3.1.1.3",
        "The indicator needs the Status Check Support flag.",
      ),
      reader: reader({ ...BASE, statusCheckSupport: false }),
    },
    ttq(
      "EPB-010",
      0,
      "36804000",
      "Zero amount allowed on an online-capable reader: online cryptogram required",
      "Book B §3.1.1.4, §3.1.1.11",
      "Zero Amount indicator with TTQ b1b4 clear → TTQ b2b8.",
    ),
    tai(
      "EPB-011",
      0,
      { ...BASE, zeroAmountAllowed: false },
      "36004000",
      "Zero amount not allowed: Try Another Interface",
      "Book B §3.1.1.4, §3.1.1.13",
      "Zero Amount Allowed 0 → Contactless Application Not Allowed for the only combination.",
    ),
    tai(
      "EPB-012",
      0,
      { ...BASE, ttq: "2E004000" },
      "2E004000",
      "Zero amount on an offline-only reader: not allowed",
      "Book B §3.1.1.11",
      "TTQ b1b4 (offline only) with the Zero Amount indicator → Contactless Application Not Allowed.",
    ),
    {
      ...ttq(
        "EPB-013",
        5001,
        "36804000",
        "No reader floor limit: the terminal floor limit 9F1B (50.00) is used",
        "Book B §3.1.1.7",
        "attended-pos's 9F1B for A0000000031010 is 5000; 5001 > 5000 → online cryptogram required.",
      ),
      reader: reader({ aid: VISA, kernel: 3, ttq: "36004000", transactionLimit: 10000 }),
    },
    {
      ...ttq(
        "EPB-014",
        5000,
        "36004000",
        "No reader floor limit, amount at 9F1B: not exceeded",
        "Book B §3.1.1.7",
        "5000 is not > 5000.",
      ),
      reader: reader({ aid: VISA, kernel: 3, ttq: "36004000", transactionLimit: 10000 }),
    },
    {
      id: "EPB-015",
      family: "2EB pre-processing",
      title: "Only the combination over its limit is left out: the other AID is selected",
      ref: "Book B §3.1.1.5, §3.3.2.5",
      card: {
        script: {
          ppse: [
            { aid: VISA, priority: 1 },
            { aid: ELECTRON, priority: 2 },
          ],
          gpo: ARQC,
        },
      },
      reader: reader({ ...BASE, transactionLimit: 1000 }, { ...BASE, aid: ELECTRON }),
      params: { amount: 1000 },
      expected: { outcome: "Online Request", selected: ELECTRON, ttq: "36004000", commands: [...TAP] },
      why: "Visa's combination is not allowed at 10.00 (limit 10.00), so only Visa Electron's takes candidates.",
    },
  ];
}

/** 2EC: the field gives a card, a collision, or nothing; a card leaving the field restarts at protocol activation. */
const PROTOCOL: ContactlessCase[] = [
  {
    id: "EPC-001",
    family: "2EC protocol activation",
    title: "Collision, then one card: the tap goes on",
    ref: "Book B §3.2.1",
    card: online(),
    reader: reader(BASE),
    field: ["collision", "card"],
    expected: { outcome: "Online Request", commands: [...TAP], taps: 1 },
    why: "More than one card: 'Please Present One Card Only' and poll again; the second poll finds one card.",
  },
  {
    id: "EPC-002",
    family: "2EC protocol activation",
    title: "Collision on every poll: End Application with 'Please Present One Card Only'",
    ref: "Book B §3.2.1",
    card: online(),
    reader: reader(BASE),
    field: ["collision"],
    expected: { outcome: "End Application", uiMessage: 0x19, commands: [], taps: 0 },
    why: "The reader's poll bound (3) ends the tap; no command reaches a card.",
  },
  {
    id: "EPC-003",
    family: "2EC protocol activation",
    title: "No card within the field's wait: End Application",
    ref: "Book B §3.2.1",
    card: online(),
    reader: reader(BASE),
    field: ["no-card"],
    expected: { outcome: "End Application", commands: [], reasonContains: "no card presented" },
    why: "Protocol activation reports no card; nothing is sent.",
  },
  {
    id: "EPC-004",
    family: "2EC protocol activation",
    title: "Card removed during SELECT PPSE: back to protocol activation, tapped again",
    ref: "Book B §3.3.3.7",
    card: online({ removedAt: 0 }),
    reader: reader(BASE),
    expected: { outcome: "Online Request", commands: ["SELECT PPSE", ...TAP], taps: 2 },
    why: "A communication error during combination selection returns to Start B.",
  },
  {
    id: "EPC-005",
    family: "2EC protocol activation",
    title: "Card removed during the final SELECT: Start B, PPSE again",
    ref: "Book B §3.3.3.7",
    card: online({ removedAt: 1 }),
    reader: reader(BASE),
    expected: { outcome: "Online Request", commands: ["SELECT PPSE", "SELECT", ...TAP], taps: 2 },
    why: "A communication error during final combination selection returns to Start B.",
  },
  {
    id: "EPC-006",
    family: "2EC protocol activation",
    title: "Card removed during GPO: the kernel's Try Again restarts at B",
    ref: "Book A §6.2 (Try Again), Book B §3.5",
    card: online({ removedAt: 2 }),
    reader: reader(BASE),
    expected: {
      outcome: "Online Request",
      outcomes: ["Try Again", "Online Request"],
      commands: [...TAP, ...TAP],
      taps: 2,
    },
    why: "A communication error inside the kernel is Try Again with 'Present Card Again' on restart (Start B).",
  },
];

const e = (
  id: string,
  c: Partial<ContactlessCase> & Pick<ContactlessCase, "title" | "ref" | "card" | "expected" | "why">,
) => ({ id, family: "2ED combination selection", reader: reader(BASE), ...c }) as ContactlessCase;

/** 2ED: PPSE directory entries against the reader's combinations. */
const SELECTION: ContactlessCase[] = [
  e("EPD-001", {
    title: "One entry with the reader's AID: exact match",
    ref: "Book B §3.3.2.5 B",
    card: online(),
    expected: { outcome: "Online Request", selected: VISA, commands: [...TAP] },
    why: "ADF Name = reader AID.",
  }),
  e("EPD-002", {
    title: "Reader AID A000000003 matches ADF Name A0000000031010 as a prefix",
    ref: "Book B §3.3.2.5 B",
    reader: reader({ ...BASE, aid: "A000000003" }),
    card: online(),
    expected: { outcome: "Online Request", selected: VISA, commands: [...TAP] },
    why: "The ADF Name begins with the reader AID (partial match).",
  }),
  e("EPD-003", {
    title: "ADF Name shorter than the reader AID: no match, End Application",
    ref: "Book B §3.3.2.5 B, §3.3.2.7",
    card: { script: { ppse: [{ aid: "A000000003" }], gpo: ARQC } },
    expected: { outcome: "End Application", uiMessage: 0x1c, commands: [...PPSE] },
    why: "A000000003 does not begin with A0000000031010; the empty candidate list ends the application.",
  }),
  e("EPD-004", {
    title: "Priority 1 wins over priority 2 listed first",
    ref: "Book B §3.3.3.2",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: {
        ppse: [
          { aid: ELECTRON, priority: 2 },
          { aid: VISA, priority: 1 },
        ],
        gpo: ARQC,
      },
    },
    expected: { outcome: "Online Request", selected: VISA, commands: [...TAP] },
    why: "Highest priority first.",
  }),
  e("EPD-005", {
    title: "Equal priorities: the first in the PPSE",
    ref: "Book B §3.3.3.2",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: {
        ppse: [
          { aid: ELECTRON, priority: 1 },
          { aid: VISA, priority: 1 },
        ],
        gpo: ARQC,
      },
    },
    expected: { outcome: "Online Request", selected: ELECTRON, commands: [...TAP] },
    why: "Ties go to the lowest PPSE order.",
  }),
  e("EPD-006", {
    title: "Priority 0 is the lowest: priority 3 wins",
    ref: "Book B §3.3.3.2",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: {
        ppse: [
          { aid: VISA, priority: 0 },
          { aid: ELECTRON, priority: 3 },
        ],
        gpo: ARQC,
      },
    },
    expected: { outcome: "Online Request", selected: ELECTRON, commands: [...TAP] },
    why: "An API of 0 (or none) is of equal lowest priority.",
  }),
  e("EPD-007", {
    title: "Kernel Identifier 02 on a Visa entry: not a kernel 3 candidate",
    ref: "Book B §3.3.2.5 C, D",
    card: { script: { ppse: [{ aid: VISA, kernel: "02" }], gpo: ARQC } },
    expected: { outcome: "End Application", commands: [...PPSE] },
    why: "Requested Kernel ID 02 differs from the combination's kernel 3.",
  }),
  e("EPD-008", {
    title: "No Kernel Identifier on a Mastercard AID: default kernel 2 by RID",
    ref: "Book B §3.3.2.5 C, Table 3-6",
    reader: reader({ ...BASE, aid: MASTERCARD }),
    card: { script: { ppse: [{ aid: MASTERCARD }], gpo: ARQC } },
    expected: { outcome: "End Application", commands: [...PPSE] },
    why: "A000000004 defaults to kernel 2, which the kernel 3 combination does not match.",
  }),
  e("EPD-009", {
    title: "An RID without a default kernel and no 9F2A: Requested Kernel ID 0 matches any kernel",
    ref: "Book B §3.3.2.5 C, D",
    reader: reader({ ...BASE, aid: "B012345678" }),
    card: { script: { ppse: [{ aid: "B0123456781010" }], gpo: ARQC } },
    expected: { outcome: "Online Request", selected: "B0123456781010", commands: [...TAP] },
    why: "Requested Kernel ID 0 is supported by every combination.",
  }),
  e("EPD-010", {
    title: "A domestic Kernel Identifier of 2 bytes skips the entry",
    ref: "Book B §3.3.2.5 C",
    card: { script: { ppse: [{ aid: VISA, kernel: "C102" }], gpo: ARQC } },
    expected: { outcome: "End Application", commands: [...PPSE] },
    why: "b8–b7 = 11 needs at least 3 bytes.",
  }),
  e("EPD-011", {
    title: "The final SELECT fails (6A82): the candidate is removed and the next selected",
    ref: "Book B §3.3.3.5",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: {
        ppse: [
          { aid: VISA, priority: 1 },
          { aid: ELECTRON, priority: 2 },
        ],
        gpo: ARQC,
        selects: { [VISA]: "6A82" },
      },
    },
    expected: {
      outcome: "Online Request",
      selected: ELECTRON,
      commands: ["SELECT PPSE", "SELECT", "SELECT", "GET PROCESSING OPTIONS"],
    },
    why: "SW other than 9000 on SELECT (AID) → remove and return to Start C.",
  }),
  e("EPD-012", {
    title: "SELECT PPSE answered 6A82: End Application",
    ref: "Book B §3.3.2.3, §3.3.2.7",
    card: { script: { ppse: "6A82", gpo: ARQC } },
    expected: { outcome: "End Application", uiMessage: 0x1c, ops: { start: "N/A", cvm: "N/A" }, commands: [...PPSE] },
    why: "No candidates; End Application with 'Insert, Swipe or Try Another Card', status Ready to Read.",
  }),
  e("EPD-013", {
    title: "PPSE without directory entries: End Application",
    ref: "Book B §3.3.2.4, §3.3.2.7",
    card: { script: { ppse: [], gpo: ARQC } },
    expected: { outcome: "End Application", uiMessage: 0x1c, commands: [...PPSE] },
    why: "No 61 entries → no candidates.",
  }),
  e("EPD-014", {
    title: "Extended Selection appended to the ADF Name when the combination supports it",
    ref: "Book B §3.3.3.3",
    reader: reader({ ...BASE, extendedSelectionSupport: true }),
    card: {
      script: {
        ppse: [{ aid: VISA, extendedSelection: "0102" }],
        gpo: ARQC,
        selects: { [`${VISA}0102`]: fci(VISA, PDOL) },
      },
    },
    expected: { outcome: "Online Request", commands: [...TAP] },
    why: "9F29 present and Extended Selection Support set: SELECT data = ADF Name ‖ Extended Selection.",
  }),
  e("EPD-015", {
    title: "Every final SELECT fails: End Application",
    ref: "Book B §3.3.3.5, §3.3.2.7",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: { ppse: [{ aid: VISA }, { aid: ELECTRON }], gpo: ARQC, selects: { [VISA]: "6A82", [ELECTRON]: "6283" } },
    },
    expected: { outcome: "End Application", commands: ["SELECT PPSE", "SELECT", "SELECT"] },
    why: "Both candidates are removed; the empty list ends the application.",
  }),
];

const k = (id: string, c: Omit<ContactlessCase, "id" | "family">) =>
  ({ id, family: "2EE kernel activation", ...c }) as ContactlessCase;

/** 2EE: what reaches the kernel, and which kernel. */
const ACTIVATION: ContactlessCase[] = [
  k("EPE-001", {
    title: "Visa AID for kernel 3 whose PDOL lacks 9F66: removed (no kernel 1)",
    ref: "Book B §3.3.3.6",
    reader: reader(BASE),
    card: { script: { ppse: [{ aid: VISA }], gpo: ARQC, selects: { [VISA]: fci(VISA, "9F02069F37045F2A02") } } },
    expected: { outcome: "End Application", commands: ["SELECT PPSE", "SELECT"] },
    why: "Without 9F66 in the PDOL the card is not kernel 3; kernel 1 is not supported → removed, list empty.",
  }),
  k("EPE-002", {
    title: "The same, with a second candidate: it is selected",
    ref: "Book B §3.3.3.6",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: {
        ppse: [
          { aid: VISA, priority: 1 },
          { aid: ELECTRON, priority: 2 },
        ],
        gpo: ARQC,
        selects: { [VISA]: fci(VISA, "9F02069F37045F2A02") },
      },
    },
    expected: {
      outcome: "Online Request",
      selected: ELECTRON,
      commands: ["SELECT PPSE", "SELECT", "SELECT", "GET PROCESSING OPTIONS"],
    },
    why: "Removal returns to Start C, which takes the next candidate.",
  }),
  k("EPE-003", {
    title: "A kernel 2 combination is selected but emvsim has no kernel 2: End Application",
    ref: "Book B §3.4.1.1",
    reader: { combinations: [{ aid: MASTERCARD, kernel: 2 }], kernels: [2] },
    card: { script: { ppse: [{ aid: MASTERCARD }], gpo: ARQC } },
    expected: {
      outcome: "End Application",
      commands: ["SELECT PPSE", "SELECT"],
      reasonContains: "kernel 02 is not implemented",
    },
    why: "Entry Point activates the combination's kernel; one the reader lacks cannot run.",
  }),
  k("EPE-004", {
    title: "The selected combination's own TTQ copy goes to the kernel",
    ref: "Book B §3.4.1.2",
    reader: reader(BASE, { ...BASE, aid: ELECTRON, ttq: "26004000" }),
    card: { script: { ppse: [{ aid: ELECTRON }], gpo: ARQC } },
    expected: { outcome: "Online Request", selected: ELECTRON, ttq: "26004000", commands: [...TAP] },
    why: "Pre-processing indicators and the TTQ copy are per combination.",
  }),
  k("EPE-005", {
    title: "Visa AID without any PDOL: removed",
    ref: "Book B §3.3.3.6",
    reader: reader(BASE),
    card: { script: { ppse: [{ aid: VISA }], gpo: ARQC, selects: { [VISA]: fci(VISA, "") } } },
    expected: { outcome: "End Application", commands: ["SELECT PPSE", "SELECT"] },
    why: "A PDOL that is absent does not include 9F66.",
  }),
];

const o = (id: string, c: Omit<ContactlessCase, "id" | "family">) =>
  ({ id, family: "2EF outcome processing", ...c }) as ContactlessCase;
const UPDATE = { ...ARQC, "9F6C": "0040" };

/** 2EF: restarts and the online response. */
const OUTCOMES: ContactlessCase[] = [
  o("EPF-001", {
    title: "Select Next (GPO 6985): the next candidate without SELECT PPSE again",
    ref: "Book B §3.5 (Select Next → Start C)",
    reader: reader(BASE, { ...BASE, aid: ELECTRON }),
    card: {
      script: {
        ppse: [
          { aid: VISA, priority: 1 },
          { aid: ELECTRON, priority: 2 },
        ],
        gpo: ["6985", ARQC],
      },
    },
    expected: {
      outcome: "Online Request",
      outcomes: ["Select Next", "Online Request"],
      selected: ELECTRON,
      commands: [...TAP, "SELECT", "GET PROCESSING OPTIONS"],
    },
    why: "Select Next removes the combination and returns to final selection.",
  }),
  o("EPF-002", {
    title: "Select Next with no other candidate: End Application",
    ref: "Book B §3.5, §3.3.2.7",
    reader: reader(BASE),
    card: { script: { ppse: [{ aid: VISA }], gpo: "6985" } },
    expected: { outcome: "End Application", outcomes: ["Select Next", "End Application"], commands: [...TAP] },
    why: "The candidate list is empty after the removal.",
  }),
  o("EPF-003", {
    title: "Try Again (GPO 6986, 'See Phone'): the card is presented again and completes",
    ref: "Book B §3.5 (Try Again → Start B), Book C-3 (6986)",
    reader: reader(BASE),
    card: { script: { ppse: [{ aid: VISA }], gpo: ["6986", ARQC] } },
    expected: {
      outcome: "Online Request",
      outcomes: ["Try Again", "Online Request"],
      commands: [...TAP, ...TAP],
      taps: 2,
    },
    why: "Try Again restarts at protocol activation with the pre-processing results kept.",
  }),
  o("EPF-004", {
    title: "Try Again on every tap: End Application after the restart bound",
    ref: "Book B §3.5",
    reader: reader(BASE),
    card: { script: { ppse: [{ aid: VISA }], gpo: "6986" } },
    expected: {
      outcome: "End Application",
      outcomes: ["Try Again", "Try Again", "Try Again", "Try Again", "End Application"],
      commands: [...TAP, ...TAP, ...TAP, ...TAP],
      taps: 4,
      reasonContains: "more than 3 restarts",
    },
    why: "The reader bounds restarts (no hangs).",
  }),
  o("EPF-005", {
    title: "Try Another Interface (GPO 6984): contact chip preferred, 'Please Insert Card'",
    ref: "Book A §6.2, Book C-3 (6984)",
    reader: reader(BASE),
    card: { script: { ppse: [{ aid: VISA }], gpo: "6984" } },
    expected: {
      outcome: "Try Another Interface",
      ops: { alternateInterfacePreference: "Contact Chip", start: "N/A" },
      uiMessage: 0x1d,
      commands: [...TAP],
    },
    why: "The card cannot be used contactless; the reader asks for the contact interface.",
  }),
  o("EPF-006", {
    title: "Online Request approved by the issuer",
    ref: "Book A §6.2 (Online Request)",
    reader: reader(BASE),
    card: online(),
    params: { host: { code: "00" } },
    expected: {
      outcome: "Online Request",
      ops: { onlineResponseData: "EMV Data", dataRecordPresent: true },
      online: "approved",
      commands: [...TAP],
    },
    why: "The reader sends the Data Record online; 00 approves.",
  }),
  o("EPF-007", {
    title: "Online Request declined by the issuer",
    ref: "Book A §6.2",
    reader: reader(BASE),
    card: online(),
    params: { host: { code: "05" } },
    expected: { outcome: "Online Request", online: "declined", commands: [...TAP] },
    why: "05 declines; no issuer update without CTQ b2b7.",
  }),
  o("EPF-008", {
    title: "Issuer update: Start B after the online response, EXTERNAL AUTHENTICATE on the second tap",
    ref: "Book B §3.3.2.1, §3.5; Book C-3 (issuer update processing)",
    reader: reader({ ...BASE, ttq: "36008000" }),
    card: { script: { ppse: [{ aid: VISA }], gpo: UPDATE } },
    params: { host: { code: "00", issuerAuthenticationData: "1122334455667788" } },
    expected: {
      outcome: "Approved",
      outcomes: ["Online Request", "Approved"],
      commands: [...TAP, "SELECT", "EXTERNAL AUTHENTICATE"],
      taps: 2,
      uiMessage: 0x03,
    },
    why: "TTQ b3b8 and CTQ b2b7 both allow it: the Online Request says Start B; the second tap goes straight to the final SELECT.",
  }),
  o("EPF-009", {
    title: "No issuer update when the card's CTQ does not offer it",
    ref: "Book C-3 (issuer update processing)",
    reader: reader({ ...BASE, ttq: "36008000" }),
    card: online(),
    params: { host: { code: "00", issuerAuthenticationData: "1122334455667788" } },
    expected: {
      outcome: "Online Request",
      outcomes: ["Online Request"],
      ops: { start: "N/A" },
      commands: [...TAP],
      taps: 1,
    },
    why: "Without CTQ b2b7 the Online Request is final.",
  }),
  o("EPF-010", {
    title: "Issuer update after a decline: Declined on the second tap",
    ref: "Book B §3.5; Book C-3",
    reader: reader({ ...BASE, ttq: "36008000" }),
    card: { script: { ppse: [{ aid: VISA }], gpo: UPDATE } },
    params: { host: { code: "05", issuerAuthenticationData: "1122334455667788" } },
    expected: {
      outcome: "Declined",
      outcomes: ["Online Request", "Declined"],
      uiMessage: 0x07,
      commands: [...TAP, "SELECT", "EXTERNAL AUTHENTICATE"],
    },
    why: "The issuer's answer decides the second tap's outcome.",
  }),
];

/** 2EA: whole taps under the shipped reader configurations. */
const GENERAL: ContactlessCase[] = [
  {
    id: "EPA-001",
    family: "2EA general",
    title: "attended-pos reader: a dual-interface card taps and approves offline",
    ref: "Book B §3; Book C-3",
    card: { profile: "visa-cvn10-dda" },
    reader: "attended-pos",
    expected: {
      outcome: "Approved",
      ttq: "3600C000",
      fdda: "passed",
      commands: [...TAP, "READ RECORD", "READ RECORD", "READ RECORD", "READ RECORD", "READ RECORD"],
    },
    why: "10.00 is under the 50.00 floor (9F1B) and CVM limits; the card's TC with a good fDDA is approved.",
  },
  {
    id: "EPA-002",
    family: "2EA general",
    title: "online-only reader: floor limit 0 sends 10.00 online",
    ref: "Book B §3.1.1.6, §3.1.1.9",
    card: { profile: "visa-cvn10-dda" },
    reader: "online-only",
    expected: { outcome: "Online Request", ttq: "3680C000", online: "approved", commands: [...TAP] },
    why: "1000 > 0 sets online cryptogram required; the card answers ARQC without an AFL; the in-process issuer approves.",
  },
  {
    id: "EPA-003",
    family: "2EA general",
    title: "transit reader: 50.00 reaches its transaction limit",
    ref: "Book B §3.1.1.5, §3.1.1.13",
    card: { profile: "visa-qvsdc-phone" },
    reader: "transit",
    params: { amount: 5000 },
    expected: { outcome: "Try Another Interface", commands: [] },
    why: "amount >= 50.00 for both combinations.",
  },
];

export function entryPointCases(): ContactlessCase[] {
  return [...GENERAL, ...preProcessing(), ...PROTOCOL, ...SELECTION, ...ACTIVATION, ...OUTCOMES];
}
