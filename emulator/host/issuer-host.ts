// The issuer host simulator (EMV Book 3 §10.9, Book 2 §8): parses the authorisation request's ICC data,
// derives the card's keys, verifies the ARQC, decides by configurable rules, and answers the Authorisation
// Response Code (8A), the Issuer Authentication Data (91, ARPC method 1 or 2) and issuer scripts (71/72).

import type { AuthorizationRequest, AuthorizationResponse, IssuerHost } from "../../emv/authorisation.js";
import { bytesEqual, fromHex, toHex } from "../../emv/bytes.js";
import {
  type CryptogramScheme,
  cryptogramScheme,
  deriveIccMasterKeys,
  encipherPinChange,
  generateApplicationCryptogram,
  type IccMasterKeys,
  type IssuerMasterKeys,
  issuerAuthentication,
  scriptCommand,
  secureMessagingKeys,
  terminalDataOrZeros,
} from "../../emv/crypto/cryptogram.js";
import { desDecryptEcb } from "../../emv/crypto/des.js";
import { parsePinBlockFormat0 } from "../../emv/crypto/pin-block.js";
import { maskPan } from "../../emv/sensitive.js";
import { decodeTlvs, encodeTlvs, type Tlv, type TlvInput, walkTlvs } from "../../emv/tlv/ber.js";
import { amountMinorUnits, panDigits } from "../../emv/tlv/formats.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { DecisionRule, HostConfig, IssuerKeySet, ScriptCommandConfig, ScriptConfig } from "./config.js";

/** Default response codes (ISO 8583 field 39 as two ASCII characters). */
const DEFAULT_CODES = { approve: "00", decline: "05", referral: "01" } as const;
/** Response code for a request the host cannot parse (ISO 8583 "30" format error). */
const FORMAT_ERROR = "30";
/** Online PIN outcomes (ISO 8583 field 39): incorrect PIN, and a PIN block that does not decipher/decode. */
const INCORRECT_PIN = "55";
const PIN_CRYPTO_ERROR = "81";

const encoder = new TextEncoder();
/** Response codes as the 8A bytes; the few a host answers are encoded once (a fresh copy each time: callers own it). */
const codeBytes = new Map<string, Uint8Array>();
function ascii(code: string): Uint8Array {
  let bytes = codeBytes.get(code);
  if (!bytes) {
    bytes = encoder.encode(code);
    if (codeBytes.size < 64) codeBytes.set(code, bytes);
  }
  return bytes.slice();
}

/** The card data every request must carry for the ARQC check (Book 2 §8.1). */
const REQUIRED_CARD_DATA = [
  [TAG.APPLICATION_CRYPTOGRAM, "Application Cryptogram"],
  [TAG.APPLICATION_TRANSACTION_COUNTER, "ATC"],
  [TAG.ISSUER_APPLICATION_DATA, "Issuer Application Data"],
] as const;

/** What the host extracted from the request, for rules and keys. */
interface RequestFacts {
  readonly values: Map<number, Uint8Array>;
  readonly pan: string | undefined;
  readonly psn: string | undefined;
  readonly aid: string | undefined;
  readonly amount: number | undefined;
}

function facts(iccData: Uint8Array): RequestFacts {
  const values = new Map<number, Uint8Array>();
  walkTlvs(decodeTlvs(iccData), (n: Tlv) => {
    if (!n.children && !values.has(n.tag)) values.set(n.tag, n.value);
  });
  const pan5a = values.get(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER);
  let pan = pan5a ? panDigits(pan5a) : undefined;
  if (!pan && values.get(TAG.TRACK_2_EQUIVALENT_DATA))
    pan = toHex(values.get(TAG.TRACK_2_EQUIVALENT_DATA)!).split("D")[0];
  const psnValue = values.get(TAG.PAN_SEQUENCE_NUMBER);
  const aidValue =
    values.get(TAG.APPLICATION_DEDICATED_FILE_NAME) ??
    values.get(TAG.DEDICATED_FILE_NAME) ??
    values.get(TAG.AID_TERMINAL);
  let amount: number | undefined;
  const a = values.get(TAG.AMOUNT_AUTHORISED_NUMERIC);
  if (a) {
    try {
      amount = Number(amountMinorUnits(a));
    } catch {
      amount = undefined;
    }
  }
  return {
    values,
    pan,
    psn: psnValue ? toHex(psnValue) : undefined,
    aid: aidValue ? toHex(aidValue) : undefined,
    amount,
  };
}

function decline(code: string, reason: string): AuthorizationResponse {
  return { authorisationResponseCode: ascii(code), scripts71: [], scripts72: [], reason };
}

/** AID prefixes of key sets and rules upper-cased (the request's AID is upper-case hex), each once. */
const upperCased = new Map<string, string>();
function upper(aid: string): string {
  let u = upperCased.get(aid);
  if (u === undefined) {
    u = aid.toUpperCase();
    if (upperCased.size < 1024) upperCased.set(aid, u);
  }
  return u;
}

/**
 * What a request needs from the key set that matched it, worked out once per key set: its scheme and its keys as
 * bytes. Kept with the fields it was made from, so a key set changed in place is prepared again.
 */
interface PreparedKeySet {
  readonly from: Pick<IssuerKeySet, "cvn" | "arpcMethod" | "imkAc" | "imkSmi" | "imkSmc" | "iccMkAc" | "csu">;
  readonly scheme: CryptogramScheme | undefined;
  readonly imk: IssuerMasterKeys | undefined;
  readonly iccMkAc: Uint8Array | undefined;
  readonly csu: Uint8Array | undefined;
}

const preparedKeySets = new WeakMap<IssuerKeySet, PreparedKeySet>();

function sameKeyFields(a: PreparedKeySet["from"], b: IssuerKeySet): boolean {
  return (
    a.cvn === b.cvn &&
    a.arpcMethod === b.arpcMethod &&
    a.imkAc === b.imkAc &&
    a.imkSmi === b.imkSmi &&
    a.imkSmc === b.imkSmc &&
    a.iccMkAc === b.iccMkAc &&
    a.csu === b.csu
  );
}

function prepared(k: IssuerKeySet): PreparedKeySet {
  const hit = preparedKeySets.get(k);
  if (hit && sameKeyFields(hit.from, k)) return hit;
  const { cvn, arpcMethod, imkAc, imkSmi, imkSmc, iccMkAc, csu } = k;
  const p: PreparedKeySet = {
    from: { cvn, arpcMethod, imkAc, imkSmi, imkSmc, iccMkAc, csu },
    scheme: schemeOf(k),
    imk:
      imkAc === undefined
        ? undefined
        : {
            ac: fromHex(imkAc),
            ...(imkSmi ? { smi: fromHex(imkSmi) } : {}),
            ...(imkSmc ? { smc: fromHex(imkSmc) } : {}),
          },
    iccMkAc: imkAc === undefined ? fromHex(iccMkAc ?? "") : undefined,
    csu: csu === undefined ? undefined : fromHex(csu),
  };
  preparedKeySets.set(k, p);
  return p;
}

function matchesKeySet(k: IssuerKeySet, f: RequestFacts): boolean {
  // Both must hold; the PAN first, which tells most key sets apart without the AID's upper-casing.
  if (k.panPrefix !== undefined && !(f.pan ?? "").startsWith(k.panPrefix)) return false;
  if (k.aid !== undefined && !(f.aid ?? "").startsWith(upper(k.aid))) return false;
  return true;
}

function matchesRule(r: DecisionRule, f: RequestFacts): boolean {
  if (r.amountAbove !== undefined && !(f.amount !== undefined && f.amount > r.amountAbove)) return false;
  if (r.amountAtMost !== undefined && !(f.amount !== undefined && f.amount <= r.amountAtMost)) return false;
  if (r.panPrefix !== undefined && !(f.pan ?? "").startsWith(r.panPrefix)) return false;
  if (r.aid !== undefined && !(f.aid ?? "").startsWith(upper(r.aid))) return false;
  return true;
}

function describeRule(r: DecisionRule): string {
  if (r.reason) return r.reason;
  const parts: string[] = [];
  if (r.amountAbove !== undefined) parts.push(`amount above ${r.amountAbove}`);
  if (r.amountAtMost !== undefined) parts.push(`amount at most ${r.amountAtMost}`);
  if (r.panPrefix !== undefined) parts.push(`PAN prefix ${r.panPrefix.slice(0, 6)}`);
  if (r.aid !== undefined) parts.push(`AID ${r.aid}`);
  return parts.length ? parts.join(", ") : "rule without conditions";
}

/** The scheme of a key set, with its ARPC method overridden when the configuration says so. */
function schemeOf(k: IssuerKeySet): CryptogramScheme | undefined {
  const scheme = cryptogramScheme(k.cvn);
  if (!scheme || k.arpcMethod === undefined) return scheme;
  return { ...scheme, arpc: { ...scheme.arpc, method: k.arpcMethod } };
}

/** The card's master keys, derived from the key set's issuer master keys (Book 2 A1.4), or given as they are. */
function cardKeysOf(k: IssuerKeySet, p: PreparedKeySet, pan: string, psn: string | undefined): IccMasterKeys {
  if (!p.imk) return { ac: p.iccMkAc! };
  return deriveIccMasterKeys(p.imk, pan, psn, k.derivation);
}

/** The commands of one script (Book 3 §10.10), each with its MAC (Book 2 §9.2). */
function scriptCommands(
  s: ScriptConfig,
  scheme: CryptogramScheme,
  keys: { readonly mkAc: Uint8Array; readonly smi: Uint8Array; readonly smc: Uint8Array },
  atc: Uint8Array,
  arqc: Uint8Array,
  macLength: number,
): Uint8Array[] {
  const one = (
    c: Exclude<ScriptCommandConfig, { command: "verbatim" }>,
  ): { header: Uint8Array; data: Uint8Array; badMac: boolean } => {
    switch (c.command) {
      case "application-block":
        return { header: Uint8Array.of(0x84, 0x1e, 0, 0), data: new Uint8Array(0), badMac: false };
      case "application-unblock":
        return { header: Uint8Array.of(0x84, 0x18, 0, 0), data: new Uint8Array(0), badMac: false };
      case "card-block":
        return { header: Uint8Array.of(0x84, 0x16, 0, 0), data: new Uint8Array(0), badMac: false };
      case "pin-unblock":
        return { header: Uint8Array.of(0x84, 0x24, 0, 0), data: new Uint8Array(0), badMac: false };
      case "pin-change": {
        const data = encipherPinChange(scheme, keys.mkAc, keys.smc, c.newPin, c.currentPin);
        const p2 = c.currentPin === undefined ? 0x02 : 0x01;
        return { header: Uint8Array.of(0x84, 0x24, 0, p2), data, badMac: false };
      }
      case "put-data": {
        const tag = fromHex(c.tag);
        const p1 = tag.length > 1 ? tag[0]! : 0;
        const p2 = tag[tag.length - 1]!;
        return { header: Uint8Array.of(0x84, 0xda, p1, p2), data: fromHex(c.value), badMac: false };
      }
      case "update-record":
        return { header: Uint8Array.of(0x84, 0xdc, c.record, (c.sfi << 3) | 4), data: fromHex(c.data), badMac: false };
      case "raw":
        return { header: fromHex(c.header).subarray(0, 4), data: fromHex(c.data), badMac: c.badMac ?? false };
    }
  };
  return s.commands.map((c) => {
    if (c.command === "verbatim") return fromHex(c.apdu);
    const { header, data, badMac } = one(c);
    const command = scriptCommand(scheme, keys.smi, {
      cla: header[0]!,
      ins: header[1]!,
      p1: header[2]!,
      p2: header[3]!,
      data,
      atc,
      arqc,
      macLength,
    });
    // A deliberately wrong MAC (configuration `badMac`): the card must reject it with 6988.
    if (badMac || s.badMac === true) command[command.length - 1]! ^= 0x01;
    return command;
  });
}

/** What the online PIN check found: a declining response code, or none, and a note for the reason (never the PIN). */
interface PinCheck {
  readonly code?: string;
  readonly note?: string;
}

export class SimulatedIssuerHost implements IssuerHost {
  constructor(readonly config: HostConfig) {}

  /** Decipher (when the host has the terminals' key) and decode the PIN block, then compare with the key set's PIN. */
  private checkOnlinePin(block: Uint8Array | undefined, keySet: IssuerKeySet, pan: string): PinCheck {
    if (!block) return {};
    const key = this.config.pinEncryptionKey;
    const clear = block.length === 8 && key ? desDecryptEcb(fromHex(key), block) : block;
    const pin = parsePinBlockFormat0(clear, pan);
    if (pin === undefined)
      return {
        code: PIN_CRYPTO_ERROR,
        note: `online PIN block does not decode as ISO 9564 format 0 for this PAN${key ? " under the host's PIN encryption key" : " (host has no PIN encryption key)"}`,
      };
    if (keySet.pin === undefined) return { note: "online PIN not checked (no reference PIN for this key set)" };
    return pin === keySet.pin ? { note: "online PIN correct" } : { code: INCORRECT_PIN, note: "online PIN incorrect" };
  }

  async authorize(request: AuthorizationRequest): Promise<AuthorizationResponse> {
    return this.decide(request);
  }

  /** The same answer as authorize(), synchronously. */
  decide(request: AuthorizationRequest): AuthorizationResponse {
    let f: RequestFacts;
    try {
      f = facts(request.iccData);
    } catch (e) {
      return decline(FORMAT_ERROR, `request ICC data is not valid BER-TLV: ${(e as Error).message}`);
    }
    // The PAN as messages show it (masked), made only for a message.
    const shownPan = () => (f.pan ? maskPan(f.pan) : "(no PAN)");
    const keySet = this.config.issuers.find((k) => matchesKeySet(k, f));
    if (!keySet) return decline("05", `no issuer keys for PAN ${shownPan()} AID ${f.aid ?? "(none)"}`);
    if (!f.pan) return decline(FORMAT_ERROR, "request carries no PAN (5A or 57)");
    for (const [tag, name] of REQUIRED_CARD_DATA) {
      if (!f.values.has(tag)) return decline(FORMAT_ERROR, `request lacks ${tag.toString(16).toUpperCase()} (${name})`);
    }
    const cid = f.values.get(TAG.CRYPTOGRAM_INFORMATION_DATA);
    if (cid && (cid[0]! & 0xc0) !== 0x80) {
      return decline("05", `cryptogram is not an ARQC (CID ${toHex(cid)})`);
    }
    const keys = prepared(keySet);
    const scheme = keys.scheme;
    if (!scheme) return decline("05", `cryptogram version ${keySet.cvn} of key set '${keySet.name}' is not supported`);
    // Key derivation needs a decimal PAN and PSN (Book 2 A1.4); anything else is a malformed request, not a throw.
    if (!/^\d{1,19}$/.test(f.pan)) return decline(FORMAT_ERROR, `PAN ${shownPan()} is not 1 to 19 decimal digits`);
    if (f.psn !== undefined && !/^\d{2}$/.test(f.psn))
      return decline(FORMAT_ERROR, `PAN Sequence Number (5F34) ${f.psn} is not 2 decimal digits`);
    const card = cardKeysOf(keySet, keys, f.pan, f.psn);
    const arqc = f.values.get(TAG.APPLICATION_CRYPTOGRAM)!;
    // Cryptogram data absent from the request counts as zeros of its length, as the card does for its CDOL.
    const value = terminalDataOrZeros((tag: number) => f.values.get(tag));
    const expected = generateApplicationCryptogram(scheme, card.ac, value);
    if (!expected.ok) return decline(FORMAT_ERROR, `cannot check the ARQC: ${expected.error}`);
    if (!bytesEqual(expected.data, arqc)) {
      return decline("05", `ARQC does not verify (${scheme.name}, key set '${keySet.name}', PAN ${shownPan()})`);
    }

    // Online PIN (Book 3 §10.5.2: the issuer verifies it) before the decision rules; a PIN failure declines.
    const pin = this.checkOnlinePin(request.onlinePinBlock, keySet, f.pan);
    const rule = pin.code ? undefined : (this.config.rules ?? []).find((r) => matchesRule(r, f));
    const decision = pin.code ? "decline" : (rule?.decision ?? this.config.default ?? "approve");
    const code = pin.code ?? rule?.responseCode ?? DEFAULT_CODES[decision];
    const arc = ascii(code);
    const why = pin.code ? "" : `; ${rule ? describeRule(rule) : "no rule matched"}`;
    const reason = `ARQC verified${pin.note ? `; ${pin.note}` : ""}${why}: ${decision} (${code})`;
    const atc = f.values.get(TAG.APPLICATION_TRANSACTION_COUNTER)!;
    const iad = issuerAuthentication(
      scheme,
      card.ac,
      { atc, unpredictableNumber: value(TAG.UNPREDICTABLE_NUMBER) ?? new Uint8Array(4), arqc },
      keys.csu === undefined ? { arc } : { arc, csu: keys.csu },
    );
    // Secure-messaging session keys (Book 2 §9.2) only serve the scripts: derived at the first script that applies.
    let sm: ReturnType<typeof secureMessagingKeys> | null = null;

    const scripts71: Uint8Array[] = [];
    const scripts72: Uint8Array[] = [];
    for (const s of this.config.scripts ?? []) {
      if (s.panPrefix !== undefined && !f.pan.startsWith(s.panPrefix)) continue;
      if (s.aid !== undefined && !(f.aid ?? "").startsWith(upper(s.aid))) continue;
      if (sm === null) sm = secureMessagingKeys(scheme, card, atc, arqc);
      if (!sm) return decline("05", `key set '${keySet.name}' has no secure-messaging keys for its scripts`);
      const commands = scriptCommands(s, scheme, { mkAc: card.ac, ...sm }, atc, arqc, keySet.macLength ?? 8);
      const children: TlvInput[] = [];
      if (s.id) children.push({ tag: TAG.ISSUER_SCRIPT_IDENTIFIER, value: fromHex(s.id) });
      for (const c of commands) children.push({ tag: TAG.ISSUER_SCRIPT_COMMAND, value: c });
      const template = encodeTlvs([
        { tag: s.template === 71 ? TAG.ISSUER_SCRIPT_TEMPLATE_1 : TAG.ISSUER_SCRIPT_TEMPLATE_2, children },
      ]);
      (s.template === 71 ? scripts71 : scripts72).push(template);
    }
    return { authorisationResponseCode: arc, issuerAuthenticationData: iad, scripts71, scripts72, reason };
  }
}

/** A host answering by the given configuration (`emvsim run --issuer <file>`). */
export function issuerHostFromConfig(config: HostConfig): SimulatedIssuerHost {
  return new SimulatedIssuerHost(config);
}
