// The certification report as one self-contained HTML page (no network, no external files): a summary per family,
// and per case its objective, Book reference, verdict, expected against actual TVR / TSI (EMV Book 3 Annex C5/C6)
// as bit tables with the differing bits marked, CVM Results (Book 4 Annex A4), the APDU sequence decoded, and the
// first divergence of a failing case. PANs masked; PIN data never present (the exchanges arrive withheld).

import { type BitDef, isBitSet } from "../emv/bits.js";
import { fromHex } from "../emv/bytes.js";
import { describeCvmResults, parseCvmResults } from "../emv/fields/cvm-results.js";
import { isFieldError } from "../emv/fields/field-error.js";
import { maskPansInText } from "../emv/sensitive.js";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { REPORT_FAMILIES } from "./catalog/types.js";
import type { Observed } from "./harness.js";
import type { CaseReport } from "./report.js";

export interface HtmlOptions {
  /** What ran the transactions, e.g. "kernel emvsim". */
  readonly subject: string;
  /** ISO 8601 time of the run. */
  readonly generated: string;
}

/** HTML text and attribute values: & < > " ' escaped. */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const isHex = (s: string | undefined, bytes: number): s is string =>
  s !== undefined && s.length === bytes * 2 && /^[0-9A-F]*$/i.test(s);

/** One row per named bit that is set on either side; rows that differ are marked. */
export function bitTable(
  title: string,
  defs: readonly BitDef[],
  bytes: number,
  expected: string | undefined,
  actual: string | undefined,
): string {
  const exp = isHex(expected, bytes) ? fromHex(expected) : undefined;
  const act = isHex(actual, bytes) ? fromHex(actual) : undefined;
  const rows = defs
    .filter((d) => (exp && isBitSet(exp, d)) || (act && isBitSet(act, d)))
    .map((d) => {
      const e = exp ? isBitSet(exp, d) : undefined;
      const a = act ? isBitSet(act, d) : undefined;
      const differs = e !== undefined && a !== undefined && e !== a;
      const cell = (v: boolean | undefined) => (v === undefined ? "—" : v ? "1" : "0");
      return `<tr${differs ? ' class="differs"' : ""}><td>${d.byte}</td><td>b${d.bit}</td><td>${htmlEscape(d.name)}</td><td class="v">${cell(e)}</td><td class="v">${cell(a)}</td><td class="mark">${differs ? "≠" : ""}</td></tr>`;
    });
  const caption = `${htmlEscape(title)}: expected ${expected ? `<code>${htmlEscape(expected)}</code>` : "not asserted"}, actual ${actual ? `<code>${htmlEscape(actual)}</code>` : "none"}`;
  const body = rows.length ? rows.join("") : '<tr><td colspan="6" class="none">no bits set on either side</td></tr>';
  return `<table class="bits"><caption>${caption}</caption><thead><tr><th>Byte</th><th>Bit</th><th>Meaning</th><th>Expected</th><th>Actual</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

function cvmWords(hex: string | null | undefined): string {
  if (hex === undefined) return "not asserted";
  if (hex === null) return "not set";
  const parsed = isHex(hex, 3) ? parseCvmResults(fromHex(hex)) : undefined;
  const words = parsed && !isFieldError(parsed) ? describeCvmResults(parsed).join("; ") : "not 3 bytes";
  return `<code>${htmlEscape(hex)}</code> ${htmlEscape(words)}`;
}

function valueRows(c: CaseReport): string {
  const e = c.expected;
  const a = c.actual;
  const rows: [string, string, string, boolean][] = [];
  const row = (what: string, exp: string | undefined, act: string | undefined) => {
    rows.push([what, exp ?? "not asserted", act ?? "—", exp !== undefined && act !== undefined && exp !== act]);
  };
  row(
    "Outcome",
    e.outcome ?? (e.never ? `not ${e.never.join("/")}` : undefined),
    a ? `${a.outcome} — ${a.reason}` : undefined,
  );
  if (e.outcome && a) rows[rows.length - 1]![3] = e.outcome !== a.outcome;
  row("AID", e.aid, a?.aid);
  row(
    "Cryptograms [requested → returned]",
    e.cryptograms?.map((x) => x.join(" → ")).join(", "),
    a ? a.cryptograms.map((x) => x.join(" → ")).join(", ") || "none" : undefined,
  );
  row("ODA", e.oda ? `${e.oda.method} ${e.oda.result}` : undefined, a ? `${a.oda.method} ${a.oda.result}` : undefined);
  const cvm: [string, string, string, boolean] = [
    "CVM Results (9F34)",
    cvmWords(e.cvmResults),
    a ? cvmWords(a.cvmResults) : "—",
    e.cvmResults !== undefined && a !== undefined && e.cvmResults !== a.cvmResults,
  ];
  const body = rows
    .map(
      ([what, exp, act, differs]) =>
        `<tr${differs ? ' class="differs"' : ""}><th>${htmlEscape(what)}</th><td>${htmlEscape(exp)}</td><td>${htmlEscape(act)}</td></tr>`,
    )
    .concat(`<tr${cvm[3] ? ' class="differs"' : ""}><th>${cvm[0]}</th><td>${cvm[1]}</td><td>${cvm[2]}</td></tr>`);
  return `<table class="values"><thead><tr><th></th><th>Expected</th><th>Actual</th></tr></thead><tbody>${body.join("")}</tbody></table>`;
}

/** The index of the first command that differs from the expected sequence, when one is asserted. */
function firstCommandDivergence(expected: readonly string[] | undefined, actual: Observed | undefined): number {
  if (!expected || !actual) return -1;
  const n = Math.max(expected.length, actual.commands.length);
  for (let i = 0; i < n; i++) if (expected[i] !== actual.commands[i]) return i;
  return -1;
}

function apduTable(c: CaseReport): string {
  const a = c.actual;
  if (!a)
    return c.problems.some((p) => p.startsWith("setup:") || p.startsWith("internal:"))
      ? '<p class="none">No exchange: the case could not run.</p>'
      : '<p class="none">Judged by the contactless harness on its own terms (outcome, Outcome Parameter Set, TTQ, APDU sequence).</p>';
  const diverges = firstCommandDivergence(c.expected.commands, a);
  const rows = a.exchanges.map((x, i) => {
    const expectedName = c.expected.commands?.[i];
    const mark = i === diverges ? ` class="differs" title="expected ${htmlEscape(expectedName ?? "no command")}"` : "";
    return `<tr${mark}><td>${i + 1}</td><td>${htmlEscape(x.name)}</td><td><code>${htmlEscape(x.command)}</code></td><td><code>${htmlEscape(x.response ?? x.error ?? "no answer")}</code></td><td><pre>${htmlEscape(x.decoded.join("\n"))}</pre></td></tr>`;
  });
  if (diverges >= a.exchanges.length)
    rows.push(
      `<tr class="differs"><td>${diverges + 1}</td><td colspan="4">expected ${htmlEscape(c.expected.commands?.[diverges] ?? "")}, the terminal sent nothing more</td></tr>`,
    );
  return `<details${c.passed ? "" : " open"}><summary>APDU sequence (${a.exchanges.length} exchanges)</summary><table class="apdus"><thead><tr><th>#</th><th>Command</th><th>C-APDU</th><th>R-APDU</th><th>Decoded</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`;
}

function caseSection(c: CaseReport): string {
  const verdict = c.passed ? "pass" : "fail";
  const divergence = c.passed
    ? ""
    : `<p class="divergence"><strong>First divergence:</strong> ${htmlEscape(c.problems[0] ?? "failed")}</p>${
        c.problems.length > 1
          ? `<ul class="problems">${c.problems.map((p) => `<li>${htmlEscape(p)}</li>`).join("")}</ul>`
          : ""
      }`;
  return [
    `<section class="case ${verdict}" id="case-${htmlEscape(c.id)}" data-verdict="${verdict}" data-family="${htmlEscape(c.family)}">`,
    `<h3><span class="verdict">${verdict.toUpperCase()}</span> ${htmlEscape(c.id)} — ${htmlEscape(c.title)}${c.basis ? ' <span class="guard">regression guard</span>' : ""}</h3>`,
    `<dl><dt>Objective</dt><dd>${htmlEscape(c.why)}</dd><dt>Reference</dt><dd>${htmlEscape(c.ref)}</dd><dt>Card</dt><dd>${htmlEscape(c.profile)}</dd><dt>Terminal</dt><dd>${htmlEscape(c.config)}</dd>${
      c.basis
        ? `<dt>Expected values</dt><dd class="guard-note">captured from a reviewed run (${htmlEscape(c.guardSource ?? "")}), not derived from the books: a regression guard</dd>`
        : ""
    }</dl>`,
    divergence,
    c.notes?.length
      ? `<details class="notes"><summary>Not judged (${c.notes.length})</summary><ul>${c.notes.map((n) => `<li>${htmlEscape(n)}</li>`).join("")}</ul></details>`
      : "",
    valueRows(c),
    `<div class="registers">${bitTable("TVR (95)", TVR_BITS, 5, c.expected.tvr, c.actual?.tvr)}${bitTable("TSI (9B)", TSI_BITS, 2, c.expected.tsi, c.actual?.tsi)}</div>`,
    apduTable(c),
    "</section>",
  ].join("\n");
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 2rem 3rem;color:#1b1b1b}
h1{margin-bottom:.2rem}code,pre{font:12px/1.3 ui-monospace,monospace}pre{margin:0;white-space:pre-wrap}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:600;padding:2px 0}
.case{border-left:6px solid #2e7d32;padding:.2rem 1rem;margin:1rem 0;background:#f7fbf7}
.case.fail{border-color:#c62828;background:#fdf5f5}
.verdict{display:inline-block;min-width:3.2rem;color:#fff;background:#2e7d32;border-radius:3px;text-align:center;font-size:12px;padding:1px 4px}
.fail .verdict{background:#c62828}
.guard{display:inline-block;color:#6d4c00;background:#fff3c4;border:1px solid #e0b600;border-radius:3px;font-size:12px;padding:0 4px}
tr.differs td,tr.differs th{background:#ffe0e0}.mark{color:#c62828;font-weight:700}.v{text-align:center}
.registers{display:flex;gap:2rem;flex-wrap:wrap}.none{color:#777}
dl{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem}dt{font-weight:600}dd{margin:0}
.families td.failed{color:#c62828;font-weight:700}.hidden{display:none}
`;

const SCRIPT = `
document.getElementById("failures-only").addEventListener("change", function (ev) {
  var only = ev.target.checked;
  document.querySelectorAll("section.case").forEach(function (s) {
    s.classList.toggle("hidden", only && s.dataset.verdict === "pass");
  });
});
`;

export function renderHtml(reports: readonly CaseReport[], options: HtmlOptions): string {
  const passed = reports.filter((r) => r.passed).length;
  const families = REPORT_FAMILIES.map((family) => {
    const mine = reports.filter((r) => r.family === family);
    return { family, passed: mine.filter((r) => r.passed).length, failed: mine.filter((r) => !r.passed).length };
  }).filter((f) => f.passed + f.failed > 0);
  const summaryRows = families
    .map(
      (f) =>
        `<tr><td><a href="#family-${htmlEscape(f.family.replace(/\W+/g, "-"))}">${htmlEscape(f.family)}</a></td><td>${f.passed}</td><td${f.failed ? ' class="failed"' : ""}>${f.failed}</td></tr>`,
    )
    .join("");
  const sections = families.map((f) => {
    const mine = reports.filter((r) => r.family === f.family);
    return `<h2 id="family-${htmlEscape(f.family.replace(/\W+/g, "-"))}">${htmlEscape(f.family)} — ${f.passed} of ${mine.length} passed</h2>\n${mine.map(caseSection).join("\n")}`;
  });
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>emvsim certification report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>emvsim certification report</h1>
<p id="summary"><strong>${passed} of ${reports.length} cases passed</strong> — ${htmlEscape(options.subject)}, ${htmlEscape(options.generated)}</p>
<label><input type="checkbox" id="failures-only"> show failures only</label>
</header>
<table class="families"><thead><tr><th>Family</th><th>Passed</th><th>Failed</th></tr></thead><tbody>${summaryRows}</tbody></table>
<main>
${sections.join("\n")}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
  return maskPansInText(page);
}
