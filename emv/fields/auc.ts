// Application Usage Control, tag 9F07 (EMV Book 3 Annex C2): where and for what the application may be used.

import type { BitDef } from "../bits.js";

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** AUC bits (Book 3 Annex C2). */
export const AUC = Object.freeze({
  DOMESTIC_CASH: b(1, 8, "Valid for domestic cash transactions"),
  INTERNATIONAL_CASH: b(1, 7, "Valid for international cash transactions"),
  DOMESTIC_GOODS: b(1, 6, "Valid for domestic goods"),
  INTERNATIONAL_GOODS: b(1, 5, "Valid for international goods"),
  DOMESTIC_SERVICES: b(1, 4, "Valid for domestic services"),
  INTERNATIONAL_SERVICES: b(1, 3, "Valid for international services"),
  ATMS: b(1, 2, "Valid at ATMs"),
  NON_ATM_TERMINALS: b(1, 1, "Valid at terminals other than ATMs"),
  DOMESTIC_CASHBACK: b(2, 8, "Domestic cashback allowed"),
  INTERNATIONAL_CASHBACK: b(2, 7, "International cashback allowed"),
});

export const AUC_BITS: readonly BitDef[] = Object.values(AUC);
