// An application personalised like another under a different AID (profile field keysOf): its ODA keys come from the
// keystore entry of the AID it names, so SDA and DDA data are signed as for the original (Book 2 §5–§6).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { EmulatedCard } from "./card.js";
import { builtInProfileDir, parseProfile } from "./profile.js";

type Json = Record<string, unknown>;

/** visa-offline-only (SDA) with a second application: a copy of the first under A0000000032010. */
function withCopy(keysOf: string | undefined) {
  const json = JSON.parse(readFileSync(join(builtInProfileDir(), "visa-offline-only.json"), "utf8")) as Json;
  const apps = json["applications"] as Json[];
  const copy = { ...structuredClone(apps[0]!), aid: "A0000000032010", ...(keysOf ? { keysOf } : {}) };
  apps.push(copy);
  const r = parseProfile(json, "visa-offline-only with a copy");
  if (!r.ok) throw r.error;
  return r.value;
}

const send = (c: EmulatedCard, apdu: string) => toHex(c.transmit(fromHex(apdu)));

describe("keysOf", () => {
  it("the copy reads the original's certificates: the same issuer certificate record as the original", () => {
    const card = new EmulatedCard(withCopy("A0000000031010"), { random: (n) => new Uint8Array(n) });
    const record = (aid: string) => {
      send(card, `00A4040007${aid}00`);
      send(card, "80A8000002830000");
      return send(card, "00B2011C00");
    };
    const original = record("A0000000031010");
    expect(original.endsWith("9000")).toBe(true);
    expect(record("A0000000032010")).toBe(original);
  });

  it("without it the copy has no keys of its own in the keystore: the card cannot be opened", () => {
    expect(() => new EmulatedCard(withCopy(undefined), { random: (n) => new Uint8Array(n) })).toThrow(
      /the keystore has no keys for visa-offline-only A0000000032010/,
    );
  });
});
