// The network issuer host over loopback mutual TLS: answers match the in-process issuer logic, duplicates get
// the journalled answer, reversals apply to the journalled authorisation (also after a restart and after a
// client timeout), malformed and truncated messages never crash it, refused handshakes never reach it, and
// neither the journal nor the audit log holds a full PAN, track 2 or a PIN block.

import { readFileSync } from "node:fs";
import type tls from "node:tls";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultIssuerHost } from "../../emulator/host/index.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { maskPan } from "../../emv/sensitive.js";
import { decodeTlvs } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { NetworkIssuerHost } from "../../online/client.js";
import { encodeMessage, type Iso8583Message } from "../../online/iso8583/codec.js";
import { frame } from "../../online/iso8583/framing.js";
import { readJournal } from "./journal.js";
import { issuePki } from "./pki.js";
import { type HostFixture, RawTerminal, startHostFixture } from "./testing/fixture.js";
import { arqcIccData, authorisationMessage } from "./testing/requests.js";

let f: HostFixture;
const SUBJECT = "CN=emvsim terminal,O=emvsim";
const PIN_BLOCK = fromHex("A1B2C3D4E5F60718");

beforeAll(async () => {
  // STAN 000700 answers late: the terminal's timeout and reversal.
  f = await startHostFixture({ answerDelayMs: (m) => (m.fields.get(11) === "000700" && m.mti === "0100" ? 1500 : 0) });
});
afterAll(async () => {
  await f.close();
});

const field = (m: Iso8583Message | undefined, n: number) => m?.fields.get(n);
const records = () => readJournal(f.journalPath, f.keys);
const reversal = (stan: string, original: string, terminalId = "TERM0001"): Iso8583Message => {
  const o = authorisationMessage({ stan: original, terminalId });
  const fields = new Map(o.fields);
  fields.delete(35);
  fields.delete(52);
  fields.set(11, stan);
  fields.set(90, `0100${original}${String(o.fields.get(7))}${"0".repeat(22)}`);
  return { mti: "0400", fields };
};

describe("authorisations over mutual TLS", () => {
  it("answers a 0100 as the in-process issuer host does (8A in DE 39, ARPC 91 in DE 55) and journals it", async () => {
    const t = await RawTerminal.withClientCert(f);
    const request = authorisationMessage({ stan: "000001", pinBlock: PIN_BLOCK });
    t.send(request);
    const [answer] = await t.waitFor(1);
    t.close();
    const expected = defaultIssuerHost().decide({
      iccData: field(request, 55) as Uint8Array,
      onlinePinBlock: PIN_BLOCK,
    });
    expect(answer?.mti).toBe("0110");
    expect(field(answer, 39)).toBe(new TextDecoder().decode(expected.authorisationResponseCode));
    const icc = decodeTlvs(field(answer, 55) as Uint8Array);
    expect(toHex(icc.find((n) => n.tag === TAG.ISSUER_AUTHENTICATION_DATA)?.value ?? new Uint8Array())).toBe(
      toHex(expected.issuerAuthenticationData as Uint8Array),
    );
    expect(field(answer, 63)).toBe(expected.reason);
    for (const n of [2, 3, 4, 11, 41, 42]) expect(field(answer, n)).toEqual(field(request, n));
    expect(field(answer, 35)).toBeUndefined();
    expect(field(answer, 52)).toBeUndefined();
    const [rec] = records().filter((r) => r.stan === "000001");
    expect(rec).toMatchObject({ kind: "authorisation", mti: "0100", terminalId: "TERM0001", client: SUBJECT });
    expect(rec?.responseCode).toBe(field(answer, 39));
    expect(rec?.panMasked).toBe(maskPan(String(field(request, 2))));
    expect(rec?.panToken).toMatch(/^[0-9a-f]{64}$/);
    const line = f.auditLines.find((l) => l.includes("stan=000001"));
    expect(line).toContain(
      `client="${SUBJECT}" tid="TERM0001" mti=0100 stan=000001 pan=${maskPan(String(field(request, 2)))}`,
    );
  });

  it("declines an ARQC that does not verify, and answers 0200 with 0210", async () => {
    const t = await RawTerminal.withClientCert(f);
    const bad = authorisationMessage({ stan: "000002" });
    const icc = (field(bad, 55) as Uint8Array).slice();
    icc[icc.length - 1]! ^= 1; // last byte of 9F26 (the ARQC is the last data object)
    t.send({ mti: "0100", fields: new Map([...bad.fields, [55, icc]]) });
    t.send(authorisationMessage({ stan: "000003", mti: "0200" }));
    const answers = await t.waitFor(2);
    t.close();
    expect(answers.map((a) => [a.mti, field(a, 11), field(a, 39)])).toEqual([
      ["0110", "000002", "05"],
      ["0210", "000003", "00"],
    ]);
    expect(String(field(answers[0], 63))).toMatch(/^ARQC does not verify/);
  });

  it("records an advice (0120 → 0130) without authorising it", async () => {
    const t = await RawTerminal.withClientCert(f);
    t.send(authorisationMessage({ stan: "000004", mti: "0120" }));
    const [answer] = await t.waitFor(1);
    t.close();
    expect([answer?.mti, field(answer, 39), field(answer, 38)]).toEqual(["0130", "00", undefined]);
    expect(records().find((r) => r.stan === "000004")?.kind).toBe("advice");
  });
});

describe("duplicates and reversals", () => {
  it("answers a repeated STAN + terminal id with the journalled answer, not a second authorisation", async () => {
    const t = await RawTerminal.withClientCert(f);
    const request = authorisationMessage({ stan: "000010" });
    t.send(request);
    t.send(request);
    // The same STAN from another terminal is another transaction.
    t.send(authorisationMessage({ stan: "000010", terminalId: "TERM0002" }));
    const answers = await t.waitFor(3);
    t.close();
    expect(toHex(encodeMessage(answers[1]!))).toBe(toHex(encodeMessage(answers[0]!)));
    expect(field(answers[0], 38)).toMatch(/^\d{6}$/);
    const all = records().filter((r) => r.stan === "000010");
    expect(all.map((r) => [r.kind, r.terminalId])).toEqual([
      ["authorisation", "TERM0001"],
      ["duplicate", "TERM0001"],
      ["authorisation", "TERM0002"],
    ]);
    expect(all[1]?.duplicateOf).toBe(all[0]?.seq);
    expect(f.auditLines.some((l) => l.includes("stan=000010") && l.includes("duplicate of record"))).toBe(true);
  });

  it("answers 94 when a STAN is reused for a different request, and the first record stands", async () => {
    const t = await RawTerminal.withClientCert(f);
    t.send(authorisationMessage({ stan: "000011", amount: 100 }));
    t.send(authorisationMessage({ stan: "000011", amount: 200 }));
    const answers = await t.waitFor(2);
    t.close();
    expect(answers.map((a) => field(a, 39))).toEqual(["00", "94"]);
    expect(
      records()
        .filter((r) => r.stan === "000011")
        .map((r) => [r.kind, r.amount, r.responseCode]),
    ).toEqual([
      ["authorisation", "000000000100", "00"],
      ["rejected", undefined, "94"], // a rejected request keeps only MTI, DE 41, DE 11 and DE 39
    ]);
  });

  it("applies a 0400 to the journalled authorisation named by DE 90, once; an unknown original gets 25", async () => {
    const t = await RawTerminal.withClientCert(f);
    t.send(authorisationMessage({ stan: "000020" }));
    t.send(reversal("000021", "000020"));
    t.send(reversal("000022", "000020"));
    t.send(reversal("000023", "999999"));
    const answers = await t.waitFor(4);
    t.close();
    expect(answers.map((a) => [a.mti, field(a, 11), field(a, 39)])).toEqual([
      ["0110", "000020", "00"],
      ["0410", "000021", "00"],
      ["0410", "000022", "00"],
      ["0410", "000023", "25"],
    ]);
    const all = records();
    const auth = all.find((r) => r.stan === "000020");
    expect(all.find((r) => r.stan === "000021")).toMatchObject({
      kind: "reversal",
      applied: true,
      original: { mti: "0100", stan: "000020", seq: auth?.seq },
    });
    expect(all.find((r) => r.stan === "000022")).toMatchObject({ applied: false });
    expect(String(field(answers[2], 63))).toMatch(/already reversed/);
    expect(all.find((r) => r.stan === "000023")).toMatchObject({ applied: false, original: { stan: "999999" } });
  });

  it("does not authorise a request that arrives after the terminal reversed it", async () => {
    const t = await RawTerminal.withClientCert(f);
    t.send(reversal("000200", "000200"));
    t.send(authorisationMessage({ stan: "000200" }));
    const answers = await t.waitFor(2);
    t.close();
    expect(answers.map((a) => [a.mti, field(a, 39)])).toEqual([
      ["0410", "25"],
      ["0110", "05"],
    ]);
    expect(String(field(answers[1], 63))).toMatch(
      /^reversed by the terminal before it arrived \(record \d+\): not authorised$/,
    );
  });

  it("reverses a request the terminal gave up on: its 0400 applies to the journalled authorisation", async () => {
    const terminal = new NetworkIssuerHost({
      url: `tls://127.0.0.1:${f.service.port}`,
      ca: f.pki.caPem,
      cert: f.pki.clientPem,
      key: f.pki.clientKeyPem,
      terminalId: "TERM0007",
      merchantId: "MERCHANT0000001",
      timeoutMs: 400,
      firstStan: 700,
    });
    const { icc } = arqcIccData(555, 7);
    await expect(terminal.authorize({ iccData: icc })).rejects.toThrowError(/no 0110 for STAN 000700 within 400 ms/);
    terminal.close();
    expect(terminal.reversed).toEqual(["000700"]);
    const all = records().filter((r) => r.terminalId === "TERM0007");
    expect(all.map((r) => [r.kind, r.stan, r.responseCode])).toEqual([
      ["authorisation", "000700", "00"],
      ["reversal", "000700", "00"],
    ]);
    expect(all[1]).toMatchObject({ applied: true, original: { seq: all[0]?.seq } });
  });
});

describe("malformed and truncated messages", () => {
  it("answers a readable MTI with a format error (30) and keeps the connection", async () => {
    const t = await RawTerminal.withClientCert(f);
    const good = encodeMessage(authorisationMessage({ stan: "000030" }));
    t.sendBytes(frame(good.subarray(0, good.length - 5))); // truncated inside DE 55
    t.sendBytes(frame(fromHex("01000000000000000001"))); // bitmap announces field 64 without its 8 bytes
    const no55 = new Map(authorisationMessage({ stan: "000031" }).fields);
    no55.delete(55);
    t.send({ mti: "0100", fields: no55 });
    t.send({ mti: "0800", fields: new Map([[11, "000032"]]) });
    t.send(authorisationMessage({ stan: "000033" }));
    const answers = await t.waitFor(5);
    t.close();
    expect(answers.map((a) => [a.mti, field(a, 11), field(a, 39)])).toEqual([
      ["0110", "000030", "30"], // the fields before the fault are echoed: the terminal can match the answer
      ["0110", undefined, "30"],
      ["0110", "000031", "30"],
      ["0810", "000032", "12"],
      ["0110", "000033", "00"],
    ]);
    expect(String(field(answers[0], 63))).toMatch(/^format error: field 55 .*needs \d+ bytes at offset/);
    expect(field(answers[0], 41)).toBe("TERM0001");
    expect(String(field(answers[2], 63))).toBe("0100: field 55 (ICC data) is missing");
    // Rejected requests are journalled with their answer, never indexed as authorisations.
    expect(
      records()
        .filter((r) => r.stan === "000031")
        .map((r) => [r.kind, r.responseCode]),
    ).toEqual([["rejected", "30"]]);
  });

  it("closes the connection with one audit line when the MTI cannot be read or is an answer's", async () => {
    for (const [bytes, pattern] of [
      [frame(fromHex("FFFF00")), /unreadable message \(MTI bytes ffff are not 4 BCD digits\): connection closed/],
      [frame(new Uint8Array(0)), /unreadable message \(MTI: needs 2 bytes/],
      [
        frame(encodeMessage({ mti: "0110", fields: new Map([[11, "000040"]]) })),
        /message type 0110 is not sent to a host/,
      ],
    ] as const) {
      const before = f.auditLines.length;
      const t = await RawTerminal.withClientCert(f);
      t.sendBytes(bytes);
      expect(await t.waitClosed()).toBe(true);
      expect(t.answers).toEqual([]);
      const lines = f.auditLines.slice(before);
      expect(lines.filter((l) => pattern.test(l))).toHaveLength(1);
    }
  });

  it("logs a frame cut short by the peer closing, and answers nothing for it", async () => {
    const t = await RawTerminal.withClientCert(f);
    const whole = frame(encodeMessage(authorisationMessage({ stan: "000050" })));
    t.sendBytes(whole.subarray(0, 40));
    t.close();
    await t.waitClosed();
    await new Promise((r) => setTimeout(r, 100));
    expect(f.auditLines.some((l) => /closed with 40 bytes of a truncated frame \(discarded\)/.test(l))).toBe(true);
    expect(records().some((r) => r.stan === "000050")).toBe(false);
  });

  it("survives arbitrary frames: each gets an answer or a closed connection, and the host keeps serving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 300 }), async (bytes) => {
        const t = await RawTerminal.withClientCert(f);
        t.sendBytes(frame(bytes));
        await t.waitFor(1, 2000);
        const answered =
          t.answers.length === 1 && ["30", "12", "00", "05", "94", "25"].includes(String(field(t.answers[0], 39)));
        const ok = answered || (await t.waitClosed(2000));
        t.close();
        return ok;
      }),
      { numRuns: 40 },
    );
    const t = await RawTerminal.withClientCert(f);
    t.send(authorisationMessage({ stan: "000060" }));
    expect(field((await t.waitFor(1))[0], 39)).toBe("00");
    t.close();
  });
});

describe("mutated requests (fuzz)", () => {
  it("a valid 0100 with any byte altered gets an answer with a known DE 39, or a closed connection", async () => {
    let n = 300_000;
    const codes = new Set(["00", "05", "12", "25", "30", "51", "55", "81", "94", "96"]);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const bytes = encodeMessage(authorisationMessage({ stan: String(n++), terminalId: "TERMFUZZ" }));
        bytes[at % bytes.length]! ^= x;
        const t = await RawTerminal.withClientCert(f);
        t.sendBytes(frame(bytes));
        await t.waitFor(1, 2000);
        const answer = t.answers[0];
        const ok = answer ? codes.has(String(field(answer, 39))) : await t.waitClosed(2000);
        t.close();
        return ok;
      }),
      { numRuns: 60 },
    );
    expect(f.service.stats.messages).toBeGreaterThan(60);
  });
});

describe("refused handshakes never reach the host", () => {
  const refused = async (options: tls.ConnectionOptions, pattern: RegExp) => {
    const before = f.service.stats.refusedHandshakes;
    const messages = f.service.stats.messages;
    const attempt = RawTerminal.connect(f.service.port, { ca: f.pki.caPem, ...options }).then(async (t) => {
      // TLS 1.3: the client finishes before the server checks its certificate; the host then closes.
      t.send(authorisationMessage({ stan: "000090" }));
      const closed = await t.waitClosed();
      if (t.answers.length > 0 || !closed) throw new Error("answered");
      throw new Error("closed by host");
    });
    await expect(attempt).rejects.toThrowError();
    await new Promise((r) => setTimeout(r, 100));
    expect(f.service.stats.refusedHandshakes).toBe(before + 1);
    expect(f.service.stats.messages).toBe(messages);
    expect(f.auditLines.at(-1)).toMatch(pattern);
  };

  it("refuses a terminal without a client certificate", async () => {
    await refused({}, /TLS handshake refused: (ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE|ECONNRESET)/);
  });

  it("refuses a client certificate from another CA", async () => {
    const other = issuePki({ caName: "another CA" });
    await refused({ cert: other.clientPem, key: other.clientKeyPem }, /TLS handshake refused: /);
  });

  it("refuses TLS 1.1", async () => {
    await refused(
      {
        cert: f.pki.clientPem,
        key: f.pki.clientKeyPem,
        maxVersion: "TLSv1.1",
        minVersion: "TLSv1",
        ciphers: "DEFAULT@SECLEVEL=0",
      },
      /TLS handshake refused: ERR_SSL_UNSUPPORTED_PROTOCOL/,
    );
  });
});

describe("restart and data at rest", () => {
  it("keeps duplicates and reversals working across a restart", async () => {
    let t = await RawTerminal.withClientCert(f);
    const request = authorisationMessage({ stan: "000100", terminalId: "TERMREST" });
    t.send(request);
    const [first] = await t.waitFor(1);
    t.close();
    await f.restart({ answerDelayMs: () => 0 });
    t = await RawTerminal.withClientCert(f);
    t.send(request);
    const revMsg = reversal("000101", "000100", "TERMREST");
    t.send(revMsg);
    const answers = await t.waitFor(2);
    t.close();
    expect(toHex(encodeMessage(answers[0]!))).toBe(toHex(encodeMessage(first!)));
    expect([field(answers[1], 39), String(field(answers[1], 63))]).toEqual([
      "00",
      expect.stringMatching(/^authorisation STAN 000100 \(record \d+, answered 00\) reversed$/),
    ]);
    expect(
      records()
        .filter((r) => r.terminalId === "TERMREST")
        .map((r) => r.kind),
    ).toEqual(["authorisation", "duplicate", "reversal"]);
  });

  it("finishes an answer in flight when stopped", async () => {
    await f.restart({ answerDelayMs: (m) => (m.fields.get(11) === "000110" ? 300 : 0) });
    const t = await RawTerminal.withClientCert(f);
    t.send(authorisationMessage({ stan: "000110" }));
    await new Promise((r) => setTimeout(r, 100));
    const stopped = f.service.stop();
    const answers = await t.waitFor(1);
    await stopped;
    expect(answers.map((a) => field(a, 11))).toEqual(["000110"]);
    expect(await t.waitClosed()).toBe(true);
    await f.restart();
  });

  it("holds no full PAN, track 2 or PIN block in the journal or the audit log, in clear or decrypted", async () => {
    const { pan } = arqcIccData(1, 1);
    const track2 = toHex(decodeTlvs(arqcIccData(1, 1).icc).find((n) => n.tag === TAG.TRACK_2_EQUIVALENT_DATA)!.value);
    const files = [readFileSync(f.journalPath, "latin1"), readFileSync(f.auditPath, "latin1")];
    const decrypted = JSON.stringify(records());
    expect(records().length).toBeGreaterThan(15);
    for (const text of [...files, decrypted, f.auditLines.join("\n")]) {
      expect(text).not.toContain(pan);
      expect(text.toUpperCase()).not.toContain(track2.slice(0, 20));
      expect(text.toUpperCase()).not.toContain(toHex(PIN_BLOCK));
      expect(text).not.toMatch(/(?<![0-9A-Fa-f])[0-9]{13,19}(?![0-9A-Fa-f])/); // any PAN-like digit run
    }
    expect(decrypted).toContain(maskPan(pan));
    // The journal on disk is ciphertext: not even the masked PAN or a terminal id shows.
    expect(files[0]).not.toContain(maskPan(pan));
    expect(files[0]).not.toContain("TERM0001");
  });
});
