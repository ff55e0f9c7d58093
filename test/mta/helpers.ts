/**
 * Helpers for the Postfix tests: a recording SMTP server standing in for the gateway (it takes any SMTP
 * AUTH and records who authenticated; optionally it relays what it received, unchanged, to a next hop),
 * and header utilities.
 */
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { submit } from '../../src/smtp/submit.js';

export interface Recorded {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  /** The SMTP AUTH user of the session, if any. */
  user?: string;
  relayReply?: string;
}

export interface Recorder {
  host: string;
  port: number;
  messages: Recorded[];
  waitFor(rcpt: string, ms: number): Promise<Recorded | undefined>;
  close(): Promise<void>;
}

/** An SMTP server that records every message (and the AUTH user); with `relayTo`, relays it unchanged there before answering. */
export async function startRecorder(relayTo?: { host: string; port: number }): Promise<Recorder> {
  const messages: Recorded[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? '' });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const m: Recorded = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: Buffer.concat(chunks),
          ...(session.user ? { user: String(session.user) } : {}),
        };
        const done = (err?: Error): void => {
          messages.push(m);
          cb(err ?? null);
        };
        if (!relayTo) return done();
        void submit({ endpoint: relayTo, mailFrom: m.mailFrom, rcptTo: m.rcptTo, raw: m.raw, maxRetries: 0 }).then((r) => {
          m.relayReply = r.response;
          done(r.accepted ? undefined : Object.assign(new Error(`relay failed: ${r.response}`), { responseCode: 451 }));
        });
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    async waitFor(rcpt, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const m = messages.find((x) => x.rcptTo.includes(rcpt.toLowerCase()));
        if (m || Date.now() > end) return m;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Split a raw message into its header fields (each with its folded continuation lines) and the rest. */
export function headerFields(raw: Buffer): { fields: string[]; body: Buffer } {
  const s = raw.toString('latin1');
  const end = s.indexOf('\r\n\r\n');
  const head = end < 0 ? s : s.slice(0, end + 2);
  const fields: string[] = [];
  for (const line of head.split(/(?<=\r\n)/)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += line;
    else if (line) fields.push(line);
  }
  return { fields, body: end < 0 ? Buffer.alloc(0) : raw.subarray(end + 2) };
}

/** The message without its leading Received: fields (what an MTA prepends), as bytes. */
export function withoutLeadingReceived(raw: Buffer): { received: string[]; rest: Buffer } {
  const { fields } = headerFields(raw);
  const received: string[] = [];
  for (const f of fields) {
    if (!/^Received:/i.test(f)) break;
    received.push(f);
  }
  const skip = Buffer.byteLength(received.join(''), 'latin1');
  return { received, rest: raw.subarray(skip) };
}

