// JUnit XML for CI systems (the de facto format of Ant's JUnit task that Jenkins, GitLab and GitHub reporters read):
// one <testsuite> per family, one <testcase> per case (classname = family, name = id + title), a <failure> whose
// message is the first differing criterion. PANs masked like every other report.

import { maskPansInText } from "../emv/sensitive.js";
import { REPORT_FAMILIES } from "./catalog/types.js";
import type { CaseReport } from "./report.js";

/** XML 1.0 text: the five entities escaped, characters XML cannot carry (C0 controls but tab/LF/CR) dropped. */
export function xmlEscape(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 cannot carry are exactly these.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

export interface JunitOptions {
  /** The <testsuites> name, e.g. "emvsim certify (kernel emvsim)". */
  readonly name: string;
  /** ISO 8601 time the run started. */
  readonly timestamp: string;
}

export function renderJunit(reports: readonly CaseReport[], options: JunitOptions): string {
  const families = REPORT_FAMILIES.filter((f) => reports.some((r) => r.family === f));
  const failures = reports.filter((r) => !r.passed).length;
  const total = reports.reduce((t, r) => t + (r.durationMs ?? 0), 0);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(options.name)}" tests="${reports.length}" failures="${failures}" errors="0" time="${seconds(total)}">`,
  ];
  families.forEach((family, id) => {
    const mine = reports.filter((r) => r.family === family);
    const failed = mine.filter((r) => !r.passed).length;
    const time = mine.reduce((t, r) => t + (r.durationMs ?? 0), 0);
    out.push(
      `  <testsuite name="${xmlEscape(family)}" id="${id}" tests="${mine.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(time)}" timestamp="${xmlEscape(options.timestamp.replace(/\.\d+Z$/, ""))}">`,
    );
    for (const r of mine) {
      const head = `    <testcase classname="${xmlEscape(family)}" name="${xmlEscape(`${r.id} ${r.title}`)}" time="${seconds(r.durationMs)}"`;
      if (r.passed) {
        out.push(`${head}/>`);
        continue;
      }
      const first = r.problems[0] ?? "failed";
      out.push(
        `${head}>`,
        `      <failure message="${xmlEscape(first)}" type="criterion">${xmlEscape([`${r.ref}: ${r.why}`, ...r.problems].join("\n"))}</failure>`,
        "    </testcase>",
      );
    }
    out.push("  </testsuite>");
  });
  out.push("</testsuites>", "");
  return maskPansInText(out.join("\n"));
}
