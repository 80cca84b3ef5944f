// Personalisation limits: a record must fit one short READ RECORD response (at most 254 bytes, Book 3 §5.3).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { personalise } from "./personalise.js";
import { listProfiles, loadProfile, parseProfile } from "./profile.js";

describe("personalisation", () => {
  it("every built-in profile personalises with records of at most 254 bytes", () => {
    for (const id of listProfiles()) {
      const p = loadProfile(id);
      if (!p.ok || id === "malformed") continue;
      for (const app of personalise(p.value))
        for (const r of app.records.values()) expect(r.length).toBeLessThanOrEqual(254);
    }
  });

  it("a record that grows past 254 bytes once its certificate is in is refused with its place named", () => {
    const json = JSON.parse(readFileSync(new URL("./profiles/visa-cvn18-cda.json", import.meta.url), "utf8"));
    const records = json.applications[0].records as { sfi: number; record: number; tlvs: [string, string][] }[];
    const r1 = records.find((r) => r.sfi === 3 && r.record === 1)!;
    const r2 = records.find((r) => r.sfi === 3 && r.record === 2)!;
    // The layout of a card that keeps 8F and 9F32 next to a 248-byte issuer certificate: 262 bytes.
    r1.tlvs.unshift(...r2.tlvs.filter(([t]) => t === "8F" || t === "9F32"));
    r2.tlvs = r2.tlvs.filter(([t]) => t !== "8F" && t !== "9F32");
    const p = parseProfile(json, "long-record.json");
    if (!p.ok) throw p.error;
    expect(() => personalise(p.value)).toThrow(
      /records\[\d+\]: record SFI 3 record 1 is 262 bytes once personalised; a record holds at most 254/,
    );
  });
});
