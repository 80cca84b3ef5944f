// Runs one contactless catalog case: the card (an emulator profile opened on its contactless interface, or a
// scripted card) tapped through Entry Point and Kernel 3 under the case's reader; compares with the expectation.

import { caPublicKeysForProfile } from "../emulator/ca-keys.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { defaultIssuerHost } from "../emulator/host/index.js";
import { loadProfile } from "../emulator/profile.js";
import type { AuthorizationResponse, IssuerHost } from "../emv/authorisation.js";
import { describeBits } from "../emv/bits.js";
import { fromHex, toHex } from "../emv/bytes.js";
import { TTQ_BITS } from "../emv/fields/ttq.js";
import { seededRandom } from "../emv/random.js";
import { kernel3 } from "../kernel/c3/kernel.js";
import { withCaKeys } from "../kernel/config/load.js";
import { loadReaderConfig } from "../kernel/config/reader-load.js";
import type { ReaderConfig } from "../kernel/config/reader-types.js";
import { runTap, type TapRecord } from "../kernel/entry-point/entry-point.js";
import { type ContactlessField, type FieldEvent, scriptedField } from "../kernel/entry-point/field.js";
import { readerWith, terminalWith } from "../kernel/entry-point/reader-builders.js";
import {
  type Answer,
  fciResponse,
  gpoResponse,
  ppseResponse,
  ResponderChannel,
  SELECT_PPSE,
} from "../kernel/entry-point/testing/cards.js";
import { nonInteractive } from "../kernel/interaction.js";
import type { CardChannel } from "../transport/channel.js";
import type { ContactlessCase, ScriptedCard } from "./catalog/contactless-types.js";

/** A scripted card as a channel: SELECT PPSE, SELECT by AID, GPO (per tap), READ RECORD, EXTERNAL AUTHENTICATE. */
export function scriptedChannel(s: ScriptedCard): CardChannel {
  return new ResponderChannel(scriptedResponder(s));
}

/**
 * The scripted card's answers, command by command (hex in, hex with SW or a transport error out); the n-th GPO
 * answers the n-th entry of `gpo` when it is a list (one per tap). Shared by the in-process channel and the card
 * served to a terminal under test (tut/contactless.ts).
 */
export function scriptedResponder(s: ScriptedCard): (command: string, index: number) => Answer {
  let gpos = 0;
  let removed = false;
  const respond = (c: string, i: number): Answer => {
    if (s.removedAt === i && !removed) {
      removed = true;
      return { transportError: "card-removed" };
    }
    if (c === SELECT_PPSE) return typeof s.ppse === "string" ? s.ppse : ppseResponse(s.ppse);
    if (c.startsWith("00A40400")) {
      const aid = c.slice(10, 10 + Number.parseInt(c.slice(8, 10), 16) * 2);
      const listed = typeof s.ppse === "string" ? [] : s.ppse.map((e) => e.aid);
      return s.selects?.[aid] ?? (listed.includes(aid) ? fciResponse(aid) : "6A82");
    }
    if (c.startsWith("80A8")) {
      const g = Array.isArray(s.gpo) ? s.gpo[Math.min(gpos, s.gpo.length - 1)] : s.gpo;
      gpos++;
      return typeof g === "string" ? g : gpoResponse(g as Record<string, string>);
    }
    if (c.startsWith("00B2")) {
      const record = Number.parseInt(c.slice(4, 6), 16);
      const sfi = Number.parseInt(c.slice(6, 8), 16) >> 3;
      return s.records?.[`${sfi}/${record}`] ?? "6A83";
    }
    if (c.startsWith("0082")) return "9000";
    return "6D00";
  };
  return respond;
}

function fixedHost(code: string, iad?: string): IssuerHost {
  return {
    async authorize(): Promise<AuthorizationResponse> {
      return {
        authorisationResponseCode: new TextEncoder().encode(code),
        ...(iad ? { issuerAuthenticationData: fromHex(iad) } : {}),
        scripts71: [],
        scripts72: [],
        reason: `catalog host answers ${code}`,
      };
    },
  };
}

export async function runContactlessCase(c: ContactlessCase): Promise<{ record?: TapRecord; error?: string }> {
  let reader: ReaderConfig;
  if (typeof c.reader === "string") {
    const r = loadReaderConfig(c.reader);
    if (!r.ok) return { error: r.error };
    reader = r.config;
  } else {
    try {
      reader = readerWith(
        terminalWith("attended-pos"),
        [...c.reader.combinations],
        c.reader.kernels && [...c.reader.kernels],
      );
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  let channel: CardChannel;
  if ("profile" in c.card) {
    const p = loadProfile(c.card.profile);
    if (!p.ok) return { error: p.error.message };
    reader = { ...reader, terminal: withCaKeys(reader.terminal, caPublicKeysForProfile(p.value)) };
    let n = 0;
    channel = openEmulatorChannel(p.value, { interface: "contactless", random: (k) => new Uint8Array(k).fill(++n) });
  } else channel = scriptedChannel(c.card.script);
  const events: FieldEvent[] = (c.field ?? ["card"]).map((e) =>
    e === "card"
      ? { kind: "card", channel }
      : e === "collision"
        ? { kind: "collision" }
        : { kind: "no-card", reason: "no card presented" },
  );
  const field: ContactlessField = scriptedField(events);
  const p = c.params ?? {};
  const host =
    typeof p.host === "object" ? fixedHost(p.host.code, p.host.issuerAuthenticationData) : defaultIssuerHost();
  const record = await runTap({
    reader,
    params: {
      type: p.type ?? "purchase",
      amount: p.amount ?? 1000,
      otherAmount: p.otherAmount ?? 0,
      date: "261203",
      time: "120000",
      sequenceCounter: 1,
      random: seededRandom(c.id),
    },
    field,
    kernels: new Map([[3, kernel3]]),
    host,
    interaction: nonInteractive(p.pin ? { pin: p.pin } : {}),
  });
  return { record };
}

/** What a case observes, in the expectation's terms. */
export function observeTap(r: TapRecord) {
  const ttq = r.kernelDetails?.ttq ?? r.preProcessing.combinations[0]?.indicators.ttq;
  return {
    outcome: r.outcome.ops.status,
    outcomes: r.outcomes.map((o) => o.ops.status),
    ops: r.outcome.ops,
    uiMessage: r.outcome.uiOnOutcome?.messageId,
    ttq: ttq ? toHex(ttq) : undefined,
    ttqBits: ttq ? describeBits(TTQ_BITS, ttq) : [],
    commands: r.trace.map((t) => t.name),
    selected: r.selected ? toHex(r.selected.adfName) : undefined,
    fdda: r.kernelDetails?.fdda?.result,
    reason: r.outcome.reason,
    online: r.online ? (r.online.reachable ? (r.online.approved ? "approved" : "declined") : "unreachable") : undefined,
    taps: r.taps,
  };
}

/** Differences between the expectation and what happened, in words. */
export function compareTap(c: ContactlessCase, r: TapRecord): string[] {
  const o = observeTap(r);
  const e = c.expected;
  const out: string[] = [];
  const eq = (what: string, want: unknown, got: unknown) => {
    if (want !== undefined && JSON.stringify(want) !== JSON.stringify(got))
      out.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  eq("outcome", e.outcome, o.outcome);
  eq("outcomes", e.outcomes, o.outcomes);
  for (const [k, v] of Object.entries(e.ops ?? {})) eq(`OPS ${k}`, v, (o.ops as unknown as Record<string, unknown>)[k]);
  eq("UI message", e.uiMessage, o.uiMessage);
  eq("TTQ", e.ttq, o.ttq);
  eq("commands", e.commands, o.commands);
  eq("selected", e.selected, o.selected);
  eq("fDDA", e.fdda, o.fdda);
  eq("online", e.online, o.online);
  eq("taps", e.taps, o.taps);
  if (e.reasonContains !== undefined && !o.reason.includes(e.reasonContains))
    out.push(`reason: expected to contain ${JSON.stringify(e.reasonContains)}, got ${JSON.stringify(o.reason)}`);
  if (o.reason.includes("internal error")) out.push(`internal error: ${o.reason}`);
  return out;
}
