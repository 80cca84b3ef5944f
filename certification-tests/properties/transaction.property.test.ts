// The whole-transaction property suite (properties/transaction.ts) under vitest, on the software card.

import { describe, it } from "vitest";
import { TRANSACTION_PROPERTIES } from "./transaction.js";

describe("whole transactions against random cards and terminals (Book 3 §10)", () => {
  for (const p of TRANSACTION_PROPERTIES) it(`${p.id} ${p.title}`, () => p.run(), 120_000);
});
