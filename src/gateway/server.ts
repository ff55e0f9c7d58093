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
import { submit } from '../smtp/submit.js';
import { boundedData, boundSessions, type BoundName } from '../smtp/bounds.js';
import { isEqualOrAscendant } from '../domsec/naming.js';
import type { GatewayConfig } from './config.js';
import { validateGatewayConfig } from './validate.js';
import { buildRuntime, type GatewayRuntime } from './runtime.js';
import { addressDomain } from './outbound.js';
import { MessagePool } from './pool.js';
import { REPLIES, replyError, replyForError, replyText, type ReplyName } from './replies.js';
import {
  CLOSE_TIMEOUT_MS, COMMAND_MAX_MS, DATA_MAX_MS, GATEWAY_MAX_MESSAGE_BYTES, MAX_CLIENTS, MAX_CLIENTS_PER_ADDRESS, MAX_RECIPIENTS, MESSAGE_PROCESSING_MAX_MS,
  MESSAGE_WORKERS, RELAY_CONNECT_TIMEOUT_MS, RELAY_GREETING_TIMEOUT_MS, RELAY_MAX_RETRIES, RELAY_SOCKET_TIMEOUT_MS, RELAY_TOTAL_MAX_MS, SESSION_MAX_MS, SOCKET_TIMEOUT_MS,
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
  /** A session ended by a time bound (src/smtp/bounds.ts). */
  onBound?(which: BoundName, direction: Direction, session: SMTPServerSession): void;
  /** The limits of src/gateway/limits.ts, scaled down by tests. */
  limits?: Partial<GatewayLimits>;
  /** The worker module (default src/gateway/worker.ts); tests wrap it to make a message slow. */
  workerEntry?: URL;
}

/** The limits a running gateway applies; defaults from src/gateway/limits.ts (each with its reason there). */
export interface GatewayLimits {
  maxMessageBytes: number;
  commandMs: number;
  dataMs: number;
  sessionMs: number;
  maxClientsPerAddress: number;
  messageMs: number;
  workers: number;
  relayMs: number;
}

export const DEFAULT_LIMITS: Readonly<GatewayLimits> = {
  maxMessageBytes: GATEWAY_MAX_MESSAGE_BYTES,
  commandMs: COMMAND_MAX_MS,
  dataMs: DATA_MAX_MS,
  sessionMs: SESSION_MAX_MS,
  maxClientsPerAddress: MAX_CLIENTS_PER_ADDRESS,
  messageMs: MESSAGE_PROCESSING_MAX_MS,
  workers: MESSAGE_WORKERS,
  relayMs: RELAY_TOTAL_MAX_MS,
};

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

async function relay(nextHop: GatewayConfig['nextHop'], mailFrom: string, rcptTo: string[], raw: Buffer, totalMs: number): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), totalMs);
    timer.unref();
  });
  const r = await Promise.race([
    submit({
      endpoint: { host: nextHop.host, port: nextHop.port, ...(nextHop.requireTls ? { requireTls: true } : {}), ...(nextHop.tlsCaFile ? { tlsCaFile: nextHop.tlsCaFile } : {}) },
      mailFrom, rcptTo, raw,
      maxRetries: RELAY_MAX_RETRIES,
      timeouts: { connectMs: RELAY_CONNECT_TIMEOUT_MS, greetingMs: RELAY_GREETING_TIMEOUT_MS, socketMs: RELAY_SOCKET_TIMEOUT_MS },
    }),
    late,
  ]).finally(() => clearTimeout(timer));
  if (r === 'late') return { ok: false, name: 'relayTransient', detail: `the next hop did not finish within ${totalMs} ms (RELAY_TOTAL_MAX_MS)` };
  if (r.accepted) return { ok: true, text: replyText('relayed', `next hop ${nextHop.host}:${nextHop.port} answered ${r.response}`) };
  if (r.failure === 'rejected') return { ok: false, name: 'relayRejected', detail: r.response };
  return { ok: false, name: 'relayTransient', detail: `${r.failure ?? 'failure'}: ${r.response}` };
}

/**
 * Draft 3.2, N17: is the originator authenticated by a mechanism external to S/MIME? By the configured
 * method: an SMTP-authenticated session (smtp-auth), a client address the gateway trusts (trusted-address),
 * or never (signature-only: only a valid originator signature naming the From: address authenticates,
 * which the engine checks).
 */
export function externallyAuthenticated(rt: GatewayRuntime, session: Pick<SMTPServerSession, 'user' | 'remoteAddress'>): boolean {
  const a = rt.originatorAuthentication;
  switch (a.method) {
    case 'smtp-auth':
      return !!session.user;
    case 'trusted-address':
      return a.isTrusted(session.remoteAddress);
    case 'signature-only':
      return false;
  }
}

interface Context {
  rt: GatewayRuntime;
  nextHop: GatewayConfig['nextHop'];
  hooks: GatewayHooks;
  limits: GatewayLimits;
  pool: MessagePool;
}

async function handleMessage(direction: Direction, raw: Buffer, session: SMTPServerSession, cx: Context): Promise<Reply> {
  const { rt, nextHop, hooks } = cx;
  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const rcptTo = session.envelope.rcptTo.map((r) => r.address);
  const bytes = raw.length;
  const event = (reply: Reply, outcome: GatewayEvent['outcome'], extra: Partial<GatewayEvent> = {}): Reply => {
    const text = reply.ok ? `250 ${reply.text}` : `${REPLIES[reply.name].code} ${replyText(reply.name, reply.detail)}`;
    try {
      hooks.onEvent?.({ direction, session: session.id, mailFrom, rcptTo, bytes, reply: text, outcome, ...extra });
    } catch {
      /* a logging hook must not change the reply */
    }
    return reply;
  };
  // The DOMSEC work runs in a worker (src/gateway/pool.ts); `raw` is handed over, not copied.
  const a = await cx.pool.run({
    direction,
    raw,
    envelope: { mailFrom, rcptTo, authenticated: direction === 'outbound' && externallyAuthenticated(rt, session) },
    trace: [receivedField(session, rt, direction)],
  });
  if (!a.ok) {
    if (a.kind === 'domsec') return event({ ok: false, name: replyForError(a.code), detail: `${a.code}: ${a.message}` }, 'refused');
    if (a.kind === 'timeout') return event({ ok: false, name: 'limitExceeded', detail: `${a.message} (MESSAGE_PROCESSING_MAX_MS)` }, 'refused');
    return event({ ok: false, name: 'internal', detail: a.message }, 'error');
  }
  const extra: Partial<GatewayEvent> = { detail: a.detail, ...(a.result !== undefined ? { result: a.result } : {}) };
  const reply = await relay(nextHop, mailFrom, rcptTo, Buffer.from(a.message.buffer, a.message.byteOffset, a.message.byteLength), cx.limits.relayMs);
  return event(reply, reply.ok ? 'relayed' : 'relay-failed', extra);
}

/**
 * Draft 4 (cases b and d): the DCA decrypts "on behalf of a set of recipients in a domain", its own. The
 * inbound listener is that domain's border: it takes recipients of its domain (and its subdomains) only and
 * refuses any other at RCPT TO (550 5.7.1, RFC 5321 3.6.2: no open relay), so a message encrypted for the
 * DCA is never decrypted for, or relayed to, anyone outside it (issue 12, item 12: a case (b) message
 * replayed with RCPT TO:<mallory@evil.test> delivered its plaintext there).
 */
export function isLocalRecipient(rt: GatewayRuntime, address: string): boolean {
  const d = addressDomain(address);
  return !!d && isEqualOrAscendant(rt.domain, d);
}

/** The smtp-server options of one listener: the two differ only in AUTH and what DATA does. */
function smtpOptions(direction: Direction, cx: Context): SMTPServerOptions {
  const { rt, limits } = cx;
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
    size: limits.maxMessageBytes,
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
    onRcptTo(address, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(replyError('tooManyRecipients', `at most ${MAX_RECIPIENTS} per transaction`));
      if (direction === 'inbound' && !isLocalRecipient(rt, address.address)) return callback(replyError('notLocalRecipient', `${rt.domain} takes mail for its own domain only`));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
      // Kept up to the SIZE limit only; past it smtp-server answers 552 whatever this callback says.
      boundedData(stream, limits.maxMessageBytes).then(
        (d) => {
          if (!d.message) {
            const r: Reply = { ok: false, name: 'tooBig', detail: `the limit is ${limits.maxMessageBytes} bytes` };
            try {
              cx.hooks.onEvent?.({
                direction, session: session.id, mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', rcptTo: session.envelope.rcptTo.map((x) => x.address),
                bytes: d.receivedBytes, reply: `552 ${replyText(r.name, r.detail)}`, outcome: 'refused', detail: `not kept (at most ${d.peakKeptBytes} bytes held)`,
              });
            } catch {
              /* a logging hook must not change the reply */
            }
            return callback(replyError(r.name, r.detail));
          }
          handleMessage(direction, d.message, session, cx).then(
            (r) => (r.ok ? callback(null, r.text) : callback(replyError(r.name, r.detail))),
            (e: unknown) => callback(replyError('internal', e instanceof Error ? e.message : String(e))),
          );
        },
        () => callback(replyError('internal', 'the client went away during DATA')),
      );
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
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...hooks.limits };
  const host = c.listen?.host ?? '127.0.0.1';
  const pool = new MessagePool(c, { size: limits.workers, messageMs: limits.messageMs, ...(hooks.workerEntry ? { entry: hooks.workerEntry } : {}) });
  const cx: Context = { rt, nextHop: c.nextHop, hooks, limits, pool };
  const servers = (['outbound', 'inbound'] as const).map((direction) => {
    const server = new SMTPServer(smtpOptions(direction, cx));
    // A client that resets its connection makes smtp-server emit 'error': never fatal for the gateway.
    server.on('error', () => undefined);
    // Total time per command, per DATA and per session, sessions per address; AUTH is advertised only once
    // it can be used (with TLS configured, after STARTTLS: smtp-server answers 538 before it).
    boundSessions(
      server,
      { commandMs: limits.commandMs, dataMs: limits.dataMs, sessionMs: limits.sessionMs, maxPerAddress: limits.maxClientsPerAddress, hideAuthBeforeTls: !!rt.tls },
      (which, session) => hooks.onBound?.(which, direction, session),
    );
    return server;
  });
  const [outboundServer, inboundServer] = servers as [SMTPServer, SMTPServer];
  // Workers started and this gateway's runtime built in them before the first client comes.
  await pool.warm();
  let outboundPort: number;
  let inboundPort: number;
  try {
    outboundPort = await listen(outboundServer, c.listen?.outboundPort ?? 0, host);
    inboundPort = await listen(inboundServer, c.listen?.inboundPort ?? 0, host);
  } catch (e) {
    await Promise.all([closeServer(outboundServer), closeServer(inboundServer), pool.close()]);
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    outboundPort,
    inboundPort,
    host,
    // The workers stop at once (a message in progress is answered 451); sessions get CLOSE_TIMEOUT_MS.
    close: () => (closing ??= Promise.all([pool.close(), closeServer(outboundServer), closeServer(inboundServer)]).then(() => undefined)),
  };
}
