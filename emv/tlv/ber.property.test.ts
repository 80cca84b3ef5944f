// Property tests and the edge cases existing TLV libraries get wrong (issue 2).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes.js";
import {
  decodeTlv,
  decodeTlvs,
  encodeTlvs,
  type Tlv,
  TlvError,
  type TlvInput,
  tagToHex,
  toTlvInput,
  walkTlvs,
} from "./ber.js";

/** A first tag byte that is not padding (00/FF), with the constructed bit as asked. */
function firstByte(constructed: boolean, multiByte: boolean): fc.Arbitrary<number> {
  return fc
    .integer({ min: 0, max: 0xff })
    .map((b) => (constructed ? b | 0x20 : b & ~0x20))
    .map((b) => (multiByte ? b | 0x1f : (b & 0x1f) === 0x1f ? b & ~0x01 : b))
    .filter((b) => b !== 0x00 && b !== 0xff);
}

function tagArb(constructed: boolean): fc.Arbitrary<number> {
  return fc.oneof(
    firstByte(constructed, false),
    fc.tuple(firstByte(constructed, true), fc.integer({ min: 0, max: 0x7f })).map(([a, b]) => a * 256 + b),
    fc
      .tuple(firstByte(constructed, true), fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0x7f }))
      .map(([a, b, c]) => a * 65536 + b * 256 + c),
  );
}

const treeArb = fc.letrec<{ node: TlvInput }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ tag: tagArb(false), value: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ tag: tagArb(true), children: fc.array(tie("node"), { maxLength: 4 }) }),
  ),
}));

function countNodes(nodes: readonly Tlv[]): number {
  let n = 0;
  walkTlvs(nodes, () => {
    n++;
  });
  return n;
}

describe("BER-TLV properties", () => {
  it("encode(decode(x)) == x for canonical encodings of random trees", () => {
    fc.assert(
      fc.property(fc.array(treeArb.node, { maxLength: 5 }), (tree) => {
        const bytes = encodeTlvs(tree);
        const decoded = decodeTlvs(bytes);
        expect(decoded.map(toTlvInput)).toEqual(tree.map(normalise));
        expect(toHex(encodeTlvs(decoded.map(toTlvInput)))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("decoding arbitrary bytes returns nodes or throws TlvError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeTlvs(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(TlvError);
        }
        try {
          decodeTlv(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(TlvError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("also for bytes that look like TLV (mutated real encodings)", () => {
    fc.assert(
      fc.property(
        fc.array(treeArb.node, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (tree, mutations) => {
          const bytes = encodeTlvs(tree).slice();
          for (const [at, v] of mutations) if (bytes.length) bytes[at % bytes.length] = v;
          try {
            decodeTlvs(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(TlvError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("does linear work: every node consumes at least 2 input bytes, so nodes ≤ n/2", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          expect(countNodes(decodeTlvs(bytes))).toBeLessThanOrEqual(bytes.length / 2);
        } catch (e) {
          expect(e).toBeInstanceOf(TlvError);
        }
      }),
      { numRuns: 3000 },
    );
    // Worst case for node count: 100 000 empty primitive objects (9C 00) in a row.
    const flat = new Uint8Array(200_000).map((_, i) => (i % 2 ? 0x00 : 0x9c));
    expect(countNodes(decodeTlvs(flat))).toBe(100_000);
  });

  it("stops deep nesting with a TlvError, not a stack overflow", () => {
    // Build a valid nesting of 40 templates: E0 L (E0 L (... 9C00))
    let inner: TlvInput = { tag: 0x9c, value: new Uint8Array(0) };
    for (let i = 0; i < 40; i++) inner = { tag: 0xe0, children: [inner] };
    const nested = encodeTlvs([inner]);
    expect(() => decodeTlvs(nested)).toThrow(expect.objectContaining({ kind: "depth-exceeded" }));
    expect(countNodes(decodeTlvs(nested, { maxDepth: 64 }))).toBe(41);
  });
});

/** The encoder writes children; the decoder gives the same shape with values as views. */
function normalise(n: TlvInput): TlvInput {
  return "value" in n ? { tag: n.tag, value: n.value } : { tag: n.tag, children: n.children.map(normalise) };
}

function kindOf(hex: string): string | undefined {
  try {
    decodeTlvs(fromHex(hex));
    return undefined;
  } catch (e) {
    return e instanceof TlvError ? `${e.kind}@${e.offset}` : "other";
  }
}

describe("edge cases other TLV libraries get wrong", () => {
  it("skips 00 and FF padding before, between and after objects, also inside templates", () => {
    const nodes = decodeTlvs(fromHex("0000FF 9F0201AA 00FF00 70 07 00 5A0212 34 FF 00 00 00FF"));
    expect(nodes.map((n) => n.tagHex)).toEqual(["9F02", "70"]);
    expect(nodes[1]!.children!.map((n) => [n.tagHex, toHex(n.value)])).toEqual([["5A", "1234"]]);
    expect(decodeTlvs(fromHex("000000"))).toEqual([]);
  });

  it("rejects a child running past its parent's end, even when the buffer continues", () => {
    expect(kindOf("E0039C0201 9000")).toBe("value-beyond-buffer@4");
  });

  it("rejects a truncated value and a 84FFFFFFFF length", () => {
    expect(kindOf("9F020600000001")).toBe("value-beyond-buffer@3");
    expect(kindOf("9C84FFFFFFFF")).toBe("value-beyond-buffer@6");
    expect(kindOf("9C8500000000")).toBe("length-too-long@1");
  });

  it("reads 3-byte tags such as DF8101", () => {
    const [n] = decodeTlvs(fromHex("DF810102ABCD"));
    expect([n!.tagHex, n!.tag, toHex(n!.value)]).toEqual(["DF8101", 0xdf8101, "ABCD"]);
    expect(toHex(encodeTlvs([{ tag: 0xdf8101, value: fromHex("ABCD") }]))).toBe("DF810102ABCD");
    expect(tagToHex(0xbf0c)).toBe("BF0C");
  });

  it("reads 82-form lengths and accepts non-minimal 81 01 on decode", () => {
    const value = new Uint8Array(300).fill(0x11);
    const encoded = encodeTlvs([{ tag: 0x70, children: [{ tag: 0x8f, value }] }]);
    expect(toHex(encoded.subarray(0, 8))).toBe("708201308F82012C");
    expect(decodeTlv(encoded).children![0]!.length).toBe(300);
    const [nonMinimal] = decodeTlvs(fromHex("9C8101FF"));
    expect(toHex(nonMinimal!.value)).toBe("FF");
    expect(toHex(nonMinimal!.encoded)).toBe("9C8101FF");
  });

  it("rejects indefinite length on a constructed tag (not allowed in EMV)", () => {
    expect(kindOf("7080 9C0100 0000")).toBe("indefinite-length@1");
  });
});
