// The terminal's end of the network issuer link: an IssuerHost (emv/authorisation.ts) that sends each
// authorisation as an ISO 8583:1987 0100 over TLS (or plain TCP only when explicitly insecure) with the 2-byte
// length header, matches the 0110 by STAN (DE 11) and terminal (DE 41), and reverses (0400) a request the host
// did not answer in time (ISO 8583:1987 reversal: the acquirer cannot tell whether the issuer acted on it).

import net from "node:net";
import tls from "node:tls";
import type { AuthorizationRequest, AuthorizationResponse, IssuerHost } from "../emv/authorisation.js";
import { decodeMessage, encodeMessage, Iso8583Error, type Iso8583Message } from "./iso8583/codec.js";
import { FrameReader, frame } from "./iso8583/framing.js";
import { checkMac, encodeWithMac, macProblem } from "./iso8583/mac.js";
import { authorizationResponseOf, type RequestContext, requestMessage } from "./iso8583/mapping.js";
import { memoryStan, type StanSource } from "./stan.js";

export class OnlineLinkError extends Error {
  /** The request was sent but not answered: the host may have acted on it, so the terminal reverses it. */
  constructor(
    message: string,
    readonly inDoubt = false,
  ) {
    super(message);
    this.name = "OnlineLinkError";
  }
}

export interface NetworkHostOptions {
  /** tls://HOST:PORT, or tcp://HOST:PORT together with insecure: true. */
  readonly url: string;
  readonly insecure?: boolean;
  /** PEM: CA that signed the host's certificate, the terminal's client certificate and key. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Server name checked against the host certificate; defaults to the URL's host. */
  readonly servername?: string;
  /** Bound on each answer, in ms (default 10000); also on connecting unless connectTimeoutMs is given. */
  readonly timeoutMs?: number;
  /** Bound on connecting (TCP and the TLS handshake), in ms (default: timeoutMs). */
  readonly connectTimeoutMs?: number;
  readonly terminalId: string;
  readonly merchantId: string;
  /** First STAN (default 1); each request takes the next, wrapping after 999999. Ignored when `stan` is given. */
  readonly firstStan?: number;
  /** Where STANs come from (e.g. fileStan: continued across processes); default memoryStan(firstStan). */
  readonly stan?: StanSource;
  /** Shared MAC key (16 bytes): requests carry DE 64/128 (online/iso8583/mac.ts), answers must verify. */
  readonly macKey?: Uint8Array;
  /** DE 22 point of service entry mode: "051" chip (default), "071" contactless chip. */
  readonly entryMode?: "051" | "071";
  /** Clock for DE 7 (tests pin it). */
  readonly now?: () => Date;
}

export function parseHostUrl(
  url: string,
  insecure = false,
): { readonly secure: boolean; readonly host: string; readonly port: number } {
  const m = /^(tls|tcp):\/\/([^:/]+):(\d{1,5})$/.exec(url);
  if (!m) throw new OnlineLinkError(`--host '${url}': expected tls://HOST:PORT or tcp://HOST:PORT`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new OnlineLinkError(`--host '${url}': port ${port} is out of range`);
  if (m[1] === "tcp" && !insecure)
    throw new OnlineLinkError(`--host '${url}': plain TCP carries card data in clear; add --insecure to allow it`);
  return { secure: m[1] === "tls", host: m[2] as string, port };
}

const two = (n: number) => String(n).padStart(2, "0");
function transmission(d: Date): string {
  return `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

interface Pending {
  readonly resolve: (m: Iso8583Message) => void;
  readonly reject: (e: Error) => void;
}

export class NetworkIssuerHost implements IssuerHost {
  private socket: net.Socket | undefined;
  private connecting: Promise<net.Socket> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly stan: StanSource;
  private readonly target: ReturnType<typeof parseHostUrl>;
  /** Reversals queued (for reports and tests): the STAN of each request reversed. */
  readonly reversed: string[] = [];
  private readonly pendingReversals: Iso8583Message[] = [];

  constructor(private readonly options: NetworkHostOptions) {
    this.target = parseHostUrl(options.url, options.insecure);
    this.stan = options.stan ?? memoryStan(options.firstStan ?? 1);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  private connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    const { secure, host, port } = this.target;
    this.connecting = new Promise<net.Socket>((resolve, reject) => {
      const o = this.options;
      const socket = secure
        ? tls.connect({
            host,
            port,
            minVersion: "TLSv1.2",
            rejectUnauthorized: true,
            servername: o.servername ?? (net.isIP(host) ? undefined : host),
            ...(o.ca ? { ca: o.ca } : {}),
            ...(o.cert ? { cert: o.cert } : {}),
            ...(o.key ? { key: o.key } : {}),
          })
        : net.connect({ host, port });
      const bound = o.connectTimeoutMs ?? this.timeoutMs;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new OnlineLinkError(`issuer host ${o.url}: no connection within ${bound} ms`));
      }, bound);
      const ready = () => {
        clearTimeout(timer);
        this.socket = socket;
        resolve(socket);
      };
      socket.once(secure ? "secureConnect" : "connect", ready);
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(new OnlineLinkError(`issuer host ${o.url}: ${e.message}`));
      });
      const reader = new FrameReader();
      socket.on("data", (chunk: Buffer) => {
        for (const bytes of reader.push(chunk)) this.receive(bytes);
      });
      socket.on("close", () => {
        if (this.socket === socket) this.socket = undefined;
        for (const [key, p] of this.pending) {
          this.pending.delete(key);
          p.reject(new OnlineLinkError(`issuer host ${o.url}: connection closed before the answer`, true));
        }
      });
    }).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private receive(bytes: Uint8Array): void {
    let message: Iso8583Message;
    try {
      message = decodeMessage(bytes);
    } catch (e) {
      // An answer we cannot read cannot be matched; the request it belonged to times out and is reversed.
      if (e instanceof Iso8583Error) return;
      throw e;
    }
    const key = `${message.mti}:${String(message.fields.get(11))}`;
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    const check = this.options.macKey ? checkMac(bytes, message, this.options.macKey) : "ok";
    // An answer that does not authenticate is not acted on: the request stays in doubt and is reversed.
    if (check !== "ok")
      p.reject(new OnlineLinkError(`issuer host ${this.options.url}: ${macProblem(check, message)}`, true));
    else p.resolve(message);
  }

  private async exchange(message: Iso8583Message, answerMti: string): Promise<Iso8583Message> {
    const socket = await this.connect();
    const key = `${answerMti}:${String(message.fields.get(11))}`;
    return new Promise<Iso8583Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(
          new OnlineLinkError(
            `issuer host ${this.options.url}: no ${answerMti} for STAN ${String(message.fields.get(11))} within ${this.timeoutMs} ms`,
            true,
          ),
        );
      }, this.timeoutMs);
      this.pending.set(key, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const macKey = this.options.macKey;
      socket.write(frame(macKey ? encodeWithMac(message, macKey) : encodeMessage(message)));
    });
  }

  async authorize(request: AuthorizationRequest): Promise<AuthorizationResponse> {
    // Reversals still owed from earlier requests go first (ISO 8583:1987: resent until answered).
    await this.flushReversals();
    const now = (this.options.now ?? (() => new Date()))();
    const context: RequestContext = {
      stan: this.stan.next(),
      terminalId: this.options.terminalId,
      merchantId: this.options.merchantId,
      transmission: transmission(now),
      entryMode: this.options.entryMode ?? "051",
    };
    const message = requestMessage("0100", request, context);
    try {
      return authorizationResponseOf(await this.exchange(message, "0110"));
    } catch (e) {
      if (e instanceof OnlineLinkError && e.inDoubt) {
        this.pendingReversals.push(this.reversalOf(message));
        this.reversed.push(String(message.fields.get(11)));
        await this.flushReversals();
      }
      throw e;
    }
  }

  /** The 0400 for an unanswered request: its fields without DE 35/52, DE 90 = original MTI, STAN, DE 7. */
  private reversalOf(original: Iso8583Message): Iso8583Message {
    const fields = new Map(original.fields);
    fields.delete(52);
    fields.delete(35);
    const stan = String(original.fields.get(11));
    fields.set(90, `${original.mti}${stan}${String(original.fields.get(7))}${"0".repeat(22)}`);
    return { mti: "0400", fields };
  }

  /**
   * Sends the reversals still owed, oldest first, each until its 0410 arrives (bounded by timeoutMs); stops at
   * the first one unanswered and keeps it and the rest for the next attempt. Returns how many are still owed.
   */
  async flushReversals(): Promise<number> {
    while (this.pendingReversals.length > 0) {
      try {
        await this.exchange(this.pendingReversals[0] as Iso8583Message, "0410");
        this.pendingReversals.shift();
      } catch (e) {
        if (e instanceof OnlineLinkError) break;
        throw e;
      }
    }
    return this.pendingReversals.length;
  }

  /** Reversals sent but not yet answered (resent by flushReversals and before the next request). */
  get reversalsOwed(): number {
    return this.pendingReversals.length;
  }

  close(): void {
    this.socket?.end();
    this.socket = undefined;
  }
}
