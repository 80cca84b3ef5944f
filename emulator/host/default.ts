// The default issuer host: one key set per built-in profile application (its PAN, AID and test master keys),
// approve by default, decline amounts above 10 000.00 with "51" (insufficient funds); online PINs are checked
// against the profile's PIN (wrong: "55").

import { toHex } from "../../emv/bytes.js";
import { builtInPaypassProfileIds, loadPaypassProfile } from "../contactless/paypass-profile.js";
import { applicationPan, listProfiles, loadProfile } from "../profile.js";
import type { HostConfig, IssuerKeySet } from "./config.js";
import { SimulatedIssuerHost } from "./issuer-host.js";

/**
 * The PIN encryption key of the shipped terminal configurations (a well-known test key, never for production):
 * the default host deciphers their online PIN blocks with it.
 */
export const TEST_PIN_ENCRYPTION_KEY = "0123456789ABCDEFFEDCBA9876543210";

/** The host configuration the built-in profiles imply (what `emvsim run` uses without --issuer). */
export function defaultHostConfig(): HostConfig {
  const issuers: IssuerKeySet[] = [];
  for (const id of listProfiles()) {
    const r = loadProfile(id);
    if (!r.ok) continue;
    for (const app of r.value.applications) {
      const c = app.cryptogram;
      const pan = applicationPan(app);
      if (!c || !pan) continue;
      issuers.push({
        name: `${id} ${toHex(app.aid)}`,
        aid: toHex(app.aid),
        panPrefix: pan,
        cvn: c.cvn,
        derivation: c.derivation,
        imkAc: toHex(c.imkAc),
        imkSmi: c.imkSmi && toHex(c.imkSmi),
        imkSmc: c.imkSmc && toHex(c.imkSmc),
        macLength: c.macLength,
        ...(app.pin ? { pin: app.pin.value } : {}),
      });
    }
  }
  // The Mastercard-style contactless cards (emulator/profiles/paypass/) hold their ICC master key for AC itself,
  // and compute cryptograms as CVN 16 (Book 2 A1.3 session key).
  for (const id of builtInPaypassProfileIds()) {
    const r = loadPaypassProfile(id);
    if (!r.ok) continue;
    const p = r.profile;
    issuers.push({ name: `${id} ${p.aid}`, aid: p.aid, panPrefix: p.pan, cvn: 16, derivation: "A", iccMkAc: p.mkAc });
  }
  return {
    description: "default host for the built-in card profiles",
    issuers,
    rules: [{ amountAbove: 1_000_000, decision: "decline", responseCode: "51", reason: "amount above 10000.00" }],
    default: "approve",
    pinEncryptionKey: TEST_PIN_ENCRYPTION_KEY,
  };
}

export function defaultIssuerHost(): SimulatedIssuerHost {
  return new SimulatedIssuerHost(defaultHostConfig());
}
