import 'reflect-metadata';
import { createPrivateKey, createPublicKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { DomsecError } from '../errors.js';
import { id_kp_emailProtection } from '../asn1/oids.js';
import type { ReasonCode } from '../domsec/reasons.js';
import { certToPem } from '../x509/certificate.js';

/**
 * A test PKI for DOMSEC vectors (draft 2.4, N9-N11): one root CA, conforming domain signers, DCA
 * encryption certificates and user certificates per domain, and one certificate per way of breaking the
 * naming rule. Deterministic when keys are pinned: fixed dates relative to `now`, serial numbers from a
 * counter, and a CA that signs with RSA PKCS#1 v1.5 (deterministic signatures), so the same keys give
 * byte-identical certificates.
 */

const generateKeyPairAsync = promisify(generateKeyPair);

export type PkiAlgorithm = 'rsa-2048' | 'ec-p256' | 'ec-p384' | 'ed25519';
export type PkiRole = 'ca' | 'signer' | 'dca' | 'user';

/** Why a negative entry fails, and in which use: vectors and graders read this from pki.json. */
export interface PkiBreaks {
  rule: string;
  reason: ReasonCode;
  /** The use in which the entry breaks the rule, e.g. "domain signature on mail From: alice@example.test". */
  context: string;
}

export interface PkiEntry {
  /** Unique name: "ca", "untrusted-ca" or "<domain>/<shortName>". */
  name: string;
  shortName: string;
  domain?: string;
  role: PkiRole;
  algorithm: PkiAlgorithm;
  certPem: string;
  certDer: Buffer;
  /** PKCS#8 PEM. */
  keyPem: string;
  breaks?: PkiBreaks;
}

export interface TestPki {
  /** The validation time the PKI was made for; certificates are valid now-1y .. now+10y. */
  now: Date;
  domains: string[];
  ca: PkiEntry;
  /** Issues bad-untrusted; deliberately not among trustAnchors. */
  untrustedCa: PkiEntry;
  /** Every entry, CAs included, by name. */
  entries: Record<string, PkiEntry>;
  /** PEM of the trust anchors (the root CA only). */
  trustAnchors: string[];
}

export interface GenerateTestPkiOptions {
  domains?: string[];
  now?: Date;
  /**
   * The O= of every subject. A second PKI (a vendor's, or one made to stand for a gateway's own
   * certificates) needs its own, or its CA has the same name as the suite's and path building meets two
   * issuers of one name.
   */
  organization?: string;
  /** Keys to reuse, entry name -> PKCS#8 PEM, so vector generation can pin keys (see pkiKeys()). */
  keys?: Record<string, string>;
}

/** 2026-01-01T00:00:00Z: fixed so that generated vectors do not depend on the day they were made. */
export const DEFAULT_PKI_NOW = new Date('2026-01-01T00:00:00Z');
export const DEFAULT_PKI_DOMAINS = ['example.test', 'example.org'];
export const DEFAULT_PKI_ORGANIZATION = 'domsec-suite test PKI';

const KU = x509.KeyUsageFlags;
const SIGN_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** The CryptoKey type @peculiar/x509 expects (the project has no DOM lib, so no global CryptoKey). */
type X509SigningKey = x509.X509CertificateCreateWithKeyParams['signingKey'];

function addYears(d: Date, years: number): Date {
  const r = new Date(d.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + years);
  return r;
}

interface CertSpec {
  name: string;
  shortName: string;
  domain?: string;
  role: PkiRole;
  algorithm: PkiAlgorithm;
  subject: string;
  sans: x509.JsonGeneralNames;
  keyUsage: number;
  ca?: boolean;
  issuer: 'ca' | 'untrusted-ca' | 'intermediate-ca' | 'self';
  notBefore: Date;
  notAfter: Date;
  breaks?: PkiBreaks;
}

/** Naming-convention SANs of draft 2.4 for a domain: submit:// (MSA), smtp:// (MTA) and dNSName. */
function domainSans(d: string): x509.JsonGeneralNames {
  return [
    { type: 'url', value: `smtp://${d}` },
    { type: 'url', value: `submit://${d}` },
    { type: 'dns', value: d },
  ];
}

function specs(domains: string[], now: Date, organization: string): CertSpec[] {
  const nb = addYears(now, -1);
  const na = addYears(now, 10);
  const out: CertSpec[] = [];
  const O = `O=${organization}`;
  out.push({ name: 'ca', shortName: 'ca', role: 'ca', algorithm: 'rsa-2048', subject: `CN=DOMSEC Test Root CA, ${O}`, sans: [], keyUsage: KU.keyCertSign | KU.cRLSign, ca: true, issuer: 'self', notBefore: nb, notAfter: na });
  out.push({ name: 'untrusted-ca', shortName: 'untrusted-ca', role: 'ca', algorithm: 'rsa-2048', subject: `CN=DOMSEC Untrusted CA, ${O}`, sans: [], keyUsage: KU.keyCertSign | KU.cRLSign, ca: true, issuer: 'self', notBefore: nb, notAfter: na });
  domains.forEach((d, idx) => {
    const e = (shortName: string, role: PkiRole, algorithm: PkiAlgorithm, cn: string, sans: x509.JsonGeneralNames, keyUsage: number, extra: Partial<CertSpec> = {}): void => {
      out.push({ name: `${d}/${shortName}`, shortName, domain: d, role, algorithm, subject: `CN=${cn}, ${O}`, sans, keyUsage, issuer: 'ca', notBefore: nb, notAfter: na, ...extra });
    };
    const sig = KU.digitalSignature;
    e('signer-rsa', 'signer', 'rsa-2048', `${d} domain signer (RSA)`, domainSans(d), sig);
    e('signer-ec', 'signer', 'ec-p256', `${d} domain signer (P-256)`, domainSans(d), sig);
    e('signer-ec384', 'signer', 'ec-p384', `${d} domain signer (P-384)`, domainSans(d), sig);
    e('signer-ed25519', 'signer', 'ed25519', `${d} domain signer (Ed25519)`, domainSans(d), sig);
    // A DCA encrypts between MTAs (draft 4): smtp:// and dNSName, no submit://.
    const dcaSans: x509.JsonGeneralNames = [{ type: 'url', value: `smtp://${d}` }, { type: 'dns', value: d }];
    e('dca-rsa', 'dca', 'rsa-2048', `${d} DCA encryption (RSA)`, dcaSans, KU.keyEncipherment);
    e('dca-ec', 'dca', 'ec-p256', `${d} DCA encryption (P-256)`, dcaSans, KU.keyAgreement);
    for (const user of ['alice', 'bob']) {
      e(`user-${user}`, 'user', 'rsa-2048', `${user}@${d}`, [{ type: 'email', value: `${user}@${d}` }], KU.digitalSignature | KU.keyEncipherment);
    }
    // An end recipient with an EC key, so that cases (a) and (c) can be exercised with ECDH key agreement.
    e('user-carol-ec', 'user', 'ec-p256', `carol@${d}`, [{ type: 'email', value: `carol@${d}` }], KU.digitalSignature | KU.keyAgreement);
    if (idx !== 0) return;
    // Negative certificates, for the first domain only. Each breaks exactly one rule in the stated use.
    const from = `domain signature on mail From: alice@${d}`;
    e('bad-foreign', 'signer', 'rsa-2048', `foreign.test domain signer`, domainSans('foreign.test'), sig, {
      breaks: { rule: 'draft 2.4: signer domain must equal or be an ascendant of the originator domain (N9)', reason: 'NAMING_DOMAIN_MISMATCH', context: from },
    });
    e('bad-lookalike', 'signer', 'rsa-2048', `bad${d} domain signer`, domainSans(`bad${d}`), sig, {
      breaks: { rule: `N9: ascendant by whole labels; bad${d} is not ${d}`, reason: 'NAMING_DOMAIN_MISMATCH', context: from },
    });
    // CN looks like the domain: a verifier must not fall back on the subject CN (draft 2.4 requires SubjectAltName).
    e('bad-nosan', 'signer', 'rsa-2048', d, [], sig, {
      breaks: { rule: 'draft 2.4, N10: SubjectAltName URI smtp:// or submit:// and/or dNSName required', reason: 'NAMING_NO_DOMAIN_NAME', context: from },
    });
    e('bad-encryption-only', 'signer', 'rsa-2048', `${d} encryption-only`, domainSans(d), KU.keyEncipherment, {
      breaks: { rule: 'draft 2.4 last paragraph, N11: a signing certificate has digitalSignature or nonRepudiation', reason: 'CERT_KEY_USAGE_NOT_SIGNING', context: from },
    });
    e('bad-expired', 'signer', 'rsa-2048', `${d} domain signer (expired)`, domainSans(d), sig, {
      notBefore: addYears(now, -6),
      notAfter: addYears(now, -5),
      breaks: { rule: 'RFC 5280 6.1.3 (a)(2): validity period', reason: 'CERT_EXPIRED', context: `path validation at ${now.toISOString()}` },
    });
    e('bad-untrusted', 'signer', 'rsa-2048', `${d} domain signer (untrusted CA)`, domainSans(d), sig, {
      issuer: 'untrusted-ca',
      breaks: { rule: 'RFC 5280 6.1: path to a trust anchor', reason: 'CERT_UNTRUSTED', context: 'path validation against ca.crt' },
    });
    e('submit-only', 'signer', 'rsa-2048', `${d} MSA signer`, [{ type: 'url', value: `submit://${d}` }], sig, {
      breaks: { rule: 'draft 2.4: "smtp" names an MTA; an MSA certificate does not name an MTA', reason: 'NAMING_NO_DOMAIN_NAME', context: `${from}, checked as an MTA (role mta)` },
    });
    e('smtp-only', 'signer', 'rsa-2048', `${d} MTA signer`, [{ type: 'url', value: `smtp://${d}` }], sig, {
      breaks: { rule: 'draft 2.4: "submit" names an MSA; an MTA certificate does not name an MSA', reason: 'NAMING_NO_DOMAIN_NAME', context: `${from}, checked as an MSA (role msa)` },
    });
    // The positive ascendant case needs no extra certificate: signer-* for D covers mail From: x@mail.D.
    // Its negative is a signer for the subdomain mail.D used on mail from D: a descendant is not an ascendant.
    e('bad-descendant', 'signer', 'rsa-2048', `mail.${d} domain signer`, domainSans(`mail.${d}`), sig, {
      breaks: { rule: `N9: only the domain or an ascendant; mail.${d} is a descendant of ${d}`, reason: 'NAMING_DOMAIN_MISMATCH', context: from },
    });
    const parent = d.split('.').slice(1).join('.');
    if (parent && !parent.includes('.')) {
      e('bad-single-label', 'signer', 'rsa-2048', `${parent} domain signer`, domainSans(parent), sig, {
        breaks: { rule: `N9 (project choice): a single-label domain ("${parent}") is never accepted as an ascendant`, reason: 'NAMING_DOMAIN_MISMATCH', context: from },
      });
    }
  });
  // Appended after the entries above so that their counter-derived serials (and pinned certificates) stay as they were.
  const d = domains[0]!;
  // The originator of mail From: alice@mail.<d>, whose domain signer is <d> (an ascendant, N9).
  out.push({ name: `${d}/user-alice-mail`, shortName: 'user-alice-mail', domain: d, role: 'user', algorithm: 'rsa-2048', subject: `CN=alice@mail.${d}, ${O}`, sans: [{ type: 'email', value: `alice@mail.${d}` }], keyUsage: KU.digitalSignature | KU.keyEncipherment, issuer: 'ca', notBefore: nb, notAfter: na });
  // A CA below the root, and a domain signer it issues: paths the verifier must build through an intermediate.
  out.push({ name: 'intermediate-ca', shortName: 'intermediate-ca', role: 'ca', algorithm: 'rsa-2048', subject: `CN=DOMSEC Test Intermediate CA, ${O}`, sans: [], keyUsage: KU.keyCertSign | KU.cRLSign, ca: true, issuer: 'ca', notBefore: nb, notAfter: na });
  out.push({ name: `${d}/signer-rsa-int`, shortName: 'signer-rsa-int', domain: d, role: 'signer', algorithm: 'rsa-2048', subject: `CN=${d} domain signer (intermediate CA), ${O}`, sans: domainSans(d), keyUsage: KU.digitalSignature, issuer: 'intermediate-ca', notBefore: nb, notAfter: na });
  return out;
}

async function newKey(alg: PkiAlgorithm): Promise<KeyObject> {
  switch (alg) {
    case 'rsa-2048':
      return (await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })).privateKey;
    case 'ec-p256':
      return (await generateKeyPairAsync('ec', { namedCurve: 'P-256' })).privateKey;
    case 'ec-p384':
      return (await generateKeyPairAsync('ec', { namedCurve: 'P-384' })).privateKey;
    case 'ed25519':
      return (await generateKeyPairAsync('ed25519')).privateKey;
  }
}

function keyAlgorithm(k: KeyObject): PkiAlgorithm | undefined {
  const d = k.asymmetricKeyDetails;
  if (k.asymmetricKeyType === 'rsa' && d?.modulusLength === 2048) return 'rsa-2048';
  if (k.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return 'ec-p256';
  if (k.asymmetricKeyType === 'ec' && d?.namedCurve === 'secp384r1') return 'ec-p384';
  if (k.asymmetricKeyType === 'ed25519') return 'ed25519';
  return undefined;
}

async function loadOrMakeKey(spec: CertSpec, pinned: Record<string, string> | undefined): Promise<KeyObject> {
  const pem = pinned?.[spec.name];
  if (pem === undefined) return newKey(spec.algorithm);
  let k: KeyObject;
  try {
    k = createPrivateKey(pem);
  } catch (e) {
    throw new DomsecError('MALFORMED_KEY', `pinned key for ${spec.name} does not decode: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (keyAlgorithm(k) !== spec.algorithm) {
    throw new DomsecError('BAD_ARGUMENT', `pinned key for ${spec.name} is not ${spec.algorithm}`);
  }
  return k;
}

/** Generate the PKI in memory. Missing keys are generated in parallel (RSA-2048 dominates the time). */
export async function generateTestPki(opts: GenerateTestPkiOptions = {}): Promise<TestPki> {
  const now = opts.now ?? DEFAULT_PKI_NOW;
  if (Number.isNaN(now.getTime())) throw new DomsecError('BAD_ARGUMENT', 'generateTestPki: invalid "now" date');
  const domains = (opts.domains ?? DEFAULT_PKI_DOMAINS).map((d) => d.toLowerCase());
  if (domains.length === 0) throw new DomsecError('BAD_ARGUMENT', 'generateTestPki: at least one domain is required');
  for (const d of domains) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) throw new DomsecError('BAD_ARGUMENT', `generateTestPki: "${d}" is not a multi-label domain name`);
  }
  if (new Set(domains).size !== domains.length) throw new DomsecError('BAD_ARGUMENT', 'generateTestPki: duplicate domain');

  // Certificates are made with Node's own WebCrypto (STACK-NOTES); the provider is global to @peculiar/x509.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const subtle = webcrypto.subtle;
  const all = specs(domains, now, opts.organization ?? DEFAULT_PKI_ORGANIZATION);
  const keys = await Promise.all(all.map((s) => loadOrMakeKey(s, opts.keys)));

  const importSigner = async (k: KeyObject): Promise<X509SigningKey> =>
    (await subtle.importKey('pkcs8', k.export({ type: 'pkcs8', format: 'der' }), SIGN_ALG, false, ['sign'])) as unknown as X509SigningKey;

  const entries: Record<string, PkiEntry> = {};
  const issuers: Record<string, { name: string; key: X509SigningKey; spki: Buffer }> = {};
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    const key = keys[i]!;
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    let issuer = s.issuer === 'self' ? undefined : issuers[s.issuer];
    if (s.issuer === 'self') {
      issuer = { name: s.subject, key: await importSigner(key), spki };
      issuers[s.name] = issuer;
    }
    if (!issuer) throw new Error(`internal: issuer ${s.issuer} not generated before ${s.name}`);
    const exts: x509.Extension[] = [
      new x509.BasicConstraintsExtension(s.ca === true, undefined, true),
      new x509.KeyUsagesExtension(s.keyUsage, true),
      await x509.SubjectKeyIdentifierExtension.create(new Uint8Array(spki)),
      await x509.AuthorityKeyIdentifierExtension.create(new Uint8Array(issuer.spki)),
    ];
    if (!s.ca) exts.push(new x509.ExtendedKeyUsageExtension([id_kp_emailProtection]));
    if (s.sans.length > 0) exts.push(new x509.SubjectAlternativeNameExtension(s.sans));
    const cert = await x509.X509CertificateGenerator.create({
      // Counter-derived serials: unique within the PKI and stable across runs (leading 0x10 keeps them positive).
      serialNumber: (0x1000 + i + 1).toString(16),
      subject: s.subject,
      issuer: issuer.name,
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      publicKey: new Uint8Array(spki),
      signingKey: issuer.key,
      signingAlgorithm: SIGN_ALG,
      extensions: exts,
    });
    const certDer = Buffer.from(cert.rawData);
    if (s.ca && s.issuer !== 'self') issuers[s.name] = { name: s.subject, key: await importSigner(key), spki };
    const entry: PkiEntry = {
      name: s.name,
      shortName: s.shortName,
      role: s.role,
      algorithm: s.algorithm,
      certPem: certToPem(certDer),
      certDer,
      keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    if (s.domain) entry.domain = s.domain;
    if (s.breaks) entry.breaks = s.breaks;
    entries[s.name] = entry;
  }
  const ca = entries['ca']!;
  return { now, domains, ca, untrustedCa: entries['untrusted-ca']!, entries, trustAnchors: [ca.certPem] };
}

/** Every entry's key, for `generateTestPki({ keys })`: pins keys so regenerated certificates are byte-identical. */
export function pkiKeys(pki: TestPki): Record<string, string> {
  return Object.fromEntries(Object.values(pki.entries).map((e) => [e.name, e.keyPem]));
}
