// Issuer script processing (EMV Book 3 §10.10, Annex A 9F5B): Issuer Script Templates 71 (before the final
// GENERATE AC) and 72 (after it); each Issuer Script Command (86) is sent in order; Issuer Script Results (9F5B)
// hold 5 bytes per script: result nibble ‖ sequence number, then the Issuer Script Identifier (9F18) or zeros.

import { concatBytes, toHex } from "../../emv/bytes.js";
import { decodeTlv, TlvError } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { TSI, TVR } from "../../emv/tvr.js";
import { SCRIPT_COMMAND_NAMES } from "../../transport/apdu-text.js";
import type { KernelCommand } from "../card-session.js";
import { type BackHalf, type BackStep, NEXT, terminateBack } from "./back-half.js";
import type { TransactionContext } from "./context.js";

const STEP = "issuer-script-processing";

/** Issuer Script Results byte 1, b8–b5 (Book 3 Annex A, 9F5B). */
export const SCRIPT_RESULT = Object.freeze({ NOT_PERFORMED: 0x0, FAILED: 0x1, SUCCESSFUL: 0x2 });

/** A C-APDU given as bytes (Issuer Script Command 86) as a kernel command (ISO 7816-4 §5.1 cases 1–4, short). */
export function commandFromApdu(
  apdu: Uint8Array,
  name = "ISSUER SCRIPT COMMAND",
): KernelCommand | { readonly error: string } {
  if (apdu.length < 4) return { error: `${name}: ${apdu.length} bytes is shorter than a command header` };
  const [cla, ins, p1, p2] = [apdu[0]!, apdu[1]!, apdu[2]!, apdu[3]!];
  if (apdu.length === 4) return { name, cla, ins, p1, p2 };
  if (apdu.length === 5) return { name, cla, ins, p1, p2, le: apdu[4]! };
  const lc = apdu[4]!;
  if (lc === 0 || apdu.length < 5 + lc || apdu.length > 6 + lc) {
    return { error: `${name}: Lc ${lc} does not match the ${apdu.length - 5} bytes that follow the header` };
  }
  const data = apdu.slice(5, 5 + lc);
  return apdu.length === 6 + lc
    ? { name, cla, ins, p1, p2, data, le: apdu[5 + lc]! }
    : { name, cla, ins, p1, p2, data };
}

/** The trace name of an Issuer Script Command (86): the command its INS names, else "ISSUER SCRIPT COMMAND". */
export function scriptCommandName(apdu: Uint8Array): string {
  return (apdu.length >= 4 && SCRIPT_COMMAND_NAMES.get(apdu[1]!)) || "ISSUER SCRIPT COMMAND";
}

export interface ScriptOutcome {
  /** 5 bytes of 9F5B for this script. */
  readonly result: Uint8Array;
  readonly failed: boolean;
  /** The card stopped answering (transport failure): the transaction ends. */
  readonly transportError?: string;
}

/** Book 3 §10.10: process one Issuer Script Template (71 or 72), given as its whole encoding. */
export async function processScript(ctx: TransactionContext, template: Uint8Array): Promise<ScriptOutcome> {
  let scriptId = new Uint8Array(4);
  const result = (status: number, sequence: number) =>
    concatBytes(Uint8Array.of((status << 4) | Math.min(sequence, 0xf)), scriptId);
  let commands: Uint8Array[];
  try {
    const tlv = decodeTlv(template);
    if ((tlv.tag !== TAG.ISSUER_SCRIPT_TEMPLATE_1 && tlv.tag !== TAG.ISSUER_SCRIPT_TEMPLATE_2) || !tlv.children) {
      ctx.log(STEP, `issuer script: tag ${tlv.tagHex} is not an Issuer Script Template (71/72)`);
      return { result: result(SCRIPT_RESULT.FAILED, 0), failed: true };
    }
    const id = tlv.children.find((c) => c.tag === TAG.ISSUER_SCRIPT_IDENTIFIER);
    if (id && id.length === 4) scriptId = id.value.slice();
    commands = tlv.children.filter((c) => c.tag === TAG.ISSUER_SCRIPT_COMMAND).map((c) => c.value.slice());
  } catch (e) {
    if (!(e instanceof TlvError)) throw e;
    // Book 3 §10.10: a script the terminal cannot parse is not sent; it counts as failed.
    ctx.log(STEP, `issuer script not processed: ${e.message}`);
    return { result: result(SCRIPT_RESULT.FAILED, 0), failed: true };
  }
  const label = `script ${toHex(scriptId)}`;
  for (let i = 0; i < commands.length; i++) {
    const command = commandFromApdu(commands[i]!, scriptCommandName(commands[i]!));
    if ("error" in command) {
      ctx.log(STEP, `${label} command ${i + 1}: ${command.error}`);
      return { result: result(SCRIPT_RESULT.FAILED, i + 1), failed: true };
    }
    const ex = await ctx.card.exchange(command);
    if (!ex.ok) {
      return { result: result(SCRIPT_RESULT.FAILED, i + 1), failed: true, transportError: ex.error };
    }
    const sw1 = ex.response.sw >> 8;
    // Book 3 §10.10: SW1 90, 62 or 63 → continue with the next command; any other → stop, script failed.
    if (sw1 !== 0x90 && sw1 !== 0x62 && sw1 !== 0x63) {
      ctx.log(STEP, `${label} command ${i + 1}: SW ${ex.response.sw.toString(16).toUpperCase()}, script stopped`);
      return { result: result(SCRIPT_RESULT.FAILED, i + 1), failed: true };
    }
  }
  ctx.log(STEP, `${label}: ${commands.length} command(s) performed`);
  return { result: result(SCRIPT_RESULT.SUCCESSFUL, 0), failed: false };
}

export interface ScriptsOutcome {
  readonly results: Uint8Array;
  readonly transportError?: string;
}

/**
 * Book 3 §10.10: process the scripts of one phase in order; any failure sets TVR "Script processing failed before
 * (71) / after (72) final GENERATE AC"; TSI "Script processing was performed" once any script is processed.
 */
export async function processIssuerScripts(
  ctx: TransactionContext,
  scripts: readonly Uint8Array[],
  phase: "before-final-genac" | "after-final-genac",
): Promise<ScriptsOutcome> {
  const parts: Uint8Array[] = [];
  for (const script of scripts) {
    const outcome = await processScript(ctx, script);
    parts.push(outcome.result);
    ctx.tsi.set(TSI.SCRIPT_PROCESSING_PERFORMED);
    if (outcome.failed) {
      ctx.tvr.set(
        phase === "before-final-genac" ? TVR.SCRIPT_FAILED_BEFORE_FINAL_GENAC : TVR.SCRIPT_FAILED_AFTER_FINAL_GENAC,
      );
    }
    if (outcome.transportError) return { results: concatBytes(...parts), transportError: outcome.transportError };
  }
  return { results: concatBytes(...parts) };
}

/** Book 3 §10.10 as a step: the issuer's scripts 71, before the second GENERATE AC. */
export async function scriptsBeforeFinalGenerateAc(ctx: TransactionContext, back: BackHalf): Promise<BackStep> {
  if (back.online?.kind !== "answered") return NEXT;
  const before = await processIssuerScripts(ctx, back.online.response.scripts71, "before-final-genac");
  back.scriptResults = before.results;
  if (back.scriptResults.length > 0) ctx.data.set("transaction", TAG.ISSUER_SCRIPT_RESULTS, back.scriptResults);
  if (before.transportError) return terminateBack(ctx, back, "card-error", before.transportError);
  return NEXT;
}

/** Book 3 §10.10 as a step: the issuer's scripts 72, after the second GENERATE AC; a failure leaves the outcome. */
export async function scriptsAfterFinalGenerateAc(ctx: TransactionContext, back: BackHalf): Promise<BackStep> {
  if (back.online?.kind !== "answered") return NEXT;
  const after = await processIssuerScripts(ctx, back.online.response.scripts72, "after-final-genac");
  back.scriptResults = concatBytes(back.scriptResults, after.results);
  if (back.scriptResults.length > 0) ctx.data.set("transaction", TAG.ISSUER_SCRIPT_RESULTS, back.scriptResults);
  if (after.transportError) back.scriptsAfterError = after.transportError;
  return NEXT;
}
