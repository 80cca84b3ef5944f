// Kernel 2, EMV mode (EMV Contactless Book C-2; mag-stripe mode is retired and not supported): GET PROCESSING OPTIONS
// with the PDOL data, the format 1/2 answer (AIP, AFL), the Relay Resistance Protocol when both sides support it,
// READ RECORD by the AFL with the static data for CDA, the reader limits, data exchange with the terminal
// application (DEK/DET), torn transaction recovery (RECOVER AC with the DRDOL data), processing restrictions, CVM
// selection, the floor limit, terminal action analysis with the kernel's TACs, GENERATE AC with CDA, and the outcome
// with its Data Record and Discretionary Data. Never throws: every fault is an outcome.

import type { AuthorizationResponse } from "../../emv/authorisation.js";
import { isBitSet } from "../../emv/bits.js";
import { bytesEqual, concatBytes, hexByte, hexWord, toHex, writeUint } from "../../emv/bytes.js";
import { parseAfl } from "../../emv/fields/afl.js";
import { AIP } from "../../emv/fields/aip.js";
import { isFieldError } from "../../emv/fields/field-error.js";
import { encodeOutcomeParameterSet, type OutcomeCvm } from "../../emv/fields/outcome-parameter-set.js";
import { UI_MESSAGE, uiRequest } from "../../emv/fields/ui-request.js";
import { maskPan } from "../../emv/sensitive.js";
import { decodeTlv, encodeTlvs, type Tlv, TlvError, type TlvInput } from "../../emv/tlv/ber.js";
import { buildDolData, DolError, parseDol } from "../../emv/tlv/dol.js";
import { panDigits } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { newTsi, newTvr, TVR } from "../../emv/tvr.js";
import { Commands, type KernelCommand } from "../card-session.js";
import type { C2Config } from "../config/reader-c2-schema.js";
import type { TransactionContext } from "../contact/context.js";
import type { CryptogramType } from "../contact/decision.js";
import { cryptogramAllowed, cryptogramTypeOf, parseGenerateAcResponse } from "../contact/generate-ac.js";
import { pdolData } from "../contact/initiate.js";
import { prepareCda } from "../contact/oda/cda.js";
import { processingRestrictionsCheck, type RestrictionInputs } from "../contact/restrictions.js";
import { actionAnalysisDecision } from "../contact/terminal-action-analysis.js";
import { putApplicationData, putTerminalData } from "../contact/terminal-data.js";
import { numericValue, terminalType } from "../contact/terminal-values.js";
import { TransactionData } from "../data/store.js";
import { readAflRecords, storeFci } from "../entry-point/card-data.js";
import type { ContactlessKernel, KernelActivation, KernelDetails, KernelResult } from "../entry-point/kernel-api.js";
import { type Outcome, outcome, withDiscretionaryData } from "../entry-point/outcome.js";
import type { LogMessage } from "../transaction-params.js";
import { ACI, C2_AIP, C2_TVR, KERNEL_CONFIGURATION, SECURITY_CAPABILITY_CDA } from "./bits.js";
import { verifyC2Cda } from "./cda.js";
import { type KernelClock, systemClock } from "./clock.js";
import { selectC2Cvm } from "./cvm.js";
import { type DataExchange, exchangeData } from "./data-exchange.js";
import { performRelayResistance } from "./rrp.js";
import { C2_TAG } from "./tags.js";
import { encodeTornRecord, type TornRecord, TornTransactionLog } from "./torn.js";

const K2 = "Kernel 2";
const STEP = "kernel-2";

/** Data Record of Kernel 2 in EMV mode (Book C-2 Annex "Data Record"), in this order. */
export const C2_DATA_RECORD_TAGS: readonly number[] = [
  TAG.AMOUNT_AUTHORISED_NUMERIC,
  TAG.AMOUNT_OTHER_NUMERIC,
  TAG.APPLICATION_CRYPTOGRAM,
  TAG.APPLICATION_EXPIRATION_DATE,
  TAG.APPLICATION_INTERCHANGE_PROFILE,
  TAG.APPLICATION_LABEL,
  TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER,
  TAG.PAN_SEQUENCE_NUMBER,
  TAG.APPLICATION_PREFERRED_NAME,
  TAG.APPLICATION_TRANSACTION_COUNTER,
  TAG.APPLICATION_USAGE_CONTROL,
  TAG.APPLICATION_VERSION_NUMBER_TERMINAL,
  TAG.CRYPTOGRAM_INFORMATION_DATA,
  TAG.CVM_RESULTS,
  TAG.DEDICATED_FILE_NAME,
  TAG.INTERFACE_DEVICE_SERIAL_NUMBER,
  TAG.ISSUER_APPLICATION_DATA,
  TAG.ISSUER_CODE_TABLE_INDEX,
  TAG.TERMINAL_CAPABILITIES,
  TAG.TERMINAL_COUNTRY_CODE,
  TAG.TERMINAL_TYPE,
  TAG.TERMINAL_VERIFICATION_RESULTS,
  TAG.TRACK_2_EQUIVALENT_DATA,
  TAG.TRANSACTION_CATEGORY_CODE,
  TAG.TRANSACTION_CURRENCY_CODE,
  TAG.TRANSACTION_DATE,
  TAG.TRANSACTION_TYPE,
  TAG.UNPREDICTABLE_NUMBER,
];

/** What the terminal gives Kernel 2 besides the activation: the torn transaction log (kept across taps), clocks, DEK/DET. */
export interface Kernel2Options {
  readonly tornLog?: TornTransactionLog;
  readonly clock?: KernelClock;
  readonly dataExchange?: DataExchange;
  /** Tags Kernel 2 asks the terminal application for in its DEK (Data Needed), e.g. 9F7C. */
  readonly dataNeeded?: readonly number[];
}

/** Kernel 2's findings for the report, beyond Kernel 3's fields. */
export interface Kernel2Details extends KernelDetails {
  cda?: { readonly result: "passed" | "failed" | "not-performed"; readonly reason?: string };
  relayResistance?: {
    readonly performed: boolean;
    readonly measured?: number;
    readonly attempts?: number;
    readonly timeLimitsExceeded?: boolean;
    readonly thresholdExceeded?: boolean;
    readonly reason?: string;
  };
  torn?: string;
  requested?: { readonly type: CryptogramType; readonly cda: boolean; readonly p1: string };
  dataExchange?: string;
}

/** A Kernel 2 with its own torn transaction log unless one is given (a terminal keeps one log across taps). */
export function createKernel2(options: Kernel2Options = {}): ContactlessKernel {
  // Built once, field by field: an object spread followed by new keys gets a new V8 hidden class every time it is
  // made, and every read of it then misses the inline caches.
  const settings = {
    tornLog: options.tornLog ?? new TornTransactionLog(),
    clock: options.clock ?? systemClock,
    dataExchange: options.dataExchange,
    dataNeeded: options.dataNeeded,
  };
  return (a) => kernel2Run(a, settings);
}

async function kernel2Run(
  a: KernelActivation,
  o: Kernel2Options & { tornLog: TornTransactionLog; clock: KernelClock },
): Promise<KernelResult> {
  const data = new TransactionData();
  const terminal = a.reader.terminal;
  const aid = terminal.aids.find((x) => bytesEqual(x.aid, a.candidate.adfName.subarray(0, x.aid.length)));
  const ctx: TransactionContext = {
    config: terminal,
    params: a.params,
    data,
    tvr: newTvr(),
    tsi: newTsi(),
    card: a.card,
    interaction: a.interaction,
    host: a.host,
    aid,
    pdolData: undefined,
    oda: { method: "none", result: "not-performed" },
    log: a.log,
  };
  const details: Kernel2Details = { kernel: K2, rules: [] };
  const result = (out: Outcome): KernelResult => {
    details.notes = notesOf(details);
    return { outcome: out, context: ctx, details };
  };
  try {
    return result(await new Kernel2Run(a, ctx, details, o).run());
  } catch (e) {
    return result(outcome("End Application", K2, `internal error: ${e instanceof Error ? e.message : String(e)}`));
  }
}

type CardAnswer =
  | { readonly kind: "answer"; readonly data: Uint8Array; readonly sw: number }
  | { readonly kind: "no-answer"; readonly reason: string };

class Kernel2Run {
  private readonly data: TransactionData;
  /** Records that left the torn log in this tap (expired, displaced, not recovered): the Discretionary Data's FF8101. */
  private readonly tornOut: TornRecord[] = [];
  private relayResistanceData: Uint8Array | undefined;
  private errorIndication: { l2: number; sw?: number; msg: number } = { l2: 0, msg: 0xff };

  constructor(
    private readonly a: KernelActivation,
    private readonly ctx: TransactionContext,
    private readonly details: Kernel2Details,
    private readonly o: Kernel2Options & { tornLog: TornTransactionLog; clock: KernelClock },
  ) {
    this.data = ctx.data;
  }

  private log(m: LogMessage): void {
    this.ctx.log(STEP, m);
  }

  private get cfg(): C2Config {
    return this.a.candidate.state.combination.c2!;
  }

  private limits() {
    return { maxRecords: this.cfg.maxTornRecords, maxLifetimeSeconds: this.cfg.maxTornLifetimeSeconds };
  }

  async run(): Promise<Outcome> {
    const { ctx, data, a } = this;
    if (!a.candidate.state.combination.c2)
      return this.endApplication("the reader combination has no Kernel 2 configuration data");
    if (a.onlineResponse) return this.onlineResponseTap(a.onlineResponse);
    const cfg = this.cfg;
    // Terminal data (Book 3 §5.4 as for contact), then Kernel 2's Terminal Capabilities: Card Data Input Capability,
    // CVM capability (set after the CVM Required Limit check; 00 until then), Security Capability (Book C-2 S1.x).
    const bad = putTerminalData(ctx);
    if (bad) return this.endApplication(bad.error);
    if (ctx.aid) putApplicationData(ctx, ctx.aid);
    this.setCapabilities(new Uint8Array(1));
    // TVR byte 5 b2–b1 '01' relay resistance not performed until the protocol runs (Book C-2 Annex A).
    ctx.tvr.set(C2_TVR.RRP_NOT_PERFORMED);
    const fci = storeFci(this.data, a.fci);
    if (fci) return this.endApplication(fci);
    // Torn records past their lifetime leave the log (Book C-2 "Torn Transaction Recovery", DF811C).
    const expired = this.o.tornLog.expire(this.o.clock.wallMs(), this.limits());
    if (expired.length > 0) {
      this.tornOut.push(...expired);
      this.log(`${expired.length} torn record(s) expired (older than ${cfg.maxTornLifetimeSeconds} s)`);
    }

    // GET PROCESSING OPTIONS with the PDOL data (Book C-2 S1.x, S3.x).
    const pdol = pdolData(ctx);
    if ("error" in pdol) return this.endApplication(pdol.error);
    ctx.pdolData = pdol;
    data.set("terminal", TAG.PDOL_RELATED_DATA, pdol);
    const gpo = await this.send(Commands.getProcessingOptions(pdol));
    if (gpo.kind === "no-answer") return this.tryAgain(gpo.reason);
    // Book C-2 S3.x: a GPO status other than 9000 → Select Next.
    if (gpo.sw !== 0x9000) {
      this.errorIndication = { l2: 0x09, sw: gpo.sw, msg: 0xff };
      return this.withDiscretionary(
        outcome("Select Next", K2, `GET PROCESSING OPTIONS answered SW ${hexWord(gpo.sw)}`, { start: "C" }),
      );
    }
    const stored = this.storeGpoResponse(gpo.data);
    if (stored) return this.endApplication(stored);
    const aip = data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE)!;
    // EMV mode only: the card and the reader must both do EMV mode (AIP byte 2 b8, Kernel Configuration b7).
    if (
      !isBitSet(aip, C2_AIP.EMV_MODE_SUPPORTED) ||
      isBitSet(cfg.kernelConfiguration, KERNEL_CONFIGURATION.EMV_MODE_NOT_SUPPORTED)
    )
      return this.endApplication(
        `the card offers mag-stripe mode only (AIP ${toHex(aip)}); this reader does EMV mode only (mag-stripe mode is retired)`,
      );

    // Relay Resistance Protocol when both the card (AIP byte 2 b1) and the reader (Kernel Configuration b5) support it.
    if (isBitSet(aip, C2_AIP.RRP_SUPPORTED) && isBitSet(cfg.kernelConfiguration, KERNEL_CONFIGURATION.RRP_SUPPORTED)) {
      const rrp = await performRelayResistance(ctx, cfg.relayResistance!, this.o.clock);
      if (!rrp.ok) {
        this.details.relayResistance = { performed: false, reason: rrp.reason };
        return rrp.kind === "transport" ? this.tryAgain(rrp.reason) : this.endApplication(rrp.reason);
      }
      ctx.tvr.clear(C2_TVR.RRP_NOT_PERFORMED);
      this.relayResistanceData = concatBytes(
        rrp.terminalEntropy,
        rrp.answer.deviceEntropy,
        writeUint(rrp.answer.minTime, 2),
        writeUint(rrp.answer.maxTime, 2),
        writeUint(rrp.answer.deviceEstimatedRapduTime, 2),
      );
      this.details.relayResistance = {
        performed: true,
        measured: rrp.measured,
        attempts: rrp.attempts,
        timeLimitsExceeded: rrp.timeLimitsExceeded,
        thresholdExceeded: rrp.thresholdExceeded,
      };
    } else this.details.relayResistance = { performed: false, reason: "not supported by both the card and the reader" };

    const read = await this.readRecords();
    if (read) return read;
    const missing = [
      [TAG.APPLICATION_EXPIRATION_DATE, "Application Expiration Date (5F24)"],
      [TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER, "Application PAN (5A)"],
      [TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1, "CDOL1 (8C)"],
    ].filter(([tag]) => !data.from("card", tag as number));
    if (missing.length > 0) return this.endApplication(`card data missing: ${missing.map(([, n]) => n).join(", ")}`);

    // Reader limits (Book C-2 "Reader Limits"): the transaction limit depends on on-device CVM; the CVM Required Limit
    // picks the CVM capability; the floor limit sets the TVR.
    const amount = a.params.amount;
    const comb = a.candidate.state.combination;
    const onDevice =
      isBitSet(aip, C2_AIP.ON_DEVICE_CVM_SUPPORTED) &&
      isBitSet(cfg.kernelConfiguration, KERNEL_CONFIGURATION.ON_DEVICE_CVM_SUPPORTED);
    const limit = onDevice ? cfg.transactionLimitOnDeviceCvm : cfg.transactionLimitNoOnDeviceCvm;
    if (limit !== undefined && amount > limit) {
      this.errorIndication = { l2: 0x05, msg: 0xff };
      return this.withDiscretionary(
        outcome(
          "Select Next",
          K2,
          `amount ${amount} exceeds the Reader Contactless Transaction Limit ${limit} (${onDevice ? "on-device CVM, DF8125" : "no on-device CVM, DF8124"})`,
          {
            start: "C",
          },
        ),
      );
    }
    const cvmRequired = comb.cvmRequiredLimit !== undefined && amount > comb.cvmRequiredLimit;
    this.setCapabilities(cvmRequired ? cfg.cvmCapabilityCvmRequired : cfg.cvmCapabilityNoCvmRequired);
    const floor = comb.floorLimit ?? comb.terminalFloorLimit;
    if (floor !== undefined && amount > floor) ctx.tvr.set(TVR.FLOOR_LIMIT_EXCEEDED);

    const dex = await this.dataExchange();
    if (dex) return dex;

    // Torn transaction recovery: the same card (PAN, PAN Sequence Number) tore in an earlier tap.
    const pan = data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER)!;
    const psn = data.from("card", TAG.PAN_SEQUENCE_NUMBER);
    const torn = this.o.tornLog.find(pan, psn);
    if (torn) {
      const recovered = await this.recover(torn);
      if (recovered) return recovered;
    }

    // CDA: requested when the card (AIP byte 1 b1) and the reader (Security Capability) both support it.
    const cdaBoth = isBitSet(aip, AIP.CDA_SUPPORTED) && isBitSet(cfg.securityCapability, SECURITY_CAPABILITY_CDA);
    let cda = false;
    if (cdaBoth) {
      ctx.oda.method = "CDA";
      const prep = prepareCda(ctx);
      if (prep.ok) {
        cda = true;
        ctx.oda.result = "pending";
      } else {
        // Book C-2: CA key or certificates unusable → "CDA failed" (and "ICC data missing" for missing data).
        ctx.tvr.set(TVR.CDA_FAILED);
        if ("missing" in prep && prep.missing) ctx.tvr.set(TVR.ICC_DATA_MISSING);
        ctx.oda.result = "failed";
        ctx.oda.reason = prep.reason;
        this.details.cda = { result: "failed", reason: prep.reason };
        this.log(`CDA cannot be performed: ${prep.reason}`);
      }
    } else {
      ctx.tvr.set(TVR.ODA_NOT_PERFORMED);
      this.details.cda = { result: "not-performed" };
      this.log("CDA not supported by both the card and the reader: offline data authentication not performed");
    }

    this.processingRestrictions();
    const cvm = await selectC2Cvm(ctx, cfg.kernelConfiguration, cvmRequired);
    data.set("terminal", TAG.CVM_RESULTS, cvm.cvmResults);
    this.details.cvm = `${cvm.cvm}: ${cvm.note}`;
    this.log(`CVM: ${cvm.cvm} (${cvm.note})`);
    this.exceptionFile();

    // Terminal action analysis with the kernel's TACs and the card's IACs (Book C-2 "Terminal Action Analysis").
    const card = (tag: number) => data.from("card", tag);
    let type: CryptogramType = actionAnalysisDecision(
      ctx.tvr.bytes,
      { denial: cfg.tacDenial, online: cfg.tacOnline, default: cfg.tacDefault },
      {
        denial: card(TAG.ISSUER_ACTION_CODE_DENIAL),
        online: card(TAG.ISSUER_ACTION_CODE_ONLINE),
        default: card(TAG.ISSUER_ACTION_CODE_DEFAULT),
      },
      ctx.config.onlineCapable,
    );
    if (a.params.type === "refund") type = "AAC";
    // CDA for TC and ARQC; for AAC only when the card's Application Capabilities Information says so.
    const aci = card(TAG.APPLICATION_CAPABILITIES_INFORMATION);
    const cdaRequested = cda && (type !== "AAC" || (aci !== undefined && isBitSet(aci, ACI.CDA_OVER_AAC)));
    return this.generateAc(type, cdaRequested, cvm.cvm, cvm.receipt);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private setCapabilities(cvmCapability: Uint8Array): void {
    const cfg = this.cfg;
    this.data.set(
      "terminal",
      TAG.TERMINAL_CAPABILITIES,
      concatBytes(cfg.cardDataInputCapability, cvmCapability, cfg.securityCapability),
    );
  }

  /** Transmit, telling a missing answer (the card left the field, timeout) from an answer. */
  private async send(command: KernelCommand): Promise<CardAnswer> {
    const ex = await this.ctx.card.exchange(command);
    if (!ex.ok) return { kind: "no-answer", reason: ex.error };
    return { kind: "answer", data: ex.response.data, sw: ex.response.sw };
  }

  /** Format 1 (80: AIP ‖ AFL) or format 2 (77 with 82 and 94). */
  private storeGpoResponse(response: Uint8Array): string | undefined {
    let tpl: Tlv;
    try {
      tpl = decodeTlv(response);
    } catch (e) {
      if (e instanceof TlvError) return `GET PROCESSING OPTIONS response is not valid BER-TLV: ${e.message}`;
      throw e;
    }
    if (tpl.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1) {
      if (tpl.value.length < 2 || (tpl.value.length - 2) % 4 !== 0)
        return `GET PROCESSING OPTIONS format 1 answer of ${tpl.value.length} bytes is not AIP (2) and AFL (4n)`;
      this.data.set("card", TAG.APPLICATION_INTERCHANGE_PROFILE, tpl.value.slice(0, 2));
      this.data.set("card", TAG.APPLICATION_FILE_LOCATOR, tpl.value.slice(2));
    } else if (tpl.tag === TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2 && tpl.children) {
      for (const c of tpl.children) if (!c.children) this.data.set("card", c.tag, c.value);
    } else return `GET PROCESSING OPTIONS response is template ${tpl.tagHex}, neither 80 nor 77`;
    const aip = this.data.from("card", TAG.APPLICATION_INTERCHANGE_PROFILE);
    const afl = this.data.from("card", TAG.APPLICATION_FILE_LOCATOR);
    if (aip?.length !== 2) return "GET PROCESSING OPTIONS answer has no 2-byte AIP (82)";
    if (!afl || afl.length === 0) return "GET PROCESSING OPTIONS answer has no AFL (94)";
    return undefined;
  }

  /** READ RECORD by the AFL (entry-point/card-data.ts); an SW other than 9000 is reported in the error indication. */
  private async readRecords(): Promise<Outcome | undefined> {
    const afl = parseAfl(this.data.from("card", TAG.APPLICATION_FILE_LOCATOR)!);
    if (isFieldError(afl)) return this.endApplication(afl.error);
    const read = await readAflRecords(this.ctx, afl, { sameAsGpoAllowed: false, log: (m) => this.log(m) });
    if (read.kind === "ok") return undefined;
    if (read.kind === "no-answer") return this.tryAgain(read.reason);
    if (read.kind === "status") this.errorIndication = { l2: 0x04, sw: read.sw, msg: 0xff };
    return this.endApplication(read.reason);
  }

  /** Book 3 §10.4 as Kernel 2 applies it (Book C-2 "Processing Restrictions"). */
  private processingRestrictions(): void {
    const { ctx, data } = this;
    const card = (tag: number) => data.from("card", tag);
    const hex = (tag: number) => {
      const v = card(tag);
      return v ? toHex(v) : undefined;
    };
    const issuerCountry = card(TAG.ISSUER_COUNTRY_CODE);
    const version = this.cfg.applicationVersion ?? ctx.aid?.applicationVersion;
    if (version) data.set("terminal", TAG.APPLICATION_VERSION_NUMBER_TERMINAL, version);
    // Built by assignment, not conditional spreads (microseconds on every tap).
    const inputs: { -readonly [K in keyof RestrictionInputs]: RestrictionInputs[K] } = {
      terminalCountry: ctx.config.countryCode,
      terminalType: terminalType(ctx),
      additionalCapabilities: ctx.config.additionalCapabilities,
      transactionType: data.get(TAG.TRANSACTION_TYPE)![0]!,
      transactionDate: toHex(data.get(TAG.TRANSACTION_DATE)!),
    };
    const cardVersion = card(TAG.APPLICATION_VERSION_NUMBER_ICC);
    if (cardVersion) inputs.cardVersion = cardVersion;
    if (version) inputs.terminalVersion = version;
    const auc = card(TAG.APPLICATION_USAGE_CONTROL);
    if (auc) inputs.auc = auc;
    if (issuerCountry) inputs.issuerCountry = numericValue(issuerCountry);
    const effective = hex(TAG.APPLICATION_EFFECTIVE_DATE);
    if (effective) inputs.effectiveDate = effective;
    const expiration = hex(TAG.APPLICATION_EXPIRATION_DATE);
    if (expiration) inputs.expirationDate = expiration;
    const findings = processingRestrictionsCheck(inputs);
    for (const f of findings) {
      ctx.tvr.set(f.bit);
      this.details.rules.push(f.reason);
      this.log(`processing restrictions: ${f.reason}`);
    }
  }

  private exceptionFile(): void {
    const pan = this.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
    if (pan && this.ctx.config.exceptionFile.some((e) => e.pan === panDigits(pan))) {
      this.ctx.tvr.set(TVR.CARD_ON_EXCEPTION_FILE);
      this.details.rules.push("the PAN is in the exception file");
    }
  }

  /** DEK with the PAN and amount; DET updates (Book C-2 "Data Exchange"). */
  private async dataExchange(): Promise<Outcome | undefined> {
    const ex = this.o.dataExchange;
    if (!ex) return undefined;
    const dataToSend = new Map<number, Uint8Array>();
    for (const tag of [
      TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER,
      TAG.PAN_SEQUENCE_NUMBER,
      TAG.AMOUNT_AUTHORISED_NUMERIC,
    ]) {
      const v = this.data.get(tag);
      if (v) dataToSend.set(tag, v);
    }
    const r = await exchangeData(
      ex,
      { step: "after READ RECORD", dataToSend, dataNeeded: this.o.dataNeeded ?? [] },
      this.cfg.timeoutMs,
    );
    if (!r.ok) {
      this.details.dataExchange = r.reason;
      return this.endApplication(r.reason);
    }
    for (const [tag, v] of r.updates) this.data.set("transaction", tag, v);
    this.details.dataExchange = `DET updated ${[...r.updates.keys()].map((t) => t.toString(16).toUpperCase()).join(", ") || "nothing"}${
      r.ignored.length ? `; ignored ${r.ignored.join("; ")}` : ""
    }`;
    this.log(`data exchange: ${this.details.dataExchange}`);
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // GENERATE AC, torn transactions and the answer.

  private async generateAc(
    type: CryptogramType,
    cdaRequested: boolean,
    cvm: OutcomeCvm,
    receipt: boolean,
  ): Promise<Outcome> {
    const { ctx, data } = this;
    const cdol1 = this.buildDol(TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1, "CDOL1 (8C)");
    if ("error" in cdol1) return this.endApplication(cdol1.error);
    data.set("terminal", TAG.CDOL1_RELATED_DATA, cdol1);
    const p1 = (type === "AAC" ? 0x00 : type === "TC" ? 0x40 : 0x80) | (cdaRequested ? 0x10 : 0x00);
    this.details.requested = { type, cda: cdaRequested, p1: hexByte(p1) };
    this.log(`GENERATE AC: ${type}${cdaRequested ? " with CDA" : ""} (P1 ${hexByte(p1)})`);
    // The DRDOL data are fixed before GENERATE AC: a torn record must carry what the card saw.
    const drdol = data.from("card", C2_TAG.DRDOL);
    const drdolData = drdol ? this.buildDol(C2_TAG.DRDOL, "DRDOL (9F51)") : undefined;
    const ans = await this.send(Commands.generateAc(type, cdol1, cdaRequested));
    if (ans.kind === "no-answer") {
      if (drdolData && !("error" in drdolData) && this.cfg.maxTornRecords > 0) {
        const record = this.tornRecord(drdolData, cdol1, p1);
        const displaced = this.o.tornLog.add(record, this.limits());
        if (displaced) this.tornOut.push(displaced);
        this.details.torn = `no answer to GENERATE AC (${ans.reason}): torn record kept (${this.o.tornLog.size} in the log)`;
        this.log(this.details.torn);
        // Book C-2: End Application with restart at Start B, "Present Card Again".
        return this.withDiscretionary(
          outcome("End Application", K2, this.details.torn, {
            start: "B",
            uiOnRestart: uiRequest(UI_MESSAGE.PRESENT_CARD_AGAIN, "Ready to Read"),
          }),
        );
      }
      return this.tryAgain(ans.reason);
    }
    if (ans.sw !== 0x9000) {
      this.errorIndication = { l2: 0x04, sw: ans.sw, msg: 0xff };
      return this.endApplication(`GENERATE AC answered SW ${hexWord(ans.sw)}`);
    }
    return this.answer(ans.data, type, cdaRequested, { pdol: ctx.pdolData ?? new Uint8Array(0), cdol1 }, cvm, receipt);
  }

  private buildDol(tag: number, name: string): Uint8Array | { error: string } {
    try {
      return buildDolData(parseDol(this.data.from("card", tag)!), this.data);
    } catch (e) {
      if (e instanceof DolError) return { error: `${name}: ${e.message}` };
      throw e;
    }
  }

  /** What the torn record keeps (Book C-2 Annex A "Torn Record"): the data the card saw, to restore at recovery. */
  private tornRecord(drdolData: Uint8Array, cdol1: Uint8Array, p1: number): TornRecord {
    const keep = [
      TAG.AMOUNT_AUTHORISED_NUMERIC,
      TAG.AMOUNT_OTHER_NUMERIC,
      TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER,
      TAG.PAN_SEQUENCE_NUMBER,
      TAG.CVM_RESULTS,
      TAG.TERMINAL_CAPABILITIES,
      TAG.TERMINAL_COUNTRY_CODE,
      TAG.TERMINAL_TYPE,
      TAG.TERMINAL_VERIFICATION_RESULTS,
      TAG.TRANSACTION_CURRENCY_CODE,
      TAG.TRANSACTION_DATE,
      TAG.TRANSACTION_TIME,
      TAG.TRANSACTION_TYPE,
      TAG.UNPREDICTABLE_NUMBER,
      C2_TAG.TERMINAL_RELAY_RESISTANCE_ENTROPY,
      C2_TAG.DEVICE_RELAY_RESISTANCE_ENTROPY,
      C2_TAG.MIN_TIME_FOR_PROCESSING_RR_APDU,
      C2_TAG.MAX_TIME_FOR_PROCESSING_RR_APDU,
      C2_TAG.DEVICE_ESTIMATED_TRANSMISSION_TIME_RR_RAPDU,
    ];
    const values: [number, Uint8Array][] = [];
    for (const tag of keep) {
      const v = this.data.get(tag);
      if (v) values.push([tag, v.slice()]);
    }
    values.push(
      [TAG.DRDOL_RELATED_DATA, drdolData],
      [TAG.CDOL1_RELATED_DATA, cdol1],
      [TAG.PDOL_RELATED_DATA, this.ctx.pdolData ?? new Uint8Array(0)],
    );
    const psn = this.data.from("card", TAG.PAN_SEQUENCE_NUMBER);
    return {
      pan: this.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER)!.slice(),
      ...(psn ? { panSequenceNumber: psn.slice() } : {}),
      createdAt: this.o.clock.wallMs(),
      drdolData,
      pdolData: (this.ctx.pdolData ?? new Uint8Array(0)).slice(),
      cdol1Data: cdol1,
      referenceControl: p1,
      data: values,
    };
  }

  /**
   * RECOVER AC with the torn record's DRDOL data. An answer: processed as the torn GENERATE AC's, with the record's
   * data restored; no answer: the record stays and the card is asked for again; an error status: the record leaves
   * the log (reported in the Discretionary Data) and the transaction goes on with a new GENERATE AC.
   */
  private async recover(torn: TornRecord): Promise<Outcome | undefined> {
    const pan = panDigits(torn.pan);
    this.log(`torn record for ${maskPan(pan)}: RECOVER AC`);
    const ans = await this.send(recoverAc(torn.drdolData));
    if (ans.kind === "no-answer") {
      this.details.torn = `no answer to RECOVER AC (${ans.reason}): the torn record stays`;
      return this.withDiscretionary(
        outcome("End Application", K2, this.details.torn, {
          start: "B",
          uiOnRestart: uiRequest(UI_MESSAGE.PRESENT_CARD_AGAIN, "Ready to Read"),
        }),
      );
    }
    this.o.tornLog.remove(torn);
    if (ans.sw !== 0x9000) {
      this.tornOut.push(torn);
      this.details.torn = `RECOVER AC answered SW ${hexWord(ans.sw)}: torn record dropped, new GENERATE AC`;
      this.log(this.details.torn);
      return undefined;
    }
    for (const [tag, v] of torn.data) this.data.set("transaction", tag, v);
    this.ctx.pdolData = torn.pdolData;
    // The TVR of the torn transaction is what the card saw; the register follows it.
    const tvr = torn.data.find(([t]) => t === TAG.TERMINAL_VERIFICATION_RESULTS)?.[1];
    if (tvr) loadTvr(this.ctx.tvr, tvr);
    const rr = [
      C2_TAG.TERMINAL_RELAY_RESISTANCE_ENTROPY,
      C2_TAG.DEVICE_RELAY_RESISTANCE_ENTROPY,
      C2_TAG.MIN_TIME_FOR_PROCESSING_RR_APDU,
      C2_TAG.MAX_TIME_FOR_PROCESSING_RR_APDU,
      C2_TAG.DEVICE_ESTIMATED_TRANSMISSION_TIME_RR_RAPDU,
    ].map((t) => torn.data.find(([x]) => x === t)?.[1]);
    this.relayResistanceData = rr.every((v) => v) ? concatBytes(...(rr as Uint8Array[])) : undefined;
    const cdaRequested = (torn.referenceControl & 0x10) !== 0;
    const type: CryptogramType =
      (torn.referenceControl & 0xc0) === 0x40 ? "TC" : (torn.referenceControl & 0xc0) === 0x80 ? "ARQC" : "AAC";
    if (cdaRequested) {
      const prep = prepareCda(this.ctx);
      if (!prep.ok) {
        this.ctx.tvr.set(TVR.CDA_FAILED);
        return this.declined(`recovered answer: CDA cannot be checked: ${prep.reason}`);
      }
    }
    this.details.torn = "torn transaction recovered with RECOVER AC";
    this.details.requested = { type, cda: cdaRequested, p1: hexByte(torn.referenceControl) };
    const cvmResults = this.data.get(TAG.CVM_RESULTS);
    const cvm: OutcomeCvm =
      cvmResults && (cvmResults[0]! & 0x3f) === 0x02
        ? "Online PIN"
        : cvmResults && (cvmResults[0]! & 0x3f) === 0x1e
          ? "Obtain Signature"
          : "No CVM";
    return this.answer(
      ans.data,
      type,
      cdaRequested,
      { pdol: torn.pdolData, cdol1: torn.cdol1Data },
      cvm,
      cvm === "Obtain Signature",
    );
  }

  /** The GENERATE AC (or RECOVER AC) answer: CID checks, CDA, and the outcome by the card's cryptogram. */
  private answer(
    response: Uint8Array,
    requested: CryptogramType,
    cdaRequested: boolean,
    hashed: { readonly pdol: Uint8Array; readonly cdol1: Uint8Array },
    cvm: OutcomeCvm,
    receipt: boolean,
  ): Outcome {
    const { data, ctx } = this;
    const parsed = parseGenerateAcResponse(response);
    if ("error" in parsed) return this.endApplication(parsed.error);
    const type = cryptogramTypeOf(parsed.cid);
    if (!type) return this.endApplication(`GENERATE AC: CID ${hexByte(parsed.cid)} has the RFU cryptogram type`);
    if (!cryptogramAllowed(requested, type))
      return this.endApplication(`GENERATE AC: the card returned ${type} when ${requested} was requested`);
    data.set("card", TAG.CRYPTOGRAM_INFORMATION_DATA, Uint8Array.of(parsed.cid));
    data.set("card", TAG.APPLICATION_TRANSACTION_COUNTER, parsed.atc);
    if (parsed.issuerApplicationData) data.set("card", TAG.ISSUER_APPLICATION_DATA, parsed.issuerApplicationData);
    if (parsed.applicationCryptogram) data.set("card", TAG.APPLICATION_CRYPTOGRAM, parsed.applicationCryptogram);
    this.details.cryptogram = { type, from: "9F27", value: Uint8Array.of(parsed.cid) };
    this.log(`card's decision: ${type} (CID ${hexByte(parsed.cid)})`);

    if (cdaRequested && (type !== "AAC" || parsed.signedDynamicData)) {
      // Book C-2: the CDA signature is checked on TC and ARQC (and on AAC when the card signed it).
      const nodes = decodeTlv(response).children ?? [];
      const un = data.get(TAG.UNPREDICTABLE_NUMBER)!;
      const v = verifyC2Cda({
        icc: ctx.oda.iccPublicKey!,
        nodes,
        pdolData: hashed.pdol,
        cdol1Data: hashed.cdol1,
        unpredictableNumber: un,
        ...(this.relayResistanceData ? { relayResistanceData: this.relayResistanceData } : {}),
      });
      if (!v.ok) {
        ctx.tvr.set(TVR.CDA_FAILED);
        ctx.oda.result = "failed";
        ctx.oda.reason = v.reason;
        this.details.cda = { result: "failed", reason: v.reason };
        this.log(`CDA failed: ${v.reason}`);
        // Book C-2: a CDA failure on a TC or ARQC declines the transaction.
        return this.declined(`CDA failed: ${v.reason}`);
      }
      ctx.oda.result = "passed";
      data.set("card", TAG.APPLICATION_CRYPTOGRAM, v.cryptogram);
      data.set("card", TAG.ICC_DYNAMIC_NUMBER, v.iccDynamicNumber);
      this.details.cda = { result: "passed" };
      this.log(`CDA signature verified${v.relayResistanceData ? ", relay resistance data covered" : ""}`);
    } else if (!data.get(TAG.APPLICATION_CRYPTOGRAM))
      return this.endApplication("GENERATE AC answer has no Application Cryptogram (9F26) and no CDA signature");

    // The outcome options written out in each branch rather than spread from a common object (a spread followed by
    // new keys gets a new V8 hidden class every time).
    const dataRecord = this.dataRecord();
    if (type === "AAC") return this.declined("the card declined (AAC)");
    if (type === "ARQC") {
      if (!ctx.config.onlineCapable) return this.declined("the card asks to go online and the reader is offline only");
      return this.withDiscretionary(
        outcome(
          "Online Request",
          K2,
          requested === "ARQC"
            ? "online authorisation (ARQC)"
            : `the card asks to go online (ARQC for a ${requested} request)`,
          {
            cvm,
            receipt,
            dataRecord,
            // Kernel 2 takes no second tap after the online response (no issuer update): Start and Online
            // Response Data stay N/A.
            uiOnOutcome: uiRequest(UI_MESSAGE.AUTHORISING, "Not Ready"),
          },
        ),
      );
    }
    return this.withDiscretionary(
      outcome("Approved", K2, `offline approval (TC)${cdaRequested ? " with CDA" : ""}`, {
        cvm,
        receipt,
        dataRecord,
        uiOnOutcome: uiRequest(
          cvm === "Obtain Signature" ? UI_MESSAGE.APPROVED_SIGN : UI_MESSAGE.APPROVED,
          "Card Read Successfully",
          13,
        ),
      }),
    );
  }

  /** The second tap after an online response: Kernel 2 has no issuer update; the issuer's answer decides. */
  private onlineResponseTap(r: AuthorizationResponse): Outcome {
    const code = toHex(r.authorisationResponseCode);
    return outcome(
      "End Application",
      K2,
      `Kernel 2 does not process an online response on the card (response code ${code})`,
    );
  }

  private dataRecord(): Uint8Array {
    const nodes: TlvInput[] = [];
    for (const tag of C2_DATA_RECORD_TAGS) {
      const v = this.data.get(tag);
      if (v) nodes.push({ tag, value: v });
    }
    return encodeTlvs(nodes);
  }

  /** Discretionary Data (Book C-2 Annex A FF8106): Application Capabilities Information, Error Indication, Torn Records. */
  private discretionaryData(o: Outcome): Uint8Array {
    const nodes: TlvInput[] = [];
    const aci = this.data.from("card", TAG.APPLICATION_CAPABILITIES_INFORMATION);
    if (aci) nodes.push({ tag: TAG.APPLICATION_CAPABILITIES_INFORMATION, value: aci });
    const e = this.errorIndication;
    const sw = e.sw ?? 0;
    // DF8115 Error Indication: L1, L2, L3, SW12, Msg On Error (Book C-2 Annex A).
    nodes.push({ tag: TAG.ERROR_INDICATION, value: Uint8Array.of(0x00, e.l2, 0x00, sw >> 8, sw & 0xff, e.msg) });
    nodes.push({ tag: TAG.OUTCOME_PARAMETER_SET, value: encodeOutcomeParameterSet(o.ops) });
    for (const t of this.tornOut) nodes.push({ tag: TAG.TORN_RECORD, value: encodeTornRecord(t) });
    return encodeTlvs(nodes);
  }

  private withDiscretionary(o: Outcome): Outcome {
    const discretionaryData = this.discretionaryData(o);
    return withDiscretionaryData(o, discretionaryData);
  }

  private declined(why: string): Outcome {
    return this.withDiscretionary(
      outcome("Declined", K2, why, {
        cvm: "N/A",
        dataRecord: this.dataRecord(),
        uiOnOutcome: uiRequest(UI_MESSAGE.NOT_AUTHORISED, "Not Ready"),
      }),
    );
  }

  /** Book A: a communication error is Try Again, presenting the card again (Start B). */
  private tryAgain(reason: string): Outcome {
    return this.withDiscretionary(
      outcome("Try Again", K2, reason, {
        start: "B",
        uiOnRestart: uiRequest(UI_MESSAGE.PRESENT_CARD_AGAIN, "Ready to Read"),
      }),
    );
  }

  private endApplication(reason: string): Outcome {
    if (this.errorIndication.l2 === 0) this.errorIndication = { l2: 0x03, msg: UI_MESSAGE.TRY_ANOTHER_CARD };
    return this.withDiscretionary(
      outcome("End Application", K2, reason, { uiOnOutcome: uiRequest(UI_MESSAGE.TRY_ANOTHER_CARD, "Not Ready") }),
    );
  }
}

/** Kernel 2's findings in words for the report (KernelDetails.notes). */
function notesOf(d: Kernel2Details): string[] {
  const notes: string[] = [];
  if (d.requested)
    notes.push(`GENERATE AC: ${d.requested.type}${d.requested.cda ? " with CDA" : ""} (P1 ${d.requested.p1})`);
  if (d.cda) notes.push(`CDA: ${d.cda.result}${d.cda.reason ? ` — ${d.cda.reason}` : ""}`);
  const rr = d.relayResistance;
  if (rr)
    notes.push(
      rr.performed
        ? `relay resistance: performed in ${rr.attempts} attempt(s), measured ${rr.measured} (100 µs)${rr.timeLimitsExceeded ? ", time limits exceeded" : ""}${rr.thresholdExceeded ? ", threshold exceeded" : ""}`
        : `relay resistance: not performed (${rr.reason})`,
    );
  if (d.torn) notes.push(`torn transaction: ${d.torn}`);
  if (d.dataExchange) notes.push(`data exchange: ${d.dataExchange}`);
  return notes;
}

/** Put a saved TVR value back into the register, bit by bit. */
function loadTvr(reg: TransactionContext["tvr"], value: Uint8Array): void {
  for (let byte = 1; byte <= 5; byte++)
    for (let bit = 1; bit <= 8; bit++) {
      const def = { byte, bit, name: `byte ${byte} b${bit}`, register: "TVR" as const };
      if (((value[byte - 1] ?? 0) >> (bit - 1)) & 1) reg.set(def);
      else reg.clear(def);
    }
}

/** Book C-2 Annex A: RECOVER AC, CLA 80 INS D0, the DRDOL data. */
export function recoverAc(drdolData: Uint8Array): KernelCommand {
  return { name: "RECOVER AC", cla: 0x80, ins: 0xd0, p1: 0x00, p2: 0x00, data: drdolData, le: 0x00 };
}

/** The default Kernel 2 of a process: one torn transaction log across taps, the system clock, no data exchange. */
export const kernel2: ContactlessKernel = createKernel2();
