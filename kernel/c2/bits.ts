// Kernel 2 bits the shared registers do not name (EMV Contactless Book C-2 Annex A): TVR byte 5 relay resistance
// results, the AIP's Kernel 2 bits, the Kernel Configuration (DF811B), the Application Capabilities Information
// (9F5D) and the Security Capability (DF811F).

import type { BitDef, RegisterBit } from "../../emv/bits.js";

const tvr = (byte: number, bit: number, name: string): RegisterBit<"TVR"> =>
  Object.freeze({ byte, bit, name, register: "TVR" });
const bit = (byte: number, b: number, name: string): BitDef => Object.freeze({ byte, bit: b, name });

/** Book C-2 Annex A, TVR byte 5: b4, b3, and b2–b1 '01' RRP not performed / '10' RRP performed. */
export const C2_TVR = Object.freeze({
  RR_THRESHOLD_EXCEEDED: tvr(5, 4, "Relay resistance threshold exceeded"),
  RR_TIME_LIMITS_EXCEEDED: tvr(5, 3, "Relay resistance time limits exceeded"),
  /** b2–b1 = 10. */
  RRP_PERFORMED: tvr(5, 2, "Relay resistance performed"),
  /** b2–b1 = 01. */
  RRP_NOT_PERFORMED: tvr(5, 1, "Relay resistance not performed"),
});

/** Book C-2 Annex A, AIP: byte 1 b2 on-device cardholder verification, byte 2 b8 EMV mode, byte 2 b1 RRP. */
export const C2_AIP = Object.freeze({
  ON_DEVICE_CVM_SUPPORTED: bit(1, 2, "On device cardholder verification is supported"),
  EMV_MODE_SUPPORTED: bit(2, 8, "EMV mode is supported"),
  RRP_SUPPORTED: bit(2, 1, "Relay resistance protocol is supported"),
});

/** Book C-2 Annex A, Kernel Configuration (DF811B) byte 1. */
export const KERNEL_CONFIGURATION = Object.freeze({
  MAG_STRIPE_MODE_NOT_SUPPORTED: bit(1, 8, "Only EMV mode transactions supported"),
  EMV_MODE_NOT_SUPPORTED: bit(1, 7, "Only mag-stripe mode transactions supported"),
  ON_DEVICE_CVM_SUPPORTED: bit(1, 6, "On device cardholder verification supported"),
  RRP_SUPPORTED: bit(1, 5, "Relay resistance protocol supported"),
});

/** Book C-2 Annex A, Application Capabilities Information (9F5D) byte 2 b1: CDA over TC, ARQC and AAC. */
export const ACI = Object.freeze({
  CDA_OVER_AAC: bit(2, 1, "CDA supported over TC, ARQC and AAC"),
});

/** Terminal Capabilities byte 3 b4 (Book 4 Annex A2), the Security Capability's CDA bit. */
export const SECURITY_CAPABILITY_CDA = bit(1, 4, "CDA");
