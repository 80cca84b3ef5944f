import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toHex } from "../emv/bytes.js";
import { parseAtr } from "../transport/atr.js";
import { type CardProfile, DEFAULT_PROFILE_ID, listProfiles, loadProfile, parseProfile } from "./profile.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "test-plain.json");
const base = () =>
  JSON.parse(readFileSync(FIXTURE, "utf8")) as { applications: Record<string, unknown>[] } & Record<string, unknown>;

function problems(edit: (j: ReturnType<typeof base>) => void): readonly string[] {
  const j = base();
  edit(j);
  const r = parseProfile(j, "bad.json");
  if (r.ok) throw new Error("expected the profile to be rejected");
  return r.error.problems;
}

function all(): CardProfile[] {
  return listProfiles().map((id) => {
    const r = loadProfile(id);
    if (!r.ok) throw r.error;
    return r.value;
  });
}

describe("built-in profiles", () => {
  it("are at least 12 and every one passes validation with its id equal to the file name", () => {
    const ids = listProfiles();
    expect(ids.length).toBeGreaterThanOrEqual(12);
    for (const p of all()) expect(ids).toContain(p.id);
  });

  it("cover the required card kinds", () => {
    const ps = all();
    const apps = ps.flatMap((p) => p.applications.map((a) => ({ p, a })));
    const cvns = new Set(apps.map(({ a }) => a.cryptogram?.cvn));
    expect([...cvns]).toEqual(expect.arrayContaining([10, 18]));
    expect(cvns.has(16) || cvns.has(17)).toBe(true);
    expect(ps.some((p) => p.scheme === "amex" && toHex(p.applications[0]!.aid).startsWith("A000000025"))).toBe(true);
    for (const m of ["sda", "dda", "cda"]) expect(apps.some(({ a }) => a.oda?.method === m)).toBe(true);
    expect(apps.some(({ a }) => a.risk.offline === "approve" && a.risk.online === "decline")).toBe(true);
    expect(apps.some(({ a }) => a.risk.offline === "online")).toBe(true);
    expect(apps.some(({ a }) => a.blocked)).toBe(true);
    expect(ps.some((p) => p.pse === undefined)).toBe(true);
    expect(
      ps.some((p) => p.applications.length > 1 && p.applications.some((a) => (a.priorityIndicator ?? 0) & 0x80)),
    ).toBe(true);
    expect(ps.some((p) => p.id === "malformed" && p.applications[0]!.afl.length % 4 !== 0)).toBe(true);
  });

  it("include a PIN-preferring card: CVM list plaintext PIN (41) then enciphered PIN (44)", () => {
    const r = loadProfile("visa-pin-preferring");
    if (!r.ok) throw r.error;
    const rec = r.value.applications[0]!.records.find(
      (x) => x.content.kind === "tlvs" && x.content.tlvs.some((t) => t.tag === 0x8e),
    )!;
    const cvm = rec.content.kind === "tlvs" ? rec.content.tlvs.find((t) => t.tag === 0x8e)!.value : undefined;
    expect(cvm instanceof Uint8Array ? toHex(cvm).slice(16, 24) : "").toBe("41034403");
  });

  it("default profile is a CDA, CVN 18, online-requesting Visa-style card", () => {
    const r = loadProfile(DEFAULT_PROFILE_ID);
    if (!r.ok) throw r.error;
    const a = r.value.applications[0]!;
    expect([a.oda?.method, a.cryptogram?.cvn, a.risk.offline, r.value.scheme]).toEqual(["cda", 18, "online", "visa"]);
  });

  it("reports an unknown id with the list of built-in profiles", () => {
    const r = loadProfile("no-such-card");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.problems[0]).toMatch(/^no such profile \(built-in profiles: .*visa-cvn18-cda/);
  });
});

describe("profile validation errors name the JSON path and the reason", () => {
  it("a wrong-length data object in a record", () => {
    expect(
      problems((j) => {
        (j.applications[0]!["records"] as { tlvs: string[][] }[])[1]!.tlvs[1]![1] = "3012";
      }),
    ).toEqual(["applications[0].records[1]: tag 5F24 must be 3 bytes"]);
  });

  it("a duplicate tag in a record not marked unchecked", () => {
    expect(
      problems((j) => {
        (j.applications[0]!["records"] as { tlvs: string[][] }[])[1]!.tlvs.push(["5A", "4761"]);
      }),
    ).toEqual(["applications[0].records[1]: tag 5A appears twice (mark the record 'unchecked')"]);
  });

  it("missing, mistyped, out-of-range and unknown fields, all at once", () => {
    expect(
      problems((j) => {
        delete j.applications[0]!["aip"];
        j.applications[0]!["afl"] = "0801010";
        j.applications[0]!["colour"] = "red";
        (j.applications[1]!["counters"] as Record<string, number>)["atc"] = 70000;
        j["pse"] = { sfi: 11 };
      }),
    ).toEqual([
      "pse.sfi: must be at most 10",
      "applications[0].aip: must be string (missing)",
      "applications[0].afl: must be hex with an even number of digits",
      "applications[0]: unknown field 'colour'",
      "applications[1].counters.atc: must be at most 65535",
    ]);
  });

  it("a misspelt placeholder, a record with both tlvs and raw, a fault for an unknown command", () => {
    expect(
      problems((j) => {
        const recs = j.applications[0]!["records"] as Record<string, unknown>[];
        (recs[0]!["tlvs"] as string[][])[0]![1] = "<issuer-cert>";
        recs[1]!["raw"] = "7000";
        j["faults"] = [{ kind: "sw", command: "SELEKT", sw: "6A82" }];
      }),
    ).toEqual([
      "applications[0].records[0].tlvs[0][1]: must be hex or one of <ca-index>, <issuer-certificate>, <issuer-exponent>, <issuer-remainder>, <icc-certificate>, <icc-exponent>, <icc-remainder>, <ssad>, <card-authentication-data>",
      "applications[0].records[1]: give exactly one of 'tlvs' or 'raw'",
      'faults[0].command: must be one of "SELECT", "READ RECORD", "GET PROCESSING OPTIONS", "GET DATA", "INTERNAL AUTHENTICATE", "GET CHALLENGE", "VERIFY", "GENERATE AC", "EXTERNAL AUTHENTICATE", "ISSUER SCRIPT"',
    ]);
  });

  it("semantic rules: PIN try counter above the limit, a duplicated AID", () => {
    expect(
      problems((j) => {
        (j.applications[0]!["pin"] as Record<string, number>)["tryCounter"] = 5;
        j.applications[1]!["aid"] = j.applications[0]!["aid"];
      }),
    ).toEqual([
      "applications[0].pin.tryCounter: 5 exceeds tryLimit 3",
      "applications[1].aid: A0000000031010 appears twice",
    ]);
  });

  it("a file that is not JSON", () => {
    const r = loadProfile(join(import.meta.dirname, "fixtures", "README.md"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.problems[0]).toMatch(/^not valid JSON: /);
  });
});

describe("built-in profiles' ATRs make no claim the emulator does not keep (ISO 7816-4 §8.1.1.2.7)", () => {
  it("card capabilities in the historical bytes announce no logical channels and no channel assignment", () => {
    for (const id of listProfiles()) {
      const p = loadProfile(id);
      if (!p.ok) throw p.error;
      const h = parseAtr(p.value.atr).historical;
      // Category indicator 00 (status at the end) or 80: compact-TLV objects follow (ISO 7816-4 §8.1.1.1).
      if (h[0] !== 0x00 && h[0] !== 0x80) continue;
      const end = h[0] === 0x00 ? h.length - 3 : h.length;
      for (let i = 1; i < end; ) {
        const tag = h[i]! >> 4;
        const len = h[i]! & 0x0f;
        if (tag === 0x7 && len >= 3) expect({ id, byte3: h[i + 3]! & 0x1f }).toEqual({ id, byte3: 0 });
        i += 1 + len;
      }
    }
  });
});
