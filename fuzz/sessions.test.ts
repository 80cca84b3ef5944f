// The short run of the mutated-session runner (issue 13): ~300 sessions over every built-in card and every shipped
// terminal configuration, card and issuer answers mutated; all the figures that must be zero are zero.
import { describe, expect, it } from "vitest";
import { builtInPaypassProfileIds } from "../emulator/contactless/paypass-profile.js";
import { listProfiles, loadProfile } from "../emulator/profile.js";
import { builtInReaderConfigIds } from "../kernel/config/reader-load.js";
import { CARD_MUTATIONS, formatSessionTable, leaksIn, mustBeZero, runSessions, secretsOf } from "./sessions.js";
import { pairings } from "./setup.js";

describe("mutated sessions, short run", () => {
  it("pairs every contact card with every terminal configuration, every contactless card with every reader", () => {
    const all = pairings();
    const contact = all.filter((p) => p.kind === "contact");
    const contactless = all.filter((p) => p.kind === "contactless");
    expect(new Set(contact.map((p) => p.terminalId))).toEqual(
      new Set(["atm", "attended-pos", "offline-only", "online-only", "unattended"]),
    );
    const readers = builtInReaderConfigIds();
    expect(readers.length).toBeGreaterThanOrEqual(3);
    expect(new Set(contactless.map((p) => p.terminalId))).toEqual(new Set(readers));
    const profiles = listProfiles().map((id) => {
      const p = loadProfile(id);
      if (!p.ok) throw p.error;
      return p.value;
    });
    const having = (i: "contact" | "contactless") => profiles.filter((p) => p.interfaces.includes(i)).length;
    expect(contact.length).toBe(having("contact") * 5);
    // The emulator's contactless cards and the Mastercard-style ones (Kernel 2), each under every reader.
    expect(contactless.length).toBe((having("contactless") + builtInPaypassProfileIds().length) * readers.length);
    expect(contactless.filter((p) => p.paypass).length).toBeGreaterThan(0);
  });

  it("every card × configuration 3 times (669 sessions), seed 'ci': every must-be-zero figure is 0", async () => {
    const n = pairings().length * 3;
    expect(n).toBeGreaterThanOrEqual(300);
    const f = await runSessions({ sessions: n, seed: "ci" });
    expect(
      mustBeZero(f).filter(([, v]) => v > 0),
      `${formatSessionTable(f)}\n${f.findings.join("\n")}`,
    ).toEqual([]);
    expect(f.sessions).toBe(n);
    // The run exercises what it claims: each card mutation, issuer mutations, changed signed data, all outcomes.
    for (const m of CARD_MUTATIONS) expect(f.byCardMutation.get(m) ?? 0, m).toBeGreaterThan(0);
    expect(f.issuerMutations).toBeGreaterThan(10);
    expect(f.signedDataChanged).toBeGreaterThan(5);
    const outcomes = ["approved", "declined", "online-approved", "online-declined", "terminated"];
    for (const o of [...outcomes, "contactless Approved", "contactless Declined", "contactless End Application"])
      expect(f.outcomes.get(o) ?? 0, o).toBeGreaterThan(0);
  }, 240_000);

  it("the leak check finds the card's PAN and track 2 in clear, and not their masked forms", () => {
    const p = loadProfile("visa-cvn18-cda");
    if (!p.ok) throw p.error;
    const s = secretsOf(p.value);
    // From the profile's records (emulator/profiles/visa-cvn18-cda.json): 5A and 57.
    expect(s).toEqual({ pan: "4761730000000003", track2Tail: "301220100000000000", pinBlock: undefined });
    expect(leaksIn("record 5A08 4761730000000003", s, true)).toEqual(["PAN"]);
    expect(leaksIn("5713[476173******0003D<hidden>] 4761730000000003D301220100000000000F", s, true)).toEqual([
      "PAN",
      "track 2",
    ]);
    expect(leaksIn("PAN 4761730000000003 4761730000000003D301220100000000000F", s, false)).toEqual([]);
    expect(leaksIn("5A08[476173******0003]5713[476173******0003D<hidden>]", s, true)).toEqual([]);
  });

  it("finds a card's plaintext PIN block in clear in every output, --unmask included", () => {
    const p = loadProfile("visa-pin-preferring");
    if (!p.ok) throw p.error;
    const s = secretsOf(p.value);
    // emulator/profiles/visa-pin-preferring.json: PIN 1234 → block 2 4 1234 FFFFFFFFFF (Book 3 §6.5.12).
    expect(s.pinBlock).toBe("241234FFFFFFFFFF");
    expect(leaksIn("0020008008241234FFFFFFFFFF", s, false)).toEqual(["PIN block"]);
    expect(leaksIn("0020008008[<8 bytes hidden>]", s, false)).toEqual([]);
  });
});
