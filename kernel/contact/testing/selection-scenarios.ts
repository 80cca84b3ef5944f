// Test support (H4): the emv-utils kernel flow scenarios (fixtures/kernel-flow-scenarios.json, EMV Book 1 §12,
// Book 3 §10.1–10.2) as APDU-level scripts for the ScriptedChannel, and the terminal AID list they assume.

import { readFileSync } from "node:fs";
import { fromHex } from "../../../emv/bytes.js";
import type { AidConfig } from "../../config/types.js";
import { TEST_AID } from "./context.js";
import type { ScriptStep } from "./scripted-channel.js";

export interface Exchange {
  readonly c_apdu: string;
  readonly r_apdu: string;
  readonly c_comment?: string;
}

export interface FlowCase {
  readonly title?: string;
  readonly name?: string;
  readonly xpdu_list?: string | null;
  readonly expected_result: string;
  readonly expect_candidate_list_empty?: boolean;
  readonly expect_cardholder_selection_required?: boolean;
  readonly card_exchanges?: readonly Exchange[];
  readonly fci_of_selected_app?: string;
  readonly pdol_9F38?: string | null;
  readonly expected_aip_82?: string;
  readonly expected_afl_94?: string;
  readonly afl_94?: string | null;
}

interface Section {
  readonly terminal_aids?: readonly { readonly aid: string; readonly asi: string }[];
  readonly transaction_params?: readonly { readonly tag: string; readonly value: string }[];
  readonly terminal_config?: readonly { readonly tag: string; readonly value: string }[];
  readonly cases: readonly FlowCase[];
}

export interface FlowScenarios {
  readonly build_candidate_list: Section;
  readonly select_application: Section;
  readonly initiate_application_processing: Section;
  readonly read_application_data: Section;
}

export const scenarios: FlowScenarios = JSON.parse(
  readFileSync(new URL("../fixtures/kernel-flow-scenarios.json", import.meta.url), "utf8"),
) as FlowScenarios;

/** The terminal's AIDs of a section, with the ASI as partialSelection. */
export function terminalAids(section: Section): AidConfig[] {
  return (section.terminal_aids ?? []).map((a) => ({
    ...TEST_AID,
    aid: fromHex(a.aid),
    partialSelection: a.asi === "EMV_ASI_PARTIAL_MATCH",
  }));
}

const isGetResponse = (c: string) => c.toUpperCase().startsWith("00C0");

/**
 * The scenario's exchanges at APDU level (what a CardChannel returns): the T=0 GET RESPONSE exchanges after a
 * warning (62xx/63xx) or 61xx/6Cxx are folded into the command's response — data of the last GET RESPONSE with the
 * warning SW kept (ISO 7816-3 / EMV Book 1 Annex A).
 */
export function apduScript(exchanges: readonly Exchange[]): ScriptStep[] {
  const out: { command: string; response: string }[] = [];
  for (const e of exchanges) {
    const last = out[out.length - 1];
    if (isGetResponse(e.c_apdu) && last) {
      const r = e.r_apdu.toUpperCase();
      if (r.length === 4 && (r.startsWith("6C") || r.startsWith("61"))) continue;
      const first = last.response.slice(-4);
      const warning = first.startsWith("62") || first.startsWith("63");
      last.response = r.slice(0, -4) + (warning ? first : r.slice(-4));
      continue;
    }
    out.push({ command: e.c_apdu.toUpperCase(), response: e.r_apdu.toUpperCase() });
  }
  return out;
}
