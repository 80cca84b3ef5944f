// JUnit XML: exact elements and attributes for a passing and a failing case, escaping, and the whole catalog's file
// valid against the structure CI systems read (fixtures/junit.xsd, checked with xmllint).

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderJunit, xmlEscape } from "./junit.js";
import type { CaseReport } from "./report.js";
import { runCatalog, selectCases } from "./runner.js";

const base: Omit<CaseReport, "id" | "title" | "passed" | "problems"> = {
  family: "cardholder verification",
  ref: "Book 3 §10.5",
  profile: "visa-pin-preferring",
  config: "attended-pos",
  why: "the <first> rule & its condition",
  setup: {},
  expected: { outcome: "approved" },
  durationMs: 12,
};

describe("renderJunit", () => {
  it("one testsuite per family, one testcase per case, the first difference as the failure message", () => {
    const xml = renderJunit(
      [
        { ...base, id: "CVM-001", title: "signature", passed: true, problems: [] },
        {
          ...base,
          id: "CVM-002",
          title: 'PIN "online"',
          passed: false,
          problems: ['TVR: expected "0000000000", got "0000800000"', "outcome: expected approved"],
          durationMs: 1500,
        },
      ],
      { name: "emvsim certify (kernel emvsim)", timestamp: "2026-12-03T09:00:00.123Z" },
    );
    expect(xml.split("\n")).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="emvsim certify (kernel emvsim)" tests="2" failures="1" errors="0" time="1.512">',
      '  <testsuite name="cardholder verification" id="0" tests="2" failures="1" errors="0" skipped="0" time="1.512" timestamp="2026-12-03T09:00:00">',
      '    <testcase classname="cardholder verification" name="CVM-001 signature" time="0.012"/>',
      '    <testcase classname="cardholder verification" name="CVM-002 PIN &quot;online&quot;" time="1.500">',
      '      <failure message="TVR: expected &quot;0000000000&quot;, got &quot;0000800000&quot;" type="criterion">Book 3 §10.5: the &lt;first&gt; rule &amp; its condition',
      "TVR: expected &quot;0000000000&quot;, got &quot;0000800000&quot;",
      "outcome: expected approved</failure>",
      "    </testcase>",
      "  </testsuite>",
      "</testsuites>",
      "",
    ]);
  });

  it("escapes the five entities and drops what XML 1.0 cannot carry", () => {
    expect(xmlEscape(`a<b>&"c'\u0001\u0009d`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;\u0009d");
  });

  it("masks PANs like every report", () => {
    const xml = renderJunit([{ ...base, id: "X-1", title: "card 4761739001010119", passed: true, problems: [] }], {
      name: "n",
      timestamp: "2026-12-03T09:00:00Z",
    });
    expect(xml).toContain('name="X-1 card 476173******0119"');
    expect(xml).not.toContain("4761739001010119");
  });

  const xmllint = spawnSync("xmllint", ["--version"]).status === 0;
  it.skipIf(!xmllint && !process.env.EMVSIM_REQUIRE_HARDWARE)(
    "the whole catalog's JUnit file is valid against fixtures/junit.xsd (xmllint)",
    async () => {
      const sel = selectCases({});
      if (!sel.ok) throw new Error(sel.error);
      const reports = await runCatalog(sel.value);
      const failing = { ...reports[0]!, passed: false, problems: ["outcome: expected <x> & y"] };
      const dir = mkdtempSync(join(tmpdir(), "emvsim-junit-"));
      const file = join(dir, "junit.xml");
      writeFileSync(
        file,
        renderJunit([failing, ...reports.slice(1)], { name: "n", timestamp: new Date().toISOString() }),
      );
      const xsd = join(import.meta.dirname, "fixtures", "junit.xsd");
      const out = execFileSync("xmllint", ["--noout", "--schema", xsd, file], { encoding: "utf8", stdio: "pipe" });
      expect(out).toBe("");
    },
  );
});
