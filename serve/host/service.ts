// `emvsim host`: the network issuer host. A TLS 1.2+ listener requiring a client certificate from the configured
// CA; per connection a 2-byte-length framed ISO 8583:1987 reader; requests dispatched by MTI (0100 → 0110,
// 0200 → 0210, 0400 → 0410, 0120 → 0130) to the issuer logic (emulator/host). Every answer is journalled before it
// is sent; a repeated DE 11 + DE 41 gets the journalled answer (no second authorisation); a reversal applies to
// the journalled authorisation named by DE 90. A malformed message gets a format-error answer (DE 39 "30") when
// its MTI can be read; otherwise the connection is closed with one audit line. Nothing a peer sends throws.

import type net from "node:net";
import tls from "node:tls";
import type { AuthorizationResponse } from "../../emv/authorisation.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { maskPan } from "../../emv/sensitive.js";
import { decodeTlvs, findTlv } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import { decodeMessage, encodeMessage, Iso8583Error, type Iso8583Message } from "../../online/iso8583/codec.js";
import { REQUEST_MTIS, responseMti } from "../../online/iso8583/fields.js";
import { FrameReader, frame } from "../../online/iso8583/framing.js";
import { checkMac, encodeWithMac, macProblem } from "../../online/iso8583/mac.js";
import { authorizationRequestOf, ECHOED_FIELDS, responseMessage } from "../../online/iso8583/mapping.js";
import type { AuditEvent, AuditLog } from "./audit.js";
import { type Journal, type JournalEntry, type NewRecord, requestKey } from "./journal.js";

export class HostServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostServiceError";
  }
}

/** The issuer decision the service calls (SimulatedIssuerHost.decide). */
export interface IssuerDecision {
  decide(request: { readonly iccData: Uint8Array; readonly onlinePinBlock?: Uint8Array }): AuthorizationResponse;
}

export interface HostServiceOptions {
  readonly host: string;
  /** 0 for any free port (see `port` after start). */
  readonly port: number;
  /** PEM: the CA that client certificates must chain to, the host's certificate and key. */
  readonly tls: { readonly clientCa: string; readonly cert: string; readonly key: string };
  readonly issuer: IssuerDecision;
  readonly journal: Journal;
  readonly audit: AuditLog;
  /** A connection idle this long (no whole message) is closed. Default 120000 ms. */
  readonly idleTimeoutMs?: number;
  /** Bound on the TLS handshake. Default 10000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** Shared MAC key (16 bytes): requests must carry a valid DE 64/128 (else "63"), answers carry one. */
  readonly macKey?: Uint8Array;
  /** At most this many connections at once (default 1024). */
  readonly maxConnections?: number;
  /** Delay before an answer is written (a slow issuer link, for tests and the bench); the journal is written first. */
  readonly answerDelayMs?: (request: Iso8583Message) => number;
  readonly now?: () => Date;
}

/** ISO 8583:1987 response codes (DE 39) the service itself gives. */
export const RESPONSE = {
  APPROVED: "00",
  DECLINED: "05",
  INVALID_TRANSACTION: "12",
  NO_ORIGINAL: "25",
  FORMAT_ERROR: "30",
  SECURITY_VIOLATION: "63",
  DUPLICATE_TRANSMISSION: "94",
  SYSTEM_MALFUNCTION: "96",
} as const;

export interface HostStats {
  messages: number;
  authorisations: number;
  duplicates: number;
  reversals: number;
  advices: number;
  formatErrors: number;
  macFailures: number;
  closedUnreadable: number;
  refusedHandshakes: number;
}

interface Connection {
  readonly socket: tls.TLSSocket;
  readonly client: string;
}

/** Answer bytes queued to a connection beyond which it is closed. */
const MAX_UNREAD_BYTES = 1 << 20;

const ascii = (s: string) => new TextEncoder().encode(s);
const text = (m: Iso8583Message, n: number): string | undefined => {
  const v = m.fields.get(n);
  return typeof v === "string" ? v : undefined;
};

/** The MTI of bytes that do not decode, when its 4 BCD digits can be read. */
function readableMti(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2) return undefined;
  const digits = toHex(bytes.subarray(0, 2));
  return /^[0-9]{4}$/.test(digits) ? digits : undefined;
}

/** ISO 8583:1987 message function (third MTI digit): 0 request, 2 advice, 4 notification are sent to a host. */
const isRequestClass = (mti: string) => Number(mti[2]) % 2 === 0;

/** "CN=…,O=…" of the peer certificate. */
function subjectOf(socket: tls.TLSSocket): string {
  const subject = socket.getPeerCertificate()?.subject as Record<string, string | string[]> | undefined;
  if (!subject) return "(no certificate)";
  return Object.entries(subject)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
    .join(",");
}

/** The facts of a request a record keeps (see recordFacts). */
type RecordFacts = Pick<
  NewRecord,
  | "time"
  | "mti"
  | "terminalId"
  | "stan"
  | "transmission"
  | "panToken"
  | "panMasked"
  | "amount"
  | "currency"
  | "fingerprint"
  | "client"
>;

/**
 * DE 4 as the journal keeps it: only when it is the amount the card signed (9F02 in DE 55, the ARQC input of
 * Book 2 §8.1.1), so that a mis-framed message never puts other digits (a PAN's) into the record.
 */
function signedAmount(message: Iso8583Message): { amount?: string } {
  const de4 = text(message, 4);
  const icc = message.fields.get(55);
  if (de4 === undefined || !(icc instanceof Uint8Array)) return {};
  try {
    const amount = findTlv(decodeTlvs(icc), TAG.AMOUNT_AUTHORISED_NUMERIC);
    return amount && toHex(amount.value) === de4 ? { amount: de4 } : {};
  } catch {
    return {};
  }
}

/** The fields of an answer the host itself writes (approval code, response code, ICC data 91/71/72, reason). */
const HOST_FIELDS = [38, 39, 55, 63] as const;

/**
 * An answer as the journal keeps it: DE 39, and only the host's own fields encoded — nothing echoed from the
 * request, which carries the PAN (DE 2) and, in a mis-framed message, card data in any field.
 */
function storedAnswer(answer: Iso8583Message): { responseCode: string; answer: string } {
  const fields = new Map<number, string | Uint8Array>();
  for (const n of HOST_FIELDS) {
    const v = answer.fields.get(n);
    if (v !== undefined) fields.set(n, v);
  }
  return { responseCode: String(answer.fields.get(39)), answer: toHex(encodeMessage({ mti: answer.mti, fields })) };
}

/** A journalled answer again for a retransmitted request: the request's echoed fields and the stored host fields. */
function replayedAnswer(request: Iso8583Message, stored: string): Iso8583Message {
  const host = decodeMessage(fromHex(stored));
  const fields = new Map<number, string | Uint8Array>();
  for (const n of ECHOED_FIELDS) {
    const v = request.fields.get(n);
    if (v !== undefined) fields.set(n, v);
  }
  for (const [n, v] of host.fields) fields.set(n, v);
  return { mti: host.mti, fields: new Map([...fields].sort((a, b) => a[0] - b[0])) };
}

function declineOf(code: string, reason: string): AuthorizationResponse {
  return { authorisationResponseCode: ascii(code), scripts71: [], scripts72: [], reason };
}

export class HostService {
  readonly stats: HostStats = {
    messages: 0,
    authorisations: 0,
    duplicates: 0,
    reversals: 0,
    advices: 0,
    formatErrors: 0,
    macFailures: 0,
    closedUnreadable: 0,
    refusedHandshakes: 0,
  };
  private readonly connections = new Set<Connection>();
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: tls.Server,
    private readonly options: HostServiceOptions,
  ) {}

  /** Starts listening; rejects with a one-line HostServiceError (port in use, bad certificate or key). */
  static start(options: HostServiceOptions): Promise<HostService> {
    let server: tls.Server;
    try {
      server = tls.createServer({
        key: options.tls.key,
        cert: options.tls.cert,
        ca: options.tls.clientCa,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: "TLSv1.2",
        handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      });
    } catch (e) {
      const why = (e as Error).message.split("\n")[0];
      return Promise.reject(new HostServiceError(`TLS certificate or key not usable: ${why}`));
    }
    server.maxConnections = options.maxConnections ?? 1024;
    const service = new HostService(server, options);
    server.on("secureConnection", (socket) => service.accept(socket));
    server.on("tlsClientError", (err: Error & { code?: string }, socket: net.Socket) => {
      service.stats.refusedHandshakes++;
      const peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
      service.audit({ client: `(refused: ${peer})`, outcome: `TLS handshake refused: ${err.code ?? err.message}` });
    });
    return new Promise<HostService>((resolve, reject) => {
      const onError = (e: Error & { code?: string }) => {
        const where = `${options.host}:${options.port}`;
        const why =
          e.code === "EADDRINUSE"
            ? "address already in use"
            : e.code === "EACCES"
              ? "permission denied"
              : e.code === "EADDRNOTAVAIL"
                ? "address not available on this machine"
                : e.message;
        reject(new HostServiceError(`cannot listen on ${where}: ${why}`));
      };
      server.once("error", onError);
      server.listen(options.port, options.host, () => {
        server.off("error", onError);
        server.on("error", (e) => service.audit({ client: "(listener)", outcome: `listener error: ${e.message}` }));
        resolve(service);
      });
    });
  }

  /** The port listened on. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  private audit(event: AuditEvent): void {
    this.options.audit.write(event);
  }

  private accept(socket: tls.TLSSocket): void {
    const conn: Connection = { socket, client: subjectOf(socket) };
    if (this.stopping) {
      socket.destroy();
      return;
    }
    this.connections.add(conn);
    const reader = new FrameReader();
    const idle = this.options.idleTimeoutMs ?? 120_000;
    socket.setTimeout(idle, () => {
      const partial = reader.pending > 0 ? ` with ${reader.pending} bytes of a truncated frame` : "";
      this.audit({ client: conn.client, outcome: `idle for ${idle} ms${partial}: connection closed` });
      socket.destroy();
    });
    socket.on("data", (chunk: Buffer) => {
      for (const bytes of reader.push(chunk)) {
        if (socket.destroyed) return;
        this.handle(conn, bytes);
      }
    });
    socket.on("error", () => {
      // ECONNRESET and the like: the close handler below accounts for the connection.
    });
    socket.on("close", () => {
      this.connections.delete(conn);
      if (reader.pending > 0)
        this.audit({
          client: conn.client,
          outcome: `connection closed with ${reader.pending} bytes of a truncated frame (discarded)`,
        });
    });
  }

  /** One whole message: never throws. */
  private handle(conn: Connection, bytes: Uint8Array): void {
    this.stats.messages++;
    let message: Iso8583Message;
    try {
      message = decodeMessage(bytes);
    } catch (e) {
      const why = e instanceof Iso8583Error ? e.message : String(e);
      const mti = readableMti(bytes);
      if (mti !== undefined && isRequestClass(mti)) {
        this.stats.formatErrors++;
        // The fields read before the fault (DE 11, 41 …) are echoed so that the terminal can match the answer.
        const partial = e instanceof Iso8583Error && e.partial ? e.partial : { mti, fields: new Map() };
        const stan = text(partial, 11);
        const terminalId = text(partial, 41);
        this.audit({
          client: conn.client,
          mti,
          ...(stan === undefined ? {} : { stan }),
          ...(terminalId === undefined ? {} : { terminalId }),
          outcome: `format error (30): ${why}`,
        });
        this.reply(conn, partial, declineOf(RESPONSE.FORMAT_ERROR, `format error: ${why}`));
      } else {
        this.stats.closedUnreadable++;
        this.audit({ client: conn.client, outcome: `unreadable message (${why}): connection closed` });
        conn.socket.destroy();
      }
      return;
    }
    const terminalId = text(message, 41);
    const stan = text(message, 11);
    const pan = text(message, 2);
    const base = {
      client: conn.client,
      mti: message.mti,
      ...(terminalId === undefined ? {} : { terminalId }),
      ...(stan === undefined ? {} : { stan }),
      ...(pan === undefined ? {} : { pan: maskPan(pan) }),
    };
    try {
      const macKey = this.options.macKey;
      const mac = macKey ? checkMac(bytes, message, macKey) : "ok";
      if (mac !== "ok") {
        this.stats.macFailures++;
        const why = macProblem(mac, message);
        this.audit({ ...base, outcome: `security violation (63): ${why}; not processed` });
        this.reply(conn, message, declineOf(RESPONSE.SECURITY_VIOLATION, why));
        return;
      }
      if (!REQUEST_MTIS.has(message.mti)) {
        if (!isRequestClass(message.mti)) {
          this.stats.closedUnreadable++;
          this.audit({ ...base, outcome: `message type ${message.mti} is not sent to a host: connection closed` });
          conn.socket.destroy();
          return;
        }
        this.reply(conn, message, declineOf(RESPONSE.INVALID_TRANSACTION, `message type ${message.mti} not supported`));
        this.audit({ ...base, outcome: `not supported (12)` });
        return;
      }
      if (terminalId === undefined || stan === undefined) {
        throw new Iso8583Error("bad-value", `${message.mti}: field ${stan === undefined ? 11 : 41} is missing`);
      }
      const { answer, outcome } = this.dispatch(conn, message, terminalId, stan);
      this.audit({ ...base, outcome });
      this.send(conn, answer, this.options.answerDelayMs?.(message) ?? 0);
    } catch (e) {
      const format = e instanceof Iso8583Error;
      if (format) this.stats.formatErrors++;
      const code = format ? RESPONSE.FORMAT_ERROR : RESPONSE.SYSTEM_MALFUNCTION;
      const why = e instanceof Error ? e.message : String(e);
      this.audit({ ...base, outcome: `${format ? "format error" : "system malfunction"} (${code}): ${why}` });
      this.reply(conn, message, declineOf(code, why));
    }
  }

  /** Answers a request that is rejected without being processed (12, 30, 63, 96), and journals the answer. */
  private reply(conn: Connection, request: Iso8583Message, response: AuthorizationResponse): void {
    try {
      const answer = responseMessage(request, responseMti(request.mti), response);
      this.journalRejection(this.recordFacts(conn, request, ""), {}, answer);
      this.send(conn, answer, 0);
    } catch (e) {
      this.audit({ client: conn.client, outcome: `answer not encodable (${(e as Error).message}): connection closed` });
      conn.socket.destroy();
    }
  }

  private send(conn: Connection, answer: Iso8583Message, delayMs: number): void {
    const key = this.options.macKey;
    const bytes = frame(key ? encodeWithMac(answer, key) : encodeMessage(answer));
    // A peer that does not read its answers is not buffered for without bound.
    if (conn.socket.writableLength > MAX_UNREAD_BYTES) {
      this.audit({
        client: conn.client,
        outcome: `peer does not read its answers (${conn.socket.writableLength} bytes queued): connection closed`,
      });
      conn.socket.destroy();
      return;
    }
    if (delayMs <= 0) {
      if (!conn.socket.destroyed) conn.socket.write(bytes);
      return;
    }
    this.inFlight++;
    setTimeout(() => {
      if (!conn.socket.destroyed) conn.socket.write(bytes);
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    }, delayMs);
  }

  /** Routes a decoded request with its DE 41 and DE 11; returns the answer (already journalled) and the audit outcome. */
  private dispatch(
    conn: Connection,
    message: Iso8583Message,
    terminalId: string,
    stan: string,
  ): { answer: Iso8583Message; outcome: string } {
    const journal = this.options.journal;
    const isReversal = message.mti === "0400";
    // A retransmission repeats the request whole; a reused STAN with other content is not one.
    const fingerprint = journal.fingerprint([
      message.mti,
      text(message, 2),
      text(message, 4),
      isReversal ? text(message, 90) : undefined,
      message.fields.get(55),
    ]);
    const key = requestKey(message.mti, terminalId, stan);
    const common = { ...this.recordFacts(conn, message, fingerprint), ...signedAmount(message) };
    const prior = journal.lookup(key);
    if (prior) return this.duplicate(message, prior, fingerprint, common);

    let response: AuthorizationResponse;
    let record: Omit<NewRecord, "answer" | "responseCode" | keyof typeof common>;
    let outcome: string;
    const reversedAhead = journal.reversedBeforeArrival(key);
    if ((message.mti === "0100" || message.mti === "0200") && reversedAhead !== undefined) {
      // The terminal reversed this request before it got here: it has cancelled it, so it is not authorised.
      authorizationRequestOf(message);
      this.stats.authorisations++;
      response = declineOf(
        RESPONSE.DECLINED,
        `reversed by the terminal before it arrived (record ${reversedAhead}): not authorised`,
      );
      record = { kind: "authorisation" };
      outcome = `declined (05): ${response.reason}`;
    } else if (message.mti === "0100" || message.mti === "0200") {
      // EMV Book 3 §10.9 / Book 4 §6.3.6: the issuer checks the ARQC in DE 55 and answers 8A, 91, 71/72.
      response = this.options.issuer.decide(authorizationRequestOf(message));
      this.stats.authorisations++;
      record = { kind: "authorisation" };
      const code = new TextDecoder().decode(response.authorisationResponseCode);
      outcome = `${code === RESPONSE.APPROVED ? "approved" : "declined"} (${code}): ${response.reason}`;
    } else if (message.mti === "0120") {
      // An advice reports what the terminal (or card) already decided: recorded, acknowledged, not authorised.
      authorizationRequestOf(message);
      this.stats.advices++;
      response = declineOf(RESPONSE.APPROVED, "advice recorded");
      record = { kind: "advice" };
      outcome = "advice recorded (00)";
    } else {
      const reversal = this.reversal(message, terminalId);
      this.stats.reversals++;
      response = declineOf(reversal.code, reversal.reason);
      record = {
        kind: "reversal",
        original: reversal.original,
        applied: reversal.applied,
      };
      outcome = `${reversal.reason} (${reversal.code})`;
    }
    const code = new TextDecoder().decode(response.authorisationResponseCode);
    const approvalCode =
      record.kind === "authorisation" && code === RESPONSE.APPROVED
        ? String((journal.size + 1) % 1_000_000).padStart(6, "0")
        : undefined;
    const answer = responseMessage(message, responseMti(message.mti), response, approvalCode);
    journal.append({ ...common, ...record, ...(approvalCode ? { approvalCode } : {}), ...storedAnswer(answer) });
    return { answer, outcome };
  }

  /** A reversal (ISO 8583:1987 0400, DE 90 = original MTI ‖ STAN ‖ DE 7 ‖ zeros) of a journalled request. */
  private reversal(
    message: Iso8583Message,
    terminalId: string,
  ): {
    code: string;
    reason: string;
    applied: boolean;
    original: { mti: string; stan: string; seq?: number };
  } {
    const de90 = text(message, 90);
    if (de90 === undefined)
      throw new Iso8583Error("bad-value", "0400: field 90 (original data elements) is missing", 90);
    const original = { mti: de90.slice(0, 4), stan: de90.slice(4, 10) };
    const found = this.options.journal.lookup(requestKey(original.mti, terminalId, original.stan));
    if (found?.kind !== "authorisation")
      return {
        code: RESPONSE.NO_ORIGINAL,
        reason: `no authorisation ${original.mti} STAN ${original.stan} from this terminal: nothing reversed`,
        applied: false,
        original,
      };
    if (this.options.journal.isReversed(found.seq))
      return {
        code: RESPONSE.APPROVED,
        reason: `authorisation STAN ${original.stan} (record ${found.seq}) was already reversed`,
        applied: false,
        original: { ...original, seq: found.seq },
      };
    return {
      code: RESPONSE.APPROVED,
      reason: `authorisation STAN ${original.stan} (record ${found.seq}, answered ${found.responseCode}) reversed`,
      applied: true,
      original: { ...original, seq: found.seq },
    };
  }

  /** A repeated DE 41 + DE 11: the journalled answer again, or "94" when the STAN was reused for another request. */
  private duplicate(
    message: Iso8583Message,
    prior: JournalEntry,
    fingerprint: string,
    common: RecordFacts,
  ): { answer: Iso8583Message; outcome: string } {
    this.stats.duplicates++;
    if (prior.fingerprint !== fingerprint) {
      const answer = responseMessage(
        message,
        responseMti(message.mti),
        declineOf(RESPONSE.DUPLICATE_TRANSMISSION, `STAN already used by this terminal (record ${prior.seq})`),
      );
      this.journalRejection(common, { duplicateOf: prior.seq }, answer);
      return { answer, outcome: `STAN reused for a different request (94); record ${prior.seq} stands` };
    }
    const answer = replayedAnswer(message, prior.answer);
    this.journalRejection(common, { kind: "duplicate", duplicateOf: prior.seq }, answer);
    return {
      answer,
      outcome: `duplicate of record ${prior.seq}: journalled answer (${prior.responseCode}) returned, not processed again`,
    };
  }

  /** The facts a journal record keeps of a request (amount apart, see signedAmount): no PAN but its token and mask. */
  private recordFacts(conn: Connection, message: Iso8583Message, fingerprint: string): RecordFacts {
    const pan = text(message, 2);
    const field = (n: number, name: "transmission" | "currency") => {
      const v = text(message, n);
      return v === undefined ? {} : { [name]: v };
    };
    return {
      time: (this.options.now ?? (() => new Date()))().toISOString(),
      mti: message.mti,
      terminalId: text(message, 41) ?? "",
      stan: text(message, 11) ?? "",
      ...field(7, "transmission"),
      ...(pan === undefined ? {} : this.options.journal.protectPan(pan)),
      ...field(49, "currency"),
      fingerprint,
      client: conn.client,
    };
  }

  /**
   * Journals a duplicate or a rejected request (not indexed): its MTI, DE 41, DE 11, client and DE 39 only — the
   * request may be mis-framed, so none of its other fields is kept. A journal failure here is only audited.
   */
  private journalRejection(
    facts: RecordFacts,
    extra: { readonly kind?: "duplicate" | "rejected"; readonly duplicateOf?: number },
    answer: Iso8583Message,
  ): void {
    try {
      this.options.journal.append({
        time: facts.time,
        kind: extra.kind ?? "rejected",
        mti: facts.mti,
        terminalId: facts.terminalId,
        stan: facts.stan,
        fingerprint: "",
        responseCode: String(answer.fields.get(39)),
        ...(extra.duplicateOf === undefined ? {} : { duplicateOf: extra.duplicateOf }),
        client: facts.client,
      });
    } catch (e) {
      this.audit({ client: facts.client, outcome: `journal write failed: ${(e as Error).message}` });
    }
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, stops reading, finishes the answers in flight, closes every connection and the journal
   * (bounded by graceMs; connections still open then are destroyed).
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      const closed = new Promise<void>((r) => this.server.close(() => r()));
      for (const c of this.connections) c.socket.pause();
      const deadline = Date.now() + graceMs;
      if (this.inFlight > 0) {
        await Promise.race([
          new Promise<void>((r) => {
            this.drained = r;
          }),
          new Promise<void>((r) => setTimeout(r, graceMs).unref()),
        ]);
      }
      for (const c of this.connections) c.socket.end();
      await Promise.race([closed, new Promise<void>((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
      for (const c of this.connections) c.socket.destroy();
      this.options.journal.close();
      this.options.audit.close();
    })();
    return this.stopping;
  }
}
