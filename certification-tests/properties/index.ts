// Every property suite of the certification catalog, in the order `emvsim certify` runs them.

import { STEP_PROPERTIES } from "./steps.js";
import type { PropertySuite } from "./suite.js";
import { TRANSACTION_PROPERTIES } from "./transaction.js";

export type { PropertySuite } from "./suite.js";

export function propertySuites(): readonly PropertySuite[] {
  return [...STEP_PROPERTIES, ...TRANSACTION_PROPERTIES];
}
