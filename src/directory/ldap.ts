/**
 * Certificate lookup in an LDAP directory (draft 4.1, RFC 4510), with the ldapts client.
 *
 * Method 1 ('recipient-entry'): search under the base DN with `recipientFilter` (default `(mail={address})`)
 * and take the certificate attribute (default `userCertificate;binary`, RFC 4523) of every entry found.
 * Draft 4.1: "The directory may store the DCA certificate in the recipient's directory entry." The same
 * entry may also hold the recipient's own certificate (purpose 'recipient').
 *
 * Method 2 ('dca-entry'): map the recipient's domain to the DCA's name by the naming convention, the URI
 * smtp://<domain> (draft 2.4), for the domain and each whole-label ascendant (mail.example.org, then
 * example.org), and take the certificate attribute of the entry so named: either a search with
 * `dcaFilter` (default `(labeledURI=smtp://{domain})`, RFC 2079 labeledURI; OR-ed over the domains in one
 * request) or, when `dcaDn` is set, a base-scope read of each DN that template gives.
 *
 * Templates take {address}, {local} and {domain}; values are escaped (RFC 4515 in filters, RFC 4514 in
 * DNs), so an address can never change the filter's structure.
 *
 * Every lookup opens its own connection (bind, search, unbind), so a directory restart between lookups
 * costs nothing and no state leaks between them. Failures are results, not exceptions: connection refused,
 * connect/operation timeouts (ldapts `connectTimeout` and `timeout`, which destroy the socket), bind
 * refused, other LDAP errors; an overall deadline (`deadlineMs`) caps the whole lookup whatever happens.
 * Referrals (search references) are not followed.
 */
import type { ConnectionOptions } from 'node:tls';
import {
  AuthMethodNotSupportedError,
  Client,
  ConfidentialityRequiredError,
  FilterParser,
  InappropriateAuthError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
  UnwillingToPerformError,
  type Entry,
} from 'ldapts';
import { DomsecError } from '../errors.js';
import { dcaDomainsFor, decide, lookupTarget, preparePolicy, type AcceptancePolicy, type Candidate, type CertificateLookup, type LookupMethod, type LookupRequest, type LookupResult, type LookupTarget, type MethodOutcome, type UnavailableCause } from './lookup.js';

export interface LdapLookupOptions extends AcceptancePolicy {
  /** `ldap://host[:port][/base-dn]` or `ldaps://...`; a DN in the URL path (RFC 4516) is the base DN unless `baseDn` is given. */
  url: string;
  baseDn?: string;
  /** Simple bind; without it, operations are anonymous (no bind request is sent). */
  bindDn?: string;
  password?: string;
  /** Default 'either' (method 1, then method 2). */
  method?: LookupMethod;
  /** Attribute holding certificates. Default `userCertificate;binary`. */
  attribute?: string;
  /** Method 1 filter template. Default `(mail={address})`. */
  recipientFilter?: string;
  /** Method 2 filter template. Default `(labeledURI=smtp://{domain})`. */
  dcaFilter?: string;
  /** Method 2 by DN instead of by filter, e.g. `cn=dca,ou={domain},o=domsec-suite`. */
  dcaDn?: string;
  /** Search scope under the base DN. Default 'sub'. */
  scope?: 'sub' | 'one';
  /** TCP connect timeout, ms. Default 3000. */
  connectTimeoutMs?: number;
  /** Per-operation (bind, search) timeout, ms. Default 5000. */
  timeoutMs?: number;
  /** Cap on a whole lookup, ms. Default connectTimeoutMs + 3 * timeoutMs. */
  deadlineMs?: number;
  /** Entries per search (sizeLimit). Default 16. */
  sizeLimit?: number;
  /** For ldaps:// (e.g. `ca` for a private CA). */
  tlsOptions?: ConnectionOptions;
}

export const DEFAULT_CERT_ATTRIBUTE = 'userCertificate;binary';
export const DEFAULT_RECIPIENT_FILTER = '(mail={address})';
export const DEFAULT_DCA_FILTER = '(labeledURI=smtp://{domain})';

/** RFC 4514 2.4: escape a value for use inside an RDN. */
export function escapeDnValue(v: string): string {
  let s = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (s.startsWith(' ') || s.startsWith('#')) s = `\\${s}`;
  if (s.endsWith(' ') && !s.endsWith('\\ ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/** RFC 4515 3: escape a value for use inside a filter (the five characters that could change its structure). */
export function escapeFilterValue(v: string): string {
  return v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const PLACEHOLDER = /\{(address|local|domain)\}/g;

function fill(template: string, vars: { address?: string; local?: string; domain: string }, escape: (v: string) => string, what: string): string {
  return template.replace(PLACEHOLDER, (_, name: 'address' | 'local' | 'domain') => {
    const v = vars[name];
    if (v === undefined) throw new DomsecError('BAD_ARGUMENT', `${what} uses {${name}}, which a bare-domain lookup does not have`);
    return escape(v);
  });
}

function parenthesised(f: string): string {
  const t = f.trim();
  return t.startsWith('(') ? t : `(${t})`;
}

export class LdapCertificateLookup implements CertificateLookup {
  readonly description: string;
  private readonly serverUrl: string;
  private readonly baseDn: string;
  private readonly o: Required<Pick<LdapLookupOptions, 'method' | 'attribute' | 'recipientFilter' | 'dcaFilter' | 'scope' | 'connectTimeoutMs' | 'timeoutMs' | 'deadlineMs' | 'sizeLimit'>> & LdapLookupOptions;
  private closed = false;

  constructor(opts: LdapLookupOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new DomsecError('BAD_ARGUMENT', `LDAP URL "${opts.url}" does not parse`);
    }
    if (u.protocol !== 'ldap:' && u.protocol !== 'ldaps:') throw new DomsecError('BAD_ARGUMENT', `LDAP URL must start ldap:// or ldaps://, not "${u.protocol}//"`);
    if (!u.hostname) throw new DomsecError('BAD_ARGUMENT', `LDAP URL "${opts.url}" names no host`);
    if (u.search || u.hash) throw new DomsecError('BAD_ARGUMENT', `LDAP URL "${opts.url}": give attribute, scope and filter as options, not in the URL`);
    if (u.username || u.password) throw new DomsecError('BAD_ARGUMENT', `LDAP URL "${opts.url}": give the bind DN and password as options, not in the URL`);
    this.serverUrl = `${u.protocol}//${u.host}`;
    const pathDn = decodeURIComponent(u.pathname.replace(/^\//, ''));
    const baseDn = opts.baseDn ?? pathDn;
    if (!baseDn) throw new DomsecError('BAD_ARGUMENT', `LDAP lookup needs a base DN (in the URL path, ldap://host:port/o=example, or as an option)`);
    this.baseDn = baseDn;
    if (opts.bindDn !== undefined && !opts.password) {
      // RFC 4513 5.1.2: a DN with an empty password is an "unauthenticated bind" that servers may treat as anonymous success.
      throw new DomsecError('BAD_ARGUMENT', 'LDAP bind DN given without a password (an unauthenticated bind is refused)');
    }
    const method = opts.method ?? 'either';
    if (!['recipient-entry', 'dca-entry', 'either'].includes(method)) throw new DomsecError('BAD_ARGUMENT', `LDAP method must be recipient-entry, dca-entry or either, not "${method}"`);
    const num = (v: number | undefined, d: number, what: string): number => {
      const n = v ?? d;
      if (!Number.isFinite(n) || n <= 0) throw new DomsecError('BAD_ARGUMENT', `LDAP ${what} must be a positive number of milliseconds`);
      return n;
    };
    const connectTimeoutMs = num(opts.connectTimeoutMs, 3000, 'connect timeout');
    const timeoutMs = num(opts.timeoutMs, 5000, 'timeout');
    this.o = {
      ...opts,
      method,
      attribute: opts.attribute ?? DEFAULT_CERT_ATTRIBUTE,
      recipientFilter: opts.recipientFilter ?? DEFAULT_RECIPIENT_FILTER,
      dcaFilter: opts.dcaFilter ?? DEFAULT_DCA_FILTER,
      scope: opts.scope ?? 'sub',
      connectTimeoutMs,
      timeoutMs,
      deadlineMs: num(opts.deadlineMs, connectTimeoutMs + 3 * timeoutMs, 'deadline'),
      sizeLimit: opts.sizeLimit ?? 16,
    };
    // Check the templates once, with sample values, so a typo fails at configuration time.
    for (const [what, t] of [['recipient filter', this.o.recipientFilter], ['DCA filter', this.o.dcaFilter]] as const) {
      try {
        FilterParser.parseString(parenthesised(fill(t, { address: 'a@b.example', local: 'a', domain: 'b.example' }, escapeFilterValue, what)));
      } catch (e) {
        throw new DomsecError('BAD_ARGUMENT', `LDAP ${what} "${t}" is not an RFC 4515 filter: ${(e as Error).message}`);
      }
    }
    if (!/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$|^\d+(\.\d+)+(;[A-Za-z0-9-]+)*$/.test(this.o.attribute)) {
      throw new DomsecError('BAD_ARGUMENT', `LDAP attribute "${this.o.attribute}" is not an attribute description`);
    }
    preparePolicy(this.o);
    this.description = `${this.serverUrl}/${this.baseDn} (method ${method}, ${this.o.bindDn ? `bind ${this.o.bindDn}` : 'anonymous'})`;
  }

  async lookup(request: LookupRequest): Promise<LookupResult> {
    if (this.closed) throw new DomsecError('BAD_ARGUMENT', 'LDAP lookup used after close()');
    const target = lookupTarget(request);
    const methods: Array<'recipient-entry' | 'dca-entry'> = [];
    const m = this.o.method;
    if (target.purpose === 'recipient') {
      if (m === 'dca-entry') throw new DomsecError('BAD_ARGUMENT', "an end recipient's certificate is found by method 1 (recipient-entry), not dca-entry");
      methods.push('recipient-entry');
    } else {
      if ((m === 'recipient-entry' || m === 'either') && target.address) methods.push('recipient-entry');
      if (m === 'dca-entry' || m === 'either') methods.push('dca-entry');
      if (methods.length === 0) throw new DomsecError('BAD_ARGUMENT', `method recipient-entry needs an address, not the bare domain ${target.domain}`);
    }
    // Fill templates before connecting, so their errors are BAD_ARGUMENT rather than a lookup result.
    const plans = methods.map((method) => this.plan(method, target));

    let client: Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<LookupResult>((resolve) => {
      timer = setTimeout(() => {
        resolve(this.unavailable(target, methods, 'timeout', `no answer within the ${this.o.deadlineMs} ms deadline`));
      }, this.o.deadlineMs);
    });
    const work = (async (): Promise<LookupResult> => {
      client = new Client({
        url: this.serverUrl,
        connectTimeout: this.o.connectTimeoutMs,
        timeout: this.o.timeoutMs,
        strictDN: false,
        ...(this.o.tlsOptions ? { tlsOptions: this.o.tlsOptions } : {}),
      });
      try {
        if (this.o.bindDn) {
          try {
            await client.bind(this.o.bindDn, this.o.password);
          } catch (e) {
            return this.fromError(target, methods, e, 'bind');
          }
        }
        const outcomes: MethodOutcome[] = [];
        for (const p of plans) {
          let outcome: MethodOutcome;
          try {
            outcome = await p(client);
          } catch (e) {
            return this.fromError(target, methods, e, 'search');
          }
          outcomes.push(outcome);
          // 'either': stop at the first method that yields an acceptable certificate.
          const partial = decide(target, this.description, outcomes, this.o);
          if (partial.status === 'found') return partial;
        }
        return decide(target, this.description, outcomes, this.o);
      } finally {
        closeQuietly(client);
      }
    })();
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
      if (client) closeQuietly(client);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** One method as a function of a connected client. */
  private plan(method: 'recipient-entry' | 'dca-entry', t: LookupTarget): (c: Client) => Promise<MethodOutcome> {
    const vars = { ...(t.address ? { address: t.address, local: t.local! } : {}), domain: t.domain };
    if (method === 'recipient-entry') {
      const filter = parenthesised(fill(this.o.recipientFilter, vars, escapeFilterValue, 'recipient filter'));
      return async (c) => this.fromEntries(method, await this.search(c, this.baseDn, this.o.scope, filter), `no entry matches ${filter} under ${this.baseDn}`);
    }
    const domains = dcaDomainsFor(t.domain);
    if (this.o.dcaDn) {
      const dns = domains.map((d) => fill(this.o.dcaDn!, { ...vars, domain: d }, escapeDnValue, 'DCA DN template'));
      return async (c) => {
        const entries: Entry[] = [];
        for (const dn of dns) {
          try {
            entries.push(...(await this.search(c, dn, 'base', '(objectClass=*)')));
          } catch (e) {
            if (e instanceof NoSuchObjectError) continue; // no DCA entry under that name
            throw e;
          }
        }
        return this.fromEntries(method, entries, `no entry ${dns.join(' or ')}`);
      };
    }
    const parts = domains.map((d) => parenthesised(fill(this.o.dcaFilter, { ...vars, domain: d }, escapeFilterValue, 'DCA filter')));
    const filter = parts.length === 1 ? parts[0]! : `(|${parts.join('')})`;
    return async (c) => this.fromEntries(method, await this.search(c, this.baseDn, this.o.scope, filter), `no entry matches ${filter} under ${this.baseDn}`);
  }

  private async search(c: Client, base: string, scope: 'base' | 'one' | 'sub', filter: string): Promise<Entry[]> {
    const a = this.o.attribute;
    const bare = a.replace(/;binary$/i, '');
    const r = await c.search(base, {
      scope,
      filter,
      attributes: [a],
      // Every spelling the server may answer with: certificates are bytes, never strings.
      explicitBufferAttributes: [...new Set([a, bare, `${bare};binary`])],
      sizeLimit: this.o.sizeLimit,
      timeLimit: Math.max(1, Math.ceil(this.o.timeoutMs / 1000)),
    });
    return r.searchEntries;
  }

  private fromEntries(method: 'recipient-entry' | 'dca-entry', entries: Entry[], noneDetail: string): MethodOutcome {
    if (entries.length === 0) return { kind: 'none', method, detail: `${method}: ${noneDetail}` };
    const wanted = this.o.attribute.toLowerCase().replace(/;binary$/, '');
    const candidates: Candidate[] = [];
    const empty: string[] = [];
    // Entries in DN order and values in server order; the choosing rule does not depend on either.
    for (const e of [...entries].sort((x, y) => (x.dn < y.dn ? -1 : x.dn > y.dn ? 1 : 0))) {
      const values: Buffer[] = [];
      for (const [k, v] of Object.entries(e)) {
        if (k === 'dn' || k.toLowerCase().replace(/;binary$/, '') !== wanted) continue;
        for (const x of Array.isArray(v) ? v : [v]) values.push(Buffer.isBuffer(x) ? x : Buffer.from(String(x), 'latin1'));
      }
      if (values.length === 0) empty.push(e.dn);
      values.forEach((value, i) => candidates.push({ method, origin: `${e.dn} ${this.o.attribute} #${i + 1}`, value }));
    }
    const noCert = empty.length ? `${method}: ${empty.join(', ')} ha${empty.length === 1 ? 's' : 've'} no ${this.o.attribute}` : undefined;
    if (candidates.length === 0) return { kind: 'none', method, detail: noCert! };
    return noCert ? { kind: 'candidates', method, candidates, notFound: noCert } : { kind: 'candidates', method, candidates };
  }

  private unavailable(target: LookupTarget, methods: Array<'recipient-entry' | 'dca-entry'>, cause: UnavailableCause, detail: string): LookupResult {
    return { status: 'unavailable', target, source: this.description, methods, cause, detail };
  }

  private fromError(target: LookupTarget, methods: Array<'recipient-entry' | 'dca-entry'>, e: unknown, during: 'bind' | 'search'): LookupResult {
    const { cause, detail } = classifyLdapError(e, during);
    return this.unavailable(target, methods, cause, `${during}: ${detail}`);
  }
}

/** Map what ldapts and node:net throw to a cause. Exported for tests. */
export function classifyLdapError(e: unknown, during: 'bind' | 'search' = 'search'): { cause: UnavailableCause; detail: string } {
  const err = e as NodeJS.ErrnoException & { code?: unknown };
  const msg = (err?.message ?? String(e)).split('\n')[0]!;
  const name = err?.constructor?.name ?? '';
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code === 'ECONNREFUSED') return { cause: 'connection-refused', detail: `connection refused (${msg})` };
  if (code === 'ETIMEDOUT' || /Connection timeout|Operation timed out/i.test(msg) || e instanceof TimeLimitExceededError) return { cause: 'timeout', detail: msg };
  if (code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN') return { cause: 'unreachable', detail: msg };
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection closed|Socket error|socket connection not established/i.test(msg)) return { cause: 'connection-closed', detail: msg };
  const authErrors = [InvalidCredentialsError, InappropriateAuthError, StrongAuthRequiredError, ConfidentialityRequiredError, AuthMethodNotSupportedError];
  if (authErrors.some((k) => e instanceof k)) {
    return { cause: 'auth-failed', detail: `${name.replace(/Error$/, '')}: ${msg}` };
  }
  // OpenLDAP's `require authc` answers an anonymous operation with unwillingToPerform "authentication required".
  if (e instanceof UnwillingToPerformError && /authentication required/i.test(msg)) return { cause: 'auth-failed', detail: `UnwillingToPerform: ${msg}` };
  if (during === 'search' && e instanceof InsufficientAccessError) return { cause: 'auth-failed', detail: `InsufficientAccess: ${msg}` };
  return { cause: 'server-error', detail: name && name !== 'Error' ? `${name.replace(/Error$/, '')}: ${msg}` : msg };
}

function closeQuietly(c: Client): void {
  // unbind() sends UnbindRequest and always destroys the socket; nothing to wait for.
  c.unbind().catch(() => undefined);
}
