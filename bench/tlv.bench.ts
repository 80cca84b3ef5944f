// Full-tree BER-TLV decode of the 82 real card responses (bench/fixtures/card-responses.ts), side by side with
// the npm packages ber-tlv, node-emv and @tomkp/ber-tlv on the same inputs, each doing its own full-tree decode.

import { createRequire } from "node:module";
import { decodeTlvs, type Tlv } from "../emv/tlv/ber.js";
import { CARD_RESPONSES } from "./fixtures/card-responses.js";
import type { BenchModule } from "./harness.js";
import { fmt, type Measurement, measure } from "./harness.js";

// The peers' own shapes (they ship no usable ESM types).
interface BerTlvNode {
  tag: string;
  items: BerTlvNode[] | null;
}
interface NodeEmvNode {
  tag: string;
  value: string | NodeEmvNode[];
}
interface TomkpNode {
  children?: readonly TomkpNode[];
}

const require = createRequire(import.meta.url);

interface Decoder {
  readonly name: string;
  /** An npm package compared against (not emvsim). */
  readonly peer: boolean;
  /** Decode every input; returns the number of data objects found (all levels). */
  readonly decodeAll: () => number;
}

function countOurs(nodes: readonly Tlv[]): number {
  let n = nodes.length;
  for (const x of nodes) if (x.children) n += countOurs(x.children);
  return n;
}

/** Bytes seen through value views (a sink so that the views are really made). */
let valueBytes = 0;

/** Our decode plus a value view for every primitive data object, as the peers hand out values eagerly. */
function countOursWithValues(nodes: readonly Tlv[]): number {
  let n = nodes.length;
  for (const x of nodes) {
    if (x.children) n += countOursWithValues(x.children);
    else valueBytes += x.value.byteLength;
  }
  return n;
}

function countBerTlv(nodes: readonly BerTlvNode[]): number {
  let n = nodes.length;
  for (const x of nodes) if (x.items) n += countBerTlv(x.items);
  return n;
}

function countNodeEmv(nodes: readonly NodeEmvNode[]): number {
  let n = nodes.length;
  for (const x of nodes) if (Array.isArray(x.value)) n += countNodeEmv(x.value);
  return n;
}

function countTomkp(nodes: readonly TomkpNode[]): number {
  let n = nodes.length;
  for (const x of nodes) if (x.children) n += countTomkp(x.children);
  return n;
}

async function decoders(): Promise<Decoder[]> {
  const inputs = CARD_RESPONSES.map(([hex]) => Uint8Array.from(Buffer.from(hex, "hex")));
  const buffers = inputs.map((b) => Buffer.from(b));
  const hexInputs = CARD_RESPONSES.map(([hex]) => hex);
  const list: Decoder[] = [
    {
      name: "emvsim kernel/tlv",
      peer: false,
      decodeAll: () => {
        let n = 0;
        for (const b of inputs) n += countOurs(decodeTlvs(b));
        return n;
      },
    },
  ];
  list.push({
    name: "emvsim, value views made",
    peer: false,
    decodeAll: () => {
      let n = 0;
      for (const b of inputs) n += countOursWithValues(decodeTlvs(b));
      return n + (valueBytes & 0);
    },
  });
  const berTlv = require("ber-tlv") as { TlvFactory: { parse(b: Buffer): BerTlvNode[] } };
  list.push({
    name: "ber-tlv",
    peer: true,
    decodeAll: () => {
      let n = 0;
      for (const b of buffers) n += countBerTlv(berTlv.TlvFactory.parse(b));
      return n;
    },
  });
  const nodeEmv = require("node-emv") as { parse(hex: string, cb: (r: NodeEmvNode[]) => void): void };
  list.push({
    name: "node-emv (hex string input)",
    peer: true,
    decodeAll: () => {
      // node-emv logs every long-form length with console.log; silenced so that the terminal is not measured.
      const log = console.log;
      console.log = () => {};
      let n = 0;
      try {
        for (const h of hexInputs) nodeEmv.parse(h, (r) => (n += countNodeEmv(r)));
      } finally {
        console.log = log;
      }
      return n;
    },
  });
  const tomkp = (await import("@tomkp/ber-tlv")) as { parse(b: Uint8Array): TomkpNode[] };
  list.push({
    name: "@tomkp/ber-tlv",
    peer: true,
    decodeAll: () => {
      let n = 0;
      for (const b of inputs) n += countTomkp(tomkp.parse(b));
      return n;
    },
  });
  return list;
}

export const bench: BenchModule = {
  name: "tlv",
  description: `full-tree BER-TLV decode of ${CARD_RESPONSES.length} real card responses (binaryfoo/emv-bertlv traces)`,
  async run(out) {
    const list = await decoders();
    const bytes = CARD_RESPONSES.reduce((s, [hex]) => s + hex.length / 2, 0);
    out(`input: ${CARD_RESPONSES.length} responses, ${bytes} bytes per pass`);
    // Each decoder must find the same data objects as ours before it is timed.
    const expected = list[0]!.decodeAll();
    let ok = true;
    for (const d of list) {
      const found = d.decodeAll();
      if (found !== expected) {
        out(`CHECK FAILED: ${d.name} finds ${found} data objects, expected ${expected}`);
        ok = false;
      }
    }
    if (ok) out(`check: every decoder finds the same ${expected} data objects`);
    const results: Measurement[] = list.map((d) => measure(d.name, d.decodeAll, { bytesPerCall: bytes }));
    const peers = results.filter((_, i) => list[i]!.peer);
    const fastestPeer = Math.max(...peers.map((r) => r.megabytesPerSecond!));
    out(`${"decoder".padEnd(30)} ${"MB/s".padStart(10)} ${"vs fastest peer".padStart(16)}`);
    for (const r of results) {
      out(`${r.name.padEnd(30)} ${fmt(r.megabytesPerSecond!, 10)} ${fmt(r.megabytesPerSecond! / fastestPeer, 15, 2)}x`);
    }
    const ratio = results[0]!.megabytesPerSecond! / fastestPeer;
    out(`emvsim is ${ratio.toFixed(1)}x the fastest npm peer (target: 10x) — ${ratio >= 10 ? "met" : "NOT met"}`);
    return ok;
  },
};
