// The issuer host's journal: every message and answer, append-only, one AES-256-GCM sealed record per line
// (random 12-byte IV per record, the record number as additional data so records cannot be dropped, reordered or
// moved undetected), key outside the journal. Card data at rest follows PCI DSS 3.2-3.5: the PAN only as an
// HMAC-SHA-256 token plus first 6 / last 4, never track 2, PIN blocks, CVV or keys (of an answer only what the
// host itself wrote — DE 38, 39, 55, 63 — is stored; requests are not stored, only the facts reversals and
// duplicate detection need; a rejected request, which may be mis-framed, keeps only its MTI, DE 41 and DE 11).
// Replayed at open, so duplicate detection and reversals work across restarts.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from "node:fs";
import { maskPan } from "../../emv/sensitive.js";

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JournalError";
  }
}

/** Environment variable holding the journal master key (64 hex digits) when no key file is given. */
export const JOURNAL_KEY_ENV = "EMVSIM_JOURNAL_KEY";

/** The two keys derived from the journal master key (RFC 5869 HKDF-SHA-256, distinct info strings). */
export interface JournalKeys {
  readonly encryption: Buffer;
  readonly token: Buffer;
}

/** Derives the record encryption key and the PAN token key from a 32-byte master key given as 64 hex digits. */
export function journalKeys(masterHex: string, source = "journal key"): JournalKeys {
  const hex = masterHex.trim();
  if (!/^[0-9A-Fa-f]{64}$/.test(hex)) throw new JournalError(`${source} must be 64 hex digits (32 bytes)`);
  const master = Buffer.from(hex, "hex");
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, 32));
  return { encryption: derive("emvsim journal record encryption"), token: derive("emvsim journal PAN token") };
}

/**
 * authorisation (0100/0200), reversal (0400), advice (0120): indexed for duplicates and reversals. duplicate (a
 * repeat answered from the journal) and rejected (answered "30", "63", "94", "12" without processing): recorded
 * for completeness, never indexed.
 */
export type RecordKind = "authorisation" | "reversal" | "advice" | "duplicate" | "rejected";

/** One journal record: what the host received and answered, with no card data beyond the PAN token and mask. */
export interface JournalRecord {
  readonly seq: number;
  /** ISO 8601 time the answer was decided. */
  readonly time: string;
  readonly kind: RecordKind;
  /** Request MTI, DE 41, DE 11, DE 7. */
  readonly mti: string;
  readonly terminalId: string;
  readonly stan: string;
  readonly transmission?: string;
  /** HMAC-SHA-256 token of the PAN under the token key (hex), and the PAN masked first 6 / last 4. */
  readonly panToken?: string;
  readonly panMasked?: string;
  /** DE 4 and DE 49. */
  readonly amount?: string;
  readonly currency?: string;
  /** Keyed digest of the request's content (to tell a retransmission from a reused STAN). */
  readonly fingerprint: string;
  /** DE 39 and DE 38 of the answer. */
  readonly responseCode: string;
  readonly approvalCode?: string;
  /**
   * The host's part of the answer (DE 38, 39, 55, 63 encoded, hex): returned again for a duplicate, with the
   * request's echoed fields put back from the retransmission. Absent for duplicate and rejected records.
   */
  readonly answer?: string;
  /** For a reversal: the original's MTI and STAN (DE 90), its record when found, and whether it was applied. */
  readonly original?: { readonly mti: string; readonly stan: string; readonly seq?: number };
  readonly applied?: boolean;
  /** For a duplicate: the record whose answer was returned. */
  readonly duplicateOf?: number;
  /** Subject of the client certificate that sent the request. */
  readonly client: string;
}

export type NewRecord = Omit<JournalRecord, "seq">;

const AAD_PREFIX = "emvsim-journal/1/";

function seal(keys: JournalKeys, seq: number, record: JournalRecord): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.encryption, iv);
  cipher.setAAD(Buffer.from(`${AAD_PREFIX}${seq}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(record), "utf8"), cipher.final()]);
  return `${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64")}\n`;
}

function open(keys: JournalKeys, seq: number, line: string, path: string): JournalRecord {
  const raw = Buffer.from(line, "base64");
  if (raw.length < 12 + 16 + 2) throw new JournalError(`${path}: record ${seq} is too short (${raw.length} bytes)`);
  const decipher = createDecipheriv("aes-256-gcm", keys.encryption, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${AAD_PREFIX}${seq}`));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  let text: string;
  try {
    text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new JournalError(
      `${path}: record ${seq} fails authentication (wrong journal key, or the journal was altered)`,
    );
  }
  const record = JSON.parse(text) as JournalRecord;
  if (record.seq !== seq) throw new JournalError(`${path}: record ${seq} carries number ${record.seq}`);
  return record;
}

/** Reads and authenticates every record of a journal (an incomplete last line, from a killed host, is skipped). */
export function readJournal(path: string, keys: JournalKeys): JournalRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "latin1");
  const end = text.lastIndexOf("\n");
  const lines = end < 0 ? [] : text.slice(0, end).split("\n");
  return lines.map((line, i) => open(keys, i + 1, line, path));
}

/** What duplicate detection and reversals need of a journalled request. */
export interface JournalEntry {
  readonly seq: number;
  readonly kind: RecordKind;
  readonly fingerprint: string;
  readonly responseCode: string;
  readonly answer: string;
  readonly panToken?: string;
}

/** The key of a request for duplicate detection: its MTI, DE 41 terminal id and DE 11 STAN. */
export function requestKey(mti: string, terminalId: string, stan: string): string {
  return `${mti}|${terminalId}|${stan}`;
}

export interface JournalOptions {
  /** fdatasync after each record (survives a power cut, not only a killed process). Default false. */
  readonly fsync?: boolean;
}

export class Journal {
  private fd: number | undefined;
  private seq: number;
  private readonly index = new Map<string, JournalEntry>();
  private readonly reversedSeqs = new Set<number>();
  private readonly reversedAhead = new Map<string, number>();

  private constructor(
    readonly path: string,
    private readonly keys: JournalKeys,
    private readonly options: JournalOptions,
    records: readonly JournalRecord[],
    fd: number,
    /** Bytes of an incomplete last record dropped at open (the host was killed while writing it). */
    readonly droppedBytes: number,
  ) {
    this.fd = fd;
    this.seq = records.length;
    for (const r of records) this.remember(r);
  }

  /** Opens (creating it 0600) and replays the journal; throws JournalError when a record does not authenticate. */
  static open(path: string, keys: JournalKeys, options: JournalOptions = {}): Journal {
    let fd: number;
    try {
      fd = openSync(path, "a+", 0o600); // O_APPEND: every write goes to the end
    } catch (e) {
      throw new JournalError(`cannot open journal ${path}: ${(e as Error).message}`);
    }
    try {
      const size = statSync(path).size;
      const bytes = Buffer.alloc(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, bytes, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      const text = bytes.subarray(0, got).toString("latin1");
      const end = text.lastIndexOf("\n") + 1;
      const lines = end === 0 ? [] : text.slice(0, end - 1).split("\n");
      const records = lines.map((line, i) => open(keys, i + 1, line, path));
      if (end < got) ftruncateSync(fd, end);
      return new Journal(path, keys, options, records, fd, got - end);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private remember(r: JournalRecord): void {
    if (r.kind === "duplicate" || r.kind === "rejected") return;
    // A reversal of a request not (yet) journalled: the request is refused if it arrives after all.
    if (r.kind === "reversal" && r.original && r.original.seq === undefined)
      this.reversedAhead.set(requestKey(r.original.mti, r.terminalId, r.original.stan), r.seq);
    this.index.set(requestKey(r.mti, r.terminalId, r.stan), {
      seq: r.seq,
      kind: r.kind,
      fingerprint: r.fingerprint,
      responseCode: r.responseCode,
      answer: r.answer ?? "",
      ...(r.panToken ? { panToken: r.panToken } : {}),
    });
    if (r.kind === "reversal" && r.applied && r.original?.seq !== undefined) this.reversedSeqs.add(r.original.seq);
  }

  /** Number of records. */
  get size(): number {
    return this.seq;
  }

  lookup(key: string): JournalEntry | undefined {
    return this.index.get(key);
  }

  isReversed(seq: number): boolean {
    return this.reversedSeqs.has(seq);
  }

  /** The reversal record that named this request (MTI, terminal, STAN) before the request itself arrived. */
  reversedBeforeArrival(key: string): number | undefined {
    return this.reversedAhead.get(key);
  }

  /** The PAN as HMAC-SHA-256 token (hex) and masked first 6 / last 4 (PCI DSS 3.3, 3.4). */
  protectPan(pan: string): { readonly panToken: string; readonly panMasked: string } {
    return { panToken: createHmac("sha256", this.keys.token).update(pan).digest("hex"), panMasked: maskPan(pan) };
  }

  /** Keyed digest of request content (HMAC-SHA-256, length-prefixed parts), stored instead of the content. */
  fingerprint(parts: readonly (string | Uint8Array | undefined)[]): string {
    const h = createHmac("sha256", this.keys.token);
    for (const p of parts) {
      const b = p === undefined ? Buffer.alloc(0) : typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(p === undefined ? 0xffffffff : b.length);
      h.update(len).update(b);
    }
    return h.digest("hex").slice(0, 32);
  }

  /** Seals and appends a record before its answer is sent (write-ahead); returns it with its number. */
  append(record: NewRecord): JournalRecord {
    if (this.fd === undefined) throw new JournalError(`journal ${this.path} is closed`);
    const full: JournalRecord = { seq: this.seq + 1, ...record };
    writeSync(this.fd, seal(this.keys, full.seq, full), null, "latin1");
    if (this.options.fsync) fdatasyncSync(this.fd);
    this.seq = full.seq;
    this.remember(full);
    return full;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  close(): void {
    if (this.fd === undefined) return;
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
