/**
 * The reference gateway: the engine as an SMTP relay on loopback, usable as a model for vendors.
 *
 *   outbound listener   mail from the domain's users, leaving the domain. SMTP AUTH (PLAIN, LOGIN) is
 *                       optional; a session that authenticated has an externally authenticated originator
 *                       (draft 3.2). DATA runs the Section 5 rules (src/gateway/outbound.ts): refusals are
 *                       550 5.7.x naming the engine's error code, nothing is relayed; the result is relayed
 *                       with the same envelope to the next hop, and only then is the DATA answered.
 *   inbound listener    mail from other domains: decrypt for the local DCA, verify, flag with
 *                       Authentication-Results (src/gateway/inbound.ts), deliver with the same envelope.
 *
 * Both are smtp-server instances built from one options function (smtpOptions). Every outcome is an SMTP
 * reply from src/gateway/replies.ts: input never throws out of a handler, and a bug in the gateway is
 * 451 4.3.0 (the sender retries) rather than a crash. Relaying is synchronous (the client's DATA waits
 * for the next hop's answer), so the gateway keeps no queue: a 250 means the next hop has the message.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerAuthenticationResponse, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { DomsecError } from '../errors.js';
import { prependHeaders } from '../mime/index.js';
import { submit } from '../smtp/submit.js';
import type { GatewayConfig } from './config.js';
import { validateGatewayConfig } from './validate.js';
import { buildRuntime, type GatewayRuntime } from './runtime.js';
import { processOutbound } from './outbound.js';
import { processInbound } from './inbound.js';
import { REPLIES, replyError, replyForError, replyText, type ReplyName } from './replies.js';
import {
  CLOSE_TIMEOUT_MS, GATEWAY_MAX_MESSAGE_BYTES, MAX_CLIENTS, MAX_RECIPIENTS, RELAY_CONNECT_TIMEOUT_MS, RELAY_GREETING_TIMEOUT_MS, RELAY_MAX_RETRIES,
  RELAY_SOCKET_TIMEOUT_MS, SOCKET_TIMEOUT_MS,
} from './limits.js';

export interface RunningGateway {
  outboundPort: number;
  inboundPort: number;
  host: string;
  close(): Promise<void>;
}

export type Direction = 'outbound' | 'inbound';

/** One finished DATA transaction, for logs (the CLI prints one line per event). */
export interface GatewayEvent {
  direction: Direction;
  session: string;
  mailFrom: string;
  rcptTo: string[];
  bytes: number;
  /** The reply the client got, e.g. "250 2.0.0 OK: relayed" or "550 5.7.7 ...". */
  reply: string;
  outcome: 'relayed' | 'refused' | 'relay-failed' | 'error';
  /** Inbound: the smime result flagged. */
  result?: string;
  /** Outbound: the engine's steps; inbound: decrypted or not. */
  detail?: string;
}

export interface GatewayHooks {
  onEvent?(e: GatewayEvent): void;
}

type Reply = { ok: true; text: string } | { ok: false; name: ReplyName; detail?: string };

function passwordMatches(users: Record<string, string>, user: string, pass: string): boolean {
  if (!Object.hasOwn(users, user)) return false;
  const h = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(users[user]!), h(pass));
}

/** RFC 5321 4.4 trace field. The HELO name comes from the client: only host-name characters are kept. */
function receivedField(session: SMTPServerSession, rt: GatewayRuntime, direction: Direction): [string, string] {
  const helo = String(session.hostNameAppearsAs || 'unknown').replace(/[^A-Za-z0-9.\-:[\]_]/g, '_').slice(0, 255);
  const date = new Date().toUTCString().replace(/GMT$/, '+0000');
  const proto = /^[A-Z]+$/.test(session.transmissionType) ? session.transmissionType : 'ESMTP';
  return ['Received', `from ${helo} ([${session.remoteAddress}]) by ${rt.authservId} (domsec-suite reference gateway, ${direction}) with ${proto} id ${session.id.replace(/[^A-Za-z0-9]/g, '')}; ${date}`];
}

async function relay(nextHop: GatewayConfig['nextHop'], mailFrom: string, rcptTo: string[], raw: Buffer): Promise<Reply> {
  const r = await submit({
    endpoint: { host: nextHop.host, port: nextHop.port, ...(nextHop.requireTls ? { requireTls: true } : {}), ...(nextHop.tlsCaFile ? { tlsCaFile: nextHop.tlsCaFile } : {}) },
    mailFrom, rcptTo, raw,
    maxRetries: RELAY_MAX_RETRIES,
    timeouts: { connectMs: RELAY_CONNECT_TIMEOUT_MS, greetingMs: RELAY_GREETING_TIMEOUT_MS, socketMs: RELAY_SOCKET_TIMEOUT_MS },
  });
  if (r.accepted) return { ok: true, text: replyText('relayed', `next hop ${nextHop.host}:${nextHop.port} answered ${r.response}`) };
  if (r.failure === 'rejected') return { ok: false, name: 'relayRejected', detail: r.response };
  return { ok: false, name: 'relayTransient', detail: `${r.failure ?? 'failure'}: ${r.response}` };
}

async function handleMessage(direction: Direction, raw: Buffer, session: SMTPServerSession, rt: GatewayRuntime, nextHop: GatewayConfig['nextHop'], hooks: GatewayHooks): Promise<Reply> {
  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const rcptTo = session.envelope.rcptTo.map((r) => r.address);
  const event = (reply: Reply, outcome: GatewayEvent['outcome'], extra: Partial<GatewayEvent> = {}): Reply => {
    const text = reply.ok ? `250 ${reply.text}` : `${REPLIES[reply.name].code} ${replyText(reply.name, reply.detail)}`;
    try {
      hooks.onEvent?.({ direction, session: session.id, mailFrom, rcptTo, bytes: raw.length, reply: text, outcome, ...extra });
    } catch {
      /* a logging hook must not change the reply */
    }
    return reply;
  };
  let out: Buffer;
  const extra: Partial<GatewayEvent> = {};
  try {
    const received = receivedField(session, rt, direction);
    if (direction === 'outbound') {
      const r = processOutbound(raw, { mailFrom, rcptTo, authenticated: !!session.user }, rt);
      out = prependHeaders(r.message, [received]);
      extra.detail = r.steps.join('; ');
    } else {
      const r = processInbound(raw, rt, [received]);
      out = r.message;
      extra.result = r.result;
      extra.detail = r.decrypted ? `decrypted ${r.shape ?? ''}`.trim() : r.shape ?? 'unparseable';
    }
  } catch (e) {
    if (e instanceof DomsecError) return event({ ok: false, name: replyForError(e.code), detail: `${e.code}: ${e.message}` }, 'refused');
    return event({ ok: false, name: 'internal', detail: e instanceof Error ? e.message : String(e) }, 'error');
  }
  const reply = await relay(nextHop, mailFrom, rcptTo, out);
  return event(reply, reply.ok ? 'relayed' : 'relay-failed', extra);
}

/** The smtp-server options of one listener: the two differ only in AUTH and what DATA does. */
function smtpOptions(direction: Direction, rt: GatewayRuntime, nextHop: GatewayConfig['nextHop'], hooks: GatewayHooks): SMTPServerOptions {
  return {
    name: rt.authservId,
    banner: `domsec-suite reference gateway for ${rt.domain} (${direction})`,
    // Inbound mail from other domains never authenticates. Without TLS credentials there is no STARTTLS, and
    // AUTH in clear text is allowed because validateGatewayConfig keeps such a gateway on loopback; with them,
    // AUTH is only taken after STARTTLS (RFC 4954 4: smtp-server answers 538 before it).
    disabledCommands: [...(rt.tls ? [] : ['STARTTLS']), ...(direction === 'outbound' ? [] : ['AUTH'])],
    ...(rt.tls ? { key: rt.tls.key, cert: rt.tls.cert } : {}),
    authOptional: true,
    allowInsecureAuth: !rt.tls,
    authMethods: ['PLAIN', 'LOGIN'],
    size: GATEWAY_MAX_MESSAGE_BYTES,
    maxClients: MAX_CLIENTS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    closeTimeout: CLOSE_TIMEOUT_MS,
    disableReverseLookup: true,
    // Our replies carry their own enhanced codes (src/gateway/replies.ts).
    hideENHANCEDSTATUSCODES: true,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void): void {
      const user = auth.username ?? '';
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return callback(replyError('authInvalid'));
      if (rt.users && !passwordMatches(rt.users, user, auth.password ?? '')) return callback(replyError('authInvalid'));
      callback(null, { user: user || 'anonymous' });
    },
    onRcptTo(_address, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(replyError('tooManyRecipients', `at most ${MAX_RECIPIENTS} per transaction`));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(replyError('tooBig', `the limit is ${GATEWAY_MAX_MESSAGE_BYTES} bytes`));
        handleMessage(direction, Buffer.concat(chunks), session, rt, nextHop, hooks).then(
          (r) => (r.ok ? callback(null, r.text) : callback(replyError(r.name, r.detail))),
          (e: unknown) => callback(replyError('internal', e instanceof Error ? e.message : String(e))),
        );
      });
    },
  };
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(new DomsecError('BAD_ARGUMENT', `cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** Start both listeners; resolves once they accept connections. Rejects (BAD_ARGUMENT ...) on a bad config or a busy port. */
export async function startGateway(config: GatewayConfig, hooks: GatewayHooks = {}): Promise<RunningGateway> {
  const c = validateGatewayConfig(config);
  const rt = await buildRuntime(c);
  const host = c.listen?.host ?? '127.0.0.1';
  const outboundServer = new SMTPServer(smtpOptions('outbound', rt, c.nextHop, hooks));
  const inboundServer = new SMTPServer(smtpOptions('inbound', rt, c.nextHop, hooks));
  // A client that resets its connection makes smtp-server emit 'error': never fatal for the gateway.
  for (const s of [outboundServer, inboundServer]) s.on('error', () => undefined);
  let outboundPort: number;
  let inboundPort: number;
  try {
    outboundPort = await listen(outboundServer, c.listen?.outboundPort ?? 0, host);
    inboundPort = await listen(inboundServer, c.listen?.inboundPort ?? 0, host);
  } catch (e) {
    await Promise.all([closeServer(outboundServer), closeServer(inboundServer)]);
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    outboundPort,
    inboundPort,
    host,
    close: () => (closing ??= Promise.all([closeServer(outboundServer), closeServer(inboundServer)]).then(() => undefined)),
  };
}
