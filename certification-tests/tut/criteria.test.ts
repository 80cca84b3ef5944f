// The card-side criteria: emvsim's kernel, in-process on every catalog case's served card (CDOLs asking for 95, 9B,
// 9F34), meets every one; and each criterion fails, naming itself, when the terminal's commands are altered the way
// a wrong terminal would send them.

import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import type { CardExchange } from "../../serve/exchange-recorder.js";
import { catalog } from "../catalog/index.js";
import type { CertCase } from "../catalog/types.js";
import { runCase } from "../harness.js";
import {
  cardExchanges,
  finalExchanges,
  isShortCommandApdu,
  judgeFromCard,
  plaintextPinBlockProblem,
} from "./criteria.js";
import { servedOverrides, withJudgedEntries } from "./served-profile.js";

const ALL = catalog();
const byId = (id: string) => {
  const c = ALL.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

/** The case as served to a terminal under test, and the exchanges emvsim's kernel has with it in-process. */
async function served(c: CertCase): Promise<{ c: CertCase; ex: CardExchange[] }> {
  const s = { ...c, card: servedOverrides(c) };
  const run = await runCase(s);
  if (!run.record) throw new Error(`${c.id}: ${run.setupError}`);
  return { c: s, ex: cardExchanges(run.record.trace) };
}

const ins = (x: CardExchange) => x.command[1];
const withCommand = (x: CardExchange, command: Uint8Array): CardExchange => ({ command, response: x.response });

/** The exchanges with the first command matching `pick` changed by `edit` (null = dropped). */
function alter(
  ex: readonly CardExchange[],
  pick: (x: CardExchange, i: number) => boolean,
  edit: (command: Uint8Array) => Uint8Array | null,
): CardExchange[] {
  const i = ex.findIndex(pick);
  expect(i, "the command to alter is in the exchanges").toBeGreaterThanOrEqual(0);
  const out = [...ex];
  const edited = edit(out[i]!.command.slice());
  if (edited === null) out.splice(i, 1);
  else out[i] = withCommand(out[i]!, edited);
  return out;
}

function problemsOf(c: CertCase, ex: readonly CardExchange[]): string[] {
  return judgeFromCard(c, ex, "terminal-under-test").problems;
}

describe("emvsim's kernel in-process meets every card-side criterion", () => {
  it("on every catalog case, the card served with CDOLs asking for 95, 9B and 9F34", async () => {
    const failures: string[] = [];
    let judged = 0;
    for (const c of ALL) {
      const { c: s, ex } = await served(c);
      const v = judgeFromCard(s, ex, "terminal-under-test");
      failures.push(...v.problems.map((p) => `${c.id}: ${p}`));
      if (v.view.gacs.some((g) => g.tvr !== undefined && g.tsi !== undefined && g.cvmResults !== undefined)) judged++;
    }
    expect(failures).toEqual([]);
    // Every case that reaches a GENERATE AC shows the card the terminal's TVR, TSI and CVM Results.
    expect(judged).toBeGreaterThan(150);
  }, 60_000);
});

describe("a wrong terminal fails the criterion it breaks", () => {
  it("AID selected: the final SELECT names another application", async () => {
    const { c, ex } = await served(byId("SEL-PSE-001"));
    expect(c.expected.aid).toBe("A0000000031010");
    const bad = alter(
      ex,
      (x) => ins(x) === 0xa4 && toHex(x.command).includes("A0000000031010"),
      (cmd) => fromHex(toHex(cmd).replace("A0000000031010", "A0000000032010")),
    );
    expect(problemsOf(c, bad)).toContain(
      "card-side AID selected: expected final SELECT of A0000000031010, card saw A0000000032010",
    );
  });

  it("PDOL data: GPO data shorter than the PDOL asks for", async () => {
    const { c, ex } = await served(byId("GPO-PDOL-001"));
    const bad = alter(
      ex,
      (x) => ins(x) === 0xa8,
      () => fromHex("80A8000002830000"),
    );
    expect(problemsOf(c, bad).filter((p) => p.startsWith("card-side PDOL data:"))).toEqual([
      "card-side PDOL data: expected GPO 80A800000A8308000000001234084000, card saw 80A8000002830000",
      "card-side PDOL data: GPO data 8300 is not 83 08 followed by the 8 bytes the PDOL asks for",
    ]);
  });

  it("records read: a record of the AFL skipped", async () => {
    const { c, ex } = await served(byId("ODA-SDA-001"));
    const reads = ex.filter((x) => ins(x) === 0xb2 && (x.command[3]! & 7) === 4);
    const bad = alter(
      ex,
      (x) => x === reads.at(-1),
      () => null,
    );
    expect(problemsOf(c, bad).filter((p) => p.startsWith("card-side records read:"))).toHaveLength(1);
  });

  it("INTERNAL AUTHENTICATE: not sent although DDA is due", async () => {
    const { c, ex } = await served(byId("ODA-DDA-001"));
    const bad = alter(
      ex,
      (x) => ins(x) === 0x88,
      () => null,
    );
    expect(problemsOf(c, bad)).toContain("card-side INTERNAL AUTHENTICATE: DDA is due: expected 1, card saw 0");
  });

  it("GENERATE AC requested: an AAC asked for where the books give a TC or ARQC (and the CDA bit dropped)", async () => {
    const { c, ex } = await served(byId("ODA-CDA-001"));
    const bad = alter(
      ex,
      (x) => ins(x) === 0xae,
      (cmd) => {
        cmd[2] = 0x00;
        return cmd;
      },
    );
    const problems = problemsOf(c, bad);
    expect(problems).toContain("card-side GENERATE AC requested: expected TC, TC, card saw AAC, TC");
  });

  it("GENERATE AC requested: the CDA bit missing on a TC with CDA selected", async () => {
    const { c, ex } = await served(byId("ODA-CDA-001"));
    const bad = alter(
      ex,
      (x) => ins(x) === 0xae,
      (cmd) => {
        cmd[2] = cmd[2]! & ~0x10;
        return cmd;
      },
    );
    expect(problemsOf(c, bad)).toContain(
      "card-side GENERATE AC requested: GENERATE AC 1 (TC): CDA bit clear, expected set (ODA method CDA)",
    );
  });

  it("TVR, TSI and CVM Results in the CDOL data: a terminal sending zeros", async () => {
    const { c, ex } = await served(byId("CVM-PIN-001"));
    expect(c.expected.cvmResults).toBe("010002"); // plaintext offline PIN, always, successful (Book 3 Annex C3)
    // The CVM Results in the last GENERATE AC's data replaced by zeros (as a terminal doing no CVM sends them).
    const gacs = ex.filter((x) => ins(x) === 0xae);
    const hex = toHex(gacs.at(-1)!.command);
    expect(hex.slice(10).split("010002")).toHaveLength(2); // once in the CDOL data
    const bad = alter(
      ex,
      (x) => x === gacs.at(-1),
      () => fromHex(hex.slice(0, 10) + hex.slice(10).replace("010002", "000000")),
    );
    expect(problemsOf(c, bad)).toContain(
      `card-side CVM Results in CDOL data: GENERATE AC ${gacs.length}: expected 010002, card saw 000000`,
    );
  });

  it("TVR in the CDOL data: a bit the books do not set, named in words", async () => {
    const { c, ex } = await served(byId("ODA-SDA-001"));
    const v = judgeFromCard(c, ex, "terminal-under-test");
    const last = v.view.gacs.at(-1);
    expect(last?.tvr).toBeDefined();
    const gacs = ex.filter((x) => ins(x) === 0xae);
    const hex = toHex(gacs.at(-1)!.command);
    const tvrAt = hex.indexOf(last!.tvr!, 10); // first occurrence after the header: the TVR in CDOL data
    expect(tvrAt).toBeGreaterThan(0);
    const flipped = `${hex.slice(0, tvrAt)}${(Number.parseInt(last!.tvr!.slice(0, 2), 16) ^ 0x80).toString(16).padStart(2, "0").toUpperCase()}${hex.slice(tvrAt + 2)}`;
    const bad = alter(
      ex,
      (x) => x === gacs.at(-1),
      () => fromHex(flipped),
    );
    expect(problemsOf(c, bad).find((p) => p.startsWith("card-side TVR in CDOL data:"))).toMatch(
      /Offline data authentication was not performed/,
    );
  });

  it("VERIFY: an enciphered PIN header where the card's CVM is plaintext offline PIN", async () => {
    const { c, ex } = await served(byId("CVM-PIN-001"));
    const bad = alter(
      ex,
      (x) => ins(x) === 0x20,
      (cmd) => {
        cmd[3] = 0x88;
        return cmd;
      },
    );
    expect(problemsOf(c, bad)).toContain("card-side VERIFY: plaintext offline PIN: expected P2 80, card saw P2 88");
  });

  it("EXTERNAL AUTHENTICATE: not sent although issuer authentication was performed", async () => {
    const c0 = ALL.find(
      (c) => c.expected.tsi && (Number.parseInt(c.expected.tsi.slice(0, 2), 16) & 0x10) !== 0 && !c.params?.scripts,
    )!;
    const { c, ex } = await served(c0);
    if (!ex.some((x) => ins(x) === 0x82)) return; // issuer authentication inside GENERATE AC for this card
    const bad = alter(
      ex,
      (x) => ins(x) === 0x82,
      () => null,
    );
    expect(problemsOf(c, bad).find((p) => p.startsWith("card-side EXTERNAL AUTHENTICATE:"))).toMatch(/card saw 0/);
  });

  it("script commands: a template 71 command sent after the final GENERATE AC", async () => {
    const { c, ex } = await served(byId("SCR-71-001"));
    const script = ex.findIndex((x) => ins(x) === 0x18);
    expect(script).toBeGreaterThan(0);
    const moved = [...ex];
    const [cmd] = moved.splice(script, 1);
    moved.push(cmd!);
    expect(problemsOf(c, moved)).toContain(
      "card-side script commands: APPLICATION UNBLOCK of template 71 sent not before the final GENERATE AC",
    );
  });

  it("velocity GET DATA: ATC and last online ATC not asked for although the card has LCOL and UCOL", async () => {
    const c0 = byId("TRM-VEL-002"); // LCOL and UCOL on the card, neither exceeded
    const { c, ex } = await served(c0);
    const bad = ex.filter((x) => ins(x) !== 0xca);
    expect(problemsOf(c, bad).find((p) => p.startsWith("card-side velocity GET DATA:"))).toMatch(/card saw 0 and 0/);
  });

  it("notes the criteria a card cannot see (the outcome) in terminal-under-test mode, and not in kernel mode", async () => {
    const { c, ex } = await served(byId("ODA-CDA-001"));
    expect(judgeFromCard(c, ex, "terminal-under-test").notes).toContain(
      "outcome: expected online-approved: needs the terminal's own report, not judged",
    );
    expect(judgeFromCard(c, ex, "kernel").notes.some((n) => n.startsWith("outcome"))).toBe(false);
  });
});

describe("building blocks", () => {
  it("plaintext PIN block, Book 3 §6.5.12 Table 24: 24 1234 FFFFFFFFFF is well formed, others named", () => {
    expect(plaintextPinBlockProblem(fromHex("241234FFFFFFFFFF"))).toBeUndefined();
    expect(plaintextPinBlockProblem(fromHex("141234FFFFFFFFFF"))).toBe("control field 1, not 2");
    expect(plaintextPinBlockProblem(fromHex("231234FFFFFFFFFF"))).toBe("PIN length 3, not 4–12");
    expect(plaintextPinBlockProblem(fromHex("241234FFFFFFFF0F"))).toBe("filler is not F");
    expect(plaintextPinBlockProblem(fromHex("2412340000"))).toBe("5 bytes, not 8");
  });

  it("T=0 answers folded (ISO 7816-3 §10.3.4): 61xx + GET RESPONSE, 6Cxx + the repeated command", () => {
    const ex = finalExchanges([
      { command: fromHex("00A4040007A000000003101000"), response: fromHex("6120") },
      { command: fromHex("00C0000020"), response: fromHex("6F1E9000") },
      { command: fromHex("00B2010C00"), response: fromHex("6C40") },
      { command: fromHex("00B2010C40"), response: fromHex("70009000") },
    ]);
    expect(ex.map((x) => `${toHex(x.command)}→${toHex(x.response)}`)).toEqual([
      "00A4040007A000000003101000→6F1E9000",
      "00B2010C40→70009000",
    ]);
  });

  it("CDOLs get the judged entries they lack, appended (Book 3 Annex A lengths: 95 5, 9B 2, 9F34 3)", () => {
    expect(withJudgedEntries("8A029F02069F03069F1A0295055F2A029A039C019F3704")).toBe(
      "8A029F02069F03069F1A0295055F2A029A039C019F37049B029F3403",
    );
    expect(withJudgedEntries("9F02069505")).toBe("9F020695059B029F3403");
    expect(withJudgedEntries("95059B029F3403")).toBe("95059B029F3403");
    expect(withJudgedEntries("9F")).toBeUndefined();
  });
});

describe("isShortCommandApdu (ISO 7816-4 §5.1 short cases 1–4)", () => {
  it("accepts header, header ‖ Le, header ‖ Lc ‖ data (‖ Le); refuses shorter, Lc 00 and a length off by one", () => {
    for (const ok of ["84180000", "8418000000", "84DA9F4F0101", "84DA9F4F010100"])
      expect([ok, isShortCommandApdu(fromHex(ok))]).toEqual([ok, true]);
    for (const bad of ["84DA", "84DA9F4F0001", "84DA9F4F0201020304", "84DA9F4F0201", "84DA9F4F000102"])
      expect([bad, isShortCommandApdu(fromHex(bad))]).toEqual([bad, false]);
  });
});
