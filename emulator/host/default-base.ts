// The default issuer host's configuration around its key sets (default.ts derives them from the built-in profiles;
// cli/built-ins.ts has them from the build), without the profile loader: approve by default, decline amounts above
// 10 000.00 with "51" (insufficient funds).

import type { HostConfig, IssuerKeySet } from "./config.js";

/**
 * The PIN encryption key of the shipped terminal configurations (a well-known test key, never for production):
 * the default host deciphers their online PIN blocks with it.
 */
export const TEST_PIN_ENCRYPTION_KEY = "0123456789ABCDEFFEDCBA9876543210";

/** The default host configuration with these key sets. */
export function defaultHostConfigWith(issuers: readonly IssuerKeySet[]): HostConfig {
  return {
    description: "default host for the built-in card profiles",
    issuers: [...issuers],
    rules: [{ amountAbove: 1_000_000, decision: "decline", responseCode: "51", reason: "amount above 10000.00" }],
    default: "approve",
    pinEncryptionKey: TEST_PIN_ENCRYPTION_KEY,
  };
}
