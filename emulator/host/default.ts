// The default issuer host: one key set per built-in profile application (its PAN, AID and test master keys),
// approve by default, decline amounts above 10 000.00 with "51" (insufficient funds, default-base.ts); online PINs
// are checked against the profile's PIN (wrong: "55"). `emvsim run` takes the key sets the build derived
// (cli/built-ins.ts) instead of loading every profile here.

import { toHex } from "../../emv/bytes.js";
import { builtInPaypassProfileIds, loadPaypassProfile } from "../contactless/paypass-profile.js";
import { applicationPan, listProfiles, loadProfile } from "../profile.js";
import type { HostConfig, IssuerKeySet } from "./config.js";
import { defaultHostConfigWith, TEST_PIN_ENCRYPTION_KEY } from "./default-base.js";
import { SimulatedIssuerHost } from "./issuer-host.js";

export { TEST_PIN_ENCRYPTION_KEY };

/** The host configuration the built-in profiles imply (what `emvsim run` uses without --issuer). */
export function defaultHostConfig(): HostConfig {
  return defaultHostConfigWith(defaultHostKeySets());
}

/** One key set per built-in profile application with a cryptogram and a PAN, then one per Mastercard-style card. */
export function defaultHostKeySets(): IssuerKeySet[] {
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
  return issuers;
}

export function defaultIssuerHost(): SimulatedIssuerHost {
  return new SimulatedIssuerHost(defaultHostConfig());
}
