// The HTML report: bit tables with the differing bits marked, escaping, masking; and the page rendered in a real
// browser (headless Chromium from Debian): it loads with no script error, its tables hold the case's values, and
// the "failures only" switch works.

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TSI_BITS, TVR_BITS } from "../emv/tvr.js";
import { bitTable, htmlEscape, renderHtml } from "./html.js";
import { runCatalog, selectCases } from "./runner.js";

describe("bitTable", () => {
  it("one row per bit set on either side; rows that differ are marked", () => {
    // Expected: 'SDA selected' (B1b2). Actual: B1b2 and 'Floor limit exceeded' (B4b8).
    const html = bitTable("TVR (95)", TVR_BITS, 5, "0200000000", "0200008000");
    expect(html).toContain(
      "<caption>TVR (95): expected <code>0200000000</code>, actual <code>0200008000</code></caption>",
    );
    expect(html).toContain(
      '<tr><td>1</td><td>b2</td><td>SDA selected</td><td class="v">1</td><td class="v">1</td><td class="mark"></td></tr>',
    );
    expect(html).toContain(
      '<tr class="differs"><td>4</td><td>b8</td><td>Transaction exceeds floor limit</td><td class="v">0</td><td class="v">1</td><td class="mark">≠</td></tr>',
    );
    expect(html.match(/<tr/g)?.length).toBe(3); // header + 2 rows
  });

  it("not asserted: the expected column says so and nothing is marked", () => {
    const html = bitTable("TSI (9B)", TSI_BITS, 2, undefined, "E800");
    expect(html).toContain("expected not asserted");
    expect(html).not.toContain("differs");
    expect(html).toContain(
      '<td>Offline data authentication was performed</td><td class="v">—</td><td class="v">1</td>',
    );
  });
});

describe("htmlEscape", () => {
  it("escapes markup and quotes", () => {
    expect(htmlEscape(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
  });
});

async function sampleReports() {
  const sel = selectCases({ ids: ["SEL-PSE-001", "CVM-PIN-001", "ODA-CDA-001"] });
  if (!sel.ok) throw new Error(sel.error);
  const reports = await runCatalog(sel.value);
  // One case made to fail on its TVR, so the page shows a failure with its first divergence.
  const [a, b, c] = reports;
  const failing = {
    ...b!,
    passed: false,
    expected: { ...b!.expected, tvr: "0000008000" },
    problems: ['TVR: expected "0000008000", got "0000000000" (expected but not set: Transaction exceeds floor limit)'],
  };
  return [a!, failing, c!];
}

describe("renderHtml", () => {
  it("is one self-contained page: no external resource, PANs masked", async () => {
    const html = renderHtml(await sampleReports(), { subject: "kernel emvsim", generated: "2026-12-03T09:00:00Z" });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|url\(/i);
    expect(html).not.toMatch(/4761739001010119|4761730000000003/);
    expect(html).toContain("2 of 3 cases passed");
  });

  it("labels a case whose expected values are a regression guard, with their source", async () => {
    const sel = selectCases({ ids: ["MTX-AMEX-CDA-ATM", "SEL-PSE-001"] });
    if (!sel.ok) throw new Error(sel.error);
    const html = renderHtml(await runCatalog(sel.value), {
      subject: "kernel emvsim",
      generated: "2026-12-03T09:00:00Z",
    });
    const section = (id: string) =>
      html.slice(html.indexOf(`id="case-${id}"`), html.indexOf("</section>", html.indexOf(`id="case-${id}"`)));
    expect(section("MTX-AMEX-CDA-ATM")).toContain('<span class="guard">regression guard</span>');
    expect(section("MTX-AMEX-CDA-ATM")).toContain(
      "captured from a reviewed run (certification-tests/fixtures/matrix-golden.json)",
    );
    expect(section("SEL-PSE-001")).not.toContain("regression guard");
  });

  const chromium = "/usr/bin/chromium";
  const haveChromium = existsSync(chromium);
  it.skipIf(!haveChromium && !process.env.EMVSIM_REQUIRE_HARDWARE)(
    "renders in headless Chromium with no script error; tables hold the case's values; the filter hides passes",
    async () => {
      const { chromium: pw } = await import("playwright-core");
      const reports = await sampleReports();
      const dir = mkdtempSync(join(tmpdir(), "emvsim-html-"));
      const file = join(dir, "certification.html");
      writeFileSync(file, renderHtml(reports, { subject: "kernel emvsim", generated: "2026-12-03T09:00:00Z" }));
      const browser = await pw.launch({
        executablePath: chromium,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        page.on("request", (r) => {
          if (!r.url().startsWith("file:")) requests.push(r.url());
        });
        await page.goto(`file://${file}`);
        expect(await page.textContent("#summary")).toContain("2 of 3 cases passed");
        const failing = reports[1]!;
        const section = page.locator(`#case-${failing.id}`);
        expect(await section.getAttribute("data-verdict")).toBe("fail");
        expect(await section.locator(".divergence").textContent()).toBe(`First divergence: ${failing.problems[0]}`);
        // The TVR table of the failing case: the floor-limit bit differs, expected 1, actual 0.
        const differing = await section.locator("table.bits tr.differs td").allTextContents();
        expect(differing).toEqual(["4", "b8", "Transaction exceeds floor limit", "1", "0", "≠"]);
        // The APDU table holds the case's commands in order, as observed.
        const names = await section.locator("table.apdus tbody tr td:nth-child(2)").allTextContents();
        expect(names).toEqual(failing.actual!.commands);
        const firstCommand = await section.locator("table.apdus tbody tr td:nth-child(3)").first().textContent();
        expect(firstCommand).toBe(failing.actual!.exchanges[0]!.command);
        // The filter: only the failing case stays visible.
        await page.check("#failures-only");
        const visible = await page.locator("section.case:visible").evaluateAll((s) => s.map((e) => e.id));
        expect(visible).toEqual([`case-${failing.id}`]);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
