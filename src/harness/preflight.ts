/**
 * Preflight (issue 13): before the first case, the suite connects to each submission endpoint the declared
 * roles use, reads the banner and the EHLO reply (nodemailer's SMTPConnection, the client the cases submit
 * with), checks STARTTLS and AUTH against the profile, logs in with the profile's credentials, and checks
 * that the capture sink answers on its port. Every problem is one line; the run does not start with one.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { readPemFile } from '../smtp/tls.js';
import type { SmtpEndpoint } from '../smtp/submit.js';
import { CONNECT_TIMEOUT_MS, GREETING_TIMEOUT_MS, SOCKET_TIMEOUT_MS } from '../smtp/limits.js';
import type { Profile } from './profile.js';

export class PreflightFailed extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PreflightFailed';
  }
}

export interface EndpointProbe {
  /** What the endpoint is for, e.g. "submission.outbound". */
  what: string;
  endpoint: SmtpEndpoint;
  /** Log in with endpoint.auth (the profile's originator authentication is smtp-auth and a case needs it). */
  needsAuth: boolean;
}

export interface ProbeResult {
  banner?: string;
  tls: boolean;
  authOffered: boolean;
  problems: string[];
}

/** Connect, greet, EHLO (and STARTTLS as the cases would), and log in when asked; bounded by the SMTP timeouts. */
export async function probeEndpoint(p: EndpointProbe): Promise<ProbeResult> {
  const e = p.endpoint;
  const where = `${p.what} ${e.host}:${e.port}`;
  const ca = e.tlsCa ?? (e.tlsCaFile ? readPemFile(e.tlsCaFile, 'TLS trust anchor') : undefined);
  const conn = new SMTPConnection({
    host: e.host,
    port: e.port,
    secure: !!e.secure,
    requireTLS: !!e.requireTls,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    tls: { rejectUnauthorized: !e.allowUntrustedTls, ...(ca ? { ca } : {}), ...(e.tlsServername ? { servername: e.tlsServername } : {}) },
  });
  const result: ProbeResult = { tls: false, authOffered: false, problems: [] };
  conn.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      conn.once('error', reject);
      conn.connect(() => resolve());
    });
    result.banner = typeof conn.lastServerResponse === 'string' ? conn.lastServerResponse.split('\n')[0] : undefined;
    result.tls = conn.secure;
    result.authOffered = conn.allowsAuth;
    if (e.requireTls && !conn.secure) result.problems.push(`${where}: requireTls is set but the connection is not encrypted (STARTTLS not offered?)`);
    if (p.needsAuth) {
      if (!conn.allowsAuth) {
        result.problems.push(`${where}: the profile authenticates the originator with SMTP AUTH, but the gateway's EHLO does not offer AUTH${conn.secure ? '' : ' (before STARTTLS)'}`);
      } else if (e.auth) {
        const auth = e.auth;
        await new Promise<void>((resolve) => {
          conn.login({ user: auth.user, pass: auth.pass }, (err) => {
            if (err) result.problems.push(`${where}: SMTP AUTH as ${auth.user} failed: ${String((err as { response?: string }).response ?? err.message).split('\n')[0]}`);
            resolve();
          });
        });
      }
    }
  } catch (err) {
    const x = err as NodeJS.ErrnoException & { response?: string };
    const why = x.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(x.message) ? 'connection refused' : /Greeting never received/i.test(x.message) ? 'no SMTP greeting within the time bound' : x.code === 'ETLS' || /certificate|TLS|SSL/i.test(x.message) ? `TLS failed: ${x.message}` : (x.response ?? x.message);
    result.problems.push(`${where}: ${String(why).split('\n')[0]}`);
  } finally {
    conn.close();
  }
  return result;
}

/** The endpoints the declared roles use, and whether AUTH is needed on them. */
export function endpointsToProbe(profile: Profile): EndpointProbe[] {
  const probes: EndpointProbe[] = [];
  const method = profile.originatorAuthentication?.method ?? 'smtp-auth';
  const out = profile.submission.outbound;
  if (out && profile.roles.some((r) => r === 'domain-signer' || r === 'outbound-dca')) {
    probes.push({ what: 'submission.outbound', endpoint: out, needsAuth: method === 'smtp-auth' && profile.roles.includes('domain-signer') });
  }
  const inb = profile.submission.inbound;
  if (inb && profile.roles.some((r) => r === 'inbound-dca' || r === 'inbound-verifier')) probes.push({ what: 'submission.inbound', endpoint: inb, needsAuth: false });
  return probes;
}

/** Every problem found, one line each; `capture` is the sink the cases will use (already listening). */
export async function preflight(profile: Profile, capture: { host: string; port: number }): Promise<{ problems: string[]; banners: Record<string, string> }> {
  const probes = endpointsToProbe(profile);
  const results = await Promise.all([
    ...probes.map((p) => probeEndpoint(p)),
    // The sink: reachable on the address the profile gives the gateway as its next hop.
    probeEndpoint({ what: 'capture', endpoint: { host: capture.host, port: capture.port, allowUntrustedTls: true }, needsAuth: false }),
  ]);
  const banners: Record<string, string> = {};
  results.forEach((r, i) => {
    if (r.banner) banners[i < probes.length ? probes[i]!.what : 'capture'] = r.banner;
  });
  return { problems: results.flatMap((r) => r.problems), banners };
}
