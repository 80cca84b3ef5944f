// Integration: `emvsim certify --terminal-under-test vpcd` through real pcscd + vsmartcard vpcd. The cards are
// served from the certify process; the terminal under test is `emvsim run --reader pcsc:<vpcd reader>` in its own
// process, once per case. emvsim's own kernel passes every card-side criterion on 20+ cases of every family; the
// same kernel with a terminal configuration whose TAC-denial is FFFFFFFFFF (asks for an AAC whenever a TVR bit is
// set) fails with "GENERATE AC requested" named; without --run, certify waits for a terminal started by hand and goes
// on when it powers the card off, and a terminal that never comes is a timeout naming the case.
// One pcscd per machine: the harness waits for the machine-wide pcscd lock (devices/testing/pcscd.ts); skipped with a
// message when pcscd or vpcd is absent, unless EMVSIM_REQUIRE_HARDWARE=1.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pcscdAvailability, requireHardware } from "../../devices/testing/pcscd.js";
import { catalog } from "../catalog/index.js";
import type { CertCase } from "../catalog/types.js";
import type { CaseReport } from "../report.js";
import { portable } from "./runner.js";
import { certifyHarness, type CertifyOutcome as Outcome, runNode } from "./testing/certify-process.js";

const here = dirname(fileURLToPath(import.meta.url));

function why(): string | undefined {
  const a = pcscdAvailability();
  if (!a.ok) return a.reason;
  return undefined;
}

const reason = why();
if (reason && requireHardware())
  throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but the terminal-under-test integration cannot run: ${reason}`);
if (reason) console.warn(`[skip] certify --terminal-under-test through pcscd: ${reason}`);

/** Two portable cases per family (catalog order), the matrix included. */
function selection(): CertCase[] {
  const out: CertCase[] = [];
  const perFamily = new Map<string, number>();
  for (const c of catalog()) {
    if (!portable(c)) continue;
    const n = perFamily.get(c.family) ?? 0;
    if (n >= 2) continue;
    perFamily.set(c.family, n + 1);
    out.push(c);
  }
  return out;
}

describe.skipIf(!!reason)("emvsim certify --terminal-under-test vpcd, emvsim run as the terminal", () => {
  const dir = mkdtempSync(join(tmpdir(), "emvsim-tut-"));
  const { certify, cliFile } = certifyHarness(dir);

  const terminal = (config: string) =>
    `${JSON.stringify(process.execPath)} ${JSON.stringify(cliFile())} run --reader pcsc:{reader} --terminal ${config} --amount {amount} --type {type} {otherarg} {pinarg} --date {date} --time 120000 --seed tut --random-draw 99 --json`;

  const reports = (sub: string): CaseReport[] =>
    (JSON.parse(readFileSync(join(dir, sub, "certification.json"), "utf8")) as { cases: CaseReport[] }).cases;

  it("emvsim's kernel passes every card-side criterion on two cases of every family", async () => {
    const cases = selection();
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.family)).size).toBeGreaterThanOrEqual(11);
    const r = await certify(
      [
        ...cases.flatMap((c) => ["--case", c.id]),
        "--run",
        terminal("{terminal}"),
        "--timeout",
        "30",
        "--report",
        join(dir, "good"),
        "--junit",
        join(dir, "good", "junit.xml"),
      ],
      240_000,
    );
    expect(r.stderr + r.stdout).toContain(`${cases.length} of ${cases.length} cases passed`);
    expect(r.code).toBe(0);
    const got = reports("good");
    expect(got.map((x) => x.id)).toEqual(cases.map((c) => c.id));
    for (const x of got) {
      expect(x.problems, x.id).toEqual([]);
      // The card saw the whole transaction: at least SELECT, GPO and one GENERATE AC where the case expects one.
      expect(x.actual?.commands, x.id).toContain("GET PROCESSING OPTIONS");
      // A card cannot see the outcome: noted, not judged.
      if (x.expected.outcome)
        expect(
          x.notes?.some((n) => n.startsWith("outcome:")),
          x.id,
        ).toBe(true);
    }
    const junit = readFileSync(join(dir, "good", "junit.xml"), "utf8");
    expect(junit).toContain(`tests="${cases.length}"`);
    expect(junit).toContain('failures="0"');
  }, 300_000);

  it("a terminal whose TAC-denial is FFFFFFFFFF fails with the GENERATE AC criterion named", async () => {
    // Cases on attended-pos whose TVR has a bit set and where the books ask for no AAC: a deny-all terminal asks AAC.
    const cases = catalog()
      .filter(
        (c) =>
          portable(c) &&
          c.config === "attended-pos" &&
          c.expected.tvr !== undefined &&
          c.expected.tvr !== "0000000000" &&
          c.expected.cryptograms?.[0]?.[0] !== undefined &&
          c.expected.cryptograms[0][0] !== "AAC",
      )
      .slice(0, 2);
    expect(cases).toHaveLength(2);
    const base = JSON.parse(
      readFileSync(join(here, "..", "..", "kernel", "config", "terminals", "attended-pos.json"), "utf8"),
    ) as { id: string; aids: { tacDenial: string }[] };
    const denyAll = { ...base, id: "deny-all", aids: base.aids.map((a) => ({ ...a, tacDenial: "FFFFFFFFFF" })) };
    const file = join(dir, "deny-all.json");
    writeFileSync(file, JSON.stringify(denyAll));
    const r = await certify(
      [
        ...cases.flatMap((c) => ["--case", c.id]),
        "--run",
        terminal(JSON.stringify(file)),
        "--timeout",
        "30",
        "--report",
        join(dir, "bad"),
      ],
      120_000,
    );
    expect(r.code).toBe(1);
    for (const [i, x] of reports("bad").entries()) {
      const want = cases[i]!.expected.cryptograms!.map(([q]) => q);
      expect(x.passed, x.id).toBe(false);
      expect(x.problems[0], x.id).toBe(`card-side GENERATE AC requested: expected ${want.join(", ")}, card saw AAC`);
      expect(r.stdout).toContain(`FAIL ${x.id} ${x.title}: card-side GENERATE AC requested`);
    }
  }, 200_000);

  it("without --run, certify waits for the terminal's own transaction and goes on when it powers the card off", async () => {
    const cases = ["ODA-CDA-001", "CVM-PIN-001"];
    const started = new Set<string>();
    const terminals: Promise<Outcome>[] = [];
    // The terminal, started by hand when the card is in the reader (as an operator would), powers it off at the end.
    const runTerminal = (pin: string | undefined): Promise<Outcome> => {
      const args = [cliFile(), "run", "--reader", "pcsc:Virtual PCD 00 00", "--amount", "12.34", "--date", "251129"];
      // The catalog's random-selection draw (99: never selected), fixed as the catalog fixes it.
      const fixed = ["--time", "120000", "--seed", "tut", "--random-draw", "99", "--json"];
      return runNode([...args, ...fixed, ...(pin ? ["--pin", pin] : [])], 30_000);
    };
    const r = await certify(
      ["--case", cases[0]!, "--case", cases[1]!, "--timeout", "30", "--report", join(dir, "own")],
      120_000,
      (err) => {
        for (const id of cases) {
          if (!started.has(id) && err.includes(`${id}: card in the reader, waiting for the terminal's transaction`)) {
            started.add(id);
            terminals.push(runTerminal(id === "CVM-PIN-001" ? "1234" : undefined));
          }
        }
      },
    );
    const ran = await Promise.all(terminals);
    expect(ran.map((t) => t.code)).toEqual([0, 0]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const got = reports("own");
    expect(got.map((x) => [x.id, x.passed, x.problems])).toEqual([
      ["ODA-CDA-001", true, []],
      ["CVM-PIN-001", true, []],
    ]);
  }, 150_000);

  it("without --run, a terminal that never powers the card off is a timeout naming the case", async () => {
    const r = await certify(["--case", "SEL-PSE-001", "--timeout", "2", "--report", join(dir, "wait")], 60_000);
    expect(r.code).toBe(1);
    const [x] = reports("wait");
    expect(x?.problems[0]).toBe(
      "terminal under test: timeout, the card was not powered off within 2 s after 0 APDUs (case SEL-PSE-001)",
    );
    expect(r.stderr).toContain("SEL-PSE-001: card in the reader, waiting for the terminal's transaction (up to 2 s)");
  }, 90_000);
});
