// Combination selection, Book B §3.3.2.5 and §3.3.3.1–3: matching rules one by one, and the chosen candidate
// against an independent model over random PPSE directories.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import type { ReaderCombination } from "../config/reader-types.js";
import { buildCandidates, chooseCandidate, finalSelectName } from "./candidates.js";
import type { DirectoryEntry } from "./ppse.js";
import { type CombinationState, preProcessCombination } from "./preprocessing.js";

const combo = (aid: string, kernel: string, extra: Partial<ReaderCombination> = {}): CombinationState => {
  const c: ReaderCombination = {
    aid: fromHex(aid),
    kernelId: fromHex(kernel),
    ttq: fromHex("36004000"),
    statusCheckSupport: false,
    zeroAmountAllowed: false,
    extendedSelectionSupport: false,
    ...extra,
  };
  return { combination: c, indicators: preProcessCombination(c, 100, 100) };
};
const entry = (order: number, adf: string | undefined, more: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  order,
  ...(adf ? { adfName: fromHex(adf) } : {}),
  ...more,
});
const chosen = (states: CombinationState[], entries: DirectoryEntry[]) => {
  const c = chooseCandidate(buildCandidates(states, entries).candidates);
  return c ? `${toHex(c.adfName)}/${toHex(c.state.combination.kernelId)}` : "none";
};

describe("Book B §3.3.2.5 matching", () => {
  it("A: an entry without an ADF Name, or one shorter than 5 bytes, is skipped", () => {
    expect(chosen([combo("A000000003", "03")], [entry(0, undefined), entry(1, "A0000000")])).toBe("none");
  });
  it("B: exact match and prefix match (the ADF Name begins with the reader AID)", () => {
    expect(chosen([combo("A0000000031010", "03")], [entry(0, "A0000000031010")])).toBe("A0000000031010/03");
    expect(chosen([combo("A000000003", "03")], [entry(0, "A0000000031010")])).toBe("A0000000031010/03");
    expect(chosen([combo("A0000000031010", "03")], [entry(0, "A000000003")])).toBe("none");
  });
  it("C: no Kernel Identifier → default by RID (Visa → 3, Mastercard → 2)", () => {
    expect(chosen([combo("A0000000041010", "03")], [entry(0, "A0000000041010")])).toBe("none");
    expect(chosen([combo("A0000000041010", "02")], [entry(0, "A0000000041010")])).toBe("A0000000041010/02");
    expect(
      chosen([combo("A0000000031010", "03")], [entry(0, "A0000000031010", { kernelIdentifier: new Uint8Array(0) })]),
    ).toBe("A0000000031010/03");
  });
  it("C/D: a Kernel Identifier names the kernel; another kernel's combination does not match", () => {
    const e = entry(0, "A0000000031010", { kernelIdentifier: fromHex("02") });
    expect(chosen([combo("A0000000031010", "03")], [e])).toBe("none");
    expect(chosen([combo("A0000000031010", "03"), combo("A0000000031010", "02")], [e])).toBe("A0000000031010/02");
  });
  it("C: a domestic Kernel Identifier shorter than 3 bytes skips the entry; of 3 bytes it must equal the kernel id", () => {
    expect(
      chosen([combo("A0000000031010", "C10203")], [entry(0, "A0000000031010", { kernelIdentifier: fromHex("C102") })]),
    ).toBe("none");
    expect(
      chosen(
        [combo("A0000000031010", "C10203")],
        [entry(0, "A0000000031010", { kernelIdentifier: fromHex("C1020304") })],
      ),
    ).toBe("A0000000031010/C10203");
  });
  it("D: Requested Kernel ID 0 (an unknown RID with no 9F2A) matches any kernel", () => {
    expect(chosen([combo("B012345678", "03")], [entry(0, "B012345678")])).toBe("B012345678/03");
  });
  it("a combination with 'contactless not allowed' takes no candidates", () => {
    const s = combo("A0000000031010", "03", { transactionLimit: 50 });
    expect(s.indicators.contactlessApplicationNotAllowed).toBe(true);
    expect(chosen([s], [entry(0, "A0000000031010")])).toBe("none");
  });
});

describe("Book B §3.3.3.2 priority order", () => {
  const states = [combo("A000000003", "03")];
  it("priority 1 beats 2; 0 and none are the equal lowest", () => {
    const entries = [
      entry(0, "A0000000031010", { priority: 0 }),
      entry(1, "A0000000032010", { priority: 2 }),
      entry(2, "A0000000033010", { priority: 1 }),
    ];
    expect(chosen(states, entries)).toBe("A0000000033010/03");
    expect(chosen(states, [entry(0, "A0000000031010"), entry(1, "A0000000032010", { priority: 0 })])).toBe(
      "A0000000031010/03",
    );
  });
  it("ties go to the earliest in the PPSE; the priority nibble is b4–b1 (b8 confirmation ignored)", () => {
    const entries = [entry(0, "A0000000031010", { priority: 0x83 }), entry(1, "A0000000032010", { priority: 0x03 })];
    expect(chosen(states, entries)).toBe("A0000000031010/03");
  });
  it("§3.3.3.3: the Extended Selection is appended only when the combination supports it", () => {
    const e = entry(0, "A0000000031010", { extendedSelection: fromHex("0102") });
    const on = chooseCandidate(
      buildCandidates([combo("A000000003", "03", { extendedSelectionSupport: true })], [e]).candidates,
    )!;
    const off = chooseCandidate(buildCandidates([combo("A000000003", "03")], [e]).candidates)!;
    expect([toHex(finalSelectName(on)), toHex(finalSelectName(off))]).toEqual(["A00000000310100102", "A0000000031010"]);
  });
});

describe("the chosen candidate against an independent model (property)", () => {
  const aids = ["A0000000031010", "A0000000032010", "A000000003", "A0000000041010", "A00000002501", "B012345678"];
  const kernels = ["02", "03", "04"];
  const rids: Record<string, string> = { A000000003: "03", A000000004: "02", A000000025: "04" };
  it("highest priority, then PPSE order, then reader order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ aid: fc.constantFrom(...aids), kernel: fc.constantFrom(...kernels) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(
          fc.record({
            adf: fc.constantFrom(...aids, "A0000000031010FF", "A000"),
            priority: fc.option(fc.integer({ min: 0, max: 0x8f }), { nil: undefined }),
            kernelIdentifier: fc.option(fc.constantFrom("02", "03", "04", "", "C10203"), { nil: undefined }),
          }),
          { maxLength: 6 },
        ),
        (cs, es) => {
          const states = cs.map((c) => combo(c.aid, c.kernel));
          const entries = es.map((e, i) =>
            entry(i, e.adf, {
              ...(e.priority === undefined ? {} : { priority: e.priority }),
              ...(e.kernelIdentifier === undefined ? {} : { kernelIdentifier: fromHex(e.kernelIdentifier) }),
            }),
          );
          // Model: every (combination, entry) pair that matches, sorted by (rank, PPSE order, reader order).
          const pairs: { rank: number; order: number; ci: number; name: string }[] = [];
          cs.forEach((c, ci) => {
            es.forEach((e, order) => {
              if (e.adf.length < 10 || !e.adf.startsWith(c.aid)) return;
              const requested =
                e.kernelIdentifier === undefined || e.kernelIdentifier === ""
                  ? (rids[c.aid.slice(0, 10)] ?? "00")
                  : e.kernelIdentifier;
              if (requested !== "00" && requested !== c.kernel) return;
              const p = (e.priority ?? 0) & 0x0f;
              pairs.push({ rank: p === 0 ? 16 : p, order, ci, name: `${e.adf}/${c.kernel}` });
            });
          });
          pairs.sort((a, b) => a.rank - b.rank || a.order - b.order || a.ci - b.ci);
          expect(chosen(states, entries)).toBe(pairs[0]?.name ?? "none");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
