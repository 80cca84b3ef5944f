// `emvsim certify`: the certification catalog (EMVCo Level 2 families over EMV Books 1–4) run as a tool, with
// progress, JSON / Markdown / HTML reports and JUnit XML for CI, a deterministic shard of a CI matrix, and an exit
// code that says whether every case passed.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { renderHtml } from "../../certification-tests/html.js";
import { renderJunit } from "../../certification-tests/junit.js";
import { type CaseReport, writeReport } from "../../certification-tests/report.js";
import {
  type Progress,
  parseShard,
  type Runnable,
  runAll,
  type Selection,
  selectRunnables,
} from "../../certification-tests/runner.js";
import { evaluateC2OnTerminal, portableC2 } from "../../certification-tests/tut/c2.js";
import { evaluateTapOnTerminal, portableTap } from "../../certification-tests/tut/contactless.js";
import {
  DEFAULT_VPCD_READER,
  evaluateCaseOnTerminal,
  parseTerminalUnderTest,
  portable,
  type VpcdAddress,
  vpcdReachable,
} from "../../certification-tests/tut/runner.js";
import { maskPansInText } from "../../emv/sensitive.js";
import { type CliIo, type Command, UsageError } from "../command.js";

const USAGE = `Usage: emvsim certify [options]

Runs the certification catalog on emvsim's own kernel against the software card — each case's expected outcome,
TVR, TSI, CVM Results, cryptograms and APDUs (from the EMV books) and the books' invariants — then the property
suites (PROP-*: fast-check against independent models of the books).

Options:
  --family <name|prefix>   only this family (e.g. "cardholder verification") or id prefix (e.g. CVM); repeatable
  --case <id>              only this case (e.g. SEL-001); repeatable
  --kernel emvsim          the kernel under test: emvsim's own, in-process (the default)
  --terminal-under-test vpcd[:HOST:PORT]
                           judge another terminal instead: each case's card is served to pcscd through
                           vsmartcard's vpcd (default 127.0.0.1:35963) and the case is judged from what the card
                           saw (AID selected, PDOL data, records read, INTERNAL AUTHENTICATE, velocity GET DATA,
                           VERIFY, GENERATE AC requests and CDA bit, TVR/TSI/CVM Results in the CDOL data,
                           EXTERNAL AUTHENTICATE, script commands); the outcome is the terminal's and is not judged
  --run "<cmd>"            with --terminal-under-test: run this shell command per case, variables substituted
                           shell-quoted: {amount} (major units) {otheramount} {type} {pin} {case} {reader}
                           {terminal} (the case's terminal configuration id) {date} (YYMMDD), {amountminor}
                           {otherminor} (minor units) {typecode} (9C, 2 digits) {isodate} (YYYY-MM-DD), {pinarg}
                           (--pin 'PIN', or nothing when the case enters no PIN), {otherarg} (--other-amount
                           'N.NN', or nothing when the case has no other amount), {interface} (contact or
                           contactless), {configarg} (--terminal 'ID' for a contact case, --reader-config 'ID'
                           for a tap). Without --run, emvsim waits for
                           the terminal's transaction and goes on when the card is powered off
  --timeout <s>            with --terminal-under-test: per case, the command's run time or the wait (default 60)
  --reader <name>          with --terminal-under-test: the reader name for {reader} (default "Virtual PCD 00 00")
  --portable               with --terminal-under-test: only the cases whose setup a command line passes (no
                           terminal overrides, random draws, scripts, several PINs, host absent; for taps: a
                           shipped reader configuration, one card in the field, one tap)
  --interface <which>      contact (the contact catalog), contactless (the taps: Entry Point 2EA-2EF, C-3, C-2)
                           or both; default both for emvsim's kernel, contact for a terminal under
                           test. A tap's card is served as an ISO 14443-4 card (PC/SC Part 3 ATR, PPSE) and judged
                           on the APDU sequence, the combination selected and the TTQ in its GPO data; a Kernel 2
                           tap also on the GENERATE AC P1 and the TVR and CVM Results in its CDOL1 data
  --shard <i/n>            run shard i of n (cases taken round-robin in catalog order), for a CI matrix
  --report <dir>           write certification.json, certification.md and certification.html there
  --junit <file>           write JUnit XML (one testcase per case, classname = family)
  --list                   list the selected cases and exit
  --quiet                  no progress on stderr

Exit code: 0 when every selected case passed, 1 when one failed or on a usage error.`;

/** Which cards a run takes: the contact catalog, the contactless taps (Entry Point, C-3, C-2), or both. */
type InterfaceChoice = "contact" | "contactless" | "both";

interface TerminalUnderTest {
  readonly vpcd: VpcdAddress;
  readonly run?: string;
  readonly timeoutMs: number;
  readonly reader: string;
  readonly portableOnly: boolean;
}

interface CertifyOptions {
  readonly selection: Selection;
  readonly interface: InterfaceChoice;
  readonly tut?: TerminalUnderTest;
  readonly reportDir?: string;
  readonly junit?: string;
  readonly list: boolean;
  readonly quiet: boolean;
}

function parseArgs(args: readonly string[]): CertifyOptions {
  const families: string[] = [];
  const ids: string[] = [];
  let shard: Selection["shard"];
  let reportDir: string | undefined;
  let junit: string | undefined;
  let list = false;
  let quiet = false;
  let kernel = false;
  let vpcd: VpcdAddress | undefined;
  let run: string | undefined;
  let timeout: number | undefined;
  let reader: string | undefined;
  let portableOnly = false;
  let iface: InterfaceChoice | undefined;
  const single = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const once = () => {
      if (single.has(a)) throw new UsageError(`${a} given twice`);
      single.add(a);
    };
    switch (a) {
      case "--family":
        families.push(value());
        break;
      case "--case":
        ids.push(value());
        break;
      case "--kernel": {
        once();
        const k = value();
        if (k !== "emvsim") throw new UsageError(`--kernel ${k}: only 'emvsim' is available`);
        kernel = true;
        break;
      }
      case "--terminal-under-test": {
        once();
        const parsed = parseTerminalUnderTest(value());
        if (!parsed.ok) throw new UsageError(parsed.error);
        vpcd = parsed.value;
        break;
      }
      case "--run":
        once();
        run = value();
        break;
      case "--timeout": {
        once();
        const v = value();
        const n = Number(v);
        if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || n <= 0 || n > 3600)
          throw new UsageError(`--timeout ${v}: expected seconds, more than 0 and at most 3600`);
        timeout = n;
        break;
      }
      case "--reader":
        once();
        reader = value();
        break;
      case "--portable":
        portableOnly = true;
        break;
      case "--interface": {
        once();
        const v = value();
        if (v !== "contact" && v !== "contactless" && v !== "both")
          throw new UsageError(`--interface ${maskPansInText(v)}: expected contact, contactless or both`);
        iface = v;
        break;
      }
      case "--shard": {
        once();
        const parsed = parseShard(value());
        if (!parsed.ok) throw new UsageError(parsed.error);
        shard = parsed.value;
        break;
      }
      case "--report":
        once();
        reportDir = value();
        break;
      case "--junit":
        once();
        junit = value();
        break;
      case "--list":
        list = true;
        break;
      case "--quiet":
        quiet = true;
        break;
      default:
        throw new UsageError(`unknown option '${maskPansInText(a)}' (try 'emvsim certify --help')`);
    }
  }
  if (kernel && vpcd) throw new UsageError("--kernel and --terminal-under-test: give one");
  if (!vpcd && (run !== undefined || timeout !== undefined || reader !== undefined || portableOnly))
    throw new UsageError("--run, --timeout, --reader and --portable go with --terminal-under-test");
  return {
    ...(vpcd
      ? {
          tut: {
            vpcd,
            ...(run !== undefined ? { run } : {}),
            timeoutMs: (timeout ?? 60) * 1000,
            reader: reader ?? DEFAULT_VPCD_READER,
            portableOnly,
          },
        }
      : {}),
    // A terminal under test is usually one kind of terminal: contact unless asked; emvsim's kernel runs both.
    interface: iface ?? (vpcd ? "contact" : "both"),
    selection: {
      ...(families.length ? { families } : {}),
      ...(ids.length ? { ids } : {}),
      ...(shard ? { shard } : {}),
    },
    ...(reportDir !== undefined ? { reportDir } : {}),
    ...(junit !== undefined ? { junit } : {}),
    list,
    quiet,
  };
}

/** "[ 12/163] PASS SEL-001 (12 passed, 0 failed)": one line per case, failures with their first divergence. */
function progressLine(p: Progress): string {
  const width = String(p.total).length;
  const r = p.report;
  const head = `[${String(p.done).padStart(width)}/${p.total}] ${r.passed ? "PASS" : "FAIL"} ${r.id} ${r.family}`;
  const tally = `(${p.passed} passed, ${p.failed} failed)`;
  // Problems quote card data: masked like every output (emv/sensitive.ts).
  return r.passed ? `${head} ${tally}` : `${head} ${tally}\n      ${maskPansInText(r.problems[0] ?? "failed")}`;
}

function summaryTable(reports: readonly CaseReport[]): string[] {
  const families = [...new Set(reports.map((r) => r.family))];
  const width = Math.max(6, ...families.map((f) => f.length));
  const lines = [`${"family".padEnd(width)}  passed  failed`];
  for (const f of families) {
    const mine = reports.filter((r) => r.family === f);
    const passed = mine.filter((r) => r.passed).length;
    lines.push(`${f.padEnd(width)}  ${String(passed).padStart(6)}  ${String(mine.length - passed).padStart(6)}`);
  }
  return lines;
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export const command: Command = {
  name: "certify",
  summary: "run the certification catalog (JSON, HTML, JUnit reports; shards for CI)",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const options = parseArgs(args);
    const selected = selectRunnables(options.selection);
    if (!selected.ok) throw new UsageError(selected.error);
    const tut = options.tut;
    // A terminal under test is judged on the catalog's cases and the taps; the property suites drive emvsim's kernel
    // in-process.
    const wanted = (r: Runnable) =>
      r.kind === "property" ||
      (r.kind === "case" ? options.interface !== "contactless" : options.interface !== "contact");
    const cases = selected.value.filter(
      (r) =>
        wanted(r) &&
        (!tut ||
          (r.kind === "case" && (!tut.portableOnly || portable(r.case))) ||
          (r.kind === "contactless" && (!tut.portableOnly || portableTap(r.case))) ||
          (r.kind === "c2" && (!tut.portableOnly || portableC2(r.case)))),
    );
    if (options.list) {
      for (const r of cases) {
        const c = r.kind === "property" ? r.suite : r.case;
        const kind = r.kind === "property" ? "\tproperty suite" : r.kind === "case" ? "" : "\tcontactless";
        io.out(`${c.id}\t${c.family}\t${c.title}\t${c.ref}${kind}`);
      }
      return 0;
    }
    if (cases.length === 0) {
      // A shard may legitimately be empty (more shards than cases); say so rather than pass silently.
      io.err("certify: no case selected");
      return 0;
    }
    if (tut) {
      const unreachable = await vpcdReachable(tut.vpcd);
      if (unreachable) {
        io.err(`certify: ${unreachable}`);
        return 1;
      }
    }
    const started = new Date();
    const tutOptions = tut && {
      vpcd: tut.vpcd,
      ...(tut.run !== undefined ? { run: tut.run } : {}),
      timeoutMs: tut.timeoutMs,
      reader: tut.reader,
      ...(options.quiet ? {} : { log: (line: string) => io.err(`      ${line}`) }),
    };
    const reports = await runAll(
      cases,
      (p) => {
        if (!options.quiet) io.err(progressLine(p));
      },
      tutOptions
        ? {
            case: (c) => evaluateCaseOnTerminal(c, tutOptions),
            contactless: (c) => evaluateTapOnTerminal(c, tutOptions),
            c2: (c) => evaluateC2OnTerminal(c, tutOptions),
          }
        : {},
    );
    const passed = reports.filter((r) => r.passed).length;
    const who = tut
      ? `terminal under test at vpcd ${tut.vpcd.host}:${tut.vpcd.port}, judged from the card's side`
      : "kernel emvsim";
    const subject = `${who}${options.selection.shard ? `, shard ${options.selection.shard.index}/${options.selection.shard.count}` : ""}`;
    if (options.reportDir !== undefined) {
      const dir = resolve(options.reportDir);
      const { json, md } = writeReport(reports, dir);
      const html = join(dir, "certification.html");
      writeFile(html, renderHtml(reports, { subject, generated: started.toISOString() }));
      io.out(`reports: ${json}, ${md}, ${html}`);
    }
    if (options.junit !== undefined) {
      const file = resolve(options.junit);
      writeFile(file, renderJunit(reports, { name: `emvsim certify (${subject})`, timestamp: started.toISOString() }));
      io.out(`JUnit: ${file}`);
    }
    for (const line of summaryTable(reports)) io.out(line);
    const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1);
    io.out(`${passed} of ${reports.length} cases passed in ${seconds} s (${subject})`);
    for (const r of reports.filter((x) => !x.passed))
      io.out(maskPansInText(`FAIL ${r.id} ${r.title}: ${r.problems[0] ?? "failed"}`));
    return passed === reports.length ? 0 : 1;
  },
};
