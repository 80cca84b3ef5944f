// Answer to Reset parsing (ISO/IEC 7816-3 §8, EMV Book 1 §8.3): TS, T0, interface bytes TAi/TBi/TCi/TDi,
// historical bytes, TCK, offered protocols, Fi/Di, WI, IFSC, BWI/CWI, error detection code.

import { toHex } from "../emv/bytes.js";

/** ISO 7816-3 Table 7: clock rate conversion integer Fi (and fmax in MHz) indexed by FI. */
const FI_TABLE: readonly (readonly [number, number] | undefined)[] = [
  [372, 4],
  [372, 5],
  [558, 6],
  [744, 8],
  [1116, 12],
  [1488, 16],
  [1860, 20],
  undefined,
  undefined,
  [512, 5],
  [768, 7.5],
  [1024, 10],
  [1536, 15],
  [2048, 20],
  undefined,
  undefined,
];
/** ISO 7816-3 Table 8: baud rate adjustment integer Di indexed by DI. */
const DI_TABLE: readonly (number | undefined)[] = [
  undefined,
  1,
  2,
  4,
  8,
  16,
  32,
  64,
  12,
  20,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
];

export class AtrError extends Error {
  override readonly name = "AtrError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface InterfaceBytes {
  /** Index i of TAi..TDi (1-based). */
  readonly index: number;
  readonly ta?: number;
  readonly tb?: number;
  readonly tc?: number;
  readonly td?: number;
  /** The protocol T indicated by TDi (low nibble), when TDi is present. */
  readonly protocol?: number;
}

export interface Atr {
  readonly bytes: Uint8Array;
  /** TS: 3B direct convention, 3F inverse convention (ISO 7816-3 §8.1). */
  readonly ts: number;
  readonly convention: "direct" | "inverse";
  readonly t0: number;
  readonly interfaces: readonly InterfaceBytes[];
  readonly historical: Uint8Array;
  /** TCK when present (absent when only T=0 is offered, ISO 7816-3 §8.2.5). */
  readonly tck: number | undefined;
  /** XOR of T0..TCK is 00 (true) — undefined when TCK is absent. */
  readonly tckValid: boolean | undefined;
  /** Protocols offered (TD1..TDn), T=0 when no TD1 (ISO 7816-3 §8.2.3). */
  readonly protocols: readonly number[];
  /** FI/DI from TA1 (default 1/1 = Fi 372, Di 1). */
  readonly fi: number;
  readonly di: number;
  readonly Fi: number | undefined;
  readonly Di: number | undefined;
  readonly fmaxMHz: number | undefined;
  /** TC1: extra guard time N (255 = minimum guard time, EMV Book 1 §8.3.3.3). */
  readonly extraGuardTime: number;
  /** TA2 present: specific mode (ISO 7816-3 §6.3.1). */
  readonly specificMode: { protocol: number; canChange: boolean } | undefined;
  /** T=0 waiting time integer WI from TC2 (default 10). */
  readonly wi: number;
  /** T=1 parameters from the first TAi/TBi/TCi after a TD indicating T=1 (i ≥ 3). */
  readonly ifsc: number;
  readonly bwi: number;
  readonly cwi: number;
  /** Whether a T=1 TBi (BWI/CWI) was present (EMV requires TB3 for T=1). */
  readonly t1BlockTimesPresent: boolean;
  /** T=1 error detection code (TCi bit 1, ISO 7816-3 §11.4.4). */
  readonly edc: "LRC" | "CRC";
}

/** Parse an ATR as bytes in direct convention (a reader has already undone inverse convention). */
export function parseAtr(bytes: Uint8Array): Atr {
  const at = (i: number, what: string): number => {
    const b = bytes[i];
    if (b === undefined)
      throw new AtrError(`ATR: ${what} expected at offset ${i} but the ATR has ${bytes.length} bytes`, i);
    return b;
  };
  const ts = at(0, "TS");
  if (ts !== 0x3b && ts !== 0x3f)
    throw new AtrError(`ATR: TS ${toHex(Uint8Array.of(ts))} is neither 3B (direct) nor 3F (inverse convention)`, 0);
  const t0 = at(1, "T0");
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let pos = 2;
  const interfaces: InterfaceBytes[] = [];
  const protocols: number[] = [];
  for (let i = 1; ; i++) {
    const ib: { index: number; ta?: number; tb?: number; tc?: number; td?: number; protocol?: number } = { index: i };
    if (y & 1) ib.ta = at(pos++, `TA${i}`);
    if (y & 2) ib.tb = at(pos++, `TB${i}`);
    if (y & 4) ib.tc = at(pos++, `TC${i}`);
    if (y & 8) {
      ib.td = at(pos++, `TD${i}`);
      ib.protocol = ib.td & 0x0f;
      protocols.push(ib.protocol);
    }
    interfaces.push(ib);
    if (ib.td === undefined) break;
    y = ib.td >> 4;
    if (i > 32) throw new AtrError("ATR: more than 32 interface byte groups", pos);
  }
  if (pos + k > bytes.length)
    throw new AtrError(
      `ATR: T0 announces ${k} historical bytes at offset ${pos} but only ${bytes.length - pos} remain`,
      bytes.length,
    );
  const historical = bytes.slice(pos, pos + k);
  pos += k;
  const offered = protocols.length === 0 ? [0] : [...new Set(protocols)];
  const needsTck = offered.some((t) => t !== 0);
  let tck: number | undefined;
  let tckValid: boolean | undefined;
  if (needsTck) {
    tck = at(pos, "TCK (protocols other than T=0 are offered)");
    let x = 0;
    for (let i = 1; i <= pos; i++) x ^= bytes[i]!;
    tckValid = x === 0;
    pos++;
  } else if (pos < bytes.length) {
    // A TCK may be present even when only T=0 is offered; accept one trailing byte as TCK.
    tck = bytes[pos]!;
    let x = 0;
    for (let i = 1; i <= pos; i++) x ^= bytes[i]!;
    tckValid = x === 0;
    pos++;
  }
  if (pos !== bytes.length)
    throw new AtrError(`ATR: ${bytes.length - pos} unexpected byte(s) after offset ${pos}`, pos);

  const ta1 = interfaces[0]?.ta;
  const fi = ta1 === undefined ? 1 : ta1 >> 4;
  const di = ta1 === undefined ? 1 : ta1 & 0x0f;
  const fEntry = FI_TABLE[fi];
  const ta2 = interfaces[1]?.ta;
  // T=1 specific bytes: the first TAi/TBi/TCi (i ≥ 3) following a TD(i-1) indicating T=1 (ISO 7816-3 §11.4).
  let ifsc = 32;
  let bwi = 4;
  let cwi = 13;
  let edc: "LRC" | "CRC" = "LRC";
  let seenIfsc = false;
  let seenB = false;
  let seenC = false;
  for (let i = 2; i < interfaces.length; i++) {
    if (interfaces[i - 1]!.protocol !== 1) continue;
    const g = interfaces[i]!;
    if (g.ta !== undefined && !seenIfsc) {
      ifsc = g.ta;
      seenIfsc = true;
    }
    if (g.tb !== undefined && !seenB) {
      bwi = g.tb >> 4;
      cwi = g.tb & 0x0f;
      seenB = true;
    }
    if (g.tc !== undefined && !seenC) {
      edc = g.tc & 1 ? "CRC" : "LRC";
      seenC = true;
    }
  }
  return {
    bytes,
    ts,
    convention: ts === 0x3b ? "direct" : "inverse",
    t0,
    interfaces,
    historical,
    tck,
    tckValid,
    protocols: offered,
    fi,
    di,
    Fi: fEntry?.[0],
    Di: DI_TABLE[di],
    fmaxMHz: fEntry?.[1],
    extraGuardTime: interfaces[0]?.tc ?? 0,
    specificMode: ta2 === undefined ? undefined : { protocol: ta2 & 0x0f, canChange: (ta2 & 0x80) === 0 },
    wi: interfaces[1]?.tc ?? 10,
    ifsc,
    bwi,
    cwi,
    t1BlockTimesPresent: seenB,
    edc,
  };
}

/** EMV Book 1 §8.3 conformance remarks (empty when the ATR is within the EMV basic/accepted ranges). */
export function emvAtrRemarks(atr: Atr): string[] {
  const out: string[] = [];
  if (atr.ts !== 0x3b && atr.ts !== 0x3f) out.push("TS must be 3B or 3F (§8.3.3.1)");
  if (atr.interfaces[0]?.ta !== undefined && !(atr.fi === 1 && atr.di >= 1 && atr.di <= 3))
    out.push(`TA1 ${hex(atr.interfaces[0].ta)} outside 11..13 (§8.3.3.2)`);
  if (atr.interfaces[0]?.tb !== undefined && atr.interfaces[0].tb !== 0)
    out.push(`TB1 ${hex(atr.interfaces[0].tb)}: EMV terminals accept only 00 in a cold ATR (§8.3.3.3, VPP)`);
  if (atr.interfaces[1]?.tc !== undefined && atr.interfaces[1].tc !== 10)
    out.push(`TC2 ${hex(atr.interfaces[1].tc)}: EMV requires WI = 0A (§8.3.3.8)`);
  if (atr.protocols.some((t) => t !== 0 && t !== 1 && t !== 15))
    out.push(`protocols ${atr.protocols.join(",")}: EMV supports only T=0 and T=1 (§8.3.3.5)`);
  if (atr.protocols.includes(1)) {
    if (atr.ifsc < 0x10 || atr.ifsc > 0xfe) out.push(`IFSC ${atr.ifsc} outside 16..254 (§8.3.3.10)`);
    if (!atr.t1BlockTimesPresent) out.push("TB3 (BWI/CWI) absent: EMV requires it for T=1 (§8.3.3.11)");
    else if (atr.bwi > 4) out.push(`BWI ${atr.bwi} greater than 4 (§8.3.3.11)`);
    if (atr.t1BlockTimesPresent && atr.cwi > 5) out.push(`CWI ${atr.cwi} greater than 5 (§8.3.3.11)`);
    if (atr.edc !== "LRC") out.push("T=1 error detection must be LRC (§8.3.3.12)");
  }
  if (atr.tckValid === false) out.push("TCK is wrong: XOR of T0..TCK is not 00 (§8.3.4)");
  return out;
}

function hex(b: number): string {
  return toHex(Uint8Array.of(b));
}

/** Multi-line explanation of an ATR for `emvsim atr`. */
export function explainAtr(atr: Atr): string {
  const l: string[] = [];
  l.push(`ATR ${toHex(atr.bytes, " ")}`);
  l.push(`  TS  ${hex(atr.ts)}  ${atr.convention} convention`);
  l.push(
    `  T0  ${hex(atr.t0)}  Y1=${(atr.t0 >> 4).toString(2).padStart(4, "0")}, ${atr.historical.length} historical byte(s)`,
  );
  for (const g of atr.interfaces) {
    const i = g.index;
    if (g.ta !== undefined) {
      const note =
        i === 1
          ? `FI=${atr.fi} (Fi=${atr.Fi ?? "RFU"}, fmax=${atr.fmaxMHz ?? "?"} MHz), DI=${atr.di} (Di=${atr.Di ?? "RFU"})`
          : i === 2
            ? `specific mode T=${g.ta & 0x0f}${g.ta & 0x80 ? ", cannot change" : ", can change"}`
            : atr.interfaces[i - 2]?.protocol === 1
              ? `IFSC=${g.ta}`
              : "";
      l.push(`  TA${i} ${hex(g.ta)}  ${note}`.trimEnd());
    }
    if (g.tb !== undefined) {
      const note =
        i === 1
          ? "VPP (deprecated)"
          : atr.interfaces[i - 2]?.protocol === 1
            ? `BWI=${g.tb >> 4}, CWI=${g.tb & 0x0f}`
            : "";
      l.push(`  TB${i} ${hex(g.tb)}  ${note}`.trimEnd());
    }
    if (g.tc !== undefined) {
      const note =
        i === 1
          ? `extra guard time N=${g.tc}`
          : i === 2
            ? `WI=${g.tc} (T=0 waiting time)`
            : atr.interfaces[i - 2]?.protocol === 1
              ? `error detection ${g.tc & 1 ? "CRC" : "LRC"}`
              : "";
      l.push(`  TC${i} ${hex(g.tc)}  ${note}`.trimEnd());
    }
    if (g.td !== undefined)
      l.push(`  TD${i} ${hex(g.td)}  T=${g.protocol}, Y${i + 1}=${(g.td >> 4).toString(2).padStart(4, "0")}`);
  }
  if (atr.historical.length > 0) {
    const ascii = [...atr.historical].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    l.push(`  historical bytes ${toHex(atr.historical, " ")}  "${ascii}"`);
  }
  if (atr.tck !== undefined) l.push(`  TCK ${hex(atr.tck)}  ${atr.tckValid ? "correct" : "WRONG"}`);
  l.push(`  protocols offered: ${atr.protocols.map((t) => `T=${t}`).join(", ")}`);
  if (atr.protocols.includes(1)) l.push(`  T=1: IFSC=${atr.ifsc}, BWI=${atr.bwi}, CWI=${atr.cwi}, ${atr.edc}`);
  const remarks = emvAtrRemarks(atr);
  l.push(remarks.length === 0 ? "  EMV Book 1 §8.3: within the accepted ranges" : "  EMV Book 1 §8.3 remarks:");
  for (const r of remarks) l.push(`    - ${r}`);
  return l.join("\n");
}
