// A Mastercard-style contactless card (the card side of EMV Contactless Book C-2, EMV mode) as a CardChannel: PPSE
// and application FCI (PDOL, Application Capabilities Information in BF0C), GET PROCESSING OPTIONS answering format 2
// (AIP, AFL), EXCHANGE RELAY RESISTANCE DATA (with a processing time on a simulated clock), READ RECORD, GENERATE AC
// with its own decision and CDA (the SDAD over the terminal's UN; ICC Dynamic Data with the transaction data hash and,
// after RRP, the relay resistance data), RECOVER AC for a torn transaction, and the profile's faults. Keys: the
// emvsim test CA (emulator/profiles/keys/ca.json) signs an issuer key, the issuer an ICC key, both generated once
// per profile and process. Test keys only.

import { bytesEqual, concatBytes, fromHex, toHex, writeUint } from "../../emv/bytes.js";
import { type CaPublicKey, capkChecksum } from "../../emv/crypto/capk.js";
import { buildIccCertificate, buildIssuerCertificate } from "../../emv/crypto/certificates.js";
import { cryptogramScheme, generateApplicationCryptogram } from "../../emv/crypto/cryptogram.js";
import { sha1 } from "../../emv/crypto/hash.js";
import { generateRsaKey, type RsaPrivateKey } from "../../emv/crypto/rsa.js";
import { cdaTransactionDataHash, signDynamicData } from "../../emv/crypto/signed-data.js";
import { systemRandomBytes } from "../../emv/random.js";
import { encodeTlv, encodeTlvs, type TlvInput } from "../../emv/tlv/ber.js";
import { buildDolData, type DataLookup, parseDol } from "../../emv/tlv/dol.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CardChannel } from "../../transport/channel.js";
import { TransportError } from "../../transport/channel.js";
import { amountOf } from "../dol-values.js";
import { caKey } from "../keystore.js";
import { respond, SW } from "../status.js";
import { contactlessAtr } from "./atr.js";
import type { PaypassProfile } from "./paypass-profile.js";

/** The PDOL the card asks for; CDOL1 and DRDOL its records give (Book C-2 Annex A names the data objects). */
export const PAYPASS_PDOL = "9F02069F1A029F33039C01";
export const PAYPASS_CDOL1 = "9F02069F03069F1A0295055F2A029A039C019F37049F35019F3403";
/** CDOL1 parsed once (the GENERATE AC handler splits every command's data by it). */
const CDOL1_ENTRIES = parseDol(fromHex(PAYPASS_CDOL1));
export const PAYPASS_DRDOL = "9F3704";
const PPSE = fromHex("325041592E5359532E4444463031");
const DRDOL_TAG = 0x9f51;

/** Time as the card spends it, for relay resistance: a simulated clock the reader's clock reads (tests, bench). */
export interface SimulatedTime {
  advanceMicros(micros: number): void;
}

interface Keys {
  readonly issuer: RsaPrivateKey;
  readonly icc: RsaPrivateKey;
}
const keyCache = new Map<string, Keys>();

/** The card's dynamic state across taps (ATC, the torn transaction it remembers). */
interface CardState {
  atc: number;
  torn?: { readonly drdolData: Uint8Array; readonly response: Uint8Array };
  toreOnce: boolean;
}

export interface PaypassCardOptions {
  /** Advanced by the card's relay resistance processing time and by nothing else. */
  readonly time?: SimulatedTime;
  /** The card's random numbers (ICC Dynamic Number, Device Relay Resistance Entropy); default the system CSPRNG (emv/random systemRandomBytes). */
  readonly random?: (n: number) => Uint8Array;
}

export class PaypassCard implements CardChannel {
  readonly description: string;
  readonly atr = undefined;
  private readonly state: CardState;
  private readonly keys: Keys;
  private readonly records: Map<string, Uint8Array>;
  private readonly afl: Uint8Array;
  private readonly staticData: Uint8Array;
  /** Per session (one tap): selected, PDOL data, relay resistance data. */
  private session: { selected: boolean; pdolData?: Uint8Array; rrp?: Uint8Array } = { selected: false };

  constructor(
    readonly profile: PaypassProfile,
    private readonly options: PaypassCardOptions = {},
  ) {
    this.description = `emulator:${profile.id} (contactless, Mastercard-style)`;
    this.state = { atc: profile.atc, toreOnce: false };
    const ca = caKey(profile.caIndex);
    if (!ca) throw new Error(`${profile.id}: the emvsim test CA has no key ${profile.caIndex}`);
    let keys = keyCache.get(profile.id);
    if (!keys) {
      // Book 2 §5.1: N_ICC ≤ N_I ≤ N_CA.
      const caBits = ca.modulus.length * 8;
      keys = { issuer: generateRsaKey(Math.min(caBits, 1152), 3), icc: generateRsaKey(Math.min(caBits, 1024), 3) };
      keyCache.set(profile.id, keys);
    }
    this.keys = keys;
    const p = profile;
    const panBytes = fromHex(p.pan.length % 2 ? `${p.pan}F` : p.pan);
    const track2 = fromHex(`${p.pan}D${p.expiry.slice(0, 4)}2010000000000F`.padEnd(38, "F").slice(0, 38));
    const rec1 = encodeTlvs([
      { tag: TAG.TRACK_2_EQUIVALENT_DATA, value: track2 },
      { tag: TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER, value: panBytes },
      { tag: TAG.APPLICATION_EXPIRATION_DATE, value: fromHex(p.expiry) },
      { tag: TAG.APPLICATION_EFFECTIVE_DATE, value: fromHex(p.effective) },
      { tag: TAG.ISSUER_COUNTRY_CODE, value: fromHex(p.issuerCountry) },
      { tag: TAG.PAN_SEQUENCE_NUMBER, value: fromHex(p.panSequenceNumber) },
      { tag: TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1, value: fromHex(PAYPASS_CDOL1) },
      { tag: TAG.CVM_LIST, value: fromHex(p.cvmList) },
      { tag: TAG.APPLICATION_USAGE_CONTROL, value: fromHex(p.auc) },
      { tag: TAG.APPLICATION_VERSION_NUMBER_ICC, value: fromHex(p.applicationVersion) },
      { tag: TAG.ISSUER_ACTION_CODE_DEFAULT, value: fromHex(p.iacDefault) },
      { tag: TAG.ISSUER_ACTION_CODE_DENIAL, value: fromHex(p.iacDenial) },
      { tag: TAG.ISSUER_ACTION_CODE_ONLINE, value: fromHex(p.iacOnline) },
      { tag: TAG.APPLICATION_CURRENCY_CODE, value: fromHex(p.applicationCurrency) },
      { tag: DRDOL_TAG, value: fromHex(PAYPASS_DRDOL) },
      { tag: TAG.STATIC_DATA_AUTHENTICATION_TAG_LIST, value: Uint8Array.of(0x82) },
    ]);
    // Static data: SFI 1 record 1 (template 70 value) ‖ AIP (9F4A = 82), Book 3 §10.3.
    this.staticData = concatBytes(rec1, fromHex(p.aip));
    const issuerCert = buildIssuerCertificate(ca, {
      issuerIdentifier: p.pan.slice(0, 6),
      expiry: "1249",
      serialNumber: fromHex("000001"),
      issuerKey: keys.issuer,
    });
    const iccCert = buildIccCertificate(keys.issuer, {
      pan: p.pan,
      expiry: "1248",
      serialNumber: fromHex("000001"),
      iccKey: keys.icc,
      staticData: this.staticData,
    });
    const nonEmpty = (tag: number, value: Uint8Array): TlvInput[] => (value.length > 0 ? [{ tag, value }] : []);
    const rec2 = encodeTlvs([
      { tag: TAG.CA_PUBLIC_KEY_INDEX_ICC, value: Uint8Array.of(p.caIndex) },
      { tag: TAG.ISSUER_PUBLIC_KEY_CERTIFICATE, value: issuerCert.certificate },
      ...nonEmpty(TAG.ISSUER_PUBLIC_KEY_REMAINDER, issuerCert.remainder),
      { tag: TAG.ISSUER_PUBLIC_KEY_EXPONENT, value: keys.issuer.exponent },
    ]);
    const rec3 = encodeTlvs([
      { tag: TAG.ICC_PUBLIC_KEY_CERTIFICATE, value: iccCert.certificate },
      ...nonEmpty(TAG.ICC_PUBLIC_KEY_REMAINDER, iccCert.remainder),
      { tag: TAG.ICC_PUBLIC_KEY_EXPONENT, value: keys.icc.exponent },
    ]);
    this.records = new Map([
      ["1/1", encodeTlv(TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE, rec1)],
      ["2/1", encodeTlv(TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE, rec2)],
      ["2/2", encodeTlv(TAG.READ_RECORD_RESPONSE_MESSAGE_TEMPLATE, rec3)],
    ]);
    // AFL: SFI 1 record 1 (1 for ODA), SFI 2 records 1–2.
    this.afl = fromHex("0801010110010200");
  }

  async close(): Promise<void> {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.respond(command);
  }

  /** One command APDU in, the response APDU out; throws TransportError only when the card tears. */
  respond(command: Uint8Array): Uint8Array {
    const [cla, ins, p1, p2] = [command[0]!, command[1]!, command[2]!, command[3]!];
    const lc = command.length > 5 ? command[4]! : 0;
    const data = command.subarray(5, 5 + lc);
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) return this.select(data);
    if (!this.session.selected) return respond(SW.CONDITIONS_NOT_SATISFIED);
    if (cla === 0x80 && ins === 0xa8) return this.gpo(data);
    if (cla === 0x80 && ins === 0xea) return this.relayResistance(data);
    if (cla === 0x00 && ins === 0xb2) {
      const r = this.records.get(`${p2 >> 3}/${p1}`);
      return r ? respond(SW.OK, r) : respond(SW.RECORD_NOT_FOUND);
    }
    if (cla === 0x80 && ins === 0xae) return this.generateAc(p1, data);
    if (cla === 0x80 && ins === 0xd0) return this.recoverAc(data);
    return respond(SW.INS_NOT_SUPPORTED);
  }

  private select(name: Uint8Array): Uint8Array {
    const p = this.profile;
    this.session = { selected: false };
    const label = new TextEncoder().encode(p.label);
    if (bytesEqual(name, PPSE)) {
      const entry = encodeTlvs([
        { tag: TAG.APPLICATION_DEDICATED_FILE_NAME, value: fromHex(p.aid) },
        { tag: TAG.APPLICATION_LABEL, value: label },
        { tag: TAG.APPLICATION_PRIORITY_INDICATOR, value: Uint8Array.of(1) },
      ]);
      return respond(
        SW.OK,
        encodeTlvs([
          {
            tag: TAG.FILE_CONTROL_INFORMATION_TEMPLATE,
            children: [
              { tag: TAG.DEDICATED_FILE_NAME, value: PPSE },
              {
                tag: TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE,
                children: [
                  {
                    tag: TAG.FILE_CONTROL_INFORMATION_ISSUER_DISCRETIONARY_DATA,
                    children: [{ tag: TAG.APPLICATION_TEMPLATE, value: entry }],
                  },
                ],
              },
            ],
          },
        ]),
      );
    }
    if (!bytesEqual(name, fromHex(p.aid))) return respond(SW.FILE_NOT_FOUND);
    this.session.selected = true;
    return respond(
      SW.OK,
      encodeTlvs([
        {
          tag: TAG.FILE_CONTROL_INFORMATION_TEMPLATE,
          children: [
            { tag: TAG.DEDICATED_FILE_NAME, value: fromHex(p.aid) },
            {
              tag: TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE,
              children: [
                { tag: TAG.APPLICATION_LABEL, value: label },
                { tag: TAG.APPLICATION_PRIORITY_INDICATOR, value: Uint8Array.of(1) },
                { tag: TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST, value: fromHex(PAYPASS_PDOL) },
                {
                  tag: TAG.FILE_CONTROL_INFORMATION_ISSUER_DISCRETIONARY_DATA,
                  children: [{ tag: TAG.APPLICATION_CAPABILITIES_INFORMATION, value: fromHex(p.aci) }],
                },
              ],
            },
          ],
        },
      ]),
    );
  }

  private gpo(data: Uint8Array): Uint8Array {
    // 83 L PDOL data (Book 3 §6.5.8).
    if (data[0] !== TAG.COMMAND_TEMPLATE || data[1] !== data.length - 2) return respond(SW.WRONG_DATA);
    const pdolData = data.subarray(2);
    if (pdolData.length !== 12) return respond(SW.WRONG_LENGTH);
    this.session.pdolData = pdolData.slice();
    return respond(
      SW.OK,
      encodeTlvs([
        {
          tag: TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2,
          children: [
            { tag: TAG.APPLICATION_INTERCHANGE_PROFILE, value: fromHex(this.profile.aip) },
            { tag: TAG.APPLICATION_FILE_LOCATOR, value: this.afl },
          ],
        },
      ]),
    );
  }

  private random(n: number): Uint8Array {
    if (this.options.random) return this.options.random(n);
    return systemRandomBytes(n);
  }

  /** Book C-2 Annex A: 80 { Device Relay Resistance Entropy ‖ Min ‖ Max ‖ Device Estimated Transmission Time }. */
  private relayResistance(entropy: Uint8Array): Uint8Array {
    const rr = this.profile.relayResistance;
    if (!rr || entropy.length !== 4) return respond(rr ? SW.WRONG_LENGTH : SW.INS_NOT_SUPPORTED);
    this.options.time?.advanceMicros(rr.processingTime * 100);
    const device = this.random(4);
    const tail = concatBytes(
      device,
      writeUint(rr.minTime, 2),
      writeUint(rr.maxTime, 2),
      writeUint(rr.deviceEstimatedTransmissionTime, 2),
    );
    this.session.rrp = concatBytes(entropy, tail);
    return respond(SW.OK, encodeTlv(TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_1, tail));
  }

  private generateAc(p1: number, cdol1Data: Uint8Array): Uint8Array {
    const p = this.profile;
    const cdol = CDOL1_ENTRIES;
    const values = new Map<number, Uint8Array>();
    let at = 0;
    for (const e of cdol) {
      values.set(e.tag, cdol1Data.subarray(at, at + e.length));
      at += e.length;
    }
    if (at !== cdol1Data.length) return respond(SW.WRONG_LENGTH);
    if (this.state.atc >= 0xffff) return respond(SW.CONDITIONS_NOT_SATISFIED);
    const requested = (p1 & 0xc0) >> 6; // 0 AAC, 1 TC, 2 ARQC
    if (requested === 3) return respond(SW.WRONG_P1P2);
    const amount = amountOf(values.get(TAG.AMOUNT_AUTHORISED_NUMERIC)) ?? 0;
    // The card's own choice, never above the request (Book 3 §9.3 Table 12 ranks AAC < ARQC < TC).
    const own =
      p.decision.kind === "aac" ? 0 : p.decision.kind === "arqc" ? 2 : amount <= p.decision.offlineLimit ? 1 : 2;
    const rank = [0, 2, 1] as const; // by type code: AAC 0, TC 2, ARQC 1
    const type = rank[own]! <= rank[requested]! ? own : requested;
    const cid = type === 0 ? 0x00 : type === 1 ? 0x40 : 0x80;
    this.state.atc += 1;
    const atc = writeUint(this.state.atc, 2);
    // Mastercard IAD: key index, CVN 10, CVR (byte 1 b6–b5 the first GENERATE AC's type), DAC, counters.
    const cvr = Uint8Array.of(type === 0 ? 0x00 : type === 1 ? 0x10 : 0x20, 0x00, 0x00, 0x00, 0x00, 0x00);
    const iad = concatBytes(Uint8Array.of(0x01, 0x10), cvr, new Uint8Array(10));
    const scheme = cryptogramScheme(16)!;
    const lookup = (tag: number) =>
      tag === TAG.APPLICATION_INTERCHANGE_PROFILE
        ? fromHex(p.aip)
        : tag === TAG.APPLICATION_TRANSACTION_COUNTER
          ? atc
          : tag === TAG.ISSUER_APPLICATION_DATA
            ? iad
            : (values.get(tag) ?? new Uint8Array(0));
    const ac = generateApplicationCryptogram(scheme, fromHex(p.mkAc), (tag) => {
      const v = lookup(tag);
      return v.length > 0 ? v : undefined;
    });
    if (!ac.ok) return respond(SW.WRONG_DATA);
    const cidTlv = encodeTlv(TAG.CRYPTOGRAM_INFORMATION_DATA, Uint8Array.of(cid));
    const atcTlv = encodeTlv(TAG.APPLICATION_TRANSACTION_COUNTER, atc);
    const iadTlv = encodeTlv(TAG.ISSUER_APPLICATION_DATA, iad);
    const cda = (p1 & 0x10) !== 0 && (type !== 0 || (fromHex(p.aci)[1]! & 0x01) !== 0);
    let body: Uint8Array;
    if (cda) {
      const un = values.get(TAG.UNPREDICTABLE_NUMBER)!;
      const hash = cdaTransactionDataHash({
        pdolData: this.session.pdolData ?? new Uint8Array(0),
        cdol1Data,
        responseTlvs: concatBytes(cidTlv, atcTlv, iadTlv),
      });
      const number = this.random(8);
      const signedCid = p.faults.includes("cda-wrong-cid") ? cid ^ 0x40 : cid;
      const rrp = this.session.rrp && !p.faults.includes("rrp-data-not-signed") ? this.session.rrp : new Uint8Array(0);
      const dynamic = concatBytes(Uint8Array.of(8), number, Uint8Array.of(signedCid), ac.data, hash, rrp);
      const sdad = signDynamicData(this.keys.icc, { iccDynamicData: dynamic, ddolData: un });
      if (p.faults.includes("bad-cda-signature")) sdad[sdad.length - 1]! ^= 0x01;
      body = concatBytes(cidTlv, atcTlv, encodeTlv(TAG.SIGNED_DYNAMIC_APPLICATION_DATA, sdad), iadTlv);
    } else body = concatBytes(cidTlv, atcTlv, encodeTlv(TAG.APPLICATION_CRYPTOGRAM, ac.data), iadTlv);
    const response = encodeTlv(TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2, body);
    if (p.faults.includes("tear-once") && !this.state.toreOnce) {
      this.state.toreOnce = true;
      const drdolData = buildDolData(parseDol(fromHex(PAYPASS_DRDOL)), lookupOf(values));
      this.state.torn = { drdolData, response };
      throw new TransportError("timeout", `${p.id}: the card left the field before answering GENERATE AC`);
    }
    this.state.torn = undefined;
    return respond(SW.OK, response);
  }

  /** Book C-2 Annex A: RECOVER AC with the DRDOL data of the torn transaction returns its GENERATE AC answer. */
  private recoverAc(drdolData: Uint8Array): Uint8Array {
    const torn = this.state.torn;
    if (this.profile.faults.includes("recover-ac-refused") || !torn || !bytesEqual(torn.drdolData, drdolData))
      return respond(SW.CONDITIONS_NOT_SATISFIED);
    this.state.torn = undefined;
    return respond(SW.OK, torn.response);
  }

  /** The card's ATC (for tests and reports). */
  get atc(): number {
    return this.state.atc;
  }

  /** SHA-1 of the static data the ICC certificate signs (for tests). */
  get staticDataHash(): string {
    return toHex(sha1(this.staticData));
  }
}

/**
 * The card as a server presents it (serve/served-card.ts ServedCard: ATR, power, synchronous APDU), for vpcd and the
 * serial line: the PC/SC Part 3 contactless ATR with the historical bytes "MCPAYPASS" (4D43 5041 5950 4153 53), every
 * power-on a new tap. A tear calls `onTear` (the card process drops its vpcd link: the card leaves the field, and
 * comes back later) and answers 6F00, which no reader receives once the link is gone.
 */
export class PaypassServedCard {
  readonly atr = contactlessAtr(new TextEncoder().encode("MCPAYPASS"));
  private readonly card: PaypassCard;
  /** Called when the card tears: the server takes the card out of the field (e.g. drops the vpcd link). */
  onTear: (() => void) | undefined;
  constructor(profile: PaypassProfile, options: PaypassCardOptions = {}) {
    this.card = new PaypassCard(profile, options);
  }
  powerOn(): Uint8Array {
    return this.atr;
  }
  powerOff(): void {}
  transmit(apdu: Uint8Array): Uint8Array {
    try {
      return this.card.respond(apdu);
    } catch (e) {
      if (e instanceof TransportError) this.onTear?.();
      return respond(0x6f00);
    }
  }
}

/** The terminal's copy of the CA key that signs this card's issuer certificate (the card's RID and 8F). */
export function paypassCaPublicKey(profile: PaypassProfile): CaPublicKey | undefined {
  const ca = caKey(profile.caIndex);
  if (!ca) return undefined;
  const key = {
    rid: fromHex(profile.aid).slice(0, 5),
    index: profile.caIndex,
    modulus: ca.modulus,
    exponent: ca.exponent,
  };
  return { ...key, expiry: ca.expiry, checksum: capkChecksum(key) };
}

function lookupOf(values: ReadonlyMap<number, Uint8Array>): DataLookup {
  return { get: (tag: number) => values.get(tag) };
}
