import type { CertInfo } from '../x509/certificate.js';
import type { ReasonCode } from './reasons.js';
import { DomsecError } from '../errors.js';
import { id_ecPublicKey, id_RSAES_OAEP, id_X25519, id_Ed25519, id_RSASSA_PSS, rsaEncryption } from '../asn1/oids.js';

/**
 * The naming convention of draft 2.4 (N9, N10, N11): which domain a domain signer / DCA certificate
 * names, which domain the originator is in, and whether the first is the second or a whole-label
 * ascendant of it.
 */

export type OriginatorDomain =
  | { ok: true; domain: string; address: string }
  | { ok: false; reason: 'NAMING_NO_ORIGINATOR_DOMAIN'; detail: string };

export interface NamingResult {
  ok: boolean;
  reasons: ReasonCode[];
  /** The certificate's domains that count for the requested role (N10). */
  signerDomains: string[];
  matchedDomain?: string;
  detail: string;
}

// ---------------------------------------------------------------------------------------------
// Domain names

/**
 * Normalise a DNS domain for comparison: lowercase, one trailing root dot removed (absolute and relative
 * forms name the same domain). IDNs are handled minimally: U-labels are lowercased and kept as they are
 * (no IDNA mapping or punycode conversion), so an A-label and its U-label do not compare equal.
 * Returns undefined for anything that is not a plausible host name (empty labels, spaces, '@', ...).
 */
export function normalizeDomain(d: string): string | undefined {
  let s = d.trim().toLowerCase();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s.length === 0 || s.length > 253) return undefined;
  const labels = s.split('.');
  // LDH labels (RFC 1123 2.1) plus '_' seen in real names, or any non-ASCII (U-label, kept as is).
  if (!labels.every((l) => l.length > 0 && l.length <= 63 && /^[a-z0-9_\u0080-\uffff](?:[a-z0-9_\u0080-\uffff-]*[a-z0-9_\u0080-\uffff])?$/u.test(l))) {
    return undefined;
  }
  return s;
}

/**
 * True when `signerDomain` equals `originatorDomain` or is a whole-label ascendant of it (N9):
 * example.test covers mail.example.test, not badexample.test. Case-insensitive.
 * A single-label (or empty) signer domain is never accepted as an ascendant, only as an exact match:
 * otherwise a certificate for the TLD "test" would cover every *.test domain, which is exactly the
 * cross-organisation masquerade draft 2.4 says the rule prevents.
 */
export function isEqualOrAscendant(signerDomain: string, originatorDomain: string): boolean {
  const s = normalizeDomain(signerDomain);
  const o = normalizeDomain(originatorDomain);
  if (!s || !o) return false;
  if (s === o) return true;
  if (!s.includes('.')) return false;
  return o.endsWith(`.${s}`);
}

// ---------------------------------------------------------------------------------------------
// The originator (N9): the RFC 5322 From: address

type Tok =
  | { t: 'atom'; v: string }
  | { t: 'quoted'; v: string }
  | { t: 'literal'; v: string }
  | { t: 'special'; v: string };

/**
 * RFC 5322 3.2 lexical tokens of a From: value. Comments (nested, with quoted-pairs) and folding
 * white space are dropped; '.' stays inside atoms so that dot-atoms are single tokens.
 */
function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(') {
      let depth = 0;
      do {
        const c = s[i];
        if (c === undefined) throw new Error('unterminated comment');
        if (c === '\\') i++;
        else if (c === '(') depth++;
        else if (c === ')') depth--;
        i++;
      } while (depth > 0);
    } else if (ch === '"') {
      let v = '';
      i++;
      for (;;) {
        const c = s[i];
        if (c === undefined) throw new Error('unterminated quoted string');
        if (c === '"') break;
        if (c === '\\') {
          i++;
          const n = s[i];
          if (n === undefined) throw new Error('unterminated quoted string');
          v += n;
        } else v += c;
        i++;
      }
      i++;
      out.push({ t: 'quoted', v });
    } else if (ch === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw new Error('unterminated domain literal');
      out.push({ t: 'literal', v: s.slice(i, end + 1) });
      i = end + 1;
    } else if ('<>,:;@'.includes(ch)) {
      out.push({ t: 'special', v: ch });
      i++;
    } else if (ch === ')' || ch === ']' || ch === '\\') {
      throw new Error(`unexpected "${ch}"`);
    } else {
      let v = '';
      while (i < s.length && !/[\s()"[\]<>,:;@\\]/.test(s[i]!)) v += s[i++];
      out.push({ t: 'atom', v });
    }
  }
  return out;
}

/** Split an address-list into mailboxes (token runs), flattening groups (RFC 5322 3.4). */
function mailboxes(toks: Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  let inAngle = false;
  let inGroup = false;
  const flush = (): void => {
    if (cur.length > 0) out.push(cur);
    cur = [];
  };
  for (const tk of toks) {
    if (tk.t === 'special') {
      if (tk.v === '<') {
        if (inAngle) throw new Error('nested "<"');
        inAngle = true;
      } else if (tk.v === '>') {
        if (!inAngle) throw new Error('unbalanced ">"');
        inAngle = false;
      } else if (!inAngle && tk.v === ',') {
        flush();
        continue;
      } else if (!inAngle && tk.v === ':') {
        // group display-name ":" (an obs-route "@a,@b:" only appears inside angle brackets)
        if (inGroup) throw new Error('nested group');
        inGroup = true;
        cur = [];
        continue;
      } else if (!inAngle && tk.v === ';') {
        if (!inGroup) throw new Error('";" outside a group');
        inGroup = false;
        flush();
        continue;
      }
    }
    cur.push(tk);
  }
  if (inAngle) throw new Error('unterminated "<"');
  if (inGroup) throw new Error('group without ";"');
  flush();
  return out;
}

/** addr-spec of one mailbox: inside <...> (after any obs-route) or the whole run. */
function addrSpec(mb: Tok[]): { local: string; domain: string } {
  let spec = mb;
  const open = mb.findIndex((t) => t.t === 'special' && t.v === '<');
  if (open >= 0) {
    const close = mb.findIndex((t, i) => i > open && t.t === 'special' && t.v === '>');
    if (close !== mb.length - 1) throw new Error('text after the angle address');
    spec = mb.slice(open + 1, close);
    const colon = spec.findIndex((t) => t.t === 'special' && t.v === ':');
    if (colon >= 0) spec = spec.slice(colon + 1); // RFC 5322 4.4 obs-route
  }
  const ats = spec.flatMap((t, i) => (t.t === 'special' && t.v === '@' ? [i] : []));
  if (ats.length !== 1) throw new Error(ats.length === 0 ? 'mailbox has no "@domain"' : 'mailbox has several "@"');
  const at = ats[0]!;
  const localToks = spec.slice(0, at);
  const domToks = spec.slice(at + 1);
  if (localToks.length === 0 || localToks.some((t) => t.t === 'special' || t.t === 'literal')) throw new Error('bad local part');
  if (domToks.length !== 1) throw new Error('bad domain');
  const d = domToks[0]!;
  if (d.t === 'literal') throw new Error(`domain literal ${d.v} names no DNS domain`);
  if (d.t !== 'atom') throw new Error('bad domain');
  const local = localToks.map((t) => (t.t === 'quoted' ? `"${t.v.replace(/(["\\])/g, '\\$1')}"` : t.v)).join('');
  return { local, domain: d.v };
}

/**
 * The originator's domain from an RFC 5322 From: field value (N9). Exactly one mailbox is required
 * (RFC 5322 3.6.2 allows several authors; then the originator is ambiguous and N9 says flag it).
 */
export function originatorDomain(fromHeaderValue: string | undefined): OriginatorDomain {
  const fail = (detail: string): OriginatorDomain => ({ ok: false, reason: 'NAMING_NO_ORIGINATOR_DOMAIN', detail });
  if (fromHeaderValue === undefined || fromHeaderValue.trim() === '') return fail('no From: address');
  let boxes: Tok[][];
  try {
    const toks = tokenize(fromHeaderValue);
    // RFC 5322 3.6.2: From is a mailbox-list, never a group ("Undisclosed:;", "G: ceo@bank.example;").
    let angle = false;
    for (const t of toks) {
      if (t.t !== 'special') continue;
      if (t.v === '<') angle = true;
      else if (t.v === '>') angle = false;
      else if (!angle && (t.v === ':' || t.v === ';')) throw new Error('a group is not a mailbox (RFC 5322 3.6.2)');
    }
    boxes = mailboxes(toks);
  } catch (e) {
    return fail(`From: does not parse: ${(e as Error).message}`);
  }
  if (boxes.length !== 1) return fail(boxes.length === 0 ? 'From: holds no mailbox' : `From: holds ${boxes.length} mailboxes, the originator is ambiguous`);
  let spec;
  try {
    spec = addrSpec(boxes[0]!);
  } catch (e) {
    return fail(`From: mailbox does not parse: ${(e as Error).message}`);
  }
  const domain = normalizeDomain(spec.domain);
  if (!domain) return fail(`From: domain "${spec.domain}" is not a domain name`);
  return { ok: true, domain, address: `${spec.local}@${domain}` };
}

// ---------------------------------------------------------------------------------------------
// The certificate side (N10)

/**
 * "<protocol>://<fully-qualified-domain>" (draft 2.4), read strictly: scheme smtp or submit (any case,
 * RFC 3986 3.1), then the domain, then at most one "/". A port, userinfo, path, query or fragment makes
 * the URI something other than the naming-convention form, so it names no domain here.
 */
const NAMING_URI = /^(smtp|submit):\/\/([^/?#:@\s[\]]+)\/?$/i;

export function certificateDomains(cert: CertInfo): { uriSmtp: string[]; uriSubmit: string[]; dnsNames: string[]; all: string[] } {
  const uriSmtp: string[] = [];
  const uriSubmit: string[] = [];
  const dnsNames: string[] = [];
  const add = (list: string[], d: string | undefined): void => {
    if (d && !list.includes(d)) list.push(d);
  };
  for (const uri of cert.sanUris) {
    const m = NAMING_URI.exec(uri);
    if (!m) continue;
    add(m[1]!.toLowerCase() === 'smtp' ? uriSmtp : uriSubmit, normalizeDomain(m[2]!));
  }
  // A wildcard dNSName ("*.example.test") is not "<fully-qualified-domain>" and names no domain (normalizeDomain rejects '*').
  for (const d of cert.sanDnsNames) add(dnsNames, normalizeDomain(d));
  const all: string[] = [];
  for (const d of [...uriSmtp, ...uriSubmit, ...dnsNames]) add(all, d);
  return { uriSmtp, uriSubmit, dnsNames, all };
}

export type NamingRole = 'msa' | 'mta' | 'any';

/** The certificate's domains that count for a role: submit:// names an MSA, smtp:// an MTA; dNSName either (draft 2.4). */
export function domainsForRole(cert: CertInfo, role: NamingRole): string[] {
  const d = certificateDomains(cert);
  if (role === 'msa') return [...new Set([...d.uriSubmit, ...d.dnsNames])];
  if (role === 'mta') return [...new Set([...d.uriSmtp, ...d.dnsNames])];
  return d.all;
}

/** Most specific matching domain (exact beats ascendant, longer ascendant beats shorter). */
function bestMatch(domains: string[], target: string): string | undefined {
  return domains.filter((d) => isEqualOrAscendant(d, target)).sort((a, b) => b.length - a.length)[0];
}

// ---------------------------------------------------------------------------------------------
// Certificate purpose (N11)

/** Key types that can sign / can receive content-encryption keys, by SubjectPublicKeyInfo algorithm. */
const CAN_SIGN = new Set([rsaEncryption, id_RSASSA_PSS, id_ecPublicKey, id_Ed25519]);
const RSA_TRANSPORT = new Set([rsaEncryption, id_RSAES_OAEP]);
const AGREEMENT = new Set([id_ecPublicKey, id_X25519]);

/**
 * Signing vs encryption by keyUsage (draft 2.4 last paragraph, N11): signing = digitalSignature or
 * nonRepudiation; encryption = keyEncipherment for RSA key transport, keyAgreement for EC/X25519.
 * No keyUsage extension means unrestricted (RFC 5280 4.2.1.3), so such a certificate counts for both,
 * limited only by what its key type can do (an Ed25519 key never encrypts, an X25519 key never signs).
 */
export function certificatePurpose(cert: CertInfo): { signing: boolean; encryption: boolean } {
  const alg = cert.publicKeyAlgorithm;
  const ku = cert.keyUsage;
  const signing = CAN_SIGN.has(alg) && (!ku || ku.digitalSignature || ku.nonRepudiation);
  const encryption = RSA_TRANSPORT.has(alg) ? !ku || ku.keyEncipherment : AGREEMENT.has(alg) ? !ku || ku.keyAgreement : false;
  return { signing, encryption };
}

// ---------------------------------------------------------------------------------------------
// The checks

/**
 * Draft 2.4 check of a domain signer's certificate against the originator (N9, N10, N11).
 * role 'msa' counts submit:// and dNSName, 'mta' smtp:// and dNSName, 'any' (default) all three.
 * Unless opts.checkKeyUsage is false, an encryption-only certificate adds CERT_KEY_USAGE_NOT_SIGNING (N11).
 */
export function checkDomainSignerNaming(
  cert: CertInfo,
  originator: OriginatorDomain,
  opts?: { role?: NamingRole; checkKeyUsage?: boolean },
): NamingResult {
  const role = opts?.role ?? 'any';
  const signerDomains = domainsForRole(cert, role);
  const reasons: ReasonCode[] = [];
  const details: string[] = [];
  let matchedDomain: string | undefined;

  if (signerDomains.length === 0) {
    reasons.push('NAMING_NO_DOMAIN_NAME');
    details.push(`certificate ${cert.subject} has no ${role === 'msa' ? 'submit:// URI or dNSName' : role === 'mta' ? 'smtp:// URI or dNSName' : 'smtp:// or submit:// URI or dNSName'} in subjectAltName`);
  }
  if (!originator.ok) {
    reasons.push('NAMING_NO_ORIGINATOR_DOMAIN');
    details.push(originator.detail);
  } else if (signerDomains.length > 0) {
    matchedDomain = bestMatch(signerDomains, originator.domain);
    if (!matchedDomain) {
      reasons.push('NAMING_DOMAIN_MISMATCH');
      details.push(`signer domain(s) ${signerDomains.join(', ')} neither equal nor are an ascendant of originator domain ${originator.domain}`);
    }
  }
  if (opts?.checkKeyUsage !== false && !certificatePurpose(cert).signing) {
    reasons.push('CERT_KEY_USAGE_NOT_SIGNING');
    details.push('keyUsage has neither digitalSignature nor nonRepudiation (an encryption certificate, N11)');
  }
  const ok = reasons.length === 0;
  const result: NamingResult = {
    ok,
    reasons,
    signerDomains,
    detail: ok ? `signer domain ${matchedDomain} covers originator domain ${(originator as { domain: string }).domain}` : details.join('; '),
  };
  if (matchedDomain) result.matchedDomain = matchedDomain;
  return result;
}

/**
 * A DCA's encryption certificate for `recipientDomain` (draft 2.4, 4.1 "named according to the naming
 * convention so that the certificate can be found"): smtp:// URI or dNSName for the domain or an
 * ascendant, and an encryption keyUsage (N11). The catalogue has no reason code for "not an encryption
 * certificate", so that case is reported through `encryption: false` and the detail text.
 */
export function checkDcaEncryptionCertificate(cert: CertInfo, recipientDomain: string): NamingResult & { encryption: boolean } {
  const target = normalizeDomain(recipientDomain);
  if (!target) throw new DomsecError('BAD_ARGUMENT', `recipient domain "${recipientDomain}" is not a domain name`);
  const signerDomains = domainsForRole(cert, 'mta');
  const reasons: ReasonCode[] = [];
  const details: string[] = [];
  let matchedDomain: string | undefined;
  if (signerDomains.length === 0) {
    reasons.push('NAMING_NO_DOMAIN_NAME');
    details.push(`certificate ${cert.subject} has no smtp:// URI or dNSName in subjectAltName`);
  } else {
    matchedDomain = bestMatch(signerDomains, target);
    if (!matchedDomain) {
      reasons.push('NAMING_DOMAIN_MISMATCH');
      details.push(`DCA domain(s) ${signerDomains.join(', ')} neither equal nor are an ascendant of recipient domain ${target}`);
    }
  }
  const encryption = certificatePurpose(cert).encryption;
  if (!encryption) details.push('keyUsage allows no key transport (keyEncipherment, RSA) or key agreement (keyAgreement, EC/X25519) (N11)');
  const ok = reasons.length === 0 && encryption;
  const result: NamingResult & { encryption: boolean } = {
    ok,
    reasons,
    signerDomains,
    encryption,
    detail: ok ? `DCA domain ${matchedDomain} covers recipient domain ${target}` : details.join('; '),
  };
  if (matchedDomain) result.matchedDomain = matchedDomain;
  return result;
}
