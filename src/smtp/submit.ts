/**
 * Submission to the gateway under test with nodemailer (SMTP, STARTTLS, AUTH). Every outcome is a value:
 * accepted, rejected (4xx after bounded retries, 5xx), or a transport failure of a named kind.
 */
import nodemailer from 'nodemailer';
import { CONNECT_TIMEOUT_MS, GREETING_TIMEOUT_MS, MAX_TRANSIENT_RETRIES, RETRY_BASE_DELAY_MS, SOCKET_TIMEOUT_MS } from './limits.js';

export interface SmtpEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style). */
  secure?: boolean;
  /** Require STARTTLS; otherwise it is used when offered. */
  requireTls?: boolean;
  /** Accept the gateway's self-signed test certificate. */
  allowUntrustedTls?: boolean;
  auth?: { user: string; pass: string };
}

export type SubmitFailure = 'connection-refused' | 'greeting-timeout' | 'timeout' | 'disconnected' | 'transient' | 'rejected' | 'protocol';

export interface SubmitResult {
  accepted: boolean;
  /** The final SMTP reply, e.g. "250 2.0.0 Ok: queued" or "550 5.7.1 ...". */
  response: string;
  code?: number;
  failure?: SubmitFailure;
  attempts: number;
  /** A short transcript summary for evidence. */
  transcript: string[];
}

export interface SubmitOptions {
  endpoint: SmtpEndpoint;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
  maxRetries?: number;
}

function classify(err: NodeJS.ErrnoException & { responseCode?: number; response?: string; command?: string }): { failure: SubmitFailure; code?: number } {
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
  const transcript: string[] = [`connect ${endpoint.host}:${endpoint.port}${endpoint.secure ? ' (TLS)' : ''}`];
  const maxRetries = opts.maxRetries ?? MAX_TRANSIENT_RETRIES;
  let attempts = 0;
  for (;;) {
    attempts++;
    const transport = nodemailer.createTransport({
      host: endpoint.host,
      port: endpoint.port,
      secure: !!endpoint.secure,
      requireTLS: !!endpoint.requireTls,
      ...(endpoint.auth ? { auth: endpoint.auth } : {}),
      tls: { rejectUnauthorized: !endpoint.allowUntrustedTls },
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
      return { accepted: true, response: info.response ?? '', ...(m ? { code: Number(m[1]) } : {}), attempts, transcript };
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
      return { accepted: false, response: err.response ?? err.message, ...(c.code ? { code: c.code } : {}), failure: c.failure, attempts, transcript };
    } finally {
      transport.close();
    }
  }
}
