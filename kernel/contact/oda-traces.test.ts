// Offline data authentication step (Book 3 §10.3, Book 2 §5–§6.6) on real test-card data and public CA keys
// (fixtures/oda-traces.json): method, result, TVR/TSI bits, 9F45/9F4C, and the CDA GENERATE AC signature.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { decodeTlv } from "../../emv/tlv/ber.js";
import { verifyCdaResponse } from "./oda/cda.js";
import { offlineDataAuthentication } from "./oda.js";
import { testContext } from "./testing/context.js";
import type { ScriptStep } from "./testing/scripted-channel.js";

interface TraceCase {
  readonly id: string;
  readonly capk: { readonly rid: string; readonly index: string; readonly modulus: string; readonly exponent: string };
  readonly inputs: Readonly<Record<string, string>>;
  readonly derived?: Readonly<Record<string, string>>;
  readonly expected: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const fixture = JSON.parse(readFileSync(new URL("./oda/fixtures/oda-traces.json", import.meta.url), "utf8")) as {
  cases: TraceCase[];
};
function trace(id: string): TraceCase {
  const c = fixture.cases.find((x) => x.id === id);
  if (!c) throw new Error(`fixture case ${id} not found`);
  return c;
}

const CARD_TAGS = ["5A", "8F", "90", "92", "9F32", "93", "9F46", "9F47", "9F48", "9F49", "9F4A", "8C"];

interface Setup {
  readonly aip: string;
  readonly aid: string;
  /** Transaction date YYMMDD (9A): before the certificates' expiry. */
  readonly date: string;
  readonly capabilities?: string;
  readonly script?: ScriptStep[];
  readonly card?: Record<string, string | undefined>;
  readonly caKeyIndex?: string;
  readonly caExpiry?: string;
}

/**
 * A context holding the trace's card data, with the records' static data as read-data leaves it: the static data
 * to authenticate minus the AIP that 9F4A=82 appends (the step appends it again).
 */
function setup(c: TraceCase, s: Setup) {
  const card: Record<string, string> = { "82": s.aip, "84": s.aid };
  for (const tag of CARD_TAGS) {
    const v = c.inputs[tag];
    if (v) card[tag] = v;
  }
  if (!card["8F"]) card["8F"] = c.capk.index;
  if (!card["9F4A"]) card["9F4A"] = "82";
  for (const [tag, v] of Object.entries(s.card ?? {})) {
    if (v === undefined) delete card[tag];
    else card[tag] = v;
  }
  const staticData = c.derived?.static_data_to_authenticate ?? c.inputs.static_data_to_authenticate ?? "";
  expect(staticData.endsWith(s.aip)).toBe(true);
  const t = testContext({
    card,
    script: s.script ?? [],
    config: {
      caKeys: [
        {
          rid: fromHex(c.capk.rid),
          index: Number.parseInt(s.caKeyIndex ?? c.capk.index, 16),
          modulus: fromHex(c.capk.modulus),
          exponent: fromHex(c.capk.exponent),
          ...(s.caExpiry ? { expiry: s.caExpiry } : {}),
        },
      ],
      ...(s.capabilities ? { capabilities: fromHex(s.capabilities) } : {}),
    },
    transaction: { "9A": s.date },
  });
  t.ctx.oda.staticData = fromHex(staticData.slice(0, -s.aip.length));
  return t;
}

const field = (c: TraceCase, block: string, name: string) => String(c.expected[block]?.[name]);

/** The content of the GENERATE AC response template 77. */
const template77 = (hex: string) => {
  const t = decodeTlv(fromHex(hex));
  expect(t.tag).toBe(0x77);
  return t.value;
};

describe("SDA on real card data", () => {
  it("pm3-sda (Visa A000000003/01): passes, 9F45 = 3132, TVR SDA selected only", async () => {
    const c = trace("pm3-sda");
    const { ctx } = setup(c, { aip: "5C00", aid: "A0000000031010", date: "091101" });
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result, ctx.oda.reason]).toEqual(["SDA", "passed", undefined]);
    expect(toHex(ctx.tvr.bytes)).toBe("0200000000");
    expect(toHex(ctx.tsi.bytes)).toBe("8000");
    expect(toHex(ctx.data.get(0x9f45)!)).toBe(
      field(c, "signed_static_application_data", "data_authentication_code_9F45"),
    );
  });

  it("binaryfoo contact Mastercard (A000000004/EF) on an SDA-only terminal: passes, 9F45 = DAC0", async () => {
    const c = trace("binaryfoo-contact-mastercard");
    const { ctx } = setup(c, { aip: "5900", aid: "A0000000041010", date: "140101", capabilities: "E0F880" });
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["SDA", "passed"]);
    expect(toHex(ctx.tvr.bytes)).toBe("0200000000");
    expect(toHex(ctx.data.get(0x9f45)!)).toBe("DAC0");
  });

  it("the same card on a CDA terminal: CDA chosen, ICC key recovered, result pending", async () => {
    const c = trace("binaryfoo-contact-mastercard");
    const { ctx } = setup(c, { aip: "5900", aid: "A0000000041010", date: "140101" });
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["CDA", "pending"]);
    expect(toHex(ctx.oda.iccPublicKey!.modulus)).toBe(field(c, "icc_certificate", "icc_pk_modulus"));
    expect(toHex(ctx.tvr.bytes)).toBe("0000000000");
    expect(toHex(ctx.tsi.bytes)).toBe("8000");
  });

  const failures: [string, Partial<Setup>, (ctx: ReturnType<typeof setup>["ctx"]) => void, string, RegExp][] = [
    [
      "a transaction date after the issuer certificate's expiry (1209)",
      { date: "100101" },
      () => {},
      "4200000000",
      /expired \(MMYY 1209\)/,
    ],
    [
      "a CA key under another index",
      { caKeyIndex: "02" },
      () => {},
      "4200000000",
      /CA public key A000000003\/01 is not known/,
    ],
    [
      "an expired CA key",
      { caExpiry: "091031" },
      () => {},
      "4200000000",
      /CA public key A000000003\/01 expired on 091031/,
    ],
    [
      "a PAN of another issuer",
      { card: { "5A": "4111110000000000" } },
      () => {},
      "4200000000",
      /issuer identifier 427655/,
    ],
    [
      "one changed record byte",
      {},
      (ctx) => {
        ctx.oda.staticData![3]! ^= 0x01;
      },
      "4200000000",
      /hash/i,
    ],
    [
      "no SSAD (93)",
      { card: { "93": undefined } },
      () => {},
      "6200000000",
      /Signed Static Application Data \(93\) is missing/,
    ],
    [
      "no issuer certificate (90)",
      { card: { "90": undefined } },
      () => {},
      "6200000000",
      /Issuer Public Key Certificate \(90\) is missing/,
    ],
    ["no issuer exponent (9F32)", { card: { "9F32": undefined } }, () => {}, "6200000000", /9F32\) is missing/],
    ["9F4A naming 5A", { card: { "9F4A": "5A" } }, () => {}, "4200000000", /names 5A; only 82 is allowed/],
  ];
  for (const [name, s, change, tvr, reason] of failures) {
    it(`pm3-sda fails with ${name}: TVR ${tvr}`, async () => {
      const { ctx } = setup(trace("pm3-sda"), { aip: "5C00", aid: "A0000000031010", date: "091101", ...s });
      change(ctx);
      await offlineDataAuthentication(ctx);
      expect([ctx.oda.method, ctx.oda.result]).toEqual(["SDA", "failed"]);
      expect(ctx.oda.reason).toMatch(reason);
      expect(toHex(ctx.tvr.bytes)).toBe(tvr);
      expect(toHex(ctx.tsi.bytes)).toBe("8000");
      expect(ctx.data.has(0x9f45)).toBe(false);
    });
  }
});

describe("DDA on real card data", () => {
  it("binaryfoo contact UnionPay (A000000333/09): the trace's INTERNAL AUTHENTICATE, 9F4C kept", async () => {
    const c = trace("binaryfoo-contact-upi");
    const { ctx, channel } = setup(c, {
      aip: "7C00",
      aid: "A000000333010101",
      date: "250511",
      script: [
        {
          command: c.inputs.internal_authenticate_command!,
          response: `${c.inputs.internal_authenticate_response}9000`,
        },
      ],
    });
    ctx.data.set("transaction", 0x9f37, fromHex(c.inputs.ddol_data!));
    await offlineDataAuthentication(ctx);
    expect(channel.errors).toEqual([]);
    expect([ctx.oda.method, ctx.oda.result, ctx.oda.reason]).toEqual(["DDA", "passed", undefined]);
    expect(toHex(ctx.tvr.bytes)).toBe("0000000000");
    expect(toHex(ctx.tsi.bytes)).toBe("8000");
    expect(toHex(ctx.data.get(0x9f4c)!)).toBe("000659A2F145F4");
  });

  it("the UnionPay card with another Unpredictable Number: the signature does not verify, DDA failed", async () => {
    const c = trace("binaryfoo-contact-upi");
    const { ctx } = setup(c, {
      aip: "7C00",
      aid: "A000000333010101",
      date: "250511",
      script: [{ command: "00880000047863AFC700", response: `${c.inputs.internal_authenticate_response}9000` }],
    });
    ctx.data.set("transaction", 0x9f37, fromHex("7863AFC7"));
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["DDA", "failed"]);
    expect(ctx.oda.reason).toMatch(/hash/i);
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000");
    expect(ctx.data.has(0x9f4c)).toBe(false);
  });

  it("pm3-dda (A000000004/05) with the default DDOL 9F3704: format 2 response (77 with 9F4B)", async () => {
    const c = trace("pm3-dda");
    const sdad = fromHex(c.inputs["9F4B"]!);
    const response = `7781${(sdad.length + 4).toString(16).toUpperCase()}9F4B81${sdad.length.toString(16).toUpperCase()}${c.inputs["9F4B"]}9000`;
    const { ctx, channel } = setup(c, {
      aip: "3900",
      aid: "A0000000041010",
      date: "150101",
      capabilities: "E0F8C0",
      script: [{ command: "008800000400000000" + "00", response }],
    });
    ctx.data.set("transaction", 0x9f37, fromHex(c.inputs.ddol_data!));
    await offlineDataAuthentication(ctx);
    expect(channel.errors).toEqual([]);
    expect([ctx.oda.method, ctx.oda.result, ctx.oda.reason]).toEqual(["DDA", "passed", undefined]);
    expect(toHex(ctx.data.get(0x9f4c)!)).toBe(field(c, "signed_dynamic_application_data", "icc_dynamic_number_9F4C"));
  });

  it("pm3-dda with the ICC certificate expired (0615) on the transaction date: DDA failed before INTERNAL AUTHENTICATE", async () => {
    const { ctx, channel } = setup(trace("pm3-dda"), {
      aip: "3900",
      aid: "A0000000041010",
      date: "150701",
      capabilities: "E0F8C0",
    });
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.reason).toMatch(/ICC Public Key Certificate expired \(MMYY 0615\)/);
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000");
    expect(channel.errors).toEqual([]);
  });

  it("pm3-dda with another PAN in 5A: the ICC certificate's PAN differs, masked in the reason", async () => {
    const { ctx } = setup(trace("pm3-dda"), {
      aip: "3900",
      aid: "A0000000041010",
      date: "150101",
      capabilities: "E0F8C0",
      card: { "5A": "5285881254345654" },
    });
    await offlineDataAuthentication(ctx);
    expect(ctx.oda.reason).toBe(
      "ICC Public Key Certificate: PAN 528588******5653 differs from the application PAN 528588******5654 (Book 2 §6.4 step 8)",
    );
    expect(toHex(ctx.tvr.bytes)).toBe("0800000000");
  });
});

describe("CDA on real card data", () => {
  const cases: [string, string, string, string][] = [
    ["pm3-cda", "3900", "A0000000041010", "150101"],
    ["binaryfoo-amex-cda", "5D80", "A00000002501", "180101"],
    ["binaryfoo-contactless-mastercard", "5980", "A0000000041010", "140101"],
  ];
  for (const [id, aip, aid, date] of cases) {
    it(`${id}: key recovered at ODA, the GENERATE AC signature verified with the trace's data`, async () => {
      const c = trace(id);
      const { ctx } = setup(c, { aip, aid, date });
      await offlineDataAuthentication(ctx);
      expect([ctx.oda.method, ctx.oda.result, ctx.oda.reason]).toEqual(["CDA", "pending", undefined]);
      expect(toHex(ctx.tvr.bytes)).toBe("0000000000");
      expect(toHex(ctx.tsi.bytes)).toBe("8000");

      ctx.pdolData = fromHex(c.inputs.pdol_related_data ?? "");
      ctx.data.set("transaction", 0x9f37, fromHex(c.inputs.unpredictable_number_9F37!));
      const response = c.inputs.genac_response
        ? template77(c.inputs.genac_response)
        : fromHex(
            `${c.inputs.genac_response_tlvs_excluding_9F4B}9F4B81${(c.inputs["9F4B"]!.length / 2).toString(16).toUpperCase()}${c.inputs["9F4B"]}`,
          );
      const cdolData = fromHex(c.inputs.cdol1_related_data!);
      const sdad = c.expected.signed_dynamic_application_data!;
      expect(verifyCdaResponse(ctx, { cdolData, response })).toEqual({
        ok: true,
        cid: Number.parseInt(String(sdad.cid_9F27), 16),
        applicationCryptogram: fromHex(String(sdad.application_cryptogram_9F26)),
      });
      expect(toHex(ctx.data.get(0x9f4c)!)).toBe(String(sdad.icc_dynamic_number_9F4C));

      // The same response checked against other CDOL1 data: the transaction data hash differs.
      const changed = Uint8Array.from(cdolData);
      changed[0]! ^= 0x01;
      const bad = verifyCdaResponse(ctx, { cdolData: changed, response });
      expect(bad.ok).toBe(false);
      expect(bad.ok ? "" : bad.reason).toMatch(/transaction data hash code/);
      expect(ctx.oda.result).toBe("failed");
    });
  }

  it("binaryfoo-amex-cda with 9F4B removed from the response: CDA fails naming 9F4B", async () => {
    const c = trace("binaryfoo-amex-cda");
    const { ctx } = setup(c, { aip: "5D80", aid: "A00000002501", date: "180101" });
    await offlineDataAuthentication(ctx);
    ctx.data.set("transaction", 0x9f37, fromHex(c.inputs.unpredictable_number_9F37!));
    const r = verifyCdaResponse(ctx, {
      cdolData: fromHex(c.inputs.cdol1_related_data!),
      response: fromHex(c.inputs.genac_response_tlvs_excluding_9F4B!),
    });
    expect(r).toEqual({
      ok: false,
      reason: "CDA: GENERATE AC response has no Signed Dynamic Application Data (9F4B)",
    });
    expect([ctx.oda.result, ctx.oda.reason]).toEqual(["failed", r.ok ? "" : r.reason]);
  });

  it("binaryfoo-amex-cda without the ICC certificate: CDA failed and ICC data missing at ODA", async () => {
    const { ctx } = setup(trace("binaryfoo-amex-cda"), {
      aip: "5D80",
      aid: "A00000002501",
      date: "180101",
      card: { "9F46": undefined },
    });
    await offlineDataAuthentication(ctx);
    expect([ctx.oda.method, ctx.oda.result]).toEqual(["CDA", "failed"]);
    expect(ctx.oda.reason).toBe("ICC Public Key Certificate (9F46) is missing");
    expect(toHex(ctx.tvr.bytes)).toBe("2400000000");
    expect(ctx.oda.iccPublicKey).toBeUndefined();
  });
});
