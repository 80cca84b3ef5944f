// Test support: a host service on a loopback port with a fresh development PKI, journal and audit log in a
// temporary directory, a raw mTLS client that sends framed ISO 8583 messages, and a restart that keeps the files.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { defaultIssuerHost } from "../../../emulator/host/index.js";
import { decodeMessage, encodeMessage, type Iso8583Message } from "../../../online/iso8583/codec.js";
import { FrameReader, frame } from "../../../online/iso8583/framing.js";
import { AuditLog } from "../audit.js";
import { Journal, type JournalKeys, journalKeys } from "../journal.js";
import { issuePki, type Pki, writePki } from "../pki.js";
import { HostService, type HostServiceOptions } from "../service.js";

export interface HostFixture {
  readonly dir: string;
  readonly pki: Pki;
  readonly keys: JournalKeys;
  readonly journalPath: string;
  readonly auditPath: string;
  readonly auditLines: string[];
  service: HostService;
  /** Stops the service (as on SIGTERM) and starts a new one on the same port, journal and audit log. */
  restart(extra?: Partial<HostServiceOptions>): Promise<HostService>;
  close(): Promise<void>;
}

let cachedPki: Pki | undefined;
/** One PKI per test process (RSA key generation is the slow part). */
export function testPki(): Pki {
  cachedPki ??= issuePki();
  return cachedPki;
}

export async function startHostFixture(extra: Partial<HostServiceOptions> = {}): Promise<HostFixture> {
  const dir = mkdtempSync(join(tmpdir(), "emvsim-host-"));
  const pki = testPki();
  writePki(dir, pki);
  const keys = journalKeys(pki.journalKeyHex);
  const journalPath = join(dir, "host.journal");
  const auditPath = join(dir, "host.audit");
  const auditLines: string[] = [];
  const issuer = defaultIssuerHost();
  const start = (port: number, more: Partial<HostServiceOptions>) =>
    HostService.start({
      host: "127.0.0.1",
      port,
      tls: { clientCa: pki.caPem, cert: pki.serverPem, key: pki.serverKeyPem },
      issuer,
      journal: Journal.open(journalPath, keys),
      audit: new AuditLog(auditPath, (l) => auditLines.push(l)),
      ...extra,
      ...more,
    });
  const first = await start(0, {});
  const port = first.port;
  const fixture: HostFixture = {
    dir,
    pki,
    keys,
    journalPath,
    auditPath,
    auditLines,
    service: first,
    async restart(more = {}) {
      await fixture.service.stop();
      fixture.service = await start(port, more);
      return fixture.service;
    },
    async close() {
      await fixture.service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** A raw terminal connection: sends messages or bytes, collects decoded answers, every wait bounded. */
export class RawTerminal {
  readonly answers: Iso8583Message[] = [];
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: tls.TLSSocket) {
    const reader = new FrameReader();
    socket.on("data", (chunk: Buffer) => {
      for (const bytes of reader.push(chunk)) this.answers.push(decodeMessage(bytes));
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("error", () => {});
  }

  static connect(port: number, options: tls.ConnectionOptions): Promise<RawTerminal> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ...options });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("no TLS connection within 5000 ms"));
      }, 5000);
      socket.once("secureConnect", () => {
        clearTimeout(timer);
        resolve(new RawTerminal(socket));
      });
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Connects with the fixture PKI's client certificate. */
  static withClientCert(f: HostFixture): Promise<RawTerminal> {
    return RawTerminal.connect(f.service.port, { ca: f.pki.caPem, cert: f.pki.clientPem, key: f.pki.clientKeyPem });
  }

  send(message: Iso8583Message): void {
    this.socket.write(frame(encodeMessage(message)));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits until `count` answers arrived (or the connection closed), at most `ms`. */
  async waitFor(count: number, ms = 5000): Promise<Iso8583Message[]> {
    const deadline = Date.now() + ms;
    while (this.answers.length < count && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.answers;
  }

  /** Waits for the peer to close, at most `ms`; true when it did. */
  async waitClosed(ms = 5000): Promise<boolean> {
    await this.waitFor(Number.POSITIVE_INFINITY, ms);
    return this.closed;
  }

  close(): void {
    this.socket.end();
  }
}
