// Kernel 3, EMV mode (EMV Contactless Book C-3 §5; MSD is retired and not supported): PDOL data with the TTQ copy,
// GET PROCESSING OPTIONS answered with template 77, READ RECORD by the AFL, the card's decision (9F27, or the Visa
// IAD's CVR byte 2 when 9F27 is absent), the reader's rules (cash/cashback interface switch, online cryptogram
// required, exception file, expiry, fDDA with the CTQ's failure rules), CVM, and issuer update after an online
// response. Never throws: every fault is an outcome.

import { isBitSet } from "../../emv/bits.js";
import { bytesEqual, hexWord, toHex } from "../../emv/bytes.js";
import { parseAfl } from "../../emv/fields/afl.js";
import { type CryptogramType, parseCid } from "../../emv/fields/cid.js";
import { CTQ } from "../../emv/fields/ctq.js";
import { isFieldError } from "../../emv/fields/field-error.js";
import type { OutcomeCvm } from "../../emv/fields/outcome-parameter-set.js";
import { TTQ } from "../../emv/fields/ttq.js";
import { UI_MESSAGE, uiRequest } from "../../emv/fields/ui-request.js";
import { parseVisaIad } from "../../emv/fields/visa-iad.js";
import { decodeTlv, encodeTlvs, type Tlv, TlvError, type TlvInput } from "../../emv/tlv/ber.js";
import { panDigits } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { newTsi, newTvr } from "../../emv/tvr.js";
import { Commands } from "../card-session.js";
import type { TransactionContext } from "../contact/context.js";
import { onlinePin } from "../contact/cvm/pin.js";
import { pdolData } from "../contact/initiate.js";
import { processIssuerScripts } from "../contact/issuer-scripts.js";
import { isApproval, responseCodeText } from "../contact/online.js";
import { dateValue } from "../contact/restrictions.js";
import { putApplicationData, putTerminalData } from "../contact/terminal-data.js";
import { TransactionData } from "../data/store.js";
import { readAflRecords, storeFci } from "../entry-point/card-data.js";
import type { KernelActivation, KernelDetails, KernelResult } from "../entry-point/kernel-api.js";
import { type Outcome, outcome } from "../entry-point/outcome.js";
import type { LogMessage } from "../transaction-params.js";
import { type CvmInputs, selectCvm } from "./cvm.js";
import { verifyFdda } from "./fdda.js";

const K3 = "Kernel 3";
const STEP = "kernel-3";

/** Data Record of Kernel 3 (Book C-3 Annex: what the reader sends online / keeps for clearing), in this order. */
export const DATA_RECORD_TAGS: readonly number[] = [
  TAG.AMOUNT_AUTHORISED_NUMERIC,
  TAG.AMOUNT_OTHER_NUMERIC,
  TAG.APPLICATION_CRYPTOGRAM,
  TAG.CRYPTOGRAM_INFORMATION_DATA,
  TAG.ISSUER_APPLICATION_DATA,
  TAG.UNPREDICTABLE_NUMBER,
  TAG.APPLICATION_TRANSACTION_COUNTER,
  TAG.TERMINAL_VERIFICATION_RESULTS,
  TAG.TRANSACTION_DATE,
  TAG.TRANSACTION_TYPE,
  TAG.TRANSACTION_CURRENCY_CODE,
  TAG.APPLICATION_INTERCHANGE_PROFILE,
  TAG.TERMINAL_COUNTRY_CODE,
  TAG.TERMINAL_TRANSACTION_QUALIFIERS,
  TAG.CARD_TRANSACTION_QUALIFIERS,
  TAG.FORM_FACTOR_INDICATOR,
  TAG.TERMINAL_CAPABILITIES,
  TAG.TERMINAL_TYPE,
  TAG.DEDICATED_FILE_NAME,
  TAG.PAN_SEQUENCE_NUMBER,
  TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER,
  TAG.TRACK_2_EQUIVALENT_DATA,
];

/** The C-3 kernel as Entry Point activates it. */
export async function kernel3(a: KernelActivation): Promise<KernelResult> {
  const data = new TransactionData();
  const tvr = newTvr();
  const terminal = a.reader.terminal;
  const aid = terminal.aids.find((x) => bytesEqual(x.aid, a.candidate.adfName.subarray(0, x.aid.length)));
  const ctx: TransactionContext = {
    config: terminal,
    params: a.params,
    data,
    tvr,
    tsi: newTsi(),
    card: a.card,
    interaction: a.interaction,
    host: a.host,
    aid,
    pdolData: undefined,
    oda: { method: "none", result: "not-performed" },
    log: a.log,
  };
  const details: KernelDetails = { kernel: K3, rules: [] };
  const result = (o: Outcome): KernelResult => ({ outcome: o, context: ctx, details });
  try {
    return result(await run(a, ctx, details));
  } catch (e) {
    return result(outcome("End Application", K3, `internal error: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** Book A: a communication error during the kernel is Try Again, presenting the card again (Start B). */
function tryAgain(reason: string): Outcome {
  return outcome("Try Again", K3, reason, {
    start: "B",
    uiOnRestart: uiRequest(UI_MESSAGE.PRESENT_CARD_AGAIN, "Ready to Read"),
  });
}

function endApplication(reason: string): Outcome {
  return outcome("End Application", K3, reason, {
    uiOnOutcome: uiRequest(UI_MESSAGE.TRY_ANOTHER_CARD, "Ready to Read"),
  });
}

async function run(a: KernelActivation, ctx: TransactionContext, details: KernelDetails): Promise<Outcome> {
  const { data } = ctx;
  const log = (m: LogMessage) => ctx.log(STEP, m);
  // Terminal and transaction data (Book 3 §5.4 as for contact), then the TTQ copy of pre-processing.
  const bad = putTerminalData(ctx);
  if (bad) return endApplication(bad.error);
  if (ctx.aid) putApplicationData(ctx, ctx.aid);
  const ttq = a.candidate.state.indicators.ttq;
  if (!ttq) return endApplication("the reader combination has no TTQ (9F66)");
  data.set("transaction", TAG.TERMINAL_TRANSACTION_QUALIFIERS, ttq);
  details.ttq = ttq;
  const fci = storeFci(ctx.data, a.fci);
  if (fci) return endApplication(fci);

  if (a.onlineResponse) return issuerUpdate(a, ctx, details);

  // GET PROCESSING OPTIONS with the PDOL data.
  const pdol = pdolData(ctx);
  if ("error" in pdol) return endApplication(pdol.error);
  ctx.pdolData = pdol;
  const gpo = await ctx.card.exchange(Commands.getProcessingOptions(pdol));
  if (!gpo.ok) return tryAgain(gpo.error);
  const sw = gpo.response.sw;
  // Book C-3 §5 (GPO status words): 6984 try another interface, 6985 select next, 6986 see phone and try again.
  if (sw === 0x6984)
    return outcome("Try Another Interface", K3, "GET PROCESSING OPTIONS answered 6984", {
      alternateInterfacePreference: "Contact Chip",
      uiOnOutcome: uiRequest(UI_MESSAGE.INSERT_CARD, "Processing Error"),
    });
  if (sw === 0x6985) return outcome("Select Next", K3, "GET PROCESSING OPTIONS answered 6985");
  if (sw === 0x6986)
    return outcome("Try Again", K3, "GET PROCESSING OPTIONS answered 6986 (see phone)", {
      start: "B",
      uiOnOutcome: uiRequest(UI_MESSAGE.SEE_PHONE, "Not Ready", 13),
      uiOnRestart: uiRequest(UI_MESSAGE.PRESENT_CARD_AGAIN, "Ready to Read"),
    });
  if (sw !== 0x9000) return endApplication(`GET PROCESSING OPTIONS answered SW ${hexWord(sw)}`);
  const stored = storeGpoResponse(ctx, gpo.response.data);
  if (stored) return endApplication(stored);

  // READ RECORD by the AFL, when the card gave one (the online path usually does not).
  const afl = data.from("card", TAG.APPLICATION_FILE_LOCATOR);
  if (afl && afl.length > 0) {
    const entries = parseAfl(afl);
    if (isFieldError(entries)) return endApplication(entries.error);
    const read = await readAflRecords(ctx, entries, { sameAsGpoAllowed: true, log });
    if (read.kind === "no-answer") return tryAgain(read.reason);
    if (read.kind !== "ok") return endApplication(read.reason);
  }
  const missing = [
    [TAG.APPLICATION_INTERCHANGE_PROFILE, "AIP (82)"],
    [TAG.APPLICATION_TRANSACTION_COUNTER, "ATC (9F36)"],
    [TAG.APPLICATION_CRYPTOGRAM, "Application Cryptogram (9F26)"],
    [TAG.ISSUER_APPLICATION_DATA, "Issuer Application Data (9F10)"],
    [TAG.TRACK_2_EQUIVALENT_DATA, "Track 2 Equivalent Data (57)"],
  ].filter(([tag]) => !data.from("card", tag as number));
  if (missing.length > 0) return endApplication(`card data missing: ${missing.map(([, n]) => n).join(", ")}`);
  const ctq = data.from("card", TAG.CARD_TRANSACTION_QUALIFIERS);
  if (ctq) details.ctq = ctq;

  const decision = cardDecision(ctx);
  if ("reason" in decision) return endApplication(decision.reason);
  details.cryptogram = decision;
  // The data record carries the CID the card's decision is read from.
  if (!data.from("card", TAG.CRYPTOGRAM_INFORMATION_DATA))
    data.set("transaction", TAG.CRYPTOGRAM_INFORMATION_DATA, Uint8Array.of(CID_OF[decision.type]));
  log(`card's decision: ${decision.type} (from ${decision.from} ${toHex(decision.value)})`);
  return readerDecision(a, ctx, details, decision.type, ttq, ctq);
}

const CID_OF: Readonly<Record<CryptogramType, number>> = { AAC: 0x00, TC: 0x40, ARQC: 0x80, RFU: 0xc0 };

/** Template 77's primitive data objects into the card layer; format 1 (80) is not EMV mode. */
function storeGpoResponse(ctx: TransactionContext, response: Uint8Array): string | undefined {
  let tpl: Tlv;
  try {
    tpl = decodeTlv(response);
  } catch (e) {
    if (e instanceof TlvError) return `GET PROCESSING OPTIONS response is not valid BER-TLV: ${e.message}`;
    throw e;
  }
  if (tpl.tag !== TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2 || !tpl.children)
    return `GET PROCESSING OPTIONS response is template ${tpl.tagHex}; Kernel 3 EMV mode needs 77`;
  const seen = new Set<number>();
  for (const c of tpl.children) {
    if (c.children) continue;
    if (seen.has(c.tag)) return `GET PROCESSING OPTIONS response holds ${c.tagHex} twice`;
    seen.add(c.tag);
    ctx.data.set("card", c.tag, c.value);
  }
  return undefined;
}

/** 9F27 when present; else the Visa IAD (format 0/1) CVR byte 2 bits 6–5: 00 AAC, 01 TC, 10 ARQC. */
export function cardDecision(
  ctx: TransactionContext,
): { type: CryptogramType; from: "9F27" | "IAD"; value: Uint8Array } | { reason: string } {
  const cid = ctx.data.from("card", TAG.CRYPTOGRAM_INFORMATION_DATA);
  if (cid) {
    const parsed = parseCid(cid);
    if (isFieldError(parsed)) return { reason: parsed.error };
    if (parsed.type === "RFU")
      return { reason: `Cryptogram Information Data ${toHex(cid)} names an RFU cryptogram type` };
    return { type: parsed.type, from: "9F27", value: cid };
  }
  const iad = ctx.data.from("card", TAG.ISSUER_APPLICATION_DATA);
  const parsed = iad ? parseVisaIad(iad) : undefined;
  if (!iad || !parsed || isFieldError(parsed) || parsed.format !== "0/1")
    return {
      reason: "no Cryptogram Information Data (9F27) and no Visa IAD format 0/1 to read the cryptogram type from",
    };
  const type = (["AAC", "TC", "ARQC", "RFU"] as const)[(parsed.cvr[1]! >> 4) & 0x03]!;
  if (type === "RFU")
    return { reason: `IAD CVR byte 2 ${toHex(parsed.cvr.subarray(1, 2))} names an RFU cryptogram type` };
  return { type, from: "IAD", value: iad };
}

function cardPan(ctx: TransactionContext): string | undefined {
  const pan = ctx.data.from("card", TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  if (pan) return panDigits(pan);
  const t2 = ctx.data.from("card", TAG.TRACK_2_EQUIVALENT_DATA);
  return t2 ? toHex(t2).split("D")[0] : undefined;
}

/** The reader's rules after the card's decision, then CVM and the outcome with its UI requests and data record. */
async function readerDecision(
  a: KernelActivation,
  ctx: TransactionContext,
  details: KernelDetails,
  card: CryptogramType,
  ttq: Uint8Array,
  ctq: Uint8Array | undefined,
): Promise<Outcome> {
  const rule = (r: string) => {
    details.rules.push(r);
    ctx.log(STEP, r);
  };
  const has = (bit: (typeof CTQ)[keyof typeof CTQ]) => ctq !== undefined && isBitSet(ctq, bit);
  const contactChip = isBitSet(ttq, TTQ.EMV_CONTACT_SUPPORTED);
  const onlineCapable = ctx.config.onlineCapable && !isBitSet(ttq, TTQ.OFFLINE_ONLY_READER);
  const switchInterface = (why: string) =>
    outcome("Try Another Interface", K3, why, {
      alternateInterfacePreference: "Contact Chip",
      uiOnOutcome: uiRequest(UI_MESSAGE.INSERT_CARD, "Processing Error"),
    });
  const declined = (why: string) => {
    details.cvm ??= "N/A";
    return outcome("Declined", K3, why, {
      cvm: "N/A",
      uiOnOutcome: uiRequest(UI_MESSAGE.NOT_AUTHORISED, "Not Ready"),
      dataRecord: dataRecord(ctx),
    });
  };
  // Cash and cashback: the card may ask for the contact interface (CTQ b1b3, b1b2).
  const type = a.params.type;
  if (type === "cash" && has(CTQ.SWITCH_INTERFACE_FOR_CASH) && contactChip)
    return switchInterface("cash: the card asks to switch interface (CTQ b1b3)");
  if ((type === "cashback" || a.params.otherAmount > 0) && has(CTQ.SWITCH_INTERFACE_FOR_CASHBACK) && contactChip)
    return switchInterface("cashback: the card asks to switch interface (CTQ b1b2)");

  if (card === "AAC") return declined("the card declined (AAC)");

  let online = card === "ARQC";
  const fdda = () => {
    const f = verifyFdda(ctx);
    details.fdda = f.ok ? { result: "passed" } : { result: "failed", reason: f.reason };
    ctx.log(STEP, f.ok ? `fDDA: ${f.detail}` : `fDDA failed: ${f.reason}`);
    return f;
  };
  if (online) {
    // ODA for online authorisations when the reader supports it (TTQ b1b1) and the card signed.
    if (isBitSet(ttq, TTQ.ODA_FOR_ONLINE_SUPPORTED) && ctx.data.from("card", TAG.SIGNED_DYNAMIC_APPLICATION_DATA))
      fdda();
    else details.fdda = { result: "not-performed" };
  } else {
    details.fdda = { result: "not-performed" };
    if (isBitSet(ttq, TTQ.ONLINE_CRYPTOGRAM_REQUIRED))
      return declined("the card approved offline (TC) although the reader asked for an online cryptogram (TTQ b2b8)");
    const pan = cardPan(ctx);
    if (pan && ctx.config.exceptionFile.some((e) => e.pan === pan)) return declined("the PAN is in the exception file");
    // Dates as years 1950–2049 (Book 3 Annex A, n 6 YYMMDD), compared as YYYYMMDD.
    const expiry = ctx.data.from("card", TAG.APPLICATION_EXPIRATION_DATE);
    const expires = expiry ? dateValue(toHex(expiry)) : undefined;
    const today = dateValue(toHex(ctx.data.get(TAG.TRANSACTION_DATE) ?? new Uint8Array(0)));
    if (expiry && expires === undefined)
      return declined(`Application Expiration Date (5F24) ${toHex(expiry)} is not a date`);
    if (expiry && expires !== undefined && today !== undefined && expires < today) {
      if (has(CTQ.GO_ONLINE_IF_EXPIRED) && onlineCapable) {
        rule(`application expired (5F24 ${toHex(expiry)}): online, as the CTQ asks (b1b4)`);
        online = true;
      } else return declined(`application expired (5F24 ${toHex(expiry)})`);
    }
    if (!online) {
      const f = fdda();
      if (!f.ok) {
        if (has(CTQ.GO_ONLINE_IF_ODA_FAILS) && onlineCapable) {
          rule("fDDA failed: online, as the CTQ asks (b1b6)");
          online = true;
        } else if (has(CTQ.SWITCH_INTERFACE_IF_ODA_FAILS) && contactChip)
          return switchInterface(`fDDA failed (${f.reason}): the card asks to switch interface (CTQ b1b5)`);
        else return declined(`fDDA failed: ${f.reason}`);
      }
    }
  }
  if (online && !onlineCapable) return declined("the card asks to go online and the reader is offline only");

  const inputs: { -readonly [K in keyof CvmInputs]: CvmInputs[K] } = {
    ttq,
    fddaPassed: details.fdda?.result === "passed",
    online,
  };
  if (ctq) inputs.ctq = ctq;
  const cad = ctx.data.from("card", TAG.CARD_AUTHENTICATION_RELATED_DATA);
  if (cad) inputs.cardAuthenticationData = cad;
  const cvm = selectCvm(inputs);
  if (!cvm.ok) return declined(cvm.reason);
  details.cvm = `${cvm.cvm}: ${cvm.note}`;
  ctx.log(STEP, `CVM: ${cvm.cvm} (${cvm.note})`);
  if (cvm.cvm === "Online PIN") {
    const pin = await onlinePin(ctx, { bypassed: false });
    if (pin.kind === "done" && pin.result === "failed") return declined(`online PIN: ${pin.note}`);
  }
  // The outcome options written out in each branch rather than spread from a common object: an object spread
  // followed by new keys gets a new V8 hidden class every time (every read of the outcome then misses its caches).
  const receipt = cvm.cvm === "Obtain Signature";
  const record = dataRecord(ctx);
  if (online) {
    // Issuer update processing after the online response when both the reader (TTQ b3b8) and the card (CTQ b2b7) can.
    const update = isBitSet(ttq, TTQ.ISSUER_UPDATE_SUPPORTED) && has(CTQ.ISSUER_UPDATE_AT_POS);
    if (update) details.issuerUpdate = "offered: the card is presented again after the online response";
    return outcome(
      "Online Request",
      K3,
      card === "ARQC" ? "the card asks to go online (ARQC)" : details.rules.at(-1)!,
      {
        cvm: cvm.cvm,
        receipt,
        dataRecord: record,
        onlineResponseData: "EMV Data",
        // Book A §6.2: with Start B the reader asks for the card again once the online response is in.
        ...(update
          ? { start: "B" as const, uiOnRestart: uiRequest(UI_MESSAGE.PRESENT_CARD_AGAIN, "Ready to Read") }
          : {}),
        uiOnOutcome: uiRequest(UI_MESSAGE.AUTHORISING, "Card Read Successfully"),
      },
    );
  }
  return outcome("Approved", K3, "offline approval (TC) with fDDA", {
    cvm: cvm.cvm,
    receipt,
    dataRecord: record,
    uiOnOutcome: uiRequest(approvedMessage(cvm.cvm), "Card Read Successfully", 13),
  });
}

function approvedMessage(cvm: OutcomeCvm): number {
  return cvm === "Obtain Signature" ? UI_MESSAGE.APPROVED_SIGN : UI_MESSAGE.APPROVED;
}

/** The data record: the listed data objects present, as BER-TLV (track 2 included: it goes online, never to a log). */
export function dataRecord(ctx: TransactionContext): Uint8Array {
  const nodes: TlvInput[] = [];
  for (const tag of DATA_RECORD_TAGS) {
    const v = ctx.data.get(tag);
    if (v) nodes.push({ tag, value: v });
  }
  return encodeTlvs(nodes);
}

/** The second tap after an online response (Book C-3 §5, issuer update processing): EXTERNAL AUTHENTICATE, scripts. */
async function issuerUpdate(a: KernelActivation, ctx: TransactionContext, details: KernelDetails): Promise<Outcome> {
  const response = a.onlineResponse!;
  const code = responseCodeText(response.authorisationResponseCode);
  const approved = isApproval(code);
  const notes: string[] = [];
  if (response.issuerAuthenticationData) {
    // No GPO on this tap: the Issuer Authentication Data goes to the card whenever the issuer sent it.
    const ex = await ctx.card.exchange(Commands.externalAuthenticate(response.issuerAuthenticationData));
    if (!ex.ok) return tryAgain(ex.error);
    notes.push(`EXTERNAL AUTHENTICATE answered ${hexWord(ex.response.sw)}`);
  }
  const scripts = [...response.scripts71, ...response.scripts72];
  if (scripts.length > 0) {
    const s = await processIssuerScripts(ctx, scripts, "after-final-genac");
    if (s.transportError) return tryAgain(s.transportError);
    notes.push(`${scripts.length} issuer script(s) processed, results ${toHex(s.results)}`);
  }
  details.issuerUpdate = notes.join("; ") || "nothing to send to the card";
  const why = `issuer answered ${code}; ${details.issuerUpdate}`;
  return approved
    ? outcome("Approved", K3, why, { uiOnOutcome: uiRequest(UI_MESSAGE.APPROVED, "Card Read Successfully", 13) })
    : outcome("Declined", K3, why, { uiOnOutcome: uiRequest(UI_MESSAGE.NOT_AUTHORISED, "Not Ready") });
}
