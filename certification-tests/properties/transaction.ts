// Property suite over whole transactions (EMV Book 3 §10): random card data (AIP, dates, IACs, CVM lists, PIN try
// counters, card risk answers) against random terminal configurations and amounts, on the software card; every
// record must satisfy the invariants of the books (certification-tests/invariants.ts) and never end "terminated".

import fc from "fast-check";
import { isBitSet } from "../../emv/bits.js";
import { TVR } from "../../emv/tvr.js";
import { builtInTerminalConfigIds } from "../../kernel/config/load.js";
import type { CertCase } from "../catalog/types.js";
import { runCase } from "../harness.js";
import { checkInvariants } from "../invariants.js";
import { amountNear } from "./steps.js";
import { holds, type PropertySuite, same } from "./suite.js";

const PROFILES = [
  "visa-offline-only",
  "visa-cvn10-dda",
  "visa-online-only",
  "mastercard-cvn16-sda",
  "visa-pin-preferring",
  "visa-cvn18-cda",
  "amex-cda",
  "mastercard-cvn17-cda",
  "visa-cda-faults",
  "no-pse",
];
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
/** AIP byte 1: any combination of SDA, DDA, CVM, TRM, issuer authentication, CDA (the card's keys stay as they are). */
const aip = fc.subarray([0x40, 0x20, 0x10, 0x08, 0x04, 0x01]).map((bits) =>
  hex(
    Uint8Array.of(
      bits.reduce((a, b) => a | b, 0),
      0,
    ),
  ),
);
const sparse5 = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 2, max: 7 })), { maxLength: 2 })
  .map((bits) => {
    const v = new Uint8Array(5);
    for (const [i, b] of bits) v[i] = (v[i] ?? 0) | (1 << b);
    return hex(v);
  });
const yymmdd = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2032-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(2, 10).replaceAll("-", ""));
/** CV rules: fail, plaintext PIN, online PIN, enciphered offline PIN, signature, no CVM, an RFU code; b7 random. */
const cvRule = fc
  .tuple(
    fc.constantFrom(0x00, 0x01, 0x02, 0x04, 0x1e, 0x1f, 0x1a),
    fc.boolean(),
    fc.constantFrom(0x00, 0x03, 0x06, 0x07),
  )
  .map(([m, next, c]) => hex(Uint8Array.of(m | (next ? 0x40 : 0), c)));
const cvmList = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.array(cvRule, { minLength: 1, maxLength: 4 }))
  .map(([x, rules]) => `${x.toString(16).padStart(8, "0").toUpperCase()}00000000${rules.join("")}`);

const fields = fc.record({
  profile: fc.constantFrom(...PROFILES),
  aip: fc.option(aip, { nil: undefined }),
  config: fc.constantFrom(...builtInTerminalConfigIds()),
  exp: yymmdd,
  eff: yymmdd,
  date: yymmdd,
  iacDenial: sparse5,
  iacOnline: sparse5,
  iacDefault: sparse5,
  tacDenial: sparse5,
  cvm: cvmList,
  tryCounter: fc.integer({ min: 0, max: 3 }),
  offline: fc.constantFrom("approve", "online", "decline"),
  floorLimit: fc.integer({ min: 0, max: 100_000 }),
  random: fc.integer({ min: 1, max: 99 }),
  pins: fc.array(fc.constantFrom("1234", "0000", undefined), { maxLength: 4 }),
  host: fc.boolean(),
});
/** The amount at the floor limit, one either side, or anywhere up to 2000.00 (Book 3 §10.6.1 boundary by design). */
const caseArb = fields.chain((f) =>
  amountNear(f.floorLimit, 200_000).map((amount) => ({ ...f, amount: Math.max(1, amount) })),
);

export const TRANSACTION_PROPERTIES: readonly PropertySuite[] = [
  {
    id: "PROP-TX-1",
    family: "profile × configuration matrix",
    title:
      "random cards and terminals: every record satisfies the books' invariants, a well-formed card is never terminated",
    ref: "Book 3 §10",
    async run(numRuns = Number(process.env.CERT_PROPERTY_RUNS ?? 80)) {
      await fc.assert(
        fc.asyncProperty(caseArb, async (a) => {
          const c: CertCase = {
            id: "PROP-TX",
            family: "profile × configuration matrix",
            title: "random",
            ref: "Book 3 §10",
            profile: a.profile,
            card: {
              ...(a.aip ? { aip: a.aip } : {}),
              tags: {
                "5F24": a.exp,
                "5F25": a.eff,
                "9F0E": a.iacDenial,
                "9F0F": a.iacOnline,
                "9F0D": a.iacDefault,
                "8E": a.cvm,
              },
              pin: { value: "1234", tryLimit: 3, tryCounter: a.tryCounter },
              risk: { offline: a.offline },
            },
            config: a.config,
            terminal: { aid: { floorLimit: a.floorLimit, tacDenial: a.tacDenial } },
            params: { amount: a.amount, date: a.date, randomPercents: [a.random], pins: a.pins, host: a.host },
            expected: {},
            why: "property",
          };
          const run = await runCase(c);
          same(run.setupError, undefined, "case set-up");
          const r = run.record;
          const config = run.config;
          if (!r || !config) throw new Error("no record");
          same(checkInvariants(r, config), [], "invariants of the books");
          holds(r.outcome !== "terminated", `a well-formed card is never terminated (${r.reason})`);
          // Book 3 §10.4.3: expired application iff 5F24 < 9A (dates 2020–2032: string order is date order).
          same(isBitSet(r.tvr, TVR.EXPIRED_APPLICATION), a.exp < a.date, "expired application");
          same(isBitSet(r.tvr, TVR.APPLICATION_NOT_YET_EFFECTIVE), a.eff > a.date, "not yet effective");
          // Book 3 §10.6.1: floor limit exceeded iff amount ≥ floor limit (no transaction log for this card).
          same(isBitSet(r.tvr, TVR.FLOOR_LIMIT_EXCEEDED), a.amount >= a.floorLimit, "floor limit exceeded");
          // Book 3 §10.7: no ARQC requested by an offline-only terminal.
          if (!config.onlineCapable)
            holds(!r.cryptograms.some((x) => x.requested === "ARQC"), "no ARQC from an offline-only terminal");
          // Without a host there is no online response.
          if (!a.host) holds(!r.outcome.startsWith("online"), "no online outcome without a host");
        }),
        { numRuns },
      );
    },
  },
];
