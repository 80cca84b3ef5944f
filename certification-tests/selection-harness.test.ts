// The harness parts the application selection cases use (catalog/selection.ts): application overrides and copies,
// the PSE override, and the SELECT sequence and language criteria (Book 1 §12, Book 4 §11.1).

import { describe, expect, it } from "vitest";
import { toHex } from "../emv/bytes.js";
import { compare, configWithOverrides, type Observed, profileWithOverrides } from "./harness.js";

const observed: Observed = {
  outcome: "approved",
  reason: "r",
  aid: "A0000000031010",
  language: { code: "de", source: "card" },
  tvr: "0200000000",
  tsi: "E800",
  cvmResults: null,
  cryptograms: [["TC", "TC"]],
  oda: { method: "SDA", result: "passed" },
  commands: ["SELECT", "READ RECORD", "SELECT", "GET PROCESSING OPTIONS"],
  apdus: ["00A4040001AA00", "00B2010C00", "00A4040007A000000003101000", "80A8000002830000"],
  exchanges: [],
};

describe("application overrides", () => {
  it("a copy is appended under its AID with the original's keystore keys; the original keeps its own", () => {
    const r = profileWithOverrides("visa-offline-only", {
      applications: [
        { app: 0, copy: true, aid: "A0000000032010", label: "COPY", priority: 2, confirmationRequired: true },
      ],
    });
    if (!r.ok) throw new Error(r.error);
    const [first, copy] = r.value.applications;
    expect([toHex(first!.aid), toHex(first!.keysAid), first!.label]).toEqual([
      "A0000000031010",
      "A0000000031010",
      "VISA OFFLINE",
    ]);
    expect([toHex(copy!.aid), toHex(copy!.keysAid), copy!.label, copy!.priorityIndicator]).toEqual([
      "A0000000032010",
      "A0000000031010",
      "COPY",
      0x82,
    ]);
  });

  it("language null removes 5F2D; a PSE override replaces the profile's", () => {
    const r = profileWithOverrides("visa-offline-only", {
      applications: [{ app: 0, language: null }],
      pse: { sfi: 2, language: "de" },
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.applications[0]!.language).toBeUndefined();
    expect([r.value.pse?.sfi, r.value.pse?.language]).toEqual([2, "de"]);
  });

  it("an application that is not there is a setup error", () => {
    expect(profileWithOverrides("visa-offline-only", { applications: [{ app: 3, copy: true }] })).toEqual({
      ok: false,
      error: "profile visa-offline-only: no application 3",
    });
  });

  it("terminal overrides set cardholder selection and languages", () => {
    const r = configWithOverrides("attended-pos", { cardholderSelection: false, languages: ["de", "en"] });
    if (!r.ok) throw new Error(r.error);
    expect([r.value.cardholderSelection, r.value.languages]).toEqual([false, ["de", "en"]]);
  });
});

describe("SELECT sequence and language criteria", () => {
  it("match when every SELECT APDU and the language are as expected", () => {
    expect(
      compare(
        { selects: ["00A4040001AA00", "00A4040007A000000003101000"], language: { code: "de", source: "card" } },
        observed,
      ),
    ).toEqual([]);
  });

  it("name a SELECT sequence that differs (order, P2, a missing SELECT) and a language chosen otherwise", () => {
    expect(
      compare(
        {
          selects: ["00A4040001AA00", "00A4040207A000000003101000"],
          language: { code: "de", source: "terminal-default" },
        },
        observed,
      ),
    ).toEqual([
      'SELECT commands: expected ["00A4040001AA00","00A4040207A000000003101000"], got ["00A4040001AA00","00A4040007A000000003101000"]',
      'language: expected {"code":"de","source":"terminal-default"}, got {"code":"de","source":"card"}',
    ]);
    expect(compare({ selects: ["00A4040001AA00"] }, observed)).toHaveLength(1);
  });
});
