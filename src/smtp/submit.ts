/**
 * Submission to the gateway under test with nodemailer (SMTP, STARTTLS, AUTH). Every outcome is a value:
 * accepted, rejected (4xx after bounded retries, 5xx), or a transport failure of a named kind.
 */
import { format } from 'node:util';
import nodemailer from 'nodemailer';
import { readPemFile } from './tls.js';
import { CONNECT_TIMEOUT_MS, GREETING_TIMEOUT_MS, MAX_TRANSIENT_RETRIES, RETRY_BASE_DELAY_MS, SOCKET_TIMEOUT_MS } from './limits.js';

export interface SmtpEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style). */
  secure?: boolean;
  /** Require STARTTLS; otherwise it is used when offered. */
  requireTls?: boolean;
  /** Accept any certificate from the gateway (no verification at all): prefer tlsCa. */
  allowUntrustedTls?: boolean;
  /** PEM trust anchor(s) for the gateway's TLS certificate, instead of the system's CAs (e.g. a self-signed test certificate). */
  tlsCa?: string;
  /** The same, as a PEM file path (profiles name files; read at submission). */
  tlsCaFile?: string;
  /** The name the gateway's TLS certificate must carry (SNI and RFC 6125 check), when it differs from `host`. */
  tlsServername?: string;
  auth?: { user: string; pass: string };
}

/** `tls`: STARTTLS was required but not offered, or the handshake or the certificate check failed. */
export type SubmitFailure = 'connection-refused' | 'greeting-timeout' | 'timeout' | 'disconnected' | 'tls' | 'transient' | 'rejected' | 'protocol';

export interface SubmitResult {
  accepted: boolean;
  /** The final SMTP reply, e.g. "250 2.0.0 Ok: queued" or "550 5.7.1 ...". */
  response: string;
  code?: number;
  failure?: SubmitFailure;
  attempts: number;
  /** A short transcript summary for evidence. */
  transcript: string[];
  /**
   * Set when the endpoint has credentials: whether SMTP AUTH happened. nodemailer skips AUTH silently when
   * the server's EHLO does not offer it, so a caller that needs AUTH must look here (issue 13).
   */
  authenticated?: boolean;
}

export interface SubmitOptions {
  endpoint: SmtpEndpoint;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
  maxRetries?: number;
}

/** Transcript lines kept per submission: the informative steps of one SMTP session are a dozen. */
const MAX_TRANSCRIPT_LINES = 40;

/**
 * A bunyan-style logger for nodemailer that keeps its info-level lines (connection, STARTTLS upgrade,
 * authentication, envelope) as the case's transcript: evidence of how the message was submitted.
 */
function transcriptLogger(lines: string[], onAuthenticated: () => void = () => undefined): Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (...args: unknown[]) => void> {
  const keep = (...args: unknown[]): void => {
    if (typeof args[0] === 'object' && args[0] !== null) {
      // nodemailer's SMTPConnection logs { action: 'authenticated' } once the server accepted AUTH.
      if ((args[0] as { action?: unknown }).action === 'authenticated') onAuthenticated();
      args.shift();
    }
    if (lines.length < MAX_TRANSCRIPT_LINES) lines.push(format(...(args as [string, ...unknown[]])).slice(0, 300));
  };
  const ignore = (): void => undefined;
  return { trace: ignore, debug: ignore, info: keep, warn: keep, error: keep, fatal: keep };
}

function classify(err: NodeJS.ErrnoException & { responseCode?: number; response?: string; command?: string }): { failure: SubmitFailure; code?: number } {
  // Before the reply code: a refused STARTTLS carries the server's 5xx, but the failure is TLS, not the message.
  if (err.code === 'ETLS' || (!err.responseCode && (err.command === 'STARTTLS' || /certificate|self[- ]signed|TLS|SSL/i.test(err.message)))) return { failure: 'tls', ...(err.responseCode ? { code: err.responseCode } : {}) };
  const code = err.responseCode;
  if (code && code >= 400 && code < 500) return { failure: 'transient', code };
  if (code && code >= 500) return { failure: 'rejected', code };
  const msg = `${err.code ?? ''} ${err.message}`;
  if (/ECONNREFUSED/.test(msg)) return { failure: 'connection-refused' };
  if (/Greeting never received/i.test(msg)) return { failure: 'greeting-timeout' };
  if (/ETIMEDOUT|timeout/i.test(msg)) return { failure: 'timeout' };
  if (/ECONNRESET|closed|EPIPE|Unexpected socket close/i.test(msg)) return { failure: 'disconnected' };
  return { failure: 'protocol' };
}

export async function submit(opts: SubmitOptions): Promise<SubmitResult> {
  const { endpoint } = opts;
  const transcript: string[] = [`connect ${endpoint.host}:${endpoint.port}${endpoint.secure ? ' (implicit TLS)' : endpoint.requireTls ? ' (STARTTLS required)' : ''}`];
  const ca = endpoint.tlsCa ?? (endpoint.tlsCaFile ? readPemFile(endpoint.tlsCaFile, 'TLS trust anchor') : undefined);
  const maxRetries = opts.maxRetries ?? MAX_TRANSIENT_RETRIES;
  let attempts = 0;
  let authenticated = false;
  const authState = (): { authenticated?: boolean } => (endpoint.auth ? { authenticated } : {});
  for (;;) {
    attempts++;
    authenticated = false;
    const transport = nodemailer.createTransport({
      host: endpoint.host,
      port: endpoint.port,
      secure: !!endpoint.secure,
      requireTLS: !!endpoint.requireTls,
      ...(endpoint.auth ? { auth: endpoint.auth } : {}),
      tls: { rejectUnauthorized: !endpoint.allowUntrustedTls, ...(ca ? { ca } : {}), ...(endpoint.tlsServername ? { servername: endpoint.tlsServername } : {}) },
      logger: transcriptLogger(transcript, () => (authenticated = true)) as never,
      connectionTimeout: opts.timeouts?.connectMs ?? CONNECT_TIMEOUT_MS,
      greetingTimeout: opts.timeouts?.greetingMs ?? GREETING_TIMEOUT_MS,
      socketTimeout: opts.timeouts?.socketMs ?? SOCKET_TIMEOUT_MS,
      // The gateway under test gets the message exactly as built: no rewriting of line endings or headers.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    try {
      const info = await transport.sendMail({ envelope: { from: opts.mailFrom, to: opts.rcptTo }, raw: opts.raw });
      transcript.push(`MAIL FROM:<${opts.mailFrom}> RCPT TO:${opts.rcptTo.map((r) => `<${r}>`).join(',')} DATA ${opts.raw.length} bytes`, `-> ${info.response}`);
      const m = /^(\d{3})/.exec(info.response ?? '');
      if (endpoint.auth && !authenticated) transcript.push('SMTP AUTH was not done: the server did not offer AUTH in its EHLO reply');
      return { accepted: true, response: info.response ?? '', ...(m ? { code: Number(m[1]) } : {}), attempts, transcript, ...authState() };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { responseCode?: number; response?: string; command?: string };
      const c = classify(err);
      transcript.push(`${err.command ? `${err.command}: ` : ''}${err.response ?? err.message}`);
      if (c.failure === 'transient' && attempts <= maxRetries) {
        const delay = RETRY_BASE_DELAY_MS * 2 ** (attempts - 1);
        transcript.push(`retry in ${delay} ms (RFC 5321 4.2.1: 4xx is transient)`);
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      return { accepted: false, response: err.response ?? err.message, ...(c.code ? { code: c.code } : {}), failure: c.failure, attempts, transcript, ...authState() };
    } finally {
      transport.close();
    }
  }
}
