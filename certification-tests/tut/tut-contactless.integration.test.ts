// Integration: `emvsim certify --terminal-under-test vpcd --interface contactless` through real pcscd + vsmartcard
// vpcd. Each tap case's card (an emulator profile on its contactless interface, or the case's scripted card) is served
// as an ISO 14443-4 card (the PC/SC Part 3 ATR); the terminal under test is `emvsim run --reader pcsc:<vpcd reader>`,
// which sees a contactless card and runs Entry Point. emvsim's own reader passes every card-side criterion (APDU
// sequence, combination selected, TTQ in the GPO data) on two portable cases of every family; the same reader with
// the wrong reader configuration fails with the TTQ criterion named. Kernel 2 taps likewise (GENERATE AC P1, TVR and
// CVM Results in the CDOL1 data).
// One pcscd per machine: the harness waits for the machine-wide pcscd lock (devices/testing/pcscd.ts).

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pcscdAvailability, requireHardware } from "../../devices/testing/pcscd.js";
import { kernel2Cases } from "../catalog/c2.js";
import { kernel3Cases } from "../catalog/contactless-c3.js";
import { entryPointCases } from "../catalog/contactless-entry-point.js";
import type { ContactlessCase } from "../catalog/contactless-types.js";
import type { CaseReport } from "../report.js";
import { portableC2 } from "./c2.js";
import { portableTap } from "./contactless.js";
import { certifyHarness } from "./testing/certify-process.js";

const _here = dirname(fileURLToPath(import.meta.url));
const availability = pcscdAvailability();
const reason = availability.ok ? undefined : availability.reason;
if (reason && requireHardware())
  throw new Error(
    `EMVSIM_REQUIRE_HARDWARE=1 but the contactless terminal-under-test integration cannot run: ${reason}`,
  );
if (reason) console.warn(`[skip] certify --terminal-under-test --interface contactless through pcscd: ${reason}`);

const taps = (): ContactlessCase[] => [...entryPointCases(), ...kernel3Cases()];

/** Two portable tap cases per family, the first with a GPO whose TTQ the case asserts. */
function selection(): ContactlessCase[] {
  const out: ContactlessCase[] = [];
  for (const family of new Set(taps().map((c) => c.family))) {
    const mine = taps().filter((c) => c.family === family && portableTap(c));
    const withTtq = mine.filter((c) => c.expected.ttq && c.expected.commands.includes("GET PROCESSING OPTIONS"));
    out.push(...[...new Set([...withTtq.slice(0, 1), ...mine])].slice(0, 2));
  }
  // In catalog order, as certify runs them.
  const order = taps().map((c) => c.id);
  return out.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

describe.skipIf(!!reason)("emvsim certify --terminal-under-test vpcd --interface contactless", () => {
  const dir = mkdtempSync(join(tmpdir(), "emvsim-tut-cl-"));
  const { certify, cliFile } = certifyHarness(dir);

  /** emvsim's reader as the terminal under test; `config` is the reader configuration argument. */
  const terminal = (config: string) =>
    `${JSON.stringify(process.execPath)} ${JSON.stringify(cliFile())} run --reader pcsc:{reader} ${config} --amount {amount} --type {type} {otherarg} {pinarg} --date {date} --time 120000 --seed tut --random-draw 99 --json`;

  const reports = (sub: string): CaseReport[] =>
    (JSON.parse(readFileSync(join(dir, sub, "certification.json"), "utf8")) as { cases: CaseReport[] }).cases;

  it("emvsim's reader passes every card-side criterion on two tap cases of every family", async () => {
    const cases = selection();
    // Every family but 2EC (protocol activation: collisions and removals no reader in a CI can stage).
    expect(new Set(cases.map((c) => c.family)).size).toBe(6);
    const r = await certify(
      [
        "--interface",
        "contactless",
        ...cases.flatMap((c) => ["--case", c.id]),
        "--run",
        terminal("{configarg}"),
        "--timeout",
        "30",
        "--report",
        join(dir, "good"),
      ],
      200_000,
    );
    expect(r.stdout, r.stderr).toContain(`${cases.length} of ${cases.length} cases passed`);
    expect(r.code).toBe(0);
    const got = reports("good");
    expect(got.map((x) => x.id)).toEqual(cases.map((c) => c.id));
    for (const [i, x] of got.entries()) {
      expect(x.problems, x.id).toEqual([]);
      // The card saw the case's own APDU sequence, SELECT PPSE first (Book B §3.3.2.2).
      expect(x.actual?.commands, x.id).toEqual(cases[i]!.expected.commands);
      if (cases[i]!.expected.commands.length) expect(x.actual?.commands[0], x.id).toBe("SELECT PPSE");
      // The outcome is the reader's: noted, not judged.
      expect(
        x.notes?.some((n) => n.startsWith("outcome (")),
        x.id,
      ).toBe(true);
    }
  }, 240_000);

  it("Kernel 2: emvsim's reader passes two cases of every portable C-2 family, and fails them under another reader", async () => {
    const picked = new Map<string, string>();
    const ids: string[] = [];
    for (const c of kernel2Cases().filter(portableC2)) {
      const n = [...picked.values()].filter((f) => f === c.family).length;
      if (n < 2) {
        picked.set(c.id, c.family);
        ids.push(c.id);
      }
    }
    expect(new Set(picked.values()).size).toBe(5); // all but relay resistance and torn transactions (clock, two taps)
    const good = await certify(
      [
        "--interface",
        "contactless",
        ...ids.flatMap((id) => ["--case", id]),
        "--run",
        terminal("{configarg}"),
        "--timeout",
        "30",
        "--report",
        join(dir, "c2"),
      ],
      200_000,
    );
    expect(good.stdout, good.stderr).toContain(`${ids.length} of ${ids.length} cases passed`);
    for (const x of reports("c2")) {
      expect(x.problems, x.id).toEqual([]);
      expect(x.actual?.commands, x.id).toContain("GENERATE AC");
    }
    // C2-010 (expired application → TVR B2b7 → TAC-Denial → AAC with CDA, P1 10) under attended-pos-k2, whose
    // TAC-Denial is 0000000000: the reader asks for an ARQC (P1 90) instead.
    const bad = await certify(
      [
        "--interface",
        "contactless",
        "--case",
        "C2-010",
        "--run",
        terminal("--reader-config attended-pos-k2"),
        "--timeout",
        "30",
        "--report",
        join(dir, "c2-bad"),
      ],
      60_000,
    );
    expect(bad.code).toBe(1);
    expect(reports("c2-bad")[0]?.problems).toContain('card-side GENERATE AC P1: expected "10", card saw "90"');
  }, 260_000);

  it("the same reader under the wrong reader configuration fails on the TTQ the card received", async () => {
    // Cases on the attended-pos reader whose TTQ byte 2 has no bit set: the online-only reader (floor limit 0) sets
    // 'online cryptogram required' (Book B §3.1.1.6), so the card sees another TTQ.
    const cases = taps()
      .filter(
        (c) =>
          portableTap(c) &&
          c.reader === "attended-pos" &&
          c.expected.ttq?.slice(2, 4) === "00" &&
          c.expected.commands.includes("GET PROCESSING OPTIONS"),
      )
      .slice(0, 2);
    expect(cases.length).toBeGreaterThanOrEqual(1);
    const r = await certify(
      [
        "--interface",
        "contactless",
        ...cases.flatMap((c) => ["--case", c.id]),
        "--run",
        terminal("--reader-config online-only"),
        "--timeout",
        "30",
        "--report",
        join(dir, "bad"),
      ],
      120_000,
    );
    expect(r.code).toBe(1);
    for (const x of reports("bad")) {
      expect(x.passed, x.id).toBe(false);
      expect(
        x.problems.find((p) => p.startsWith("card-side TTQ (9F66) sent: expected")),
        x.id,
      ).toBeDefined();
    }
  }, 150_000);
});
