// The development PKI: certificates chain to the CA with the RFC 5280 extensions TLS needs, key files are 0600,
// and a key file readable by group/others is refused with a one-line error.

import { X509Certificate } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { issuePki, PKI_FILES, readCertFile, readKeyFile, writePki } from "./pki.js";

const dir = mkdtempSync(join(tmpdir(), "emvsim-pki-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pki = issuePki({ now: new Date("2026-01-01T00:00:00Z"), days: 10 });

describe("issuePki", () => {
  it("issues a CA and server/client certificates signed by it", () => {
    const ca = new X509Certificate(pki.caPem);
    const server = new X509Certificate(pki.serverPem);
    const client = new X509Certificate(pki.clientPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(ca.subject).toBe("CN=emvsim development CA\nO=emvsim");
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(client.checkIssued(ca) && client.verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(pki.serverPem).checkIssued(new X509Certificate(issuePki().caPem))).toBe(false);
    // RFC 5280 §4.2.1.6 / §4.2.1.12: the host answers on 127.0.0.1; the terminal certificate is for client auth.
    expect(server.subjectAltName).toBe("IP Address:127.0.0.1, DNS:localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(client.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(new Date(server.validTo).getTime() - new Date("2026-01-01T00:00:00Z").getTime()).toBe(10 * 86_400_000);
    expect(pki.journalKeyHex).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes keys 0600 and certificates 0644", () => {
    writePki(dir, pki);
    for (const name of [PKI_FILES.caKey, PKI_FILES.serverKey, PKI_FILES.clientKey, PKI_FILES.journalKey])
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    for (const name of [PKI_FILES.ca, PKI_FILES.serverCert, PKI_FILES.clientCert])
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o644);
    expect(readKeyFile(join(dir, PKI_FILES.serverKey))).toBe(pki.serverKeyPem);
    expect(readCertFile(join(dir, PKI_FILES.ca))).toBe(pki.caPem);
  });

  it("refuses a key file readable by group or others, and missing files, in one line", () => {
    const key = join(dir, PKI_FILES.serverKey);
    chmodSync(key, 0o640);
    expect(() => readKeyFile(key)).toThrowError(
      `key file ${key} is accessible by group/others (mode 0640); run chmod 600 ${key}`,
    );
    chmodSync(key, 0o604);
    expect(() => readKeyFile(key)).toThrowError(/mode 0604/);
    chmodSync(key, 0o600);
    expect(() => readKeyFile(join(dir, "nope.key"))).toThrowError(/^key file .*nope\.key does not exist$/);
    expect(() => readCertFile(key)).toThrowError(/holds no PEM certificate/);
  });
});
