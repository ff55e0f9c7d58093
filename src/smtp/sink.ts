/**
 * The capture sink: an smtp-server on loopback where the gateway under test relays or delivers. It keeps
 * every message with its envelope, and lets the driver wait for the messages of one case, correlated by
 * envelope recipient (gateways keep envelopes while rewriting bodies) and, where present, Message-ID.
 */
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { SINK_MAX_MESSAGE_BYTES } from './limits.js';
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
}

type Waiter = { match: (m: CapturedMessage) => boolean; resolve: () => void };

export class CaptureSink {
  readonly messages: CapturedMessage[] = [];
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
    const options: SMTPServerOptions = {
      // The sink accepts any envelope and needs no AUTH; STARTTLS only when given credentials.
      disabledCommands: this.opts.tls ? ['AUTH'] : ['STARTTLS', 'AUTH'],
      ...(this.opts.tls ? { key: this.opts.tls.key, cert: this.opts.tls.cert } : {}),
      authOptional: true,
      size: SINK_MAX_MESSAGE_BYTES,
      logger: false,
      banner: 'domsec-suite capture sink',
      onData: (stream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            callback(Object.assign(new Error('552 message exceeds the sink limit'), { responseCode: 552 }));
            return;
          }
          if (this.opts.rejectWith) {
            callback(Object.assign(new Error(this.opts.rejectWith.message), { responseCode: this.opts.rejectWith.code }));
            return;
          }
          const m: CapturedMessage = {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            raw: Buffer.concat(chunks),
            receivedAt: Date.now(),
            remoteAddress: session.remoteAddress,
            tls: !!session.secure,
          };
          this.messages.push(m);
          for (const w of [...this.waiters]) if (w.match(m)) w.resolve();
          callback();
        });
      },
    };
    this.server = new SMTPServer(options);
    this.server.on('error', () => {
      /* a client that misbehaves must not crash the sink */
    });
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
