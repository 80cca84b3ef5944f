// The step property suites (properties/steps.ts) under vitest: each against its independent model of the book.

import { describe, it } from "vitest";
import { STEP_PROPERTIES } from "./steps.js";

describe("property suites on the Book 3 steps", () => {
  for (const p of STEP_PROPERTIES) it(`${p.id} ${p.title} (${p.ref})`, () => p.run());
});
