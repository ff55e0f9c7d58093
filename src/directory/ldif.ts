/**
 * LDIF (RFC 2849) for serving a test PKI from a directory: the remote domain's DCA and user
 * certificates laid out the way a deployed DOMSEC directory holds them, so a gateway that looks
 * certificates up in LDAP can be tested as deployed.
 *
 * Layout under the suffix (default `o=domsec-suite`), per domain D of the PKI:
 *
 *   ou=D,<suffix>                      organizationalUnit
 *   cn=dca,ou=D,<suffix>               the DCA (draft 4.1 method 2): applicationProcess + pkiUser +
 *                                      labeledURIObject + domainRelatedObject; labeledURI smtp://D,
 *                                      associatedDomain D; userCertificate;binary = D's DCA
 *                                      encryption certificates (dca-rsa, dca-ec)
 *   uid=<local>,ou=D,<suffix>          one inetOrgPerson per user certificate of D (alice, bob, carol):
 *                                      mail <local>@D; userCertificate;binary = the user's own
 *                                      certificate and/or D's DCA certificates (method 1), by `userCertificates`
 *
 * With the defaults, LdapCertificateLookup finds a DCA by either method: `(mail={address})` for method 1,
 * `(labeledURI=smtp://{domain})` or the DN template `cn=dca,ou={domain},o=domsec-suite` for method 2.
 */
import type { TestPki } from '../pki/index.js';
import { parseCertificate } from '../x509/certificate.js';
import { escapeDnValue } from './ldap.js';

export interface LdifEntry {
  dn: string;
  /** Attribute description -> values; Buffers are written base64 (`::`). */
  attributes: Record<string, Array<string | Buffer>>;
}

export const DEFAULT_SUFFIX = 'o=domsec-suite';

/** RFC 2849 SAFE-STRING: otherwise the value is written base64. */
function isSafe(v: string): boolean {
  if (v === '') return true;
  if (/^[ :<]/.test(v) || v.endsWith(' ')) return false;
  return /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(v);
}

function line(name: string, v: string | Buffer): string {
  const text = typeof v === 'string' && isSafe(v) ? `${name}: ${v}` : `${name}:: ${(typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('base64')}`;
  // Fold at 76 columns: continuation lines begin with one space (RFC 2849 note 2).
  if (text.length <= 76) return text;
  const parts = [text.slice(0, 76)];
  for (let i = 76; i < text.length; i += 75) parts.push(` ${text.slice(i, i + 75)}`);
  return parts.join('\n');
}

/** Serialise entries as LDIF (parents must come before children, as slapadd requires). */
export function toLdif(entries: LdifEntry[]): string {
  return `${entries
    .map((e) => [line('dn', e.dn), ...Object.entries(e.attributes).flatMap(([k, vs]) => vs.map((v) => line(k, v)))].join('\n'))
    .join('\n\n')}\n`;
}

export interface TestPkiDirectoryOptions {
  suffix?: string;
  /** Domains to publish (default: all of the PKI's). */
  domains?: string[];
  /** What a user's entry holds in userCertificate;binary. Default 'both'. */
  userCertificates?: 'own' | 'dca' | 'both';
}

/** Where things are, for a profile or a lookup configuration. */
export interface TestPkiDirectoryLayout {
  suffix: string;
  dcaDn: (domain: string) => string;
  /** DN template for LdapLookupOptions.dcaDn. */
  dcaDnTemplate: string;
  userDn: (address: string) => string;
  users: Array<{ address: string; dn: string }>;
}

/** The suffix entry for a suffix of the form `o=...`, `ou=...` or `dc=...`. */
export function suffixEntry(suffix: string): LdifEntry {
  const m = /^(o|ou|dc)=([^,]+)$/i.exec(suffix);
  if (!m) throw new Error(`suffix "${suffix}" must be a single RDN o=..., ou=... or dc=...`);
  const [, attr, value] = m as unknown as [string, string, string];
  const a = attr.toLowerCase();
  const oc = a === 'o' ? 'organization' : a === 'ou' ? 'organizationalUnit' : 'dcObject';
  return { dn: suffix, attributes: a === 'dc' ? { objectClass: ['top', 'organization', 'dcObject'], o: [value], dc: [value] } : { objectClass: ['top', oc], [a]: [value] } };
}

/** Entries (and their layout) that publish a test PKI's DCA and user certificates. */
export function testPkiDirectoryEntries(pki: TestPki, opts: TestPkiDirectoryOptions = {}): { entries: LdifEntry[]; layout: TestPkiDirectoryLayout } {
  const suffix = opts.suffix ?? DEFAULT_SUFFIX;
  const userCerts = opts.userCertificates ?? 'both';
  const domains = opts.domains ?? pki.domains;
  const ouDn = (d: string): string => `ou=${escapeDnValue(d)},${suffix}`;
  const dcaDn = (d: string): string => `cn=dca,${ouDn(d)}`;
  const entries: LdifEntry[] = [suffixEntry(suffix)];
  const users: Array<{ address: string; dn: string }> = [];
  for (const d of domains) {
    const of = Object.values(pki.entries).filter((e) => e.domain === d && !e.breaks);
    const dcas = of.filter((e) => e.role === 'dca').map((e) => e.certDer);
    entries.push({ dn: ouDn(d), attributes: { objectClass: ['top', 'organizationalUnit'], ou: [d] } });
    entries.push({
      dn: dcaDn(d),
      attributes: {
        objectClass: ['top', 'applicationProcess', 'pkiUser', 'labeledURIObject', 'domainRelatedObject'],
        cn: ['dca'],
        description: [`DOMSEC domain confidentiality authority of ${d} (draft 4.1)`],
        labeledURI: [`smtp://${d}`],
        associatedDomain: [d],
        'userCertificate;binary': dcas,
      },
    });
    for (const u of of.filter((e) => e.role === 'user')) {
      const address = parseCertificate(u.certDer).sanEmails[0];
      if (!address) continue;
      // Only users of D itself live under ou=D: a user of a subdomain (the PKI's alice@mail.<D>, whose domain
      // signer is D, N9) would collide with uid=alice of D, and its own domain has no ou entry here.
      if (address.slice(address.lastIndexOf('@') + 1).toLowerCase() !== d.toLowerCase()) continue;
      const local = address.slice(0, address.lastIndexOf('@'));
      const dn = `uid=${escapeDnValue(local)},${ouDn(d)}`;
      const certs = userCerts === 'own' ? [u.certDer] : userCerts === 'dca' ? dcas : [u.certDer, ...dcas];
      entries.push({
        dn,
        attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: [local], cn: [address], sn: [local], mail: [address], 'userCertificate;binary': certs },
      });
      users.push({ address, dn });
    }
  }
  return {
    entries,
    layout: {
      suffix,
      dcaDn,
      dcaDnTemplate: `cn=dca,ou={domain},${suffix}`,
      userDn: (a) => users.find((u) => u.address === a.toLowerCase())?.dn ?? `uid=${escapeDnValue(a.slice(0, a.lastIndexOf('@')))},${ouDn(a.slice(a.lastIndexOf('@') + 1))}`,
      users,
    },
  };
}
