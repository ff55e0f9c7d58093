/**
 * LDAP lookups (draft 4.1, methods 1 and 2) against a real OpenLDAP slapd, started once for this file on
 * a free loopback port and loaded with LDIF generated from the test PKI plus the negative entries below.
 * Directory down and directory slow are a closed port and a TCP server that never answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import {
  freePort,
  LdapCertificateLookup,
  serveTestPki,
  classifyLdapError,
  escapeFilterValue,
  escapeDnValue,
  type LdapLookupOptions,
  type LookupResult,
  type ServedTestPki,
} from '../../src/directory/index.js';
import { entry, testPki } from '../helpers/pki.js';
import { issue, KU, silentServer } from './helpers.js';

let pki: TestPki;
let served: ServedTestPki;
let opts: LdapLookupOptions;
const AT = new Date('2026-03-01T00:00:00Z');
const der = (name: string): Buffer => entry(pki, name).certDer;
const ou = (d: string) => `ou=${d},o=domsec-suite`;
const C = {} as Record<'rollOld' | 'rollNew' | 'mailExact' | 'netDca' | 'nku' | 'dup', Buffer>;

function lookup(extra: Partial<LdapLookupOptions> = {}) {
  return new LdapCertificateLookup({ ...opts, ...extra });
}
function expectStatus<S extends LookupResult['status']>(r: LookupResult, s: S): Extract<LookupResult, { status: S }> {
  if (r.status !== s) throw new Error(`expected ${s}, got ${r.status}: ${r.detail}`);
  return r as Extract<LookupResult, { status: S }>;
}
const dcaEntry = (d: string, certs: Buffer[], uri = `smtp://${d}`) => ({
  dn: `cn=dca,${ou(d)}`,
  attributes: { objectClass: ['applicationProcess', 'pkiUser', 'labeledURIObject'], cn: ['dca'], labeledURI: [uri], 'userCertificate;binary': certs },
});
const person = (address: string, attrs: Record<string, Array<string | Buffer>>) => {
  const [local, d] = address.split('@') as [string, string];
  return { dn: `uid=${local},${ou(d)}`, attributes: { objectClass: ['inetOrgPerson'], uid: [local], cn: [address], sn: [local], mail: [address], ...attrs } };
};
const orgUnit = (d: string) => ({ dn: ou(d), attributes: { objectClass: ['organizationalUnit'], ou: [d] } });

beforeAll(async () => {
  pki = await testPki();
  C.rollOld = await issue(pki, { cn: 'example.net DCA 2025-02', dcaDomains: ['example.net'], notBefore: new Date('2025-02-01Z') });
  C.rollNew = await issue(pki, { cn: 'example.net DCA 2025-08', dcaDomains: ['example.net'], notBefore: new Date('2025-08-01Z') });
  C.netDca = await issue(pki, { cn: 'example.net DCA for mail', dcaDomains: ['example.net'] });
  C.mailExact = await issue(pki, { cn: 'mail.example.net DCA', dcaDomains: ['mail.example.net'] });
  C.nku = await issue(pki, { cn: 'nokeyusage.example signer', dcaDomains: ['nokeyusage.example'], keyUsage: KU.digitalSignature });
  C.dup = await issue(pki, { cn: 'duplicate SAN', dcaDomains: ['example.org'], duplicateSan: true });
  served = await serveTestPki(pki, {
    extra: [
      // method 1 negatives, in the example.org subtree
      person('eve@example.org', { 'userCertificate;binary': [der('example.test/dca-rsa')] }), // another domain's DCA
      person('sam@example.org', { 'userCertificate;binary': [der('example.org/signer-rsa')] }), // right domain, signing only
      person('mallory@example.org', { 'userCertificate;binary': [Buffer.from('garbage, not DER'), C.dup] }), // malformed values
      person('nocert@example.org', {}), // entry without a certificate
      person('dana@example.org', { userSMIMECertificate: [der('example.org/dca-rsa')] }), // another attribute
      // method 2: rollover, ascendant vs exact, wrong domain, signing only
      orgUnit('example.net'),
      dcaEntry('example.net', [C.rollOld, C.rollNew]),
      orgUnit('mail.example.net'),
      dcaEntry('mail.example.net', [C.mailExact]),
      orgUnit('evil.example'),
      dcaEntry('evil.example', [der('example.org/dca-rsa')]),
      orgUnit('nokeyusage.example'),
      dcaEntry('nokeyusage.example', [C.nku]),
    ],
  });
  opts = { ...served.lookupOptions, connectTimeoutMs: 2000, timeoutMs: 3000 };
});
afterAll(async () => {
  await served?.server.stop();
});

describe('method 1: the certificate in the recipient entry (mail, userCertificate;binary)', () => {
  it("finds the DCA certificate in bob's entry, byte-exact, and refuses bob's own certificate for DCA use", async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: 'bob@example.org', at: AT }), 'found');
    expect(r.methods).toEqual(['recipient-entry']);
    expect(r.accepted.map((a) => a.certificate.der.toString('hex')).sort()).toEqual([der('example.org/dca-rsa'), der('example.org/dca-ec')].map((b) => b.toString('hex')).sort());
    expect(r.accepted[0]!.origin).toMatch(/^uid=bob,ou=example.org,o=domsec-suite userCertificate;binary #\d$/);
    expect(r.refused.map((x) => x.reasons)).toEqual([['NAMING_NO_DOMAIN_NAME']]);
  });

  it("purpose 'recipient': bob's own certificate from the same entry", async () => {
    const r = expectStatus(await lookup().lookup({ address: 'bob@example.org', purpose: 'recipient', at: AT }), 'found');
    expect(r.certificate.der.equals(der('example.org/user-bob'))).toBe(true);
    expect(r.refused.every((x) => x.reasons.join() === 'RECIPIENT_ADDRESS_MISMATCH')).toBe(true);
    const carol = expectStatus(await lookup().lookup({ address: 'Carol@EXAMPLE.org', purpose: 'recipient', at: AT }), 'found');
    expect(carol.certificate.der.equals(der('example.org/user-carol-ec'))).toBe(true);
  });

  it('entry missing: not-found, saying which filter found nothing', async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: 'nobody@example.org', at: AT }), 'not-found');
    expect(r.detail).toMatch(/no entry matches \(mail=nobody@example.org\) under o=domsec-suite/);
  });

  it('entry without a certificate: not-found, naming the entry', async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: 'nocert@example.org', at: AT }), 'not-found');
    expect(r.detail).toContain('uid=nocert,ou=example.org,o=domsec-suite has no userCertificate;binary');
  });

  it('certificate malformed: refused, MALFORMED_CERTIFICATE for each value (garbage bytes; DER with a repeated extension)', async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: 'mallory@example.org', at: AT }), 'refused');
    expect(r.refused.map((x) => x.reasons)).toEqual([['MALFORMED_CERTIFICATE'], ['MALFORMED_CERTIFICATE']]);
    expect(r.refused.map((x) => x.detail).join('\n')).toMatch(/appears twice/);
  });

  it('certificate for the wrong domain: refused, NAMING_DOMAIN_MISMATCH', async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: 'eve@example.org', at: AT }), 'refused');
    expect(r.refused.map((x) => x.reasons)).toEqual([['NAMING_DOMAIN_MISMATCH']]);
    expect(r.detail).toMatch(/uid=eve.*example.test.*neither equal nor are an ascendant of recipient domain example.org/);
  });

  it('encryption keyUsage missing: refused, CERT_KEY_USAGE_NOT_ENCRYPTION', async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: 'sam@example.org', at: AT }), 'refused');
    expect(r.refused.map((x) => x.reasons)).toEqual([['CERT_KEY_USAGE_NOT_ENCRYPTION']]);
  });

  it('the attribute and filter are configurable', async () => {
    const r = expectStatus(await lookup({ method: 'recipient-entry', attribute: 'userSMIMECertificate' }).lookup({ address: 'dana@example.org', at: AT }), 'found');
    expect(r.certificate.der.equals(der('example.org/dca-rsa'))).toBe(true);
    const byUid = lookup({ method: 'recipient-entry', recipientFilter: '(&(uid={local})(mail=*@{domain}))', attribute: 'userCertificate' });
    expect(expectStatus(await byUid.lookup({ address: 'alice@example.test', at: AT }), 'found').accepted[0]!.origin).toMatch(/^uid=alice,ou=example.test/);
  });

  it('addresses are escaped into the filter: "*" matches nothing rather than everyone', async () => {
    expect(escapeFilterValue('a*(b)\\c\0')).toBe('a\\2a\\28b\\29\\5cc\\00');
    expectStatus(await lookup({ method: 'recipient-entry' }).lookup({ address: '*@example.org', at: AT }), 'not-found');
  });
});

describe('method 2: the recipient domain mapped to the DCA entry (smtp://domain)', () => {
  it('by filter (labeledURI=smtp://{domain}), for a recipient with no entry of its own', async () => {
    const r = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'nobody@example.org', at: AT }), 'found');
    expect(r.accepted[0]!.origin).toMatch(/^cn=dca,ou=example.org,o=domsec-suite /);
    expect(r.methods).toEqual(['dca-entry']);
  });

  it('by DN template, and for a bare domain', async () => {
    const l = lookup({ method: 'dca-entry', dcaDn: served.layout.dcaDnTemplate });
    const r = expectStatus(await l.lookup({ address: 'example.test', at: AT }), 'found');
    expect([der('example.test/dca-rsa'), der('example.test/dca-ec')].some((d) => d.equals(r.certificate.der))).toBe(true);
    expect(expectStatus(await l.lookup({ address: 'x@unknown.example', at: AT }), 'not-found').detail).toContain('no entry cn=dca,ou=unknown.example,o=domsec-suite');
    expect(escapeDnValue('a,b+c="d"')).toBe('a\\,b\\+c\\=\\"d\\"');
  });

  it('an ascendant DCA serves a subdomain (mail.example.org -> example.org)', async () => {
    const r = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'x@mail.example.org', at: AT }), 'found');
    expect(r.accepted[0]!.matchedDomain).toBe('example.org');
  });

  it('several candidates: the exact domain beats an ascendant, then the newest certificate wins (rollover)', async () => {
    const sub = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'x@mail.example.net', at: AT }), 'found');
    expect(sub.accepted.map((a) => a.certificate.der)).toEqual([C.mailExact, C.rollNew, C.rollOld]);
    const net = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'x@example.net', at: AT }), 'found');
    expect(net.certificate.der.equals(C.rollNew)).toBe(true);
    expect(net.accepted.map((a) => a.certificate.der)).toEqual([C.rollNew, C.rollOld]);
  });

  it("certificate for the wrong domain: the DCA entry for evil.example holds example.org's certificate -> refused", async () => {
    const r = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'x@evil.example', at: AT }), 'refused');
    expect(r.refused.map((x) => [x.origin, x.reasons])).toEqual([['cn=dca,ou=evil.example,o=domsec-suite userCertificate;binary #1', ['NAMING_DOMAIN_MISMATCH']]]);
  });

  it('encryption keyUsage missing on the DCA entry certificate -> refused', async () => {
    const r = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'x@nokeyusage.example', at: AT }), 'refused');
    expect(r.refused.map((x) => x.reasons)).toEqual([['CERT_KEY_USAGE_NOT_ENCRYPTION']]);
  });

  it('entry missing: not-found', async () => {
    const r = expectStatus(await lookup({ method: 'dca-entry' }).lookup({ address: 'x@unknown.example', at: AT }), 'not-found');
    expect(r.detail).toContain('no entry matches (labeledURI=smtp://unknown.example)');
  });
});

describe("method 'either' (default): 1, then 2", () => {
  it("eve's entry holds a wrong-domain certificate: refused there, then the DCA entry is used; the refusal is reported", async () => {
    const r = expectStatus(await lookup().lookup({ address: 'eve@example.org', at: AT }), 'found');
    expect(r.methods).toEqual(['recipient-entry', 'dca-entry']);
    expect(r.accepted[0]!.method).toBe('dca-entry');
    expect(r.refused.map((x) => [x.method, x.reasons])).toEqual([['recipient-entry', ['NAMING_DOMAIN_MISMATCH']]]);
  });

  it('stops at method 1 when it finds an acceptable certificate', async () => {
    const r = expectStatus(await lookup().lookup({ address: 'alice@example.test', at: AT }), 'found');
    expect(r.methods).toEqual(['recipient-entry']);
  });

  it('neither method finds anything: not-found with both details', async () => {
    const r = expectStatus(await lookup().lookup({ address: 'x@unknown.example', at: AT }), 'not-found');
    expect(r.detail).toMatch(/recipient-entry: no entry matches \(mail=x@unknown.example\).*dca-entry: no entry matches \(labeledURI=smtp:\/\/unknown.example\)/);
  });

  it('with trust anchors the found certificate chains to them; 20 lookups in parallel', async () => {
    const l = lookup({ trustAnchors: [pki.ca.certDer] });
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => l.lookup({ address: i % 2 ? 'bob@example.org' : 'x@example.net', at: AT })));
    expect(rs.every((r) => r.status === 'found')).toBe(true);
    const wrongAnchor = lookup({ method: 'dca-entry', trustAnchors: [pki.untrustedCa.certDer] });
    const r = expectStatus(await wrongAnchor.lookup({ address: 'example.org', at: AT }), 'refused');
    expect(r.refused.every((x) => x.reasons.includes('CERT_UNTRUSTED'))).toBe(true);
  });
});

describe('bind, and directory failures: each a typed result, never a hang', () => {
  it('simple bind with DN and password', async () => {
    const r = await lookup({ bindDn: served.server.rootDn, password: served.server.rootPassword }).lookup({ address: 'bob@example.org', at: AT });
    expect(r.status).toBe('found');
  });

  it('wrong password: unavailable, auth-failed', async () => {
    const r = expectStatus(await lookup({ bindDn: served.server.rootDn, password: 'wrong' }).lookup({ address: 'bob@example.org', at: AT }), 'unavailable');
    expect(r.cause).toBe('auth-failed');
    expect(r.detail).toMatch(/^bind: InvalidCredentials/);
  });

  it('directory down (connection refused): unavailable at once', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = expectStatus(await lookup({ url: `ldap://127.0.0.1:${port}` }).lookup({ address: 'bob@example.org', at: AT }), 'unavailable');
    expect(r.cause).toBe('connection-refused');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('directory slow (accepts, never answers): unavailable, timeout, within the configured time', async () => {
    const silent = await silentServer();
    try {
      for (const extra of [{}, { bindDn: 'cn=x', password: 'y' }] as Array<Partial<LdapLookupOptions>>) {
        const t0 = Date.now();
        const r = expectStatus(await lookup({ url: `ldap://127.0.0.1:${silent.port}`, timeoutMs: 300, ...extra }).lookup({ address: 'bob@example.org', at: AT }), 'unavailable');
        const ms = Date.now() - t0;
        expect(r.cause).toBe('timeout');
        expect(r.detail).toMatch(extra.bindDn ? /^bind: .*timed out/ : /^search: .*timed out/);
        expect(ms).toBeGreaterThanOrEqual(280);
        expect(ms).toBeLessThan(2000);
      }
      expect(silent.connections()).toBe(2);
      // The overall deadline caps a lookup even when the per-operation timeout is long.
      const t0 = Date.now();
      const r = expectStatus(await lookup({ url: `ldap://127.0.0.1:${silent.port}`, timeoutMs: 10_000, deadlineMs: 250 }).lookup({ address: 'bob@example.org', at: AT }), 'unavailable');
      expect(r.cause).toBe('timeout');
      expect(r.detail).toMatch(/deadline/);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await silent.close();
    }
  });

  it('a base DN that does not exist: unavailable, server-error naming it', async () => {
    const r = expectStatus(await lookup({ baseDn: 'o=nowhere' }).lookup({ address: 'bob@example.org', at: AT }), 'unavailable');
    expect(r.cause).toBe('server-error');
    expect(r.detail).toMatch(/NoSuchObject/);
  });

  it('classifies errors it did not see here too', () => {
    expect(classifyLdapError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })).cause).toBe('unreachable');
    expect(classifyLdapError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).cause).toBe('connection-closed');
    expect(classifyLdapError(new Error('Connection timeout')).cause).toBe('timeout');
  });
});

describe('configuration errors are BAD_ARGUMENT at construction, not lookup results', () => {
  const bad: Array<[string, Partial<LdapLookupOptions>]> = [
    ['an http URL', { url: 'http://127.0.0.1/' }],
    ['no base DN', { url: 'ldap://127.0.0.1:1', baseDn: undefined }],
    ['a filter in the URL', { url: 'ldap://127.0.0.1:1/o=x??sub?(mail=*)' }],
    ['credentials in the URL', { url: 'ldap://u:p@127.0.0.1:1/o=x' }],
    ['a bind DN without password', { bindDn: 'cn=admin,o=domsec-suite' }],
    ['a broken filter template', { recipientFilter: '(mail={address}' }],
    ['an unknown method', { method: 'method-3' as never }],
    ['a non-positive timeout', { timeoutMs: 0 }],
    ['a bad attribute', { attribute: 'user certificate' }],
  ];
  for (const [what, o] of bad) {
    it(what, () => expect(() => new LdapCertificateLookup({ ...opts, ...o })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' })));
  }
  it("the base DN may come from the URL path (RFC 4516), and method 'dca-entry' cannot find an end recipient", async () => {
    const l = new LdapCertificateLookup({ url: `${served.server.url}/o=domsec-suite` });
    expect(l.description).toContain('/o=domsec-suite (method either, anonymous)');
    expect((await l.lookup({ address: 'bob@example.org', at: AT })).status).toBe('found');
    await expect(lookup({ method: 'dca-entry' }).lookup({ address: 'bob@example.org', purpose: 'recipient' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});
