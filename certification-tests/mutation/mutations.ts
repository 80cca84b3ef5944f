// Plausible kernel bugs, planted one at a time by `npm run mutations` to measure what the certification catalog
// catches (issue 14, catalog strength). Each is one exact text change in one source file; each names the rule of the
// books it breaks. mutations.test.ts keeps every `find` present exactly once, so the list follows the code.

import { DATA_ODA_MUTATIONS } from "./data-oda-mutations.js";
import { SELECTION_MUTATIONS } from "./selection-mutations.js";

export interface Mutation {
  readonly id: string;
  /** The bug in words. */
  readonly bug: string;
  /** The rule it breaks. */
  readonly ref: string;
  /** Source file, from the project root. */
  readonly file: string;
  /** Exact text, present once in the file. */
  readonly find: string;
  readonly replace: string;
}

export const MUTATIONS: readonly Mutation[] = [
  {
    id: "M01",
    bug: "candidates ordered lowest priority first",
    ref: "Book 1 §12.4",
    file: "kernel/contact/selection/candidates.ts",
    find: ".sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)",
    replace: ".sort((a, b) => rank(b.c) - rank(a.c) || a.i - b.i)",
  },
  {
    id: "M02",
    bug: "a partial AID match is allowed although the terminal's ASI asks for an exact match",
    ref: "Book 1 §12.3.1",
    file: "kernel/contact/selection/candidates.ts",
    find: "    terminal.partialSelection &&\n",
    replace: "    true &&\n",
  },
  {
    id: "M03",
    bug: "ODA prefers DDA over CDA",
    ref: "Book 3 §10.3",
    file: "kernel/contact/oda/method.ts",
    find: '  if (both(AIP.CDA_SUPPORTED, TERMINAL_CAPABILITIES.CDA)) return "CDA";\n  if (both(AIP.DDA_SUPPORTED, TERMINAL_CAPABILITIES.DDA)) return "DDA";',
    replace:
      '  if (both(AIP.DDA_SUPPORTED, TERMINAL_CAPABILITIES.DDA)) return "DDA";\n  if (both(AIP.CDA_SUPPORTED, TERMINAL_CAPABILITIES.CDA)) return "CDA";',
  },
  {
    id: "M04",
    bug: "'SDA selected' not set in the TVR",
    ref: "Book 3 §10.3, Annex C5 B1b2",
    file: "kernel/contact/oda.ts",
    find: 'if (method === "SDA") ctx.tvr.set(TVR.SDA_SELECTED);',
    replace: 'if (method === "SDA") void TVR.SDA_SELECTED;',
  },
  {
    id: "M05",
    bug: "expiry checked with 'on or before' (a card expiring today is expired)",
    ref: "Book 3 §10.4.3",
    file: "kernel/contact/restrictions.ts",
    find: "today === undefined || today > expiry",
    replace: "today === undefined || today >= expiry",
  },
  {
    id: "M06",
    bug: "'application not yet effective' never set for valid dates",
    ref: "Book 3 §10.4.3",
    file: "kernel/contact/restrictions.ts",
    find: "today === undefined || today < effective",
    replace: "today === undefined || today < 0",
  },
  {
    id: "M07",
    bug: "CVM condition 'amount over X' taken as 'X or more'",
    ref: "Book 3 Annex C3",
    file: "kernel/contact/cvm/rules.ts",
    find: "return env.inApplicationCurrency && env.amount > list.amountX;",
    replace: "return env.inApplicationCurrency && env.amount >= list.amountX;",
  },
  {
    id: "M08",
    bug: "signature reported as successful (02) instead of unknown (00) in CVM Results",
    ref: "Book 4 Annex A4",
    file: "kernel/contact/cvm/rules.ts",
    find: '      outcome = { kind: "done", result: "unknown" };',
    replace: '      outcome = { kind: "done", result: "successful" };',
  },
  {
    id: "M09",
    bug: "TSI 'cardholder verification performed' not set",
    ref: "Book 3 §10.5",
    file: "kernel/contact/cvm.ts",
    find: "  ctx.tsi.set(TSI.CARDHOLDER_VERIFICATION_PERFORMED);",
    replace: "  void TSI.CARDHOLDER_VERIFICATION_PERFORMED;",
  },
  {
    id: "M10",
    bug: "'PIN Try Limit exceeded' not set when VERIFY answers 63C0/6983",
    ref: "Book 3 §10.5.1",
    file: "kernel/contact/cvm/pin.ts",
    find: "        tvr: [TVR.PIN_TRY_LIMIT_EXCEEDED],\n",
    replace: "        tvr: [],\n",
  },
  {
    id: "M11",
    bug: "floor limit compared with > instead of >=",
    ref: "Book 3 §10.6.1",
    file: "kernel/contact/risk.ts",
    find: "exceeded: compared >= inputs.floorLimit",
    replace: "exceeded: compared > inputs.floorLimit",
  },
  {
    id: "M12",
    bug: "random selection draws with < instead of <=",
    ref: "Book 3 §10.6.2",
    file: "kernel/contact/risk.ts",
    find: "return { selected: inputs.random <= percent, percent };",
    replace: "return { selected: inputs.random < percent, percent };",
  },
  {
    id: "M13",
    bug: "lower consecutive offline limit compared with >= instead of >",
    ref: "Book 3 §10.6.3",
    file: "kernel/contact/risk.ts",
    find: "lcolExceeded: offline > inputs.lcol,",
    replace: "lcolExceeded: offline >= inputs.lcol,",
  },
  {
    id: "M14",
    bug: "'new card' never set",
    ref: "Book 3 §10.6.3",
    file: "kernel/contact/risk.ts",
    find: "    if (v.newCard) ctx.tvr.set(TVR.NEW_CARD);",
    replace: "    if (v.newCard) void TVR.NEW_CARD;",
  },
  {
    id: "M15",
    bug: "exception file ignored",
    ref: "Book 3 §10.6.1",
    file: "kernel/contact/risk.ts",
    find: "    ctx.tvr.set(TVR.CARD_ON_EXCEPTION_FILE);",
    replace: "    void TVR.CARD_ON_EXCEPTION_FILE;",
  },
  {
    id: "M16",
    bug: "IAC-denial ignored in terminal action analysis",
    ref: "Book 3 §10.7",
    file: "kernel/contact/terminal-action-analysis.ts",
    find: '  if (matches(tvr, tacs.denial, iac.denial)) return "AAC";',
    replace: '  if (matches(tvr, tacs.denial, ZEROS)) return "AAC";',
  },
  {
    id: "M17",
    bug: "absent IAC-default taken as zeros instead of all ones",
    ref: "Book 3 §10.7",
    file: "kernel/contact/terminal-action-analysis.ts",
    find: "default: iacs.default ?? ONES",
    replace: "default: iacs.default ?? ZEROS",
  },
  {
    id: "M18",
    bug: "'merchant forced transaction online' not set in the TVR",
    ref: "Book 3 §10.7, Annex C5 B4b4",
    file: "kernel/contact/terminal-action-analysis.ts",
    find: "if (ctx.params.forceOnline) ctx.tvr.set(TVR.MERCHANT_FORCED_ONLINE);",
    replace: "if (ctx.params.forceOnline) void TVR.MERCHANT_FORCED_ONLINE;",
  },
  {
    id: "M19",
    bug: "an online-capable terminal never asks for an ARQC (online codes ignored)",
    ref: "Book 3 §10.7",
    file: "kernel/contact/terminal-action-analysis.ts",
    find: 'return matches(tvr, tacs.online, iac.online) ? "ARQC" : "TC";',
    replace: 'return "TC";',
  },
  {
    id: "M20",
    bug: "CDA failure does not set 'CDA failed' in the TVR",
    ref: "Book 2 §6.6.2",
    file: "kernel/contact/generate-ac.ts",
    find: "      ctx.tvr.set(TVR.CDA_FAILED);",
    replace: "      void TVR.CDA_FAILED;",
  },
  {
    id: "M21",
    bug: "issuer authentication failure not recorded in the TVR",
    ref: "Book 3 §10.9",
    file: "kernel/contact/online.ts",
    find: "  ctx.tvr.set(TVR.ISSUER_AUTHENTICATION_FAILED);",
    replace: "  void TVR.ISSUER_AUTHENTICATION_FAILED;",
  },
  {
    id: "M22",
    bug: "a failing script 71 reported as failing after the final GENERATE AC",
    ref: "Book 3 §10.10",
    file: "kernel/contact/issuer-scripts.ts",
    find: 'phase === "before-final-genac" ? TVR.SCRIPT_FAILED_BEFORE_FINAL_GENAC : TVR.SCRIPT_FAILED_AFTER_FINAL_GENAC',
    replace: "TVR.SCRIPT_FAILED_AFTER_FINAL_GENAC",
  },
  {
    id: "M23",
    bug: "unable to go online: the default action codes are ignored (always TC)",
    ref: "Book 3 §10.7, §10.11",
    file: "kernel/contact/completion.ts",
    find: "    requested = defaultActionAnalysis(ctx.tvr.bytes, back.tacs ?? ZERO_CODES, back.iacs ?? {});",
    replace: '    requested = "TC"; void defaultActionAnalysis; void ZERO_CODES;',
  },
  {
    id: "M24",
    bug: "issuer response code 08 (honour with identification) not taken as an approval",
    ref: "Book 4 Annex A (8A)",
    file: "kernel/contact/online.ts",
    find: 'return ["00", "08", "10", "11"].includes(responseCode);',
    replace: 'return ["00", "10", "11"].includes(responseCode);',
  },
  {
    id: "M25",
    bug: "an ARQC answered to the second GENERATE AC is accepted",
    ref: "Book 3 §9.3",
    file: "kernel/contact/generate-ac.ts",
    find: '  if (which === "second" && returned === "ARQC") return false;',
    replace: "",
  },
  ...DATA_ODA_MUTATIONS,
  ...SELECTION_MUTATIONS,
  // Cardholder verification, completion codes, TDOL, scripts and advices (catalog/cvm-online.ts).
  {
    id: "C01",
    bug: "CVM amount conditions applied whenever the card has 9F42, without comparing it with 5F2A",
    ref: "Book 3 Annex C3 Table 40",
    file: "kernel/contact/cvm.ts",
    find: "inApplicationCurrency: appCurrency !== undefined && numericValue(appCurrency) === transactionCurrencyCode(ctx),",
    replace: "inApplicationCurrency: appCurrency !== undefined,",
  },
  {
    id: "C02",
    bug: "CVM condition 'under Y' taken as 'Y or less'",
    ref: "Book 3 Annex C3 Table 40",
    file: "kernel/contact/cvm/rules.ts",
    find: "return env.inApplicationCurrency && env.amount < list.amountY;",
    replace: "return env.inApplicationCurrency && env.amount <= list.amountY;",
  },
  {
    id: "C03",
    bug: "CV Rule b7 'apply succeeding rule if unsuccessful' ignored",
    ref: "Book 3 §10.5, Annex C3",
    file: "kernel/contact/cvm/rules.ts",
    find: 'if (!applyNextIfUnsuccessful(rule)) return failed(index, "cardholder verification failed");',
    replace: 'return failed(index, "cardholder verification failed");',
  },
  {
    id: "C04",
    bug: "CVM condition 'manual cash' satisfied by cash at an unattended terminal",
    ref: "Book 3 Annex C3 Table 40; Book 4 Annex A1",
    file: "kernel/contact/cvm/rules.ts",
    find: "return !unattended && cash;",
    replace: "return cash;",
  },
  {
    id: "C05",
    bug: "'Default TDOL used' not set when the terminal's TDOL builds the TC hash",
    ref: "Book 3 §5.4; Annex C5 B5b8",
    file: "kernel/contact/generate-ac.ts",
    find: "        ctx.tvr.set(TVR.DEFAULT_TDOL_USED);",
    replace: "",
  },
  {
    id: "C06",
    bug: "a 62xx/63xx warning to a script command stops the script as a failure",
    ref: "Book 3 §10.10",
    file: "kernel/contact/issuer-scripts.ts",
    find: "if (sw1 !== 0x90 && sw1 !== 0x62 && sw1 !== 0x63) {",
    replace: "if (sw1 !== 0x90) {",
  },
  {
    id: "C07",
    bug: "issuer referrals (8A 01/02) taken as approvals",
    ref: "Book 4 Annex A (8A); Book 3 §10.11",
    file: "kernel/contact/online.ts",
    find: 'return ["00", "08", "10", "11"].includes(responseCode);',
    replace: 'return ["00", "01", "02", "08", "10", "11"].includes(responseCode);',
  },
  {
    id: "C08",
    bug: "the advice a CID asks for (b4) is dropped",
    ref: "Book 3 §10.8, §6.5.5.4 Table 14",
    file: "kernel/contact/back-half.ts",
    find: 'if ("error" in info || !info.adviceRequired) continue;',
    replace: "continue;",
  },
  {
    id: "C09",
    bug: "scripts 72 not sent after an AAC at the second GENERATE AC",
    ref: "Book 3 §10.10",
    file: "kernel/contact/issuer-scripts.ts",
    find: '  const after = await processIssuerScripts(ctx, back.online.response.scripts72, "after-final-genac");',
    replace:
      '  if (back.second?.record.type === "AAC") return NEXT;\n  const after = await processIssuerScripts(ctx, back.online.response.scripts72, "after-final-genac");',
  },
  {
    id: "C10",
    bug: "unable to go online: 8A Y3 and Z3 swapped in the CDOL2 data",
    ref: "Book 4 Annex A (8A); Book 3 §10.11",
    file: "kernel/contact/completion.ts",
    find: "        ? TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_APPROVED\n        : TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_DECLINED;",
    replace:
      "        ? TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_DECLINED\n        : TERMINAL_RESPONSE_CODES.UNABLE_ONLINE_APPROVED;",
  },
];
