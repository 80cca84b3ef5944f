// Kernel 2 configuration data of a reader combination (EMV Contactless Book C-2 Annex A, the DF81xx data objects the
// reader gives Kernel 2), kept apart from the Entry Point schema: the JSON form (zod) and the typed form.

import { z } from "zod";
import { fromHex } from "../../emv/bytes.js";

const hex = (bytes: number, name: string) =>
  z
    .string()
    .regex(/^[0-9A-Fa-f]*$/, "must be hex digits only")
    .refine((s) => s.length === bytes * 2, `${name} must be ${bytes} byte(s) (${bytes * 2} hex digits)`);
const amount = z.number().int().min(0).max(999_999_999_999);
/** Book C-2 Annex A: relay resistance times are in units of 100 microseconds, 2 bytes. */
const time100us = z.number().int().min(0).max(0xffff);

export const c2ConfigSchema = z.strictObject({
  /** DF811B Kernel Configuration. */
  kernelConfiguration: hex(1, "Kernel Configuration (DF811B)"),
  /** DF8118 CVM Capability – CVM Required (Terminal Capabilities byte 2 above the CVM required limit). */
  cvmCapabilityCvmRequired: hex(1, "CVM Capability – CVM Required (DF8118)"),
  /** DF8119 CVM Capability – No CVM Required. */
  cvmCapabilityNoCvmRequired: hex(1, "CVM Capability – No CVM Required (DF8119)"),
  /** DF811F Security Capability (Terminal Capabilities byte 3). */
  securityCapability: hex(1, "Security Capability (DF811F)"),
  /** DF8117 Card Data Input Capability (Terminal Capabilities byte 1). */
  cardDataInputCapability: hex(1, "Card Data Input Capability (DF8117)"),
  /** 9F09 Application Version Number (Reader) of Kernel 2; absent: the terminal AID's. */
  applicationVersion: hex(2, "Application Version Number (9F09)").optional(),
  /** DF8120, DF8121, DF8122 Terminal Action Codes – Default, Denial, Online. */
  tacDefault: hex(5, "TAC – Default (DF8120)"),
  tacDenial: hex(5, "TAC – Denial (DF8121)"),
  tacOnline: hex(5, "TAC – Online (DF8122)"),
  /** DF8124 Reader Contactless Transaction Limit (No On-device CVM); absent: no limit. */
  transactionLimitNoOnDeviceCvm: amount.optional(),
  /** DF8125 Reader Contactless Transaction Limit (On-device CVM); absent: no limit. */
  transactionLimitOnDeviceCvm: amount.optional(),
  /** DF811D Max Number of Torn Transaction Log Records (0: no torn transaction recovery). */
  maxTornRecords: z.number().int().min(0).max(255),
  /** DF811C Max Lifetime of Torn Transaction Log Record, seconds. */
  maxTornLifetimeSeconds: z.number().int().min(0).max(0xffff),
  /** DF8127 Time Out Value, milliseconds: the bound on every card exchange wait the kernel makes. */
  timeoutMs: z.number().int().min(1).max(0xffff).optional(),
  /** DF8132–DF8137: the relay resistance thresholds (Book C-2 Annex A); needed when the kernel configuration enables RRP. */
  relayResistance: z
    .strictObject({
      minGracePeriod: time100us,
      maxGracePeriod: time100us,
      expectedCapduTime: time100us,
      expectedRapduTime: time100us,
      accuracyThreshold: time100us,
      mismatchThresholdPercent: z.number().int().min(0).max(255),
    })
    .optional(),
});

export type C2ConfigJson = z.infer<typeof c2ConfigSchema>;

export interface RelayResistanceConfig {
  /** DF8132, DF8133, DF8134, DF8135, DF8136: units of 100 µs. */
  readonly minGracePeriod: number;
  readonly maxGracePeriod: number;
  readonly expectedCapduTime: number;
  readonly expectedRapduTime: number;
  readonly accuracyThreshold: number;
  /** DF8137, percent. */
  readonly mismatchThresholdPercent: number;
}

export interface C2Config {
  readonly kernelConfiguration: Uint8Array;
  readonly cvmCapabilityCvmRequired: Uint8Array;
  readonly cvmCapabilityNoCvmRequired: Uint8Array;
  readonly securityCapability: Uint8Array;
  readonly cardDataInputCapability: Uint8Array;
  readonly applicationVersion?: Uint8Array;
  readonly tacDefault: Uint8Array;
  readonly tacDenial: Uint8Array;
  readonly tacOnline: Uint8Array;
  readonly transactionLimitNoOnDeviceCvm?: number;
  readonly transactionLimitOnDeviceCvm?: number;
  readonly maxTornRecords: number;
  readonly maxTornLifetimeSeconds: number;
  readonly timeoutMs: number;
  readonly relayResistance?: RelayResistanceConfig;
}

/** Book C-2 Annex A default of Time Out Value (DF8127): 500 ms. */
export const DEFAULT_C2_TIMEOUT_MS = 500;

/** Kernel Configuration (DF811B) byte 1 b5: relay resistance protocol supported (Book C-2 Annex A). */
const RRP_SUPPORTED = 0x10;

export function c2SemanticProblems(c: C2ConfigJson, where: string): string[] {
  const rrp = (Number.parseInt(c.kernelConfiguration, 16) & RRP_SUPPORTED) !== 0;
  if (rrp && !c.relayResistance)
    return [
      `${where}.relayResistance: the kernel configuration enables relay resistance (DF811B b5) but gives no thresholds (DF8132–DF8137)`,
    ];
  return [];
}

export function toC2Config(c: C2ConfigJson): C2Config {
  return {
    kernelConfiguration: fromHex(c.kernelConfiguration),
    cvmCapabilityCvmRequired: fromHex(c.cvmCapabilityCvmRequired),
    cvmCapabilityNoCvmRequired: fromHex(c.cvmCapabilityNoCvmRequired),
    securityCapability: fromHex(c.securityCapability),
    cardDataInputCapability: fromHex(c.cardDataInputCapability),
    ...(c.applicationVersion ? { applicationVersion: fromHex(c.applicationVersion) } : {}),
    tacDefault: fromHex(c.tacDefault),
    tacDenial: fromHex(c.tacDenial),
    tacOnline: fromHex(c.tacOnline),
    ...(c.transactionLimitNoOnDeviceCvm === undefined
      ? {}
      : { transactionLimitNoOnDeviceCvm: c.transactionLimitNoOnDeviceCvm }),
    ...(c.transactionLimitOnDeviceCvm === undefined
      ? {}
      : { transactionLimitOnDeviceCvm: c.transactionLimitOnDeviceCvm }),
    maxTornRecords: c.maxTornRecords,
    maxTornLifetimeSeconds: c.maxTornLifetimeSeconds,
    timeoutMs: c.timeoutMs ?? DEFAULT_C2_TIMEOUT_MS,
    ...(c.relayResistance ? { relayResistance: c.relayResistance } : {}),
  };
}
