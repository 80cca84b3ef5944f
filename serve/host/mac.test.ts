// The host with a MAC key (DE 64/128, online/iso8583/mac.ts): MAC'd requests are authorised and answered with a
// MAC; a request without a valid MAC gets "63" (security violation), is not authorised and is journalled as
// rejected; a terminal that cannot verify the answer's MAC treats the request as unanswered and reverses it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromHex } from "../../emv/bytes.js";
import { NetworkIssuerHost } from "../../online/client.js";
import { encodeMessage } from "../../online/iso8583/codec.js";
import { frame } from "../../online/iso8583/framing.js";
import { checkMac, encodeWithMac } from "../../online/iso8583/mac.js";
import { readJournal } from "./journal.js";
import { type HostFixture, RawTerminal, startHostFixture } from "./testing/fixture.js";
import { arqcIccData, authorisationMessage } from "./testing/requests.js";

const MAC_KEY = fromHex("0123456789ABCDEFFEDCBA9876543210");
let f: HostFixture;
beforeAll(async () => {
  f = await startHostFixture({ macKey: MAC_KEY });
});
afterAll(async () => {
  await f.close();
});

const terminal = (macKey: Uint8Array | undefined, firstStan: number) =>
  new NetworkIssuerHost({
    url: `tls://127.0.0.1:${f.service.port}`,
    ca: f.pki.caPem,
    cert: f.pki.clientPem,
    key: f.pki.clientKeyPem,
    terminalId: "TERMMAC1",
    merchantId: "MERCHANT0000001",
    timeoutMs: 1000,
    firstStan,
    ...(macKey ? { macKey } : {}),
  });

describe("issuer host with DE 64/128 MACs", () => {
  it("authorises a MAC'd request and MACs its answer", async () => {
    const t = await RawTerminal.withClientCert(f);
    const bytes = encodeWithMac(authorisationMessage({ stan: "000001" }), MAC_KEY);
    t.sendBytes(frame(bytes));
    const [answer] = await t.waitFor(1);
    t.close();
    expect(answer?.fields.get(39)).toBe("00");
    expect(checkMac(encodeMessage(answer!), answer!, MAC_KEY)).toBe("ok");
    const host = terminal(MAC_KEY, 2);
    const ok = await host.authorize({ iccData: arqcIccData(100, 2).icc });
    host.close();
    expect(new TextDecoder().decode(ok.authorisationResponseCode)).toBe("00");
  });

  it("answers 63 to a request without a valid MAC, and is journalled only as rejected", async () => {
    const t = await RawTerminal.withClientCert(f);
    t.send(authorisationMessage({ stan: "000010" }));
    const altered = encodeWithMac(authorisationMessage({ stan: "000011" }), MAC_KEY);
    altered[altered.length - 1]! ^= 1;
    t.sendBytes(frame(altered));
    const answers = await t.waitFor(2);
    t.close();
    expect(answers.map((a) => [a.fields.get(11), a.fields.get(39), a.fields.get(63)])).toEqual([
      ["000010", "63", "0100 carries no MAC (field 64)"],
      ["000011", "63", "0100: MAC (field 64) does not verify"],
    ]);
    const journalled = readJournal(f.journalPath, f.keys).filter((r) => r.stan === "000010" || r.stan === "000011");
    expect(journalled.map((r) => [r.kind, r.responseCode])).toEqual([
      ["rejected", "63"],
      ["rejected", "63"],
    ]);
    expect(f.service.stats.macFailures).toBe(2);
  });

  it("a terminal with another key cannot verify the answer: it reverses the request", async () => {
    const host = terminal(fromHex("00".repeat(16)), 20);
    await expect(host.authorize({ iccData: arqcIccData(100, 20).icc })).rejects.toThrowError(
      /0110: MAC \(field 64\) does not verify/,
    );
    host.close();
    expect(host.reversed).toEqual(["000020"]);
  });
});
