import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuthorizationRequest, AuthorizationResponse, IssuerHost } from "../../emv/authorisation.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { encodeTlvs } from "../../emv/tlv/ber.js";
import { odaResultText } from "../result.js";
import { adviceRequested } from "./back-half.js";
import { cryptogramAllowed, parseGenerateAcResponse } from "./generate-ac.js";
import { actionAnalysisDecision, defaultActionAnalysis, effectiveIacs } from "./terminal-action-analysis.js";
import { testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";
import { completeTransaction } from "./transaction.js";

// Card: AIP with CVM, TRM and issuer authentication; a Visa-style CDOL1 and a CDOL2 with 8A, TVR and UN.
const CARD = {
  "5A": "4761739001010119",
  "5F34": "01",
  "82": "1C00",
  "84": "A0000000031010",
  "8C": "9F02069F03069F1A0295055F2A029A039C019F3704",
  "8D": "8A0295059F3704",
};
const TRANSACTION = {
  "9F02": "000000001000",
  "9F03": "000000000000",
  "9A": "250511",
  "9C": "00",
  "9F37": "11111111",
};
const TERMINAL = { "9F1A": "0528", "5F2A": "0978", "9F35": "22", "9F33": "E0F8C8" };
const cdol1 = (tvr: string) => `0000000010000000000000000528${tvr}0978250511001111111100`;
const genac = (p1: string, data: string): string => `80AE${p1}00${toHex(Uint8Array.of(data.length / 2 - 1))}${data}`; // data ends with Le 00
const format1 = (cid: string, ac = "1122334455667788") => `8012${cid}0001${ac}06010A03A000009000`;
const format2 = (cid: string, ac = "AABBCCDDEEFF0011") =>
  `${toHex(
    encodeTlvs([
      {
        tag: 0x77,
        children: [
          { tag: 0x9f27, value: fromHex(cid) },
          { tag: 0x9f36, value: fromHex("0002") },
          { tag: 0x9f26, value: fromHex(ac) },
          { tag: 0x9f10, value: fromHex("06010A03A00000") },
        ],
      },
    ]),
  )}9000`;

function host(
  response: Partial<AuthorizationResponse> | Error | "never",
): IssuerHost & { requests: AuthorizationRequest[] } {
  const requests: AuthorizationRequest[] = [];
  return {
    requests,
    authorize: (request) => {
      requests.push(request);
      if (response === "never") return new Promise(() => {});
      if (response instanceof Error) return Promise.reject(response);
      return Promise.resolve({
        authorisationResponseCode: fromHex("3030"),
        scripts71: [],
        scripts72: [],
        reason: "approved by test issuer",
        ...response,
      });
    },
  };
}

interface FlowCase {
  readonly name: string;
  readonly card?: Record<string, string>;
  readonly online?: boolean;
  readonly forceOnline?: boolean;
  readonly aid?: { tacDenial?: Uint8Array; tacOnline?: Uint8Array; tacDefault?: Uint8Array };
  readonly host?: ReturnType<typeof host>;
  readonly script: ScriptStep[];
  readonly outcome: string;
  readonly reason: RegExp;
  readonly tvr: string;
  readonly tsi: string;
  readonly cryptograms: string[];
  readonly scriptResults?: string;
  readonly issuerAuthentication?: string;
}

const ARQC_TVR = "0000000800"; // merchant forced online (B4b4)
const FLOWS: FlowCase[] = [
  {
    name: "offline-only terminal, clean TVR: TC requested and approved offline",
    online: false,
    script: [{ command: genac("40", cdol1("0000000000")), response: format1("40") }],
    outcome: "approved",
    reason: /approved offline/,
    tvr: "0000000000",
    tsi: "2000",
    cryptograms: ["TC→TC"],
  },
  {
    name: "TAC denial matches: AAC requested, declined offline",
    online: false,
    card: { ...CARD, "9F07": "FF00", "5F24": "991231" },
    aid: { tacDenial: fromHex("0000000800") },
    forceOnline: true,
    script: [{ command: genac("00", cdol1(ARQC_TVR)), response: format1("00") }],
    outcome: "declined",
    reason: /terminal action analysis/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["AAC→AAC"],
  },
  {
    name: "card answers a TC request with AAC: declined by the card",
    online: false,
    script: [{ command: genac("40", cdol1("0000000000")), response: format1("00") }],
    outcome: "declined",
    reason: /by the card/,
    tvr: "0000000000",
    tsi: "2000",
    cryptograms: ["TC→AAC"],
  },
  {
    name: "online approved: EXTERNAL AUTHENTICATE, script 71 ok, GENERATE AC 2 TC, script 72 fails",
    forceOnline: true,
    host: host({
      issuerAuthenticationData: fromHex("11223344556677883030"),
      scripts71: [fromHex("71169F180400000001860D84240000080102030405060708")],
      scripts72: [fromHex("720E9F18040000000286058418000000")],
    }),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format2("80") },
      { command: "008200000A11223344556677883030", response: "9000" },
      { command: "84240000080102030405060708", response: "9000" },
      { command: genac("40", `3030${ARQC_TVR}1111111100`), response: format2("40", "0102030405060708") },
      { command: "8418000000", response: "6A82" },
    ],
    outcome: "online-approved",
    reason: /issuer approved \(00\)/,
    tvr: "0000000810",
    tsi: "3400",
    cryptograms: ["ARQC→ARQC", "TC→TC"],
    scriptResults: "20000000011100000002",
    issuerAuthentication: "passed",
  },
  {
    name: "issuer authentication fails (6300): TVR B5b7; the card declines GENERATE AC 2",
    forceOnline: true,
    host: host({ issuerAuthenticationData: fromHex("11223344556677883030") }),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: "008200000A11223344556677883030", response: "6300" },
      { command: genac("40", "303000000008401111111100"), response: format1("00") },
    ],
    outcome: "online-declined",
    reason: /issuer approved \(00\) but the card declined/,
    tvr: "0000000840",
    tsi: "3000",
    cryptograms: ["ARQC→ARQC", "TC→AAC"],
    issuerAuthentication: "failed",
  },
  {
    name: "ARPC carried in CDOL2 (91 in 8D): no EXTERNAL AUTHENTICATE",
    card: { ...CARD, "8D": "8A02910A95059F3704" },
    forceOnline: true,
    host: host({ issuerAuthenticationData: fromHex("11223344556677883030") }),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: genac("40", `303011223344556677883030${ARQC_TVR}1111111100`), response: format1("40") },
    ],
    outcome: "online-approved",
    reason: /card accepted with TC/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["ARQC→ARQC", "TC→TC"],
    issuerAuthentication: "not-performed",
  },
  {
    name: "issuer declines (05): AAC requested at GENERATE AC 2",
    forceOnline: true,
    host: host({ authorisationResponseCode: fromHex("3035"), reason: "insufficient funds" }),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: genac("00", `3035${ARQC_TVR}1111111100`), response: format1("00") },
    ],
    outcome: "online-declined",
    reason: /issuer declined \(05\): insufficient funds/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["ARQC→ARQC", "AAC→AAC"],
  },
  {
    name: "issuer referral (01): declined, AAC at GENERATE AC 2",
    forceOnline: true,
    host: host({ authorisationResponseCode: fromHex("3031"), reason: "call issuer" }),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: genac("00", `3031${ARQC_TVR}1111111100`), response: format1("00") },
    ],
    outcome: "online-declined",
    reason: /issuer referral \(01\)/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["ARQC→ARQC", "AAC→AAC"],
  },
  {
    name: "host unreachable, default codes match (IAC-default absent = FF..FF): AAC with Z3",
    forceOnline: true,
    host: host(new Error("connection refused")),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: genac("00", `5A33${ARQC_TVR}1111111100`), response: format1("00") },
    ],
    outcome: "declined",
    reason: /unable to go online \(issuer host unreachable: connection refused\); declined by the default action codes/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["ARQC→ARQC", "AAC→AAC"],
  },
  {
    name: "host unreachable, default codes clear (IAC-default 0000000000): TC with Y3, approved",
    card: { ...CARD, "9F0D": "0000000000" },
    forceOnline: true,
    host: host(new Error("connection refused")),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: genac("40", `5933${ARQC_TVR}1111111100`), response: format1("40") },
    ],
    outcome: "approved",
    reason: /approved offline by the default action codes/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["ARQC→ARQC", "TC→TC"],
  },
  {
    name: "host never answers: timeout counts as unable to go online",
    forceOnline: true,
    host: host("never"),
    script: [
      { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
      { command: genac("00", `5A33${ARQC_TVR}1111111100`), response: format1("00") },
    ],
    outcome: "declined",
    reason: /did not answer within 20 ms/,
    tvr: ARQC_TVR,
    tsi: "2000",
    cryptograms: ["ARQC→ARQC", "AAC→AAC"],
  },
  {
    name: "invalid CID (RFU type 11): terminated",
    online: false,
    script: [{ command: genac("40", cdol1("0000000000")), response: format1("C0") }],
    outcome: "terminated",
    reason: /RFU cryptogram type/,
    tvr: "0000000000",
    tsi: "0000",
    cryptograms: [],
  },
  {
    name: "TC returned when AAC requested: terminated",
    online: false,
    aid: { tacDenial: fromHex("0000000800") },
    forceOnline: true,
    script: [{ command: genac("00", cdol1(ARQC_TVR)), response: format1("40") }],
    outcome: "terminated",
    reason: /returned TC when AAC was requested/,
    tvr: ARQC_TVR,
    tsi: "0000",
    cryptograms: [],
  },
  {
    name: "GENERATE AC 6985: terminated",
    online: false,
    script: [{ command: genac("40", cdol1("0000000000")), response: "6985" }],
    outcome: "terminated",
    reason: /SW 6985/,
    tvr: "0000000000",
    tsi: "0000",
    cryptograms: [],
  },
  {
    name: "format 1 response too short: terminated naming the length",
    online: false,
    script: [{ command: genac("40", cdol1("0000000000")), response: "8005400001AABB9000" }],
    outcome: "terminated",
    reason: /format 1 \(tag 80\) length 5 is not 11–43/,
    tvr: "0000000000",
    tsi: "0000",
    cryptograms: [],
  },
  {
    name: "CDOL1 missing: terminated without a command",
    card: { "82": "1C00" },
    online: false,
    script: [],
    outcome: "terminated",
    reason: /CDOL1 \(8C\) is missing/,
    tvr: "0000000000",
    tsi: "0000",
    cryptograms: [],
  },
];

describe("completeTransaction (Book 3 §10.7–§10.11) — exact APDUs, TVR, TSI, outcome", () => {
  for (const f of FLOWS) {
    it(f.name, async () => {
      const { ctx, channel, events } = testContext({
        card: f.card ?? CARD,
        transaction: TRANSACTION,
        terminal: TERMINAL,
        config: { onlineCapable: f.online ?? true },
        aid: f.aid ?? {},
        params: { forceOnline: f.forceOnline ?? false },
        script: f.script,
        ...(f.host ? { host: f.host } : {}),
      });
      const decision = await completeTransaction(ctx, { hostTimeoutMs: 20 });
      expect(channel.errors).toEqual([]);
      expect(channel.finished).toBe(true);
      expect(decision.outcome).toBe(f.outcome);
      expect(decision.reason).toMatch(f.reason);
      expect(toHex(ctx.tvr.bytes)).toBe(f.tvr);
      expect(toHex(ctx.tsi.bytes)).toBe(f.tsi);
      expect(decision.cryptograms.map((c) => `${c.requested}→${c.type}`)).toEqual(f.cryptograms);
      if (f.scriptResults !== undefined) expect(toHex(decision.online!.scriptResults)).toBe(f.scriptResults);
      if (f.issuerAuthentication) expect(decision.online?.issuerAuthentication).toBe(f.issuerAuthentication);
      expect(JSON.stringify(events)).not.toContain("4761739001010119");
    });
  }

  it("authorisation request carries the real ICC data (DE 55) in order, 84 for the AID", async () => {
    const h = host({});
    const { ctx } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      params: { forceOnline: true },
      host: h,
      script: [
        { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
        { command: genac("40", `3030${ARQC_TVR}1111111100`), response: format1("40") },
      ],
    });
    const decision = await completeTransaction(ctx);
    expect(h.requests).toHaveLength(1);
    expect(toHex(h.requests[0]!.iccData)).toBe(
      [
        "9F26081122334455667788",
        "9F270180",
        "9F100706010A03A00000",
        "9F370411111111",
        "9F36020001",
        `9505${ARQC_TVR}`,
        "9A03250511",
        "9C0100",
        "9F0206000000001000",
        "5F2A020978",
        "82021C00",
        "9F1A020528",
        "9F0306000000000000",
        "9F3303E0F8C8",
        "9F350122",
        "8407A0000000031010",
        "5F340101",
        "5A084761739001010119",
      ].join(""),
    );
    expect(toHex(decision.authorizationData!)).toBe(toHex(h.requests[0]!.iccData));
  });

  it("CDA requested for the ARQC when ODA chose CDA; a failed signature completes with AAC", async () => {
    const { ctx } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      params: { forceOnline: true },
      host: host({}),
      oda: { method: "CDA", result: "pending" },
      script: [
        { command: genac("90", cdol1(ARQC_TVR)), response: format2("80") },
        { command: genac("00", `5A31${"0400000800"}1111111100`), response: format1("00") },
      ],
    });
    const seen: { cdolData: string; response: string }[] = [];
    const decision = await completeTransaction(ctx, {
      verifyCda: (_ctx, input) => {
        seen.push({ cdolData: toHex(input.cdolData), response: toHex(input.response) });
        return { ok: false, reason: "SDAD hash does not match" };
      },
    });
    expect(seen).toEqual([{ cdolData: cdol1(ARQC_TVR).slice(0, -2), response: format2("80").slice(4, -4) }]);
    expect(decision.outcome).toBe("declined");
    expect(decision.reason).toBe("CDA failed on the ARQC (SDAD hash does not match); completed with AAC");
    expect(toHex(ctx.tvr.bytes)).toBe("0400000800");
    expect(decision.cryptograms.map((c) => c.cdaRequested)).toEqual([true, false]);
  });

  it("CDA verified on TC: the cryptogram from the signature is recorded, ODA result passed", async () => {
    const { ctx } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      config: { onlineCapable: false },
      oda: { method: "CDA", result: "pending" },
      script: [{ command: genac("50", cdol1("0000000000")), response: format2("40") }],
    });
    const decision = await completeTransaction(ctx, {
      verifyCda: () => ({ ok: true, cid: 0x40, applicationCryptogram: fromHex("CAFEBABECAFEBABE") }),
    });
    expect(decision.outcome).toBe("approved");
    expect(toHex(decision.cryptograms[0]!.value)).toBe("CAFEBABECAFEBABE");
    expect(ctx.oda.result).toBe("passed");
  });
});

describe("back-half terminations and defects (issue 13: 3, 4, 5)", () => {
  it("CDOL1 data beyond a short APDU: terminated as a card error before GENERATE AC (Book 3 §6.5.5)", async () => {
    const { ctx, channel } = testContext({
      card: { ...CARD, "8C": "9F0206DF017FDF027F" }, // 6 + 127 + 127 = 260 bytes
      transaction: TRANSACTION,
      terminal: TERMINAL,
      config: { onlineCapable: false },
      script: [],
    });
    const decision = await completeTransaction(ctx);
    expect([decision.outcome, decision.cause, decision.reason]).toEqual([
      "terminated",
      "card-error",
      "CDOL1 (8C) asks for 260 bytes of data; GENERATE AC carries at most 255",
    ]);
    expect(ctx.card.trace).toEqual([]);
    expect(channel.errors).toEqual([]);
  });

  it("an ARQC answered to the second GENERATE AC terminates (Book 3 §9.3: TC or AAC only)", async () => {
    const { ctx, channel } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      params: { forceOnline: true },
      host: host({}),
      script: [
        { command: genac("80", cdol1(ARQC_TVR)), response: format1("80") },
        { command: genac("40", `3030${ARQC_TVR}1111111100`), response: format1("80") },
      ],
    });
    const decision = await completeTransaction(ctx);
    expect(channel.finished).toBe(true);
    expect([decision.outcome, decision.cause, decision.reason]).toEqual([
      "terminated",
      "card-error",
      "second GENERATE AC: card returned ARQC when TC was requested",
    ]);
    expect(decision.cryptograms.map((c) => `${c.requested}→${c.type}`)).toEqual(["ARQC→ARQC"]);
  });

  it("CDA requested, the card answers an AAC: no signature was checked, CDA is not 'passed' (Book 2 §6.6.2)", async () => {
    let verified = 0;
    const { ctx, channel } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      config: { onlineCapable: false },
      oda: { method: "CDA", result: "pending" },
      script: [{ command: genac("50", cdol1("0000000000")), response: format1("00") }],
    });
    const decision = await completeTransaction(ctx, {
      verifyCda: () => {
        verified++;
        return { ok: true, cid: 0x00, applicationCryptogram: fromHex("1122334455667788") };
      },
    });
    expect(channel.finished).toBe(true);
    expect(decision.outcome).toBe("declined");
    expect(verified).toBe(0);
    expect(odaResultText(ctx.oda)).toBe("not-performed");
    expect(ctx.oda.reason).toBe("the card answered the first GENERATE AC with an AAC, which carries no CDA signature");
    expect(toHex(ctx.tvr.bytes)).toBe("0000000000"); // CDA failed (B1b3) not set either
  });

  it("GENERATE AC answered 6985: terminated as a card error", async () => {
    const { ctx } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      config: { onlineCapable: false },
      script: [{ command: genac("40", cdol1("0000000000")), response: "6985" }],
    });
    const decision = await completeTransaction(ctx);
    expect([decision.outcome, decision.cause, decision.reason]).toEqual([
      "terminated",
      "card-error",
      "GENERATE AC (TC): card answered SW 6985",
    ]);
  });
});

describe("advice (Book 3 §10.8: CID b4 'advice required')", () => {
  it("a TC with CID 48 approves and records the advice; a plain TC records none", async () => {
    for (const [cid, advice] of [
      ["48", { cid: 0x48, generateAc: 1, reason: "No information given" }],
      ["40", undefined],
    ] as const) {
      const { ctx } = testContext({
        card: CARD,
        transaction: TRANSACTION,
        terminal: TERMINAL,
        config: { onlineCapable: false },
        script: [{ command: genac("40", cdol1("0000000000")), response: format1(cid) }],
      });
      const decision = await completeTransaction(ctx);
      expect([decision.outcome, decision.advice]).toEqual(["approved", advice]);
    }
  });

  it("an AAC with advice and reason 'service not allowed' (CID 09) declines, the advice names the reason", async () => {
    const { ctx } = testContext({
      card: CARD,
      transaction: TRANSACTION,
      terminal: TERMINAL,
      config: { onlineCapable: false },
      script: [{ command: genac("40", cdol1("0000000000")), response: format1("09") }],
    });
    const decision = await completeTransaction(ctx);
    expect([decision.outcome, decision.advice]).toEqual([
      "declined",
      { cid: 0x09, generateAc: 1, reason: "Service not allowed" },
    ]);
  });

  it("adviceRequested: the first GENERATE AC asking for one; RFU reason codes are named RFU", () => {
    const rec = (cid: number) => ({
      requested: "TC" as const,
      type: "TC" as const,
      cid,
      value: new Uint8Array(8),
      cdaRequested: false,
    });
    expect(adviceRequested([rec(0x80), rec(0x4c)])).toEqual({ cid: 0x4c, generateAc: 2, reason: "RFU" });
    expect(adviceRequested([rec(0x80), rec(0x40)])).toBeUndefined();
  });
});

describe("terminal action analysis core — properties", () => {
  const five = fc.uint8Array({ minLength: 5, maxLength: 5 });
  const codes = fc.record({ denial: five, online: five, default: five });
  const iacs = fc.record({
    denial: fc.option(five, { nil: undefined }),
    online: fc.option(five, { nil: undefined }),
    default: fc.option(five, { nil: undefined }),
  });
  it("absent IACs: denial 00…, online and default FF…", () => {
    expect(effectiveIacs({})).toEqual({
      denial: new Uint8Array(5),
      online: new Uint8Array(5).fill(255),
      default: new Uint8Array(5).fill(255),
    });
  });
  it("never ARQC offline-only; denial wins; clean TVR never declines", () => {
    fc.assert(
      fc.property(five, codes, iacs, fc.boolean(), (tvr, tacs, i, online) => {
        const d = actionAnalysisDecision(tvr, tacs, i, online);
        const and = (a: Uint8Array, b: Uint8Array) => a.some((x, k) => (x & b[k]!) !== 0);
        const denied = and(tvr, tacs.denial) || and(tvr, i.denial ?? new Uint8Array(5));
        if (denied) expect(d).toBe("AAC");
        if (!online) expect(d).not.toBe("ARQC");
        if (online && !denied) expect(d).not.toBe("AAC");
        if (tvr.every((x) => x === 0)) expect(d).toBe("TC");
        if (!online && !denied) expect(d).toBe(defaultActionAnalysis(tvr, tacs, i));
      }),
    );
  });
  it("cryptogram order: AAC ≤ ARQC ≤ TC", () => {
    expect(cryptogramAllowed("TC", "ARQC")).toBe(true);
    expect(cryptogramAllowed("ARQC", "TC")).toBe(false);
    expect(cryptogramAllowed("AAC", "ARQC")).toBe(false);
    expect(cryptogramAllowed("ARQC", "AAC")).toBe(true);
  });
  it("GENERATE AC response parser never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = parseGenerateAcResponse(bytes);
        expect("error" in r || r.atc.length === 2).toBe(true);
      }),
    );
  });
});
