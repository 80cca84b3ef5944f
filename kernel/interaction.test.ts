// The non-interactive cardholder (Book 1 §12.4 choice and confirmation; Book 4 §11 messages).

import { describe, expect, it } from "vitest";
import { fromHex } from "../emv/bytes.js";
import type { CandidateApplication } from "./interaction.js";
import { nonInteractive } from "./interaction.js";

const candidate = (aid: string, label: string, priority: number): CandidateApplication => ({
  aid: fromHex(aid),
  label,
  priority,
  confirmationRequired: (priority & 0x80) !== 0,
});

describe("nonInteractive", () => {
  it("chooses the first (highest-priority) candidate and notes the confirmation it implies", async () => {
    const i = nonInteractive();
    const list = [candidate("A0000000032010", "VISA DEBIT", 0x81), candidate("A0000000031010", "VISA CREDIT", 0x02)];
    expect(await i.chooseApplication(list)).toBe(0);
    expect(i.notes).toEqual([
      "chose the highest-priority application A0000000032010 VISA DEBIT of 2",
      "confirmed application A0000000032010 VISA DEBIT",
    ]);
  });

  it("cancels when there is nothing to choose", async () => {
    const i = nonInteractive();
    expect(await i.chooseApplication([])).toBeUndefined();
    expect(i.notes).toEqual(["no candidate to choose from"]);
  });

  it("confirms a single application and logs it", async () => {
    const i = nonInteractive();
    expect(await i.confirmApplication(candidate("A0000000031010", "VISA", 0x81))).toBe(true);
    expect(i.notes).toEqual(["confirmed application A0000000031010 VISA"]);
  });

  it("enters the scripted PIN without noting its digits; bypasses without one", async () => {
    const withPin = nonInteractive({ pin: "4315" });
    expect(await withPin.enterPin("offline-plaintext", 3)).toBe("4315");
    expect(withPin.notes).toEqual(["entered the scripted PIN for offline-plaintext PIN (3 tries left)"]);
    const bypass = nonInteractive();
    expect(await bypass.enterPin("online", undefined)).toBeUndefined();
    expect(bypass.notes).toEqual(["bypassed online PIN entry"]);
  });

  it("collects display messages in order", () => {
    const i = nonInteractive();
    i.display("TRY AGAIN");
    i.display("APPROVED");
    expect(i.displayed).toEqual(["TRY AGAIN", "APPROVED"]);
  });
});
