// Kernel 2 data objects the shared dictionary (emv/tlv/tag-names.ts) names otherwise or not at all (EMV Contactless
// Book C-2 Annex A). Tags are context-dependent across kernels: 9F51 is the Visa Application Currency Code in the
// dictionary and the DRDOL in Kernel 2; 9F5C is the DS Requested Operator ID in Kernel 2.

export const C2_TAG = Object.freeze({
  /** 9F51 DRDOL (Book C-2 Annex A): the data RECOVER AC carries. */
  DRDOL: 0x9f51,
  /** 9F5C DS Requested Operator ID (Book C-2 Annex A). */
  DS_REQUESTED_OPERATOR_ID: 0x9f5c,
  /** 9F7C Merchant Custom Data (Book C-2 Annex A; the dictionary's Customer Exclusive Data), 20 bytes. */
  MERCHANT_CUSTOM_DATA: 0x9f7c,
  /** DF8301 Terminal Relay Resistance Entropy. */
  TERMINAL_RELAY_RESISTANCE_ENTROPY: 0xdf8301,
  /** DF8302 Device Relay Resistance Entropy. */
  DEVICE_RELAY_RESISTANCE_ENTROPY: 0xdf8302,
  /** DF8303 Min Time For Processing Relay Resistance APDU (units of 100 µs). */
  MIN_TIME_FOR_PROCESSING_RR_APDU: 0xdf8303,
  /** DF8304 Max Time For Processing Relay Resistance APDU. */
  MAX_TIME_FOR_PROCESSING_RR_APDU: 0xdf8304,
  /** DF8305 Device Estimated Transmission Time For Relay Resistance R-APDU. */
  DEVICE_ESTIMATED_TRANSMISSION_TIME_RR_RAPDU: 0xdf8305,
  /** DF8306 Measured Relay Resistance Processing Time. */
  MEASURED_RR_PROCESSING_TIME: 0xdf8306,
  /** DF8307 RRP Counter. */
  RRP_COUNTER: 0xdf8307,
});
