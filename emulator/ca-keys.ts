// The CA public keys a terminal needs for an emulated card (EMV Book 2 §5.1, §11.2): the card's certificates are
// signed by the emulator's test CA (A000000999), but the terminal looks the key up by the RID of the card's AID and
// the index in 8F. A test terminal is loaded with the test CA's public key under each RID the card uses.

import { type CaPublicKey, capkChecksum } from "../emv/crypto/capk.js";
import { caKey } from "./keystore.js";
import type { CardProfile } from "./profile-data.js";

/** One key per (RID of an application's AID, CA index of its ODA settings); applications without ODA need none. */
export function caPublicKeysForProfile(profile: CardProfile): CaPublicKey[] {
  const out: CaPublicKey[] = [];
  for (const app of profile.applications) {
    if (!app.oda || app.oda.method === "none" || app.aid.length < 5) continue;
    const rid = app.aid.slice(0, 5);
    const index = app.oda.caIndex;
    if (out.some((k) => k.index === index && k.rid.every((b, i) => b === rid[i]))) continue;
    const ca = caKey(index);
    if (!ca) continue;
    const key = { rid, index, modulus: ca.modulus, exponent: ca.exponent };
    out.push({ ...key, expiry: ca.expiry, checksum: capkChecksum(key) });
  }
  return out;
}
