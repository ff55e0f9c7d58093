/**
 * CLI glue for `--to ADDRESS --lookup SPEC` (domsec encrypt, domsec sign): the shared options, their
 * help text, and turning them into recipient certificates. Each looked-up recipient is reported on
 * stderr as one line; a failed lookup is one typed error (DIRECTORY_UNAVAILABLE, CERTIFICATE_NOT_FOUND,
 * POLICY_VIOLATION for a refused certificate).
 */
import { readBounded } from '../bounded-read.js';
import { DomsecError } from '../errors.js';
import { MAX_CREDENTIAL_FILE_BYTES } from '../limits.js';
import { parseCertificates } from '../x509/certificate.js';
import { openLookup, type LdapSettings } from './open.js';
import { lookupTarget, requireCertificate, type AcceptancePolicy, type LookupMethod, type LookupPurpose } from './lookup.js';

export const LOOKUP_OPTIONS = {
  to: { type: 'string', multiple: true },
  lookup: { type: 'string' },
  'lookup-for': { type: 'string' },
  'lookup-method': { type: 'string' },
  'lookup-attribute': { type: 'string' },
  'lookup-filter': { type: 'string' },
  'lookup-dca-filter': { type: 'string' },
  'lookup-dca-dn': { type: 'string' },
  'lookup-bind-dn': { type: 'string' },
  'lookup-password-file': { type: 'string' },
  'lookup-timeout': { type: 'string' },
  'lookup-trust': { type: 'string', multiple: true },
} as const;

export const LOOKUP_HELP = `Recipients by address (draft 4.1):
  --to ADDRESS              look the certificate up (repeatable; needs --lookup); with --recip, both are used
  --lookup SPEC             ldap://host:port/BASE-DN (or ldaps://) for an LDAP directory, or a folder of
                            certificates / a PEM bundle (local store; files named ADDRESS.pem or DOMAIN.pem
                            are that recipient's / domain's, every file is also indexed by its names)
  --lookup-for dca|recipient  the recipient domain's DCA (default; smtp:// or dNSName naming the domain
                            or an ascendant) or the end recipient's own certificate (rfc822Name = ADDRESS);
                            either way with an encryption keyUsage, else refused with the reason
  --lookup-method recipient-entry|dca-entry|either  LDAP: draft 4.1 method 1 (the recipient's entry,
                            found by mail), method 2 (the DCA's entry, smtp://DOMAIN), or 1 then 2 (default)
  --lookup-attribute NAME   LDAP certificate attribute (default userCertificate;binary)
  --lookup-filter F         LDAP method 1 filter (default (mail={address}); also {local}, {domain})
  --lookup-dca-filter F     LDAP method 2 filter (default (labeledURI=smtp://{domain}))
  --lookup-dca-dn DN        LDAP method 2 by DN instead, e.g. cn=dca,ou={domain},o=example
  --lookup-bind-dn DN, --lookup-password-file FILE   LDAP simple bind (default anonymous)
  --lookup-timeout MS       LDAP connect and per-operation timeout (default 5000)
  --lookup-trust FILE       only accept certificates that chain to these CA certificates
  Several acceptable certificates: the most specific domain, then the newest (notBefore), then the
  longest-lived (notAfter), then the smallest DER.
`;

export interface LookupOptionValues {
  to?: string[];
  lookup?: string;
  'lookup-for'?: string;
  'lookup-method'?: string;
  'lookup-attribute'?: string;
  'lookup-filter'?: string;
  'lookup-dca-filter'?: string;
  'lookup-dca-dn'?: string;
  'lookup-bind-dn'?: string;
  'lookup-password-file'?: string;
  'lookup-timeout'?: string;
  'lookup-trust'?: string[];
}

/** Bounded while reading (issue 12, item 9): a password or trust file given as /dev/zero stops at the limit. */
function readText(path: string, what: string): string {
  return readBounded(path, MAX_CREDENTIAL_FILE_BYTES, what, 'MAX_CREDENTIAL_FILE_BYTES').bytes.toString('utf8');
}

/** Checked lookup options (no directory contacted yet): `count` addresses to resolve with `resolve()`. */
export interface AddressLookups {
  count: number;
  /** DER certificates in --to order; one typed error for the first address that fails. */
  resolve(): Promise<Buffer[]>;
}

/**
 * Check the --to/--lookup options (usage errors first, before any file or network I/O beyond the
 * password and trust files) and return how to resolve them. `extra` (sign's --trust and --at) applies
 * unless --lookup-trust is given.
 */
export function planAddressLookups(command: string, v: LookupOptionValues, extra: { trustAnchors?: Buffer[]; at?: Date } = {}): AddressLookups {
  const to = v.to ?? [];
  const lookupOnly = Object.keys(LOOKUP_OPTIONS).filter((k) => k !== 'to' && (v as Record<string, unknown>)[k] !== undefined);
  if (to.length === 0) {
    if (lookupOnly.length > 0) throw new DomsecError('BAD_ARGUMENT', `${command}: --lookup options need --to ADDRESS`);
    return { count: 0, resolve: async () => [] };
  }
  if (v.lookup === undefined) throw new DomsecError('BAD_ARGUMENT', `${command}: --to needs --lookup (an ldap:// URL, a certificate folder or a PEM bundle)`);
  const purpose = (v['lookup-for'] ?? 'dca') as LookupPurpose;
  if (purpose !== 'dca' && purpose !== 'recipient') throw new DomsecError('BAD_ARGUMENT', `${command}: --lookup-for must be dca or recipient, not "${purpose}"`);
  for (const address of to) lookupTarget({ address, purpose }); // a bad address is a usage error
  let timeout: number | undefined;
  if (v['lookup-timeout'] !== undefined) {
    timeout = Number(v['lookup-timeout']);
    if (!Number.isInteger(timeout) || timeout <= 0) throw new DomsecError('BAD_ARGUMENT', `${command}: --lookup-timeout must be a positive number of milliseconds`);
  }
  if ((v['lookup-bind-dn'] === undefined) !== (v['lookup-password-file'] === undefined)) {
    throw new DomsecError('BAD_ARGUMENT', `${command}: give --lookup-bind-dn and --lookup-password-file together`);
  }
  const ldap: LdapSettings = {};
  if (v['lookup-method'] !== undefined) ldap.method = v['lookup-method'] as LookupMethod;
  if (v['lookup-attribute'] !== undefined) ldap.attribute = v['lookup-attribute'];
  if (v['lookup-filter'] !== undefined) ldap.recipientFilter = v['lookup-filter'];
  if (v['lookup-dca-filter'] !== undefined) ldap.dcaFilter = v['lookup-dca-filter'];
  if (v['lookup-dca-dn'] !== undefined) ldap.dcaDn = v['lookup-dca-dn'];
  if (v['lookup-bind-dn'] !== undefined) {
    ldap.bindDn = v['lookup-bind-dn'];
    ldap.password = readText(v['lookup-password-file']!, 'LDAP password file').replace(/\r?\n$/, '');
  }
  if (timeout !== undefined) Object.assign(ldap, { connectTimeoutMs: timeout, timeoutMs: timeout });
  const policy: AcceptancePolicy = {};
  if (v['lookup-trust']?.length) {
    policy.trustAnchors = v['lookup-trust'].flatMap((p) => {
      const buf = readBounded(p, MAX_CREDENTIAL_FILE_BYTES, '--lookup-trust', 'MAX_CREDENTIAL_FILE_BYTES').bytes;
      try {
        return parseCertificates(buf).map((c) => c.der);
      } catch (e) {
        throw new DomsecError('MALFORMED_CERTIFICATE', `--lookup-trust ${p}: ${(e as Error).message}`);
      }
    });
  } else if (extra.trustAnchors) policy.trustAnchors = extra.trustAnchors;
  const spec = v.lookup;

  return {
    count: to.length,
    async resolve() {
      const lookup = await openLookup(spec, { policy, ldap });
      try {
        const out: Buffer[] = [];
        for (const address of to) {
          const r = await lookup.lookup({ address, purpose, ...(extra.at ? { at: extra.at } : {}) });
          const cert = requireCertificate(r);
          if (r.status === 'found') {
            const best = r.accepted[0]!;
            process.stderr.write(`domsec ${command}: ${address} (${purpose}): "${cert.subject}" from ${best.origin} [${best.method}]${r.refused.length ? `, ${r.refused.length} refused` : ''}\n`);
          }
          out.push(cert.der);
        }
        return out;
      } finally {
        await lookup.close();
      }
    },
  };
}
