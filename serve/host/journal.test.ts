// The journal at rest: AES-256-GCM records bound to their position, fresh IVs, replay after a killed host (an
// incomplete last line dropped), a wrong key or an altered journal refused, PAN tokens keyed.

import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Journal, journalKeys, type NewRecord, readJournal, requestKey } from "./journal.js";

const dir = mkdtempSync(join(tmpdir(), "emvsim-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keys = journalKeys("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
const other = journalKeys("ff".repeat(32));

const record = (stan: string, extra: Partial<NewRecord> = {}): NewRecord => ({
  time: "2026-12-03T09:00:00.000Z",
  kind: "authorisation",
  mti: "0100",
  terminalId: "TERM0001",
  stan,
  fingerprint: "f".repeat(32),
  responseCode: "00",
  answer: "0110",
  client: "CN=t",
  ...extra,
});

describe("Journal", () => {
  it("seals each record with its own IV, replays them and indexes them by MTI, terminal and STAN", () => {
    const path = join(dir, "a.journal");
    const j = Journal.open(path, keys);
    j.append(record("000001"));
    j.append(record("000002"));
    j.append(
      record("000003", {
        kind: "reversal",
        mti: "0400",
        original: { mti: "0100", stan: "000002", seq: 2 },
        applied: true,
      }),
    );
    j.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, "latin1").trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    const ivs = lines.map((l) => Buffer.from(l, "base64").subarray(0, 12).toString("hex"));
    expect(new Set(ivs).size).toBe(3);
    expect(readJournal(path, keys).map((r) => [r.seq, r.stan, r.kind])).toEqual([
      [1, "000001", "authorisation"],
      [2, "000002", "authorisation"],
      [3, "000003", "reversal"],
    ]);
    const again = Journal.open(path, keys);
    expect(again.size).toBe(3);
    expect(again.lookup(requestKey("0100", "TERM0001", "000002"))?.seq).toBe(2);
    expect(again.isReversed(2)).toBe(true);
    expect(again.isReversed(1)).toBe(false);
    expect(again.append(record("000004")).seq).toBe(4);
    again.close();
  });

  it("refuses a wrong key, a moved record and an altered byte, naming the record", () => {
    const path = join(dir, "a.journal");
    expect(() => Journal.open(path, other)).toThrowError(
      `${path}: record 1 fails authentication (wrong journal key, or the journal was altered)`,
    );
    const lines = readFileSync(path, "latin1").trimEnd().split("\n");
    const swapped = join(dir, "swapped.journal");
    writeFileSync(swapped, `${[lines[1], lines[0], ...lines.slice(2)].join("\n")}\n`);
    expect(() => readJournal(swapped, keys)).toThrowError(/record 1 fails authentication/);
    const altered = join(dir, "altered.journal");
    const raw = Buffer.from(lines[2]!, "base64");
    raw[20]! ^= 1;
    writeFileSync(altered, `${[lines[0], lines[1], raw.toString("base64")].join("\n")}\n`);
    expect(() => readJournal(altered, keys)).toThrowError(/record 3 fails authentication/);
  });

  it("drops an incomplete last record (a host killed mid-write) and appends after the last whole one", () => {
    const path = join(dir, "b.journal");
    const j = Journal.open(path, keys);
    j.append(record("000001"));
    j.close();
    appendFileSync(path, "AAAAbbbbCCCC");
    const reopened = Journal.open(path, keys);
    expect(reopened.droppedBytes).toBe(12);
    reopened.append(record("000002"));
    reopened.close();
    expect(readJournal(path, keys).map((r) => r.stan)).toEqual(["000001", "000002"]);
  });

  it("tokenises PANs with a keyed HMAC and keeps only first 6 / last 4", () => {
    const j = Journal.open(join(dir, "c.journal"), keys);
    const k = Journal.open(join(dir, "d.journal"), other);
    const a = j.protectPan("4761739001010119");
    expect(a.panMasked).toBe("476173******0119");
    expect(a.panToken).toMatch(/^[0-9a-f]{64}$/);
    expect(j.protectPan("4761739001010119").panToken).toBe(a.panToken);
    expect(j.protectPan("4761739001010127").panToken).not.toBe(a.panToken);
    expect(k.protectPan("4761739001010119").panToken).not.toBe(a.panToken);
    expect(j.fingerprint(["0100", "12"])).not.toBe(j.fingerprint(["01001", "2"]));
    j.close();
    k.close();
  });

  it("takes a 32-byte master key as 64 hex digits only", () => {
    expect(() => journalKeys("abcd", "EMVSIM_JOURNAL_KEY")).toThrowError(
      "EMVSIM_JOURNAL_KEY must be 64 hex digits (32 bytes)",
    );
    expect(journalKeys(` ${"0A".repeat(32)}\n`).encryption).toHaveLength(32);
    expect(keys.encryption.equals(keys.token)).toBe(false);
  });
});
