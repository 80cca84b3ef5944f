// The certification harness and report (EMV Book 3 Annex C5/C6 words for TVR/TSI): overrides go through the
// profile schema, differences are reported bit by bit in words, PANs are masked in the report.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import type { CertCase } from "./catalog/types.js";
import {
  bitDifference,
  compare,
  configWithOverrides,
  type Observed,
  observe,
  profileWithOverrides,
  runCase,
} from "./harness.js";
import { caseReport, renderMarkdown, writeReport } from "./report.js";

const observed: Observed = {
  outcome: "approved",
  reason: "approved offline (TC) for 4761750000000001",
  aid: "A0000000031010",
  tvr: "0200000000",
  tsi: "E800",
  cvmResults: "1E0300",
  cryptograms: [["TC", "TC"]],
  oda: { method: "SDA", result: "passed" },
  commands: ["SELECT", "GET PROCESSING OPTIONS"],
  apdus: ["00A404000E315041592E5359532E444446303100", "80A8000002830000"],
  exchanges: [
    {
      name: "SELECT",
      command: "00A404000E315041592E5359532E444446303100",
      response: "6A82",
      decoded: ["C-APDU CLA 00 INS A4 P1 04 P2 00: SELECT", "R-APDU SW 6A82"],
    },
  ],
};

describe("profileWithOverrides", () => {
  it("replaces, adds and removes record data objects and re-validates the profile", () => {
    const r = profileWithOverrides("visa-offline-only", {
      tags: { "5F24": "251128", "9F14": "03" },
      removeTags: ["9F07"],
      aip: "1C00",
    });
    if (!r.ok) throw new Error(r.error);
    const app = r.value.applications[0]!;
    expect(Buffer.from(app.aip).toString("hex").toUpperCase()).toBe("1C00");
    const tags = app.records.flatMap((rec) => (rec.content.kind === "tlvs" ? rec.content.tlvs : []));
    expect(tags.some((t) => t.tag === 0x9f07)).toBe(false);
    const velocity = tags.find((t) => t.tag === 0x9f14);
    expect(velocity?.value instanceof Uint8Array ? [...velocity.value] : velocity).toEqual([0x03]);
    const exp = tags.find((t) => t.tag === 0x5f24);
    expect(exp?.value instanceof Uint8Array ? Buffer.from(exp.value).toString("hex") : exp).toBe("251128");
  });

  it("an override the schema refuses is a setup error naming the field", () => {
    const r = profileWithOverrides("visa-offline-only", { aip: "1C" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/aip/);
  });

  it("terminal overrides reach every AID", () => {
    const r = configWithOverrides("attended-pos", { aid: { floorLimit: 7, tacDenial: "FFFFFFFFFF" } });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.aids.every((a) => a.floorLimit === 7 && a.tacDenial.every((b) => b === 0xff))).toBe(true);
  });
});

describe("observe", () => {
  it("withholds the PIN block of VERIFY", async () => {
    const run = await runCase({
      id: "T",
      family: "cardholder verification",
      title: "t",
      ref: "Book 3 §10.5.1",
      profile: "visa-offline-only",
      card: { tags: { "8E": "00000000000000000100" }, pin: { value: "1234", tryLimit: 3, tryCounter: 3 } },
      config: "attended-pos",
      params: { pins: ["1234"] },
      expected: {},
      why: "w",
    });
    const o = observe(run.record!);
    const verify = o.apdus[o.commands.indexOf("VERIFY")];
    expect(verify).toBe("0020008008<PIN block withheld>");
    expect(JSON.stringify(o)).not.toContain("241234");
  });
});

describe("compare", () => {
  it("a matching expectation gives no difference", () => {
    expect(
      compare({ outcome: "approved", tvr: "0200000000", tsi: "E800", cryptograms: [["TC", "TC"]] }, observed),
    ).toEqual([]);
  });

  it("TVR and TSI differences are named bit by bit", () => {
    expect(bitDifference(TVR_BITS, "4200000000", "0200008000")).toBe(
      "expected but not set: SDA failed | set but not expected: Transaction exceeds floor limit",
    );
    expect(bitDifference(TSI_BITS, "F800", "E800")).toBe("expected but not set: Issuer authentication was performed");
    const diffs = compare(
      { outcome: "declined", tvr: "4200000000", apdus: { "GET PROCESSING OPTIONS": "80A80000028300" } },
      observed,
    );
    expect(diffs).toHaveLength(3);
    expect(diffs[0]).toContain('expected "declined"');
    expect(diffs[1]).toContain("expected but not set: SDA failed");
    expect(diffs[2]).toBe('GET PROCESSING OPTIONS APDU: expected "80A80000028300", got "80A8000002830000"');
  });

  it("'never' outcomes are differences", () => {
    expect(compare({ never: ["approved"] }, observed)).toHaveLength(1);
  });

  it("every APDU of a name, Issuer Script Results and the advice are compared exactly", () => {
    const o: Observed = { ...observed, scriptResults: "2000000001", advice: "48" };
    expect(
      compare(
        {
          apduSequence: { SELECT: ["00A404000E315041592E5359532E444446303100"] },
          scriptResults: "2000000001",
          advice: "48",
        },
        o,
      ),
    ).toEqual([]);
    expect(compare({ apduSequence: { SELECT: ["00A404000E315041592E5359532E444446303100", "00A4"] } }, o)).toEqual([
      'SELECT APDUs: expected ["00A404000E315041592E5359532E444446303100","00A4"], got ["00A404000E315041592E5359532E444446303100"]',
    ]);
    expect(compare({ scriptResults: "" }, o)).toEqual(['Issuer Script Results (9F5B): expected "", got "2000000001"']);
    expect(compare({ advice: null }, o)).toEqual(['advice (CID): expected null, got "48"']);
  });
});

describe("report", () => {
  const c: CertCase = {
    id: "TST-001",
    family: "completion",
    title: "t",
    ref: "Book 3 §10.11",
    profile: "visa-offline-only",
    config: "attended-pos",
    expected: { outcome: "declined" },
    why: "w",
    terminal: { exceptionFile: ["4761750000000001"] },
  };
  const entry = caseReport(c, observed, compare(c.expected, observed));

  it("per family counts, TVR/TSI in words, PANs masked", () => {
    const md = renderMarkdown([entry]);
    expect(md).toContain("| completion | 0 | 1 |");
    expect(md).toContain("TVR 0200000000 (SDA selected)");
    expect(md).not.toContain("4761750000000001");
    expect(md).toContain("476175******0001");
    const withPin = caseReport(
      { ...c, card: { pin: { value: "4321", tryLimit: 3, tryCounter: 3 } }, params: { pins: ["4321", undefined] } },
      observed,
      [],
    );
    expect(JSON.stringify(withPin)).not.toContain("4321");
    expect(withPin.setup.params?.pins).toEqual(["****", undefined]);
  });

  it("writes both files", () => {
    const dir = mkdtempSync(join(tmpdir(), "cert-"));
    const { json, md } = writeReport([entry], dir);
    const body = JSON.parse(readFileSync(json, "utf8")) as { total: number; passed: number; families: unknown[] };
    expect([body.total, body.passed, body.families]).toEqual([1, 0, [{ family: "completion", passed: 0, failed: 1 }]]);
    expect(readFileSync(md, "utf8")).not.toContain("4761750000000001");
  });
});
