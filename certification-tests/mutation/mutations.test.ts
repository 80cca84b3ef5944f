// The planted-bug list follows the code: every change applies to exactly one place, and changes something.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MUTATIONS } from "./mutations.js";

const root = join(import.meta.dirname, "..", "..");

describe("mutations", () => {
  it("has at least 20 bugs with unique ids, each naming its rule", () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(MUTATIONS.map((m) => m.id)).size).toBe(MUTATIONS.length);
    for (const m of MUTATIONS) expect(m.ref).toMatch(/Book \d|Annex/);
  });

  for (const m of MUTATIONS) {
    it(`${m.id} applies once in ${m.file}`, () => {
      const text = readFileSync(join(root, m.file), "utf8");
      const first = text.indexOf(m.find);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(text.indexOf(m.find, first + 1)).toBe(-1);
      expect(m.replace).not.toBe(m.find);
    });
  }
});
