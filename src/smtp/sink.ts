/**
 * The capture sink: an smtp-server on loopback where the gateway under test relays or delivers. It keeps
 * every message with its envelope, and lets the driver wait for the messages of one case, correlated by
 * envelope recipient (gateways keep envelopes while rewriting bodies) and, where present, Message-ID.
 */
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { SINK_COMMAND_MAX_MS, SINK_DATA_MAX_MS, SINK_MAX_MESSAGE_BYTES, SINK_SESSION_MAX_MS } from './limits.js';
import { boundedData, boundSessions, type SessionBounds } from './bounds.js';
import type { TlsCredentials } from './tls.js';

export interface CapturedMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  receivedAt: number;
  remoteAddress: string;
  /** The gateway relayed over TLS (STARTTLS). */
  tls: boolean;
}

export interface SinkOptions {
  host?: string;
  port?: number;
  /** Offer STARTTLS with these credentials (a gateway that relays only over TLS); default plain SMTP. */
  tls?: TlsCredentials;
  /** Reply to every DATA with this code (for tests of the suite itself). */
  rejectWith?: { code: number; message: string };
  /** SIZE (RFC 1870), default SINK_MAX_MESSAGE_BYTES; a larger DATA gets 552 and none of it is kept. */
  maxMessageBytes?: number;
  /** Time bounds on each client, default SINK_*_MAX_MS (src/smtp/limits.ts). */
  bounds?: Partial<SessionBounds>;
}

/** A DATA the sink refused as over its size limit: counted, not kept (evidence that a gateway relayed too much). */
export interface OversizedMessage {
  mailFrom: string;
  rcptTo: string[];
  /** Bytes the client sent. */
  bytes: number;
  /** The most bytes the sink held of it at any time (at most the limit). */
  peakKeptBytes: number;
}

type Waiter = { match: (m: CapturedMessage) => boolean; resolve: () => void };

export class CaptureSink {
  readonly messages: CapturedMessage[] = [];
  readonly oversized: OversizedMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private server?: SMTPServer;
  private boundPort = 0;

  constructor(private readonly opts: SinkOptions = {}) {}

  get port(): number {
    return this.boundPort;
  }
  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  async start(): Promise<this> {
    const maxBytes = this.opts.maxMessageBytes ?? SINK_MAX_MESSAGE_BYTES;
    const options: SMTPServerOptions = {
      // The sink accepts any envelope and needs no AUTH; STARTTLS only when given credentials.
      disabledCommands: this.opts.tls ? ['AUTH'] : ['STARTTLS', 'AUTH'],
      ...(this.opts.tls ? { key: this.opts.tls.key, cert: this.opts.tls.cert } : {}),
      authOptional: true,
      size: maxBytes,
      logger: false,
      banner: 'domsec-suite capture sink',
      onData: (stream, session: SMTPServerSession, callback) => {
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const rcptTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        // Kept up to the limit only: a 1.2 GB DATA held whole pushed the sink to 1.3 GB (issue 12, item 10).
        boundedData(stream, maxBytes).then(
          (d) => {
            if (!d.message) {
              this.oversized.push({ mailFrom, rcptTo, bytes: d.receivedBytes, peakKeptBytes: d.peakKeptBytes });
              // smtp-server answers 552 itself once the content is over `size`; this is for a stream it did not flag.
              callback(Object.assign(new Error(`message exceeds the sink limit of ${maxBytes} bytes`), { responseCode: 552 }));
              return;
            }
            if (this.opts.rejectWith) {
              callback(Object.assign(new Error(this.opts.rejectWith.message), { responseCode: this.opts.rejectWith.code }));
              return;
            }
            const m: CapturedMessage = { mailFrom, rcptTo, raw: d.message, receivedAt: Date.now(), remoteAddress: session.remoteAddress, tls: !!session.secure };
            this.messages.push(m);
            for (const w of [...this.waiters]) if (w.match(m)) w.resolve();
            callback();
          },
          () => undefined, // the client went away mid-DATA: nothing to keep, nobody to answer
        );
      },
    };
    this.server = new SMTPServer(options);
    this.server.on('error', () => {
      /* a client that misbehaves must not crash the sink */
    });
    boundSessions(this.server, { commandMs: SINK_COMMAND_MAX_MS, dataMs: SINK_DATA_MAX_MS, sessionMs: SINK_SESSION_MAX_MS, ...this.opts.bounds });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.host, () => {
        this.boundPort = (this.server!.server.address() as AddressInfo).port;
        resolve();
      });
    });
    return this;
  }

  /** Messages for this envelope recipient (case correlation). */
  for(rcpt: string): CapturedMessage[] {
    const r = rcpt.toLowerCase();
    return this.messages.filter((m) => m.rcptTo.includes(r));
  }

  /**
   * Wait until a message for `rcpt` arrives, or `timeoutMs` passes; then wait `settleMs` more so that a
   * duplicate relay is seen too. Resolves with whatever arrived (possibly nothing).
   */
  async waitFor(rcpt: string, timeoutMs: number, settleMs = 150): Promise<CapturedMessage[]> {
    const r = rcpt.toLowerCase();
    if (this.for(r).length === 0) {
      await new Promise<void>((resolve) => {
        const w: Waiter = { match: (m) => m.rcptTo.includes(r), resolve: () => { this.waiters.delete(w); clearTimeout(timer); resolve(); } };
        const timer = setTimeout(() => { this.waiters.delete(w); resolve(); }, timeoutMs);
        this.waiters.add(w);
      });
    }
    if (this.for(r).length > 0 && settleMs > 0) await new Promise((res) => setTimeout(res, settleMs));
    return this.for(r);
  }

  async stop(): Promise<void> {
    for (const w of [...this.waiters]) w.resolve();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
