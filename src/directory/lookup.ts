/**
 * Locating the certificate to encrypt for (draft 4.1): one interface, `CertificateLookup`, with two
 * implementations (a local store, src/directory/local-store.ts, and an LDAP directory,
 * src/directory/ldap.ts), and the rules both share:
 *
 *  - the acceptance rule: a certificate found is used only if it satisfies the naming convention for the
 *    recipient's domain (draft 2.4, 4.1 "the naming conventions must be adhered to"; N9, N10) and has an
 *    encryption keyUsage (N11); every other candidate is refused with the reasons why;
 *  - the choosing rule among several acceptable candidates (`compareAccepted`, below);
 *  - one result type, in which "the directory is down or slow", "no entry", "no acceptable certificate"
 *    and "found" are separate, typed outcomes: a lookup never throws for them and never hangs.
 */
import type { CertInfo } from '../x509/certificate.js';
import { parseCertificate } from '../x509/certificate.js';
import { validatePath } from '../x509/path.js';
import { DomsecError } from '../errors.js';
import type { ReasonCode } from '../domsec/reasons.js';
import { certificatePurpose, checkDcaEncryptionCertificate, normalizeDomain } from '../domsec/naming.js';

// ---------------------------------------------------------------------------------------------
// Requests

/**
 * What a certificate is wanted for:
 *  - 'dca': the recipient domain's DCA (draft 4.1, cases b and d of N3): SubjectAltName smtp://<domain>
 *    or dNSName <domain> for the recipient's domain or a whole-label ascendant of it (N9, N10);
 *  - 'recipient': the end recipient's own certificate (cases a and c): an rfc822Name equal to the address.
 * Both need an encryption keyUsage (N11).
 */
export type LookupPurpose = 'dca' | 'recipient';

/**
 * The two directory methods of draft 4.1, and both in turn:
 *  - 'recipient-entry' (method 1): the certificate attribute of the recipient's own entry, found by mail address;
 *  - 'dca-entry' (method 2): the recipient's domain mapped to the DCA's name by the naming convention
 *    (smtp://<domain>), and that entry's certificate attribute;
 *  - 'either': method 1, and method 2 when method 1 gives no acceptable certificate.
 * The local store applies the same two ideas to files (see local-store.ts).
 */
export type LookupMethod = 'recipient-entry' | 'dca-entry' | 'either';

export interface LookupRequest {
  /** `local@domain`, or (purpose 'dca' only) a bare domain: then only method 2 applies. */
  address: string;
  /** Default 'dca'. */
  purpose?: LookupPurpose;
  /** Validation time for the certificate's validity period and path (default: now). */
  at?: Date;
}

/** A parsed request: the address split, the domain normalised (lowercase, no root dot). */
export interface LookupTarget {
  /** `local@domain` with the domain normalised; undefined for a bare-domain request. */
  address?: string;
  local?: string;
  domain: string;
  purpose: LookupPurpose;
  at: Date;
}

/**
 * Parse and check a request. An address is `local@domain` (the addr-spec of RFC 5322 3.4.1, without
 * comments, display name or angle brackets); the domain must be a DNS name (no domain literal).
 * Throws BAD_ARGUMENT: a malformed address is a caller error, not a lookup outcome.
 */
export function lookupTarget(req: LookupRequest): LookupTarget {
  const purpose = req.purpose ?? 'dca';
  if (purpose !== 'dca' && purpose !== 'recipient') throw new DomsecError('BAD_ARGUMENT', `lookup purpose must be dca or recipient, not "${String(purpose)}"`);
  const at = req.at ?? new Date();
  if (Number.isNaN(at.getTime())) throw new DomsecError('BAD_ARGUMENT', 'lookup: invalid validation time');
  const raw = req.address.trim();
  const atSign = raw.lastIndexOf('@');
  if (atSign < 0) {
    const domain = normalizeDomain(raw);
    if (!domain) throw new DomsecError('BAD_ARGUMENT', `lookup: "${req.address}" is neither an address (local@domain) nor a domain name`);
    if (purpose === 'recipient') throw new DomsecError('BAD_ARGUMENT', `lookup: an end recipient's certificate needs an address, not the domain "${domain}"`);
    return { domain, purpose, at };
  }
  const local = raw.slice(0, atSign);
  const domain = normalizeDomain(raw.slice(atSign + 1));
  // Quoted local parts and the like are legal RFC 5322 but never reach a directory filter unescaped here:
  // refuse what cannot be a plain mailbox so that a lookup key never carries surprises.
  if (!local || /[\s<>()[\]\\,;:"]/.test(local) || local.includes('@')) {
    throw new DomsecError('BAD_ARGUMENT', `lookup: "${req.address}" has no plain local part (local@domain)`);
  }
  if (!domain) throw new DomsecError('BAD_ARGUMENT', `lookup: the domain of "${req.address}" is not a domain name`);
  return { address: `${local}@${domain}`, local, domain, purpose, at };
}

/**
 * The recipient's domain and its whole-label ascendants, most specific first, never a single label
 * (naming.ts: a single-label domain is never accepted as an ascendant). These are the DCA names that
 * draft 4.1 method 2 maps the recipient to: mail.example.org -> [mail.example.org, example.org].
 */
export function dcaDomainsFor(domain: string): string[] {
  const labels = domain.split('.');
  const out: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out.length > 0 ? out : [domain];
}

// ---------------------------------------------------------------------------------------------
// Candidates and results

/** Where a candidate came from: the method, and a human-readable origin (entry DN and attribute, or file). */
export interface CandidateOrigin {
  method: 'recipient-entry' | 'dca-entry' | 'store-name' | 'store-file';
  /** e.g. `uid=bob,ou=example.org,o=domsec-suite userCertificate;binary #1` or `/etc/domsec/certs/example.org.pem #2`. */
  origin: string;
}

export interface Candidate extends CandidateOrigin {
  /** The raw value as found (DER normally; a directory may hold PEM text or garbage). */
  value: Buffer;
}

/**
 * Why a candidate was refused. Reason codes of the catalogue (src/domsec/reasons.ts) where one exists, plus:
 *  - MALFORMED_CERTIFICATE: the value does not decode as an X.509 certificate;
 *  - RECIPIENT_ADDRESS_MISMATCH: purpose 'recipient', and no rfc822Name equals the address.
 */
export type RefusalCode = ReasonCode | 'MALFORMED_CERTIFICATE' | 'RECIPIENT_ADDRESS_MISMATCH';

export interface Refusal extends CandidateOrigin {
  reasons: RefusalCode[];
  detail: string;
  /** Present when the value decoded. */
  subject?: string;
  serialNumberHex?: string;
  value: Buffer;
}

export interface Accepted extends CandidateOrigin {
  certificate: CertInfo;
  /** purpose 'dca': the certificate domain that covers the recipient's domain (the most specific one). */
  matchedDomain?: string;
}

export type UnavailableCause =
  | 'connection-refused' // nothing listens: the directory is down
  | 'timeout' // connect or an operation took longer than the configured timeout (slow or hung server)
  | 'unreachable' // host unknown or no route
  | 'connection-closed' // the server closed the connection before answering
  | 'auth-failed' // bind refused (wrong DN/password) or the server requires a bind that was not made
  | 'server-error'; // any other LDAP result code or protocol error

interface ResultBase {
  target: LookupTarget;
  /** Which store or directory answered (its description). */
  source: string;
  /** The methods tried, in order. */
  methods: Array<CandidateOrigin['method']>;
}

export type LookupResult =
  | (ResultBase & {
      status: 'found';
      /** The chosen certificate: `accepted[0]`. */
      certificate: CertInfo;
      /** Every acceptable candidate, in choosing order (best first). */
      accepted: Accepted[];
      /** Candidates refused on the way (e.g. method 1 refusals before method 2 found one). */
      refused: Refusal[];
      detail: string;
    })
  | (ResultBase & { status: 'refused'; refused: Refusal[]; detail: string })
  | (ResultBase & { status: 'not-found'; detail: string })
  | (ResultBase & { status: 'unavailable'; cause: UnavailableCause; detail: string });

/** The interface both implementations provide. `lookup` resolves for every outcome; it throws only BAD_ARGUMENT. */
export interface CertificateLookup {
  /** e.g. `ldap://127.0.0.1:38999/o=domsec-suite (method either)` or `local store /path (12 certificates)`. */
  readonly description: string;
  lookup(request: LookupRequest): Promise<LookupResult>;
  /** Release connections/handles; lookups after close are a caller error. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The acceptance rule

/** Optional checks beyond naming and keyUsage. Validity dates are always checked. */
export interface AcceptancePolicy {
  /** When given, a candidate must chain to one of these (RFC 5280 6.1, src/x509/path.ts). */
  trustAnchors?: Buffer[];
  /** Intermediate CA certificates for path building. */
  intermediates?: Buffer[];
}

const preparedPolicies = new WeakMap<AcceptancePolicy, { anchors: CertInfo[]; intermediates: CertInfo[] }>();

/**
 * The policy's certificates, parsed once per policy object (path validation runs for every candidate).
 * Throws MALFORMED_CERTIFICATE for a bad anchor: implementations call it when constructed.
 */
export function preparePolicy(policy: AcceptancePolicy): { anchors: CertInfo[]; intermediates: CertInfo[] } {
  let p = preparedPolicies.get(policy);
  if (!p) {
    const parse = (ders: Buffer[] | undefined, what: string): CertInfo[] =>
      (ders ?? []).map((d, i) => {
        try {
          return parseCertificate(d);
        } catch (e) {
          throw new DomsecError('MALFORMED_CERTIFICATE', `lookup ${what} #${i + 1}: ${(e as Error).message}`);
        }
      });
    p = { anchors: parse(policy.trustAnchors, 'trust anchor'), intermediates: parse(policy.intermediates, 'intermediate') };
    preparedPolicies.set(policy, p);
  }
  return p;
}

function describeCert(c: CertInfo): string {
  return `"${c.subject}" (serial ${c.serialNumberHex})`;
}

/** Email addresses compare case-insensitively here (RFC 8550 leaves local-part case to the domain; mail systems ignore it). */
function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Apply the acceptance rule to one candidate. Reasons accumulate (a certificate for the wrong domain
 * without encryption keyUsage gets both), so a refusal says everything that is wrong with it.
 */
export function assessCandidate(c: Candidate, target: LookupTarget, policy: AcceptancePolicy = {}): { accepted: Accepted } | { refused: Refusal } {
  let cert: CertInfo;
  try {
    cert = parseCertificate(c.value);
  } catch (e) {
    return {
      refused: { method: c.method, origin: c.origin, value: c.value, reasons: ['MALFORMED_CERTIFICATE'], detail: `${c.origin}: not a certificate: ${(e as Error).message}` },
    };
  }
  const reasons: RefusalCode[] = [];
  const details: string[] = [];
  let matchedDomain: string | undefined;
  if (target.purpose === 'dca') {
    const n = checkDcaEncryptionCertificate(cert, target.domain);
    reasons.push(...n.reasons);
    matchedDomain = n.matchedDomain;
    if (n.reasons.length > 0) details.push(n.detail.split('; ').filter((d) => !d.startsWith('keyUsage')).join('; '));
  } else {
    const addr = target.address!;
    if (!cert.sanEmails.some((e) => sameAddress(e, addr))) {
      reasons.push('RECIPIENT_ADDRESS_MISMATCH');
      details.push(`no rfc822Name ${addr} in subjectAltName (${cert.sanEmails.length ? `has ${cert.sanEmails.join(', ')}` : 'none'})`);
    }
  }
  if (!certificatePurpose(cert).encryption) {
    reasons.push('CERT_KEY_USAGE_NOT_ENCRYPTION');
    details.push('keyUsage allows neither key transport (keyEncipherment, RSA) nor key agreement (keyAgreement, EC/X25519) (N11)');
  }
  const t = target.at.getTime();
  if (t > cert.notAfter.getTime()) {
    reasons.push('CERT_EXPIRED');
    details.push(`expired at ${cert.notAfter.toISOString()}`);
  } else if (t < cert.notBefore.getTime()) {
    reasons.push('CERT_NOT_YET_VALID');
    details.push(`not valid before ${cert.notBefore.toISOString()}`);
  }
  if (policy.trustAnchors) {
    const { anchors, intermediates } = preparePolicy(policy);
    const path = validatePath(cert, intermediates, anchors, target.at);
    if (!path.ok && !reasons.includes(path.reason)) {
      reasons.push(path.reason);
      details.push(path.detail);
    }
  }
  if (reasons.length > 0) {
    return {
      refused: {
        method: c.method,
        origin: c.origin,
        value: c.value,
        subject: cert.subject,
        serialNumberHex: cert.serialNumberHex,
        reasons,
        detail: `${c.origin}: ${describeCert(cert)}: ${reasons.join(', ')}: ${details.join('; ')}`,
      },
    };
  }
  const accepted: Accepted = { method: c.method, origin: c.origin, certificate: cert };
  if (matchedDomain) accepted.matchedDomain = matchedDomain;
  return { accepted };
}

// ---------------------------------------------------------------------------------------------
// The choosing rule

/**
 * Order of acceptable candidates, best first. Every step is a property of the certificate, never the
 * order a directory happened to return values in, so the choice is deterministic:
 *  1. (purpose 'dca') the most specific DCA: a certificate naming the recipient's own domain beats one
 *     naming an ascendant, a longer ascendant beats a shorter one (the DCA nearest the recipient);
 *  2. the newest: the latest notBefore (after a key rollover both certificates may still be published);
 *  3. the longest-lived: the latest notAfter;
 *  4. tie-break: the smaller DER encoding, compared bytewise.
 * Across methods ('either'), method 1 is tried first and method 2 only when method 1 gives nothing
 * acceptable: the recipient's own entry is the directory's most specific statement about the recipient.
 */
export function compareAccepted(a: Accepted, b: Accepted): number {
  const la = a.matchedDomain?.length ?? 0;
  const lb = b.matchedDomain?.length ?? 0;
  if (la !== lb) return lb - la;
  const nb = b.certificate.notBefore.getTime() - a.certificate.notBefore.getTime();
  if (nb !== 0) return nb;
  const na = b.certificate.notAfter.getTime() - a.certificate.notAfter.getTime();
  if (na !== 0) return na;
  return Buffer.compare(a.certificate.der, b.certificate.der);
}

/** Drop repeated values (the same certificate in two entries or twice in one attribute), keeping the first origin. */
export function dedupeCandidates(cs: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return cs.filter((c) => {
    const k = c.value.toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** What one method produced: candidates, or "nothing there" with a reason. */
export type MethodOutcome = { kind: 'candidates'; method: CandidateOrigin['method']; candidates: Candidate[]; notFound?: string } | { kind: 'none'; method: CandidateOrigin['method']; detail: string };

function targetText(t: LookupTarget): string {
  return `${t.purpose === 'dca' ? 'the DCA of ' : ''}${t.address ?? t.domain}`;
}

/**
 * Decide from the outcomes of the methods tried (in order): the first method with an acceptable
 * candidate wins; refusals from every method are kept; no candidates at all is 'not-found'.
 */
export function decide(target: LookupTarget, source: string, outcomes: MethodOutcome[], policy: AcceptancePolicy = {}): LookupResult {
  const methods = outcomes.map((o) => o.method);
  const refused: Refusal[] = [];
  const notFound: string[] = [];
  const seen = new Set<string>();
  for (const o of outcomes) {
    if (o.kind === 'none') {
      notFound.push(o.detail);
      continue;
    }
    if (o.notFound) notFound.push(o.notFound);
    const accepted: Accepted[] = [];
    for (const c of dedupeCandidates(o.candidates)) {
      // A value already judged by an earlier method is not judged (or reported) twice.
      const k = c.value.toString('base64');
      if (seen.has(k)) continue;
      seen.add(k);
      const r = assessCandidate(c, target, policy);
      if ('accepted' in r) accepted.push(r.accepted);
      else refused.push(r.refused);
    }
    if (accepted.length > 0) {
      accepted.sort(compareAccepted);
      const best = accepted[0]!;
      return {
        status: 'found',
        target,
        source,
        methods,
        certificate: best.certificate,
        accepted,
        refused,
        detail: `${targetText(target)}: ${describeCert(best.certificate)} from ${best.origin}${accepted.length > 1 ? ` (chosen among ${accepted.length} acceptable)` : ''}${refused.length ? `; ${refused.length} refused` : ''}`,
      };
    }
  }
  if (refused.length > 0) {
    return {
      status: 'refused',
      target,
      source,
      methods,
      refused,
      detail: `${targetText(target)}: no acceptable certificate in ${source}; refused ${refused.length}: ${refused.map((r) => r.detail).join(' | ')}`,
    };
  }
  return { status: 'not-found', target, source, methods, detail: `${targetText(target)}: not found in ${source}: ${notFound.join('; ') || 'no candidates'}` };
}

/**
 * The certificate of a 'found' result, or a typed error for the others (for callers such as the CLI that
 * must stop): unavailable -> DIRECTORY_UNAVAILABLE, not-found -> CERTIFICATE_NOT_FOUND, refused ->
 * POLICY_VIOLATION (encrypting to a certificate that breaks the naming convention breaks draft 4.1).
 */
export function requireCertificate(r: LookupResult): CertInfo {
  switch (r.status) {
    case 'found':
      return r.certificate;
    case 'unavailable':
      return fail('DIRECTORY_UNAVAILABLE', `${r.source}: ${r.cause}: ${r.detail}`);
    case 'not-found':
      return fail('CERTIFICATE_NOT_FOUND', r.detail);
    case 'refused':
      return fail('POLICY_VIOLATION', r.detail);
  }
}

function fail(code: 'DIRECTORY_UNAVAILABLE' | 'CERTIFICATE_NOT_FOUND' | 'POLICY_VIOLATION', msg: string): never {
  throw new DomsecError(code, msg);
}
