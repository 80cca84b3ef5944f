// The terminal's TLS link against a loopback TLS server (certificates made with the openssl command for this
// test only): an answer is matched by STAN, an unanswered request is reversed with a 0400, plain TCP needs
// --insecure, and a server requiring client certificates refuses a terminal without one.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "../emv/bytes.js";
import { NetworkIssuerHost, parseHostUrl } from "./client.js";
import { decodeMessage, encodeMessage, type Iso8583Message } from "./iso8583/codec.js";
import { FrameReader, frame } from "./iso8583/framing.js";

const ICC = fromHex("5A0847617390010101199F02060000000012349F2608A1B2C3D4E5F60708");
let dir: string;
let pem: Record<string, string>;
let server: tls.Server;
let port: number;
const received: Iso8583Message[] = [];

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "emvsim-online-"));
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=test CA",
  );
  for (const name of ["server", "client"]) {
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    writeFileSync(
      join(dir, `${name}.ext`),
      name === "server" ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
  pem = Object.fromEntries(
    ["ca.pem", "server.pem", "server.key", "client.pem", "client.key"].map((f) => [
      f,
      readFileSync(join(dir, f), "utf8"),
    ]),
  );
  server = tls.createServer(
    {
      key: pem["server.key"],
      cert: pem["server.pem"],
      ca: pem["ca.pem"],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: "TLSv1.2",
    },
    (socket) => {
      const reader = new FrameReader();
      socket.on("data", (chunk: Buffer) => {
        for (const bytes of reader.push(chunk)) {
          const m = decodeMessage(bytes);
          received.push(m);
          if (m.mti === "0100" && m.fields.get(11) === "000002") continue; // silent: the terminal must reverse
          if (m.mti === "0100" && m.fields.get(11) === "000008") {
            socket.destroy(); // gone without an answer: in doubt, the terminal must reverse on a new connection
            return;
          }
          const fields = new Map<number, string | Uint8Array>([
            [11, m.fields.get(11) as string],
            [39, "00"],
            [55, fromHex("91081122334455667788")],
          ]);
          socket.write(frame(encodeMessage({ mti: m.mti === "0400" ? "0410" : "0110", fields })));
        }
      });
      socket.on("error", () => {});
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const terminal = (extra: Partial<ConstructorParameters<typeof NetworkIssuerHost>[0]> = {}) =>
  new NetworkIssuerHost({
    url: `tls://127.0.0.1:${port}`,
    ca: pem["ca.pem"],
    cert: pem["client.pem"],
    key: pem["client.key"],
    terminalId: "TERM0001",
    merchantId: "MERCHANT0000001",
    timeoutMs: 1500,
    ...extra,
  });

describe("NetworkIssuerHost over mutual TLS", () => {
  it("sends a 0100 with DE 55 and reads the 0110 matched by STAN", async () => {
    const host = terminal();
    const answer = await host.authorize({ iccData: ICC });
    host.close();
    expect(new TextDecoder().decode(answer.authorisationResponseCode)).toBe("00");
    expect(toHex(answer.issuerAuthenticationData as Uint8Array)).toBe("1122334455667788");
    const sent = received.find((m) => m.mti === "0100" && m.fields.get(11) === "000001");
    expect(toHex(sent?.fields.get(55) as Uint8Array)).toBe(toHex(ICC));
    expect(sent?.fields.get(2)).toBe("4761739001010119");
  });

  it("reverses (0400, DE 90 naming the original 0100 and STAN) a request not answered in time", async () => {
    const host = terminal({ firstStan: 2 });
    await expect(host.authorize({ iccData: ICC })).rejects.toThrowError(/no 0110 for STAN 000002 within 1500 ms/);
    host.close();
    expect(host.reversed).toEqual(["000002"]);
    const reversal = received.find((m) => m.mti === "0400");
    expect(String(reversal?.fields.get(90)).slice(0, 10)).toBe("0100000002");
  });

  it("reverses a request whose connection closed before the answer, on a new connection", async () => {
    const host = terminal({ firstStan: 8 });
    await expect(host.authorize({ iccData: ICC })).rejects.toThrowError(/connection closed before the answer/);
    expect(host.reversed).toEqual(["000008"]);
    expect(host.reversalsOwed).toBe(0);
    host.close();
    const reversal = received.find((m) => m.mti === "0400" && m.fields.get(11) === "000008");
    expect(String(reversal?.fields.get(90)).slice(0, 10)).toBe("0100000008");
    expect(reversal?.fields.has(35)).toBe(false);
  });

  it("sends DE 22 from the entry mode (ISO 8583:1987: 05 chip, 07 contactless chip; 1 = PIN capable)", async () => {
    const chip = terminal({ firstStan: 20 });
    const contactless = terminal({ firstStan: 21, entryMode: "071" });
    await chip.authorize({ iccData: ICC });
    await contactless.authorize({ iccData: ICC });
    chip.close();
    contactless.close();
    const de22 = (stan: string) => received.find((m) => m.mti === "0100" && m.fields.get(11) === stan)?.fields.get(22);
    expect([de22("000020"), de22("000021")]).toEqual(["051", "071"]);
  });

  it("is refused by a host requiring a client certificate when it has none", async () => {
    const host = terminal({ cert: undefined, key: undefined, firstStan: 5 });
    await expect(host.authorize({ iccData: ICC })).rejects.toThrowError(/issuer host tls:\/\/127\.0\.0\.1:\d+: /);
    host.close();
    expect(received.some((m) => m.fields.get(11) === "000005")).toBe(false);
  });

  it("refuses a host whose certificate is not from the configured CA", async () => {
    const host = terminal({ ca: pem["server.pem"], firstStan: 6 });
    await expect(host.authorize({ iccData: ICC })).rejects.toThrowError(/issuer host/);
    host.close();
  });

  it("accepts plain TCP only with --insecure", () => {
    expect(() => parseHostUrl("tcp://127.0.0.1:9000")).toThrowError(/add --insecure/);
    expect(parseHostUrl("tcp://127.0.0.1:9000", true)).toEqual({ secure: false, host: "127.0.0.1", port: 9000 });
    expect(() => parseHostUrl("http://x:1")).toThrowError(/expected tls:\/\/HOST:PORT/);
  });
});
