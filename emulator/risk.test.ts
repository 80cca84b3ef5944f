import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcType } from "./context.js";
import type { ApplicationProfile } from "./profile.js";
import { AC_RANK, firstAcDecision, secondAcDecision } from "./risk.js";

const acType = fc.constantFrom<AcType>("AAC", "TC", "ARQC");

function app(risk: ApplicationProfile["risk"], lcol?: number, ucol?: number): ApplicationProfile {
  return { risk, counters: { atc: 0, lastOnlineAtc: 0, lcol, ucol } } as unknown as ApplicationProfile;
}

const riskArb = fc.record({
  offline: fc.constantFrom("approve" as const, "online" as const, "decline" as const),
  online: fc.option(fc.constantFrom("online" as const, "decline" as const), { nil: undefined }),
  offlineAmountLimit: fc.option(fc.nat(100000), { nil: undefined }),
  issuerAuthenticationRequired: fc.option(fc.boolean(), { nil: undefined }),
  declineWhenPinBlocked: fc.option(fc.boolean(), { nil: undefined }),
});

describe("card risk management never upgrades the terminal's request (Book 3 §6.5.5.4)", () => {
  it("first GENERATE AC: TC → TC/ARQC/AAC, ARQC → ARQC/AAC, AAC → AAC", () => {
    fc.assert(
      fc.property(
        acType,
        riskArb,
        fc.option(fc.nat(200000), { nil: undefined }),
        fc.nat(300),
        fc.nat(15),
        fc.option(fc.nat(255), { nil: undefined }),
        (requested, risk, amount, consecutiveOffline, pinTryCounter, lcol) => {
          const d = firstAcDecision(requested, app(risk, lcol), {
            amount,
            consecutiveOffline,
            pinTryCounter,
            hasPin: true,
          });
          expect(AC_RANK[d.type]).toBeLessThanOrEqual(AC_RANK[requested]);
        },
      ),
    );
  });

  it("second GENERATE AC: only TC or AAC, and AAC for an AAC request", () => {
    fc.assert(
      fc.property(
        acType,
        riskArb,
        fc.constantFrom("none" as const, "passed" as const, "failed" as const),
        fc.option(fc.constantFrom("3030", "3035", "5A33", "5933"), { nil: undefined }),
        fc.nat(300),
        (requested, risk, ea, arc, consecutiveOffline) => {
          const d = secondAcDecision(requested, app(risk, 3, 5), {
            externalAuthenticate: ea,
            authorisationResponseCode: arc ? Buffer.from(arc, "hex") : undefined,
            consecutiveOffline,
          });
          expect(d.type === "AAC" || d.type === "TC").toBe(true);
          if (requested !== "TC") expect(d.type).toBe("AAC");
        },
      ),
    );
  });
});

describe("card risk rules", () => {
  const facts = { amount: 1000, consecutiveOffline: 0, pinTryCounter: 3, hasPin: true };

  it("approves offline below the limit, asks online above it and beyond LCOL", () => {
    const a = app({ offline: "approve", offlineAmountLimit: 5000 }, 3);
    expect(firstAcDecision("TC", a, facts).type).toBe("TC");
    expect(firstAcDecision("TC", a, { ...facts, amount: 5001 })).toEqual({
      type: "ARQC",
      reason: "amount 5001 above the offline limit 5000",
    });
    expect(firstAcDecision("TC", a, { ...facts, consecutiveOffline: 4 }).type).toBe("ARQC");
  });

  it("an offline-only card declines ARQC requests; an online card turns a TC request into an ARQC", () => {
    expect(firstAcDecision("ARQC", app({ offline: "approve", online: "decline" }), facts).type).toBe("AAC");
    expect(firstAcDecision("TC", app({ offline: "online" }), facts).type).toBe("ARQC");
  });

  it("declines with the PIN blocked when the profile says so", () => {
    const a = app({ offline: "approve", declineWhenPinBlocked: true });
    expect(firstAcDecision("TC", a, { ...facts, pinTryCounter: 0 })).toEqual({
      type: "AAC",
      reason: "PIN try limit exceeded",
    });
  });

  it("second GENERATE AC: issuer authentication required, and Z3 (unable to go online) against UCOL", () => {
    const a = app({ offline: "approve", issuerAuthenticationRequired: true }, 3, 5);
    const base = { authorisationResponseCode: Uint8Array.of(0x30, 0x30), consecutiveOffline: 0 };
    expect(secondAcDecision("TC", a, { ...base, externalAuthenticate: "passed" }).type).toBe("TC");
    expect(secondAcDecision("TC", a, { ...base, externalAuthenticate: "failed" })).toEqual({
      type: "AAC",
      reason: "issuer authentication failed",
    });
    const z3 = { externalAuthenticate: "none" as const, authorisationResponseCode: Uint8Array.of(0x5a, 0x33) };
    expect(secondAcDecision("TC", a, { ...z3, consecutiveOffline: 4 }).type).toBe("TC");
    expect(secondAcDecision("TC", a, { ...z3, consecutiveOffline: 5 }).type).toBe("AAC");
  });
});
