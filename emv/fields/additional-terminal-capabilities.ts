// Additional Terminal Capabilities, tag 9F40 (EMV Book 4 Annex A3): transaction types, data input and output.

import type { BitDef } from "../bits.js";

const b = (byte: number, bit: number, name: string): BitDef => Object.freeze({ byte, bit, name });

/** 9F40 bits (Book 4 Annex A3). */
export const ADDITIONAL_TERMINAL_CAPABILITIES = Object.freeze({
  // Byte 1–2: transaction type capability
  CASH: b(1, 8, "Cash"),
  GOODS: b(1, 7, "Goods"),
  SERVICES: b(1, 6, "Services"),
  CASHBACK: b(1, 5, "Cashback"),
  INQUIRY: b(1, 4, "Inquiry"),
  TRANSFER: b(1, 3, "Transfer"),
  PAYMENT: b(1, 2, "Payment"),
  ADMINISTRATIVE: b(1, 1, "Administrative"),
  CASH_DEPOSIT: b(2, 8, "Cash deposit"),
  // Byte 3: terminal data input capability
  NUMERIC_KEYS: b(3, 8, "Numeric keys"),
  ALPHABETIC_KEYS: b(3, 7, "Alphabetic and special characters keys"),
  COMMAND_KEYS: b(3, 6, "Command keys"),
  FUNCTION_KEYS: b(3, 5, "Function keys"),
  // Byte 4–5: terminal data output capability
  PRINT_ATTENDANT: b(4, 8, "Print, attendant"),
  PRINT_CARDHOLDER: b(4, 7, "Print, cardholder"),
  DISPLAY_ATTENDANT: b(4, 6, "Display, attendant"),
  DISPLAY_CARDHOLDER: b(4, 5, "Display, cardholder"),
  CODE_TABLE_10: b(4, 2, "Code table 10"),
  CODE_TABLE_9: b(4, 1, "Code table 9"),
  CODE_TABLE_8: b(5, 8, "Code table 8"),
  CODE_TABLE_7: b(5, 7, "Code table 7"),
  CODE_TABLE_6: b(5, 6, "Code table 6"),
  CODE_TABLE_5: b(5, 5, "Code table 5"),
  CODE_TABLE_4: b(5, 4, "Code table 4"),
  CODE_TABLE_3: b(5, 3, "Code table 3"),
  CODE_TABLE_2: b(5, 2, "Code table 2"),
  CODE_TABLE_1: b(5, 1, "Code table 1"),
});

export const ADDITIONAL_TERMINAL_CAPABILITIES_BITS: readonly BitDef[] = Object.values(ADDITIONAL_TERMINAL_CAPABILITIES);
