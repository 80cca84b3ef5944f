// Every built-in profile answers a scripted terminal session (SELECT, GPO, READ RECORD per AFL, GENERATE AC),
// and the ARQC it produces verifies at the default issuer host, whose ARPC the card then accepts.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuthorizationResponse } from "../emv/authorisation.js";
import { fromHex, toHex } from "../emv/bytes.js";
import { decodeTlv, decodeTlvs, encodeTlvs, findTlv } from "../emv/tlv/ber.js";
import { buildDolData, parseDol } from "../emv/tlv/dol.js";
import { EmulatedCard } from "./card.js";
import type { ScriptConfig } from "./host/config.js";
import { defaultHostConfig, defaultIssuerHost } from "./host/default.js";
import { issuerHostFromConfig, type SimulatedIssuerHost } from "./host/issuer-host.js";
import { type Fault, listProfiles, loadProfile } from "./profile.js";

const TERMINAL: Record<string, string> = {
  "9F02": "000000001000",
  "9F03": "000000000000",
  "9F1A": "0840",
  "95": "0000000000",
  "5F2A": "0840",
  "9A": "261128",
  "9C": "00",
  "9F37": "12345678",
  "9F35": "22",
  "9F34": "1E0300",
  "9F45": "0000",
  "9F4C": "0000000000000000",
};

function apdu(cla: number, ins: number, p1: number, p2: number, data?: Uint8Array): Uint8Array {
  const body = data && data.length > 0 ? [data.length, ...data] : [];
  return Uint8Array.from([cla, ins, p1, p2, ...body, 0x00]);
}

function split(r: Uint8Array): { data: Uint8Array; sw: string } {
  return { data: r.subarray(0, r.length - 2), sw: toHex(r.subarray(r.length - 2)) };
}

interface Outcome {
  readonly cardData: Map<number, Uint8Array>;
  readonly cid: number;
  readonly atc: number;
  readonly response: AuthorizationResponse | undefined;
  readonly card: EmulatedCard;
  readonly lookup: (tag: number) => Uint8Array | undefined;
}

interface RunOptions {
  /** The host asked for the ARQC; the default host when absent. */
  readonly host?: SimulatedIssuerHost;
  /** A card from an earlier run (a new session starts with a cold reset). */
  readonly card?: EmulatedCard;
  readonly stateFile?: string;
  /** Faults added to the profile's own. */
  readonly faults?: readonly Fault[];
}

/** A minimal terminal: select the first application, GPO, read the AFL records, first GENERATE AC for an ARQC. */
function run(id: string, options: RunOptions = {}): Outcome {
  const r = loadProfile(id);
  if (!r.ok) throw r.error;
  let n = 0;
  const profile = options.faults ? { ...r.value, faults: [...r.value.faults, ...options.faults] } : r.value;
  const card =
    options.card ??
    new EmulatedCard(profile, {
      random: (k) => Uint8Array.from({ length: k }, () => ++n),
      ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    });
  card.powerOn();
  const cardData = new Map<number, Uint8Array>();
  const lookup = (tag: number) =>
    cardData.get(tag) ??
    (TERMINAL[tag.toString(16).toUpperCase()] ? fromHex(TERMINAL[tag.toString(16).toUpperCase()]!) : undefined);
  const sel = split(card.transmit(apdu(0x00, 0xa4, 0x04, 0x00, r.value.applications[0]!.aid)));
  expect(["9000", "6283"]).toContain(sel.sw);
  const pdol = findTlv(decodeTlvs(sel.data), 0x9f38)?.value ?? new Uint8Array(0);
  const pdolData = buildDolData(parseDol(pdol), { get: lookup });
  const gpo = split(card.transmit(apdu(0x80, 0xa8, 0, 0, Uint8Array.from([0x83, pdolData.length, ...pdolData]))));
  expect(gpo.sw).toBe("9000");
  const t = decodeTlv(gpo.data);
  const afl = t.tag === 0x80 ? t.value.subarray(2) : t.find(0x94)!.value;
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    for (let rec = afl[i + 1]!; rec <= afl[i + 2]!; rec++) {
      const rr = split(card.transmit(apdu(0x00, 0xb2, rec, (afl[i]! & 0xf8) | 4)));
      expect(rr.sw).toBe("9000");
      for (const o of decodeTlvs(rr.data))
        for (const c of o.children ?? []) if (!cardData.has(c.tag)) cardData.set(c.tag, c.value);
    }
  }
  const cdol1 = parseDol(cardData.get(0x8c)!);
  const gac = split(card.transmit(apdu(0x80, 0xae, 0x80, 0x00, buildDolData(cdol1, { get: lookup }))));
  expect(gac.sw).toBe("9000");
  const g = decodeTlv(gac.data);
  let cid: number;
  let ac: Uint8Array;
  let atc: Uint8Array;
  let iad: Uint8Array;
  if (g.tag === 0x80) {
    cid = g.value[0]!;
    atc = g.value.subarray(1, 3);
    ac = g.value.subarray(3, 11);
    iad = g.value.subarray(11);
  } else {
    cid = g.find(0x9f27)!.value[0]!;
    atc = g.find(0x9f36)!.value;
    ac = g.find(0x9f26)!.value;
    iad = g.find(0x9f10)!.value;
  }
  const atcNumber = (atc[0]! << 8) | atc[1]!;
  if ((cid & 0xc0) !== 0x80) return { cardData, cid, atc: atcNumber, response: undefined, card, lookup };
  const iccData = encodeTlvs(
    [
      [0x9f26, ac],
      [0x9f27, Uint8Array.of(cid)],
      [0x9f10, iad],
      [0x9f36, atc],
      [0x82, r.value.applications[0]!.aip],
      [0x5a, cardData.get(0x5a)!],
      [0x5f34, cardData.get(0x5f34) ?? Uint8Array.of(0)],
      [0x4f, r.value.applications[0]!.aid],
      ...["9F02", "9F03", "9F1A", "95", "5F2A", "9A", "9C", "9F37"].map(
        (tag) => [Number.parseInt(tag, 16), fromHex(TERMINAL[tag]!)] as [number, Uint8Array],
      ),
    ].map(([tag, value]) => ({ tag: tag as number, value: value as Uint8Array })),
  );
  const host = options.host ?? defaultIssuerHost();
  return { cardData, cid, atc: atcNumber, response: host.decide({ iccData }), card, lookup };
}

const SKIP = new Set(["visa-blocked", "malformed"]);

describe("every built-in profile in a scripted session", () => {
  for (const id of listProfiles({ interface: "contact" }).filter((p) => !SKIP.has(p))) {
    it(`${id}: SELECT, GPO, READ RECORD, GENERATE AC; an ARQC verifies at the host and its ARPC at the card`, () => {
      const o = run(id);
      const profile = loadProfile(id);
      if (!profile.ok) throw profile.error;
      if (profile.value.applications[0]!.risk.online === "decline") {
        expect(o.cid & 0xc0).toBe(0x00); // an offline-only card declines an ARQC request
        return;
      }
      expect(o.cid & 0xc0).toBe(0x80);
      expect(o.response?.reason).toMatch(/^ARQC verified/);
      expect(toHex(o.response!.authorisationResponseCode)).toBe("3030");
      const ea = split(o.card.transmit(apdu(0x00, 0x82, 0, 0, o.response!.issuerAuthenticationData!)));
      expect(ea.sw).toBe("9000");
      const cdol2 = parseDol(o.cardData.get(0x8d)!);
      const withArc = (tag: number) =>
        tag === 0x8a
          ? o.response!.authorisationResponseCode
          : tag === 0x91
            ? o.response!.issuerAuthenticationData
            : o.lookup(tag);
      const second = split(o.card.transmit(apdu(0x80, 0xae, 0x40, 0x00, buildDolData(cdol2, { get: withArc }))));
      expect(second.sw).toBe("9000");
      const t = decodeTlv(second.data);
      const cid = t.tag === 0x80 ? t.value[0]! : t.find(0x9f27)!.value[0]!;
      expect(cid & 0xc0).toBe(0x40);
    });
  }
});

describe("issuer authentication data in CDOL2 (Book 3 §10.9)", () => {
  const secondAc = (o: Outcome, iad: Uint8Array | undefined) => {
    const cdol2 = parseDol(o.cardData.get(0x8d)!);
    const lookup = (tag: number) =>
      tag === 0x8a ? o.response!.authorisationResponseCode : tag === 0x91 ? iad : o.lookup(tag);
    const r = split(o.card.transmit(apdu(0x80, 0xae, 0x40, 0x00, buildDolData(cdol2, { get: lookup }))));
    const t = decodeTlv(r.data);
    return (t.tag === 0x80 ? t.value[0]! : t.find(0x9f27)!.value[0]!) & 0xc0;
  };

  it("a card whose CDOL2 carries 91 checks the ARPC there: TC when it verifies", () => {
    const o = run("mastercard-cvn16-sda");
    expect(parseDol(o.cardData.get(0x8d)!).some((e) => e.tag === 0x91)).toBe(true);
    expect(secondAc(o, o.response!.issuerAuthenticationData)).toBe(0x40);
  });

  it("an ARPC that does not verify leaves the card requiring issuer authentication: AAC", () => {
    const o = run("mastercard-cvn16-sda");
    const bad = Uint8Array.from(o.response!.issuerAuthenticationData!);
    bad[0]! ^= 0x01;
    expect(secondAc(o, bad)).toBe(0x00);
  });
});

/** One built-in profile per cryptogram version the profiles use (CVN 10, 18, 16, 17). */
const BY_VERSION = ["visa-cvn10-dda", "visa-cvn18-cda", "mastercard-cvn16-sda", "mastercard-cvn17-cda"] as const;

/** The commands (86) of an encoded script template. */
function scriptApdus(template: Uint8Array): Uint8Array[] {
  return (decodeTlv(template).children ?? []).filter((c) => c.tag === 0x86).map((c) => c.value);
}

function hostWithScripts(scripts: ScriptConfig[]): SimulatedIssuerHost {
  return issuerHostFromConfig({ ...defaultHostConfig(), scripts });
}

function select(card: EmulatedCard, id: string): string {
  const r = loadProfile(id);
  if (!r.ok) throw r.error;
  card.powerOn();
  return split(card.transmit(apdu(0x00, 0xa4, 0x04, 0x00, r.value.applications[0]!.aid))).sw;
}

describe("EXTERNAL AUTHENTICATE with the host's ARPC (Book 3 §6.5.4)", () => {
  for (const id of BY_VERSION) {
    it(`${id}: any flipped byte of the Issuer Authentication Data → 6300`, () => {
      const good = run(id).response!.issuerAuthenticationData!;
      for (let i = 0; i < good.length; i++) {
        const o = run(id);
        // The same card data, terminal data and card randomness give the same ARQC, hence the same 91.
        expect(toHex(o.response!.issuerAuthenticationData!)).toBe(toHex(good));
        const bad = Uint8Array.from(good);
        bad[i]! ^= 0x80;
        expect(split(o.card.transmit(apdu(0x00, 0x82, 0, 0, bad))).sw).toBe("6300");
        // Once per transaction: a second try, even with the right ARPC, is refused.
        expect(split(o.card.transmit(apdu(0x00, 0x82, 0, 0, good))).sw).toBe("6985");
      }
    });
  }
});

describe("issuer scripts with secure messaging (Book 2 §9, Book 3 §6.5)", () => {
  for (const id of BY_VERSION) {
    it(`${id}: APPLICATION BLOCK with the host's MAC applies (SELECT then answers 6283)`, () => {
      const o = run(id, { host: hostWithScripts([{ template: 71, commands: [{ command: "application-block" }] }]) });
      const [template] = o.response!.scripts71;
      const commands = scriptApdus(template!);
      expect(commands).toHaveLength(1);
      expect(toHex(commands[0]!.subarray(0, 5))).toBe(`841E000008`);
      expect(split(o.card.transmit(commands[0]!)).sw).toBe("9000");
      expect(o.card.snapshot().applications[Object.keys(o.card.snapshot().applications)[0]!]!.blocked).toBe(true);
      expect(select(o.card, id)).toBe("6283");
    });

    it(`${id}: APPLICATION BLOCK with a wrong MAC → 6988 and the application stays unblocked`, () => {
      const o = run(id, {
        host: hostWithScripts([{ template: 71, badMac: true, commands: [{ command: "application-block" }] }]),
      });
      const commands = scriptApdus(o.response!.scripts71[0]!);
      expect(split(o.card.transmit(commands[0]!)).sw).toBe("6988");
      expect(select(o.card, id)).toBe("9000");
    });

    it(`${id}: a correct MAC computed for another transaction's ARQC → 6988`, () => {
      const host = hostWithScripts([{ template: 72, commands: [{ command: "application-block" }] }]);
      const first = run(id, { host });
      const stale = scriptApdus(first.response!.scripts72[0]!)[0]!;
      const second = run(id, { host, card: first.card });
      expect(second.atc).toBe(first.atc + 1);
      expect(split(second.card.transmit(stale)).sw).toBe("6988");
    });
  }

  it("PUT DATA and UPDATE RECORD scripts write what the host configured", () => {
    const o = run("visa-cvn18-cda", {
      host: hostWithScripts([
        {
          template: 72,
          id: "00000001",
          commands: [
            { command: "put-data", tag: "9F58", value: "05" },
            { command: "update-record", sfi: 1, record: 1, data: "70045F200141" },
          ],
        },
      ]),
    });
    const template = decodeTlv(o.response!.scripts72[0]!);
    expect(toHex(template.find(0x9f18)!.value)).toBe("00000001");
    const [putData, updateRecord] = scriptApdus(o.response!.scripts72[0]!);
    expect(toHex(putData!.subarray(0, 6))).toBe("84DA9F580905");
    expect(split(o.card.transmit(putData!)).sw).toBe("9000");
    expect(toHex(updateRecord!.subarray(0, 5))).toBe("84DC010C0E");
    expect(split(o.card.transmit(updateRecord!)).sw).toBe("9000");
    const state = Object.values(o.card.snapshot().applications)[0]!;
    expect(state.dataObjects).toEqual({ "9F58": "05" });
    expect(state.records).toEqual({ "1/1": "70045F200141" });
  });

  it("PIN CHANGE: the enciphered new PIN is accepted and VERIFY then takes it", () => {
    const id = "visa-pin-preferring";
    const profile = loadProfile(id);
    if (!profile.ok) throw profile.error;
    const oldPin = profile.value.applications[0]!.pin!.value;
    for (const command of [
      { command: "pin-change" as const, newPin: "9876" },
      { command: "pin-change" as const, newPin: "24680", currentPin: oldPin },
    ]) {
      const o = run(id, { host: hostWithScripts([{ template: 71, commands: [command] }]) });
      const [pinChange] = scriptApdus(o.response!.scripts71[0]!);
      expect(toHex(pinChange!.subarray(0, 4))).toBe(command.currentPin ? "84240001" : "84240002");
      expect(split(o.card.transmit(pinChange!)).sw).toBe("9000");
      expect(Object.values(o.card.snapshot().applications)[0]!.pin).toBe(command.newPin);
      const block = `2${command.newPin.length.toString(16)}${command.newPin}`.padEnd(16, "F");
      expect(split(o.card.transmit(apdu(0x00, 0x20, 0x00, 0x80, fromHex(block)))).sw).toBe("9000");
    }
  });
});

describe("the host checks the ARQC", () => {
  for (const id of BY_VERSION) {
    it(`${id}: a card whose AC is one bit off (fault wrong-cryptogram) is declined, the reason saying why`, () => {
      const o = run(id, { faults: [{ kind: "wrong-cryptogram" }] });
      expect(o.cid & 0xc0).toBe(0x80);
      expect(toHex(o.response!.authorisationResponseCode)).toBe("3035");
      expect(o.response!.reason).toMatch(/^ARQC does not verify \((Visa|Mastercard) CVN \d+, key set '/);
      expect(o.response!.issuerAuthenticationData).toBeUndefined();
    });
  }
});

describe("ATC (9F36)", () => {
  it("increments by one per transaction on the same card", () => {
    const first = run("mastercard-cvn16-sda");
    const second = run("mastercard-cvn16-sda", { card: first.card });
    const third = run("mastercard-cvn16-sda", { card: first.card });
    expect([second.atc - first.atc, third.atc - second.atc]).toEqual([1, 1]);
    expect(third.response?.reason).toMatch(/^ARQC verified/);
  });

  it("persists in the state file across card instances (persistState profiles)", () => {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-atc-"));
    try {
      const stateFile = join(dir, "state.json");
      const first = run("visa-cvn18-cda", { stateFile });
      first.card.powerOff();
      const saved = JSON.parse(readFileSync(stateFile, "utf8")) as { applications: Record<string, { atc: number }> };
      expect(Object.values(saved.applications)[0]!.atc).toBe(first.atc);
      const second = run("visa-cvn18-cda", { stateFile });
      expect(second.atc).toBe(first.atc + 1);
      expect(second.response?.reason).toMatch(/^ARQC verified/);
      // Without the state file a new card starts again from the profile's ATC.
      expect(run("visa-cvn18-cda").atc).toBe(first.atc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
