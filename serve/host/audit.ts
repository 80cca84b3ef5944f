// The issuer host's audit log (PCI DSS 10.2/10.3): one line per message and per refused or closed connection —
// time, client certificate subject, terminal id, message type, STAN, the PAN masked (first 6, last 4), outcome.
// Every line passes maskPansInText as a last line of defence; track 2, PIN blocks and keys are never given to it.

import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { maskPansInText } from "../../emv/sensitive.js";

export interface AuditEvent {
  /** Subject of the client certificate ("CN=…,O=…"), or what is known of the peer before/without one. */
  readonly client: string;
  readonly terminalId?: string;
  readonly mti?: string;
  readonly stan?: string;
  /** Already masked. */
  readonly pan?: string;
  readonly outcome: string;
}

const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&").replace(/[^\x20-\x7e]/g, "?")}"`;

/** Formats one audit line (no newline). */
export function auditLine(time: Date, e: AuditEvent): string {
  const parts = [
    time.toISOString(),
    `client=${quote(e.client)}`,
    `tid=${e.terminalId === undefined ? "-" : quote(e.terminalId)}`,
    `mti=${e.mti ?? "-"}`,
    `stan=${e.stan ?? "-"}`,
    `pan=${e.pan ?? "-"}`,
    `outcome=${quote(e.outcome)}`,
  ];
  return maskPansInText(parts.join(" "));
}

export class AuditLog {
  private fd: number | undefined;

  /** Appends to `path` (created 0600) when given, and passes each line to `echo` (e.g. stdout) when given. */
  constructor(
    readonly path: string | undefined,
    private readonly echo?: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.fd = path === undefined ? undefined : openSync(path, "a", 0o600);
  }

  write(event: AuditEvent): void {
    const line = auditLine(this.now(), event);
    if (this.fd !== undefined) writeSync(this.fd, `${line}\n`);
    this.echo?.(line);
  }

  close(): void {
    if (this.fd === undefined) return;
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
