// Test support: ISO 8583 authorisation requests with a valid ARQC for a built-in card, computed from the
// default issuer host's key set for that card (Book 2 A1.4 key derivation, §8.1.2 cryptogram) — what the
// emulated card would send, without a kernel (serve/ may not import kernel/).

import { defaultHostConfig } from "../../../emulator/host/index.js";
import { fromHex } from "../../../emv/bytes.js";
import {
  cryptogramScheme,
  deriveIccMasterKeys,
  generateApplicationCryptogram,
  terminalDataOrZeros,
} from "../../../emv/crypto/cryptogram.js";
import { encodeTlvs } from "../../../emv/tlv/ber.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { Iso8583Message } from "../../../online/iso8583/codec.js";
import { requestMessage } from "../../../online/iso8583/mapping.js";

export interface TestRequest {
  readonly stan: string;
  readonly terminalId?: string;
  /** Minor units (default 1234). */
  readonly amount?: number;
  readonly atc?: number;
  readonly mti?: "0100" | "0200" | "0120";
  /** An 8-byte PIN block (opaque to these tests). */
  readonly pinBlock?: Uint8Array;
}

const evenHex = (digits: string) => (digits.length % 2 ? `${digits}F` : digits);
const bcd = (n: number, bytes: number) => fromHex(String(n).padStart(bytes * 2, "0"));

const cache = new Map<string, ReturnType<typeof deriveCardKeys>>();

function deriveCardKeys(profile: string) {
  const keySet = defaultHostConfig().issuers.find((k) => k.name.startsWith(`${profile} `));
  if (!keySet?.panPrefix || !keySet.aid) throw new Error(`no default key set for ${profile}`);
  const scheme = cryptogramScheme(keySet.cvn);
  if (!scheme) throw new Error(`CVN ${keySet.cvn} unsupported`);
  const pan = keySet.panPrefix;
  const keys = keySet.imkAc
    ? deriveIccMasterKeys({ ac: fromHex(keySet.imkAc) }, pan, undefined, keySet.derivation)
    : { ac: fromHex(keySet.iccMkAc ?? "") };
  return { keySet: { ...keySet, aid: keySet.aid }, scheme, pan, keys };
}

/** The default key set of a card and its derived ICC master keys, computed once per profile. */
function cardKeys(profile: string): ReturnType<typeof deriveCardKeys> {
  let k = cache.get(profile);
  if (!k) {
    k = deriveCardKeys(profile);
    cache.set(profile, k);
  }
  return k;
}

/** The DE 55 ICC data of an ARQC for `profile` (default visa-cvn18-cda) that the default host verifies. */
export function arqcIccData(
  amount: number,
  atc: number,
  profile = "visa-cvn18-cda",
): { readonly icc: Uint8Array; readonly pan: string } {
  const { keySet, scheme, pan, keys } = cardKeys(profile);
  const data = new Map<number, Uint8Array>([
    [TAG.AMOUNT_AUTHORISED_NUMERIC, bcd(amount, 6)],
    [TAG.AMOUNT_OTHER_NUMERIC, bcd(0, 6)],
    [TAG.TERMINAL_COUNTRY_CODE, fromHex("0826")],
    [TAG.TERMINAL_VERIFICATION_RESULTS, fromHex("0000008000")],
    [TAG.TRANSACTION_CURRENCY_CODE, fromHex("0826")],
    [TAG.TRANSACTION_DATE, fromHex("261203")],
    [TAG.TRANSACTION_TYPE, fromHex("00")],
    [TAG.UNPREDICTABLE_NUMBER, fromHex("11223344")],
    [TAG.APPLICATION_INTERCHANGE_PROFILE, fromHex("3900")],
    [TAG.APPLICATION_TRANSACTION_COUNTER, Uint8Array.of((atc >> 8) & 0xff, atc & 0xff)],
    [
      TAG.ISSUER_APPLICATION_DATA,
      fromHex(scheme.iad === "visa-cvr" ? "06011203A00000" : "0110A00000000000000000000000000000FF"),
    ],
    [TAG.CRYPTOGRAM_INFORMATION_DATA, fromHex("80")],
    [TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER, fromHex(evenHex(pan))],
    [TAG.TRACK_2_EQUIVALENT_DATA, fromHex(evenHex(`${pan}D30122011234567890`))],
    [TAG.APPLICATION_DEDICATED_FILE_NAME, fromHex(keySet.aid)],
  ]);
  const ac = generateApplicationCryptogram(
    scheme,
    keys.ac,
    terminalDataOrZeros((t) => data.get(t)),
  );
  if (!ac.ok) throw new Error(ac.error);
  data.set(TAG.APPLICATION_CRYPTOGRAM, ac.data);
  return { icc: encodeTlvs([...data].map(([tag, value]) => ({ tag, value }))), pan };
}

/** A 0100 (or 0200/0120) as the terminal client builds it (online/iso8583/mapping.ts requestMessage). */
export function authorisationMessage(r: TestRequest): Iso8583Message {
  const { icc } = arqcIccData(r.amount ?? 1234, r.atc ?? Number(r.stan) % 65536);
  return requestMessage(
    r.mti ?? "0100",
    { iccData: icc, ...(r.pinBlock ? { onlinePinBlock: r.pinBlock } : {}) },
    { stan: r.stan, terminalId: r.terminalId ?? "TERM0001", merchantId: "MERCHANT0000001", transmission: "1203094500" },
  );
}
