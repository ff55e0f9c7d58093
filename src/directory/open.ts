import { LdapCertificateLookup, type LdapLookupOptions } from './ldap.js';
import { LocalCertificateStore } from './local-store.js';
import type { AcceptancePolicy, CertificateLookup } from './lookup.js';

/** LDAP settings other than the URL, for `openLookup` (ignored for a local store). */
export type LdapSettings = Omit<LdapLookupOptions, 'url' | keyof AcceptancePolicy>;

/**
 * A lookup from one string: `ldap://host:port/base-dn` or `ldaps://...` gives the LDAP directory,
 * anything else is a path to a local store (a folder of certificates or a PEM bundle).
 */
export async function openLookup(spec: string, opts: { policy?: AcceptancePolicy; ldap?: LdapSettings } = {}): Promise<CertificateLookup> {
  if (/^ldaps?:\/\//i.test(spec)) return new LdapCertificateLookup({ ...opts.ldap, ...opts.policy, url: spec });
  return LocalCertificateStore.open(spec, opts.policy ?? {});
}
