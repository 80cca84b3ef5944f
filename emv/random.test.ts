import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, toHex } from "./bytes.js";
import { seededBytes, seededRandom, systemRandom } from "./random.js";

// Expected blocks computed with Python hashlib: sha256(b"terminal\x00" + b"42" + counter.to_bytes(4, "big")).
const BLOCK0 = "48BD999729E1226CC3E6F1D3EB858BD36AFA9CE19E00E66BCB18BA2C25FD9A95";
const BLOCK1 = "1F89C864D8ECE5C78A363129219E2618E635F812DB3B8CF12B11FC2CA84504B9";

describe("seededBytes", () => {
  it("is SHA-256(label ‖ 00 ‖ seed ‖ counter) blocks, concatenated", () => {
    const next = seededBytes("42");
    expect(toHex(next(4))).toBe(BLOCK0.slice(0, 8));
    expect(toHex(next(40))).toBe(BLOCK0.slice(8) + BLOCK1.slice(0, 24));
  });

  it("gives the same stream whatever the chunk sizes", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 8 }), (seed, sizes) => {
        const total = sizes.reduce((a, b) => a + b, 0);
        const chunked = seededBytes(seed);
        const whole = seededBytes(seed)(total);
        expect(toHex(concatBytes(...sizes.map((n) => chunked(n))))).toBe(toHex(whole));
      }),
    );
  });

  it("gives independent streams per label", () => {
    expect(toHex(seededBytes("42", "card")(32))).not.toBe(BLOCK0);
  });
});

describe("percent", () => {
  it("stays in 1..99", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const r = seededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const p = r.percent();
          expect(Number.isInteger(p) && p >= 1 && p <= 99).toBe(true);
        }
      }),
    );
  });

  it("maps a byte b < 198 to b mod 99 + 1 and rejects larger bytes", () => {
    // Block 0 starts 48 BD: 0x48 = 72 → 73; 0xBD = 189 → 189 mod 99 + 1 = 91.
    const r = seededRandom("42");
    expect([r.percent(), r.percent()]).toEqual([73, 91]);
  });

  it("system source gives the length asked", () => {
    expect(systemRandom().bytes(8).length).toBe(8);
  });
});
