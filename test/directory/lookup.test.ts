/**
 * The acceptance rule, the choosing rule and the local store (draft 2.4, 4.1; N9-N11): no server.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki, type TestPki } from '../../src/pki/index.js';
import { certToPem, parseCertificate } from '../../src/x509/certificate.js';
import {
  assessCandidate,
  compareAccepted,
  dcaDomainsFor,
  decide,
  LocalCertificateStore,
  lookupTarget,
  openLookup,
  requireCertificate,
  type Accepted,
  type Candidate,
  type LookupResult,
} from '../../src/directory/index.js';
import { DomsecError } from '../../src/errors.js';
import { entry, testPki } from '../helpers/pki.js';
import { issue, KU } from './helpers.js';

let pki: TestPki;
let dir: string;
const der = (name: string): Buffer => entry(pki, name).certDer;
const cand = (value: Buffer, origin = 'test', method: Candidate['method'] = 'recipient-entry'): Candidate => ({ method, origin, value });
const AT = new Date('2026-03-01T00:00:00Z');
const dcaFor = (address: string) => lookupTarget({ address, purpose: 'dca', at: AT });

function reasonsOf(r: ReturnType<typeof assessCandidate>): string[] {
  return 'refused' in r ? r.refused.reasons : [];
}

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(join(tmpdir(), 'domsec-lookup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lookup requests', () => {
  it('parses addresses and bare domains, normalising the domain', () => {
    expect(lookupTarget({ address: 'Bob@Example.ORG.' })).toMatchObject({ address: 'Bob@example.org', local: 'Bob', domain: 'example.org', purpose: 'dca' });
    expect(lookupTarget({ address: 'example.org' })).toMatchObject({ domain: 'example.org', purpose: 'dca' });
    expect(lookupTarget({ address: 'example.org' }).address).toBeUndefined();
  });

  const bad: Array<[string, 'dca' | 'recipient']> = [
    ['', 'dca'],
    ['@example.org', 'dca'],
    ['bob@', 'dca'],
    ['bob@[192.0.2.1]', 'dca'],
    ['bob smith@example.org', 'dca'],
    ['*)(mail=*@example.org', 'dca'],
    ['<bob@example.org>', 'dca'],
    ['example.org', 'recipient'],
  ];
  for (const [address, purpose] of bad) {
    it(`refuses ${JSON.stringify(address)} (${purpose}) with BAD_ARGUMENT`, () => {
      expect(() => lookupTarget({ address, purpose })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    });
  }

  it('maps a recipient domain to the DCA names of method 2: the domain, then whole-label ascendants, never a single label', () => {
    expect(dcaDomainsFor('mail.example.org')).toEqual(['mail.example.org', 'example.org']);
    expect(dcaDomainsFor('example.org')).toEqual(['example.org']);
    expect(dcaDomainsFor('localhost')).toEqual(['localhost']);
  });
});

describe('the acceptance rule (draft 2.4 naming + N11 encryption keyUsage)', () => {
  it("accepts the recipient domain's DCA (RSA keyEncipherment, EC keyAgreement)", () => {
    for (const n of ['example.org/dca-rsa', 'example.org/dca-ec']) {
      const r = assessCandidate(cand(der(n)), dcaFor('bob@example.org'));
      expect('accepted' in r && r.accepted.matchedDomain).toBe('example.org');
    }
  });

  it('accepts a DCA of an ascendant domain (N9: mail.example.org is covered by example.org)', () => {
    const r = assessCandidate(cand(der('example.org/dca-rsa')), dcaFor('bob@mail.example.org'));
    expect('accepted' in r && r.accepted.matchedDomain).toBe('example.org');
  });

  it('refuses a DCA certificate of another domain: NAMING_DOMAIN_MISMATCH, and says which domains it names', () => {
    const r = assessCandidate(cand(der('example.test/dca-rsa'), 'uid=eve'), dcaFor('eve@example.org'));
    expect(reasonsOf(r)).toEqual(['NAMING_DOMAIN_MISMATCH']);
    expect('refused' in r && r.refused.detail).toMatch(/uid=eve: "CN=example.test DCA.*NAMING_DOMAIN_MISMATCH: DCA domain\(s\) example.test neither equal nor are an ascendant of recipient domain example.org/);
  });

  it('refuses a look-alike or descendant domain (whole labels only)', () => {
    expect(reasonsOf(assessCandidate(cand(der('example.org/dca-rsa')), dcaFor('x@badexample.org')))).toEqual(['NAMING_DOMAIN_MISMATCH']);
    expect(reasonsOf(assessCandidate(cand(der('example.org/dca-rsa')), dcaFor('x@org')))).toEqual(['NAMING_DOMAIN_MISMATCH']);
  });

  it('refuses a certificate without the naming form (a user certificate): NAMING_NO_DOMAIN_NAME', () => {
    expect(reasonsOf(assessCandidate(cand(der('example.org/user-bob')), dcaFor('bob@example.org')))).toEqual(['NAMING_NO_DOMAIN_NAME']);
    // A CN that looks like the domain does not count (draft 2.4 needs SubjectAltName).
    expect(reasonsOf(assessCandidate(cand(der('example.test/bad-nosan')), dcaFor('x@example.test')))).toContain('NAMING_NO_DOMAIN_NAME');
  });

  it('refuses a signing certificate of the right domain: CERT_KEY_USAGE_NOT_ENCRYPTION (N11)', () => {
    const r = assessCandidate(cand(der('example.org/signer-rsa')), dcaFor('bob@example.org'));
    expect(reasonsOf(r)).toEqual(['CERT_KEY_USAGE_NOT_ENCRYPTION']);
    expect('refused' in r && r.refused.detail).toMatch(/keyEncipherment.*keyAgreement/);
    // Ed25519 can never encrypt, whatever its keyUsage.
    expect(reasonsOf(assessCandidate(cand(der('example.org/signer-ed25519')), dcaFor('bob@example.org')))).toEqual(['CERT_KEY_USAGE_NOT_ENCRYPTION']);
  });

  it('gives every reason at once: wrong domain and no encryption keyUsage', () => {
    expect(reasonsOf(assessCandidate(cand(der('example.test/bad-foreign')), dcaFor('x@example.test')))).toEqual(['NAMING_DOMAIN_MISMATCH', 'CERT_KEY_USAGE_NOT_ENCRYPTION']);
  });

  it('refuses bytes that are not a certificate: MALFORMED_CERTIFICATE', async () => {
    for (const v of [Buffer.from('not a certificate'), Buffer.alloc(0), der('example.org/dca-rsa').subarray(0, 100), await issue(pki, { cn: 'dup', dcaDomains: ['example.org'], duplicateSan: true })]) {
      const r = assessCandidate(cand(v), dcaFor('bob@example.org'));
      expect(reasonsOf(r)).toEqual(['MALFORMED_CERTIFICATE']);
    }
  });

  it('refuses expired and not-yet-valid certificates at the validation time', async () => {
    const old = await issue(pki, { cn: 'old', dcaDomains: ['example.org'], notBefore: new Date('2020-01-01Z'), notAfter: new Date('2021-01-01Z') });
    const future = await issue(pki, { cn: 'future', dcaDomains: ['example.org'], notBefore: new Date('2030-01-01Z'), notAfter: new Date('2031-01-01Z') });
    expect(reasonsOf(assessCandidate(cand(old), dcaFor('bob@example.org')))).toEqual(['CERT_EXPIRED']);
    expect(reasonsOf(assessCandidate(cand(future), dcaFor('bob@example.org')))).toEqual(['CERT_NOT_YET_VALID']);
  });

  it('with trust anchors, refuses a certificate that does not chain to them: CERT_UNTRUSTED', async () => {
    const target = dcaFor('x@example.test');
    const policy = { trustAnchors: [pki.ca.certDer] };
    expect('accepted' in assessCandidate(cand(der('example.test/dca-rsa')), target, policy)).toBe(true);
    // bad-untrusted is a signer: not encryption either; both reasons are given.
    expect(reasonsOf(assessCandidate(cand(der('example.test/bad-untrusted')), target, policy))).toEqual(['CERT_KEY_USAGE_NOT_ENCRYPTION', 'CERT_UNTRUSTED']);
    const selfIssued = await issue({ ...pki, ca: pki.untrustedCa }, { cn: 'untrusted dca', dcaDomains: ['example.test'] });
    expect(reasonsOf(assessCandidate(cand(selfIssued), target, policy))).toEqual(['CERT_UNTRUSTED']);
  });

  it("purpose 'recipient': the end recipient's own certificate (rfc822Name = address, case-insensitive)", () => {
    const t = lookupTarget({ address: 'Bob@example.org', purpose: 'recipient', at: AT });
    expect('accepted' in assessCandidate(cand(der('example.org/user-bob')), t)).toBe(true);
    expect('accepted' in assessCandidate(cand(der('example.org/user-carol-ec')), lookupTarget({ address: 'carol@example.org', purpose: 'recipient', at: AT }))).toBe(true);
    expect(reasonsOf(assessCandidate(cand(der('example.org/user-alice')), t))).toEqual(['RECIPIENT_ADDRESS_MISMATCH']);
    expect(reasonsOf(assessCandidate(cand(der('example.org/dca-rsa')), t))).toEqual(['RECIPIENT_ADDRESS_MISMATCH']);
  });

  it("purpose 'recipient': a signing-only user certificate is refused (N11)", async () => {
    const signOnly = await issue(pki, { cn: 'dave', emails: ['dave@example.org'], keyUsage: KU.digitalSignature });
    expect(reasonsOf(assessCandidate(cand(signOnly), lookupTarget({ address: 'dave@example.org', purpose: 'recipient', at: AT })))).toEqual(['CERT_KEY_USAGE_NOT_ENCRYPTION']);
  });
});

describe('the choosing rule', () => {
  const acc = (value: Buffer, target = dcaFor('bob@mail.example.org')): Accepted => {
    const r = assessCandidate(cand(value), target);
    if (!('accepted' in r)) throw new Error(r.refused.detail);
    return r.accepted;
  };
  let exact: Buffer, ascendant: Buffer, newer: Buffer, older: Buffer, longer: Buffer;
  beforeAll(async () => {
    exact = await issue(pki, { cn: 'mail.example.org DCA', dcaDomains: ['mail.example.org'], notBefore: new Date('2025-01-01Z') });
    ascendant = await issue(pki, { cn: 'example.org DCA (newest)', dcaDomains: ['example.org'], notBefore: new Date('2025-09-01Z') });
    newer = await issue(pki, { cn: 'example.org DCA 2', dcaDomains: ['example.org'], notBefore: new Date('2025-06-01Z') });
    older = await issue(pki, { cn: 'example.org DCA 1', dcaDomains: ['example.org'], notBefore: new Date('2025-02-01Z') });
    longer = await issue(pki, { cn: 'example.org DCA 1 long', dcaDomains: ['example.org'], notBefore: new Date('2025-02-01Z'), notAfter: new Date('2040-01-01Z') });
  });

  it('1: the most specific domain wins, even over a newer certificate for an ascendant', () => {
    expect(compareAccepted(acc(exact), acc(ascendant))).toBeLessThan(0);
  });
  it('2: then the newest notBefore (key rollover)', () => {
    expect(compareAccepted(acc(newer), acc(older))).toBeLessThan(0);
  });
  it('3: then the latest notAfter', () => {
    expect(compareAccepted(acc(longer), acc(older))).toBeLessThan(0);
  });
  it('4: then the smaller DER, bytewise; equal only for the same certificate', () => {
    const a = acc(der('example.org/dca-rsa'));
    const b = acc(der('example.org/dca-ec'));
    expect(Math.sign(compareAccepted(a, b))).toBe(Math.sign(Buffer.compare(a.certificate.der, b.certificate.der)));
    expect(compareAccepted(a, acc(der('example.org/dca-rsa')))).toBe(0);
  });

  it('does not depend on the order the candidates arrive in (every rotation, forwards and backwards)', () => {
    const values = [older, exact, longer, newer, ascendant];
    const target = dcaFor('bob@mail.example.org');
    const rotations = (xs: Buffer[]): Buffer[][] => xs.map((_, i) => [...xs.slice(i), ...xs.slice(0, i)]);
    const orders = new Set<string>();
    for (const p of [...rotations(values), ...rotations([...values].reverse())]) {
      const r = decide(target, 'test', [{ kind: 'candidates', method: 'dca-entry', candidates: p.map((v, i) => cand(v, `#${i}`, 'dca-entry')) }]);
      expect(r.status).toBe('found');
      if (r.status === 'found') orders.add(r.accepted.map((a) => a.certificate.subject).join(' > '));
    }
    expect([...orders]).toEqual([
      'CN=mail.example.org DCA, O=domsec-suite directory tests > CN=example.org DCA (newest), O=domsec-suite directory tests > CN=example.org DCA 2, O=domsec-suite directory tests > CN=example.org DCA 1 long, O=domsec-suite directory tests > CN=example.org DCA 1, O=domsec-suite directory tests',
    ]);
  });

  it("across methods ('either'): method 1's refusals are kept, method 2's certificate is found", () => {
    const target = dcaFor('eve@example.org');
    const r = decide(target, 'dir', [
      { kind: 'candidates', method: 'recipient-entry', candidates: [cand(der('example.test/dca-rsa'), 'uid=eve')] },
      { kind: 'candidates', method: 'dca-entry', candidates: [cand(der('example.org/dca-rsa'), 'cn=dca', 'dca-entry')] },
    ]);
    expect(r.status).toBe('found');
    if (r.status !== 'found') return;
    expect(r.accepted[0]!.method).toBe('dca-entry');
    expect(r.refused.map((x) => [x.origin, x.reasons])).toEqual([['uid=eve', ['NAMING_DOMAIN_MISMATCH']]]);
  });

  it('method 1 wins when it has an acceptable certificate, even if method 2 has a "better" one', () => {
    const r = decide(dcaFor('bob@mail.example.org'), 'dir', [
      { kind: 'candidates', method: 'recipient-entry', candidates: [cand(older, 'uid=bob')] },
      { kind: 'candidates', method: 'dca-entry', candidates: [cand(exact, 'cn=dca', 'dca-entry')] },
    ]);
    expect(r.status === 'found' && r.certificate.der.equals(parseCertificate(older).der)).toBe(true);
  });

  it('the same certificate from two places is judged and reported once', () => {
    const v = der('example.org/signer-rsa');
    const r = decide(dcaFor('bob@example.org'), 'dir', [
      { kind: 'candidates', method: 'recipient-entry', candidates: [cand(v, 'a'), cand(v, 'b')] },
      { kind: 'candidates', method: 'dca-entry', candidates: [cand(v, 'c', 'dca-entry')] },
    ]);
    expect(r.status === 'refused' && r.refused.map((x) => x.origin)).toEqual(['a']);
  });

  it('no candidates anywhere is not-found, naming what each method looked for', () => {
    const r = decide(dcaFor('x@example.net'), 'dir', [
      { kind: 'none', method: 'recipient-entry', detail: 'no entry (mail=x@example.net)' },
      { kind: 'none', method: 'dca-entry', detail: 'no entry (labeledURI=smtp://example.net)' },
    ]);
    expect(r).toMatchObject({ status: 'not-found', methods: ['recipient-entry', 'dca-entry'] });
    expect(r.status === 'not-found' && r.detail).toMatch(/mail=x@example.net.*labeledURI=smtp:\/\/example.net/);
  });

  it('requireCertificate turns each outcome into one typed error', () => {
    const base = { target: dcaFor('x@example.net'), source: 'dir', methods: [] };
    const cases: Array<[LookupResult, string]> = [
      [{ ...base, status: 'unavailable', cause: 'timeout', detail: 'slow' }, 'DIRECTORY_UNAVAILABLE'],
      [{ ...base, status: 'not-found', detail: 'none' }, 'CERTIFICATE_NOT_FOUND'],
      [{ ...base, status: 'refused', refused: [], detail: 'bad' }, 'POLICY_VIOLATION'],
    ];
    for (const [r, code] of cases) expect(() => requireCertificate(r)).toThrow(expect.objectContaining({ code }));
  });
});

describe('the local store (folder or PEM bundle)', () => {
  let pkiDir: string;
  beforeAll(async () => {
    pkiDir = join(dir, 'pki');
    await writeTestPki(pki, pkiDir);
  });

  it('a PKI folder works as is: the DCA by name, keys and pki.json ignored, nothing skipped', async () => {
    const s = await LocalCertificateStore.open(pkiDir);
    expect(s.skipped).toEqual([]);
    const r = await s.lookup({ address: 'bob@example.org', at: AT });
    expect(r.status).toBe('found');
    if (r.status !== 'found') return;
    expect(r.accepted.map((a) => a.origin).sort()).toEqual(['example.org/dca-ec.crt', 'example.org/dca-rsa.crt']);
    expect(r.accepted.every((a) => a.method === 'store-name')).toBe(true);
    // The signing certificates also name smtp://example.org: refused, each with the reason.
    expect(r.refused.map((x) => x.origin).sort()).toEqual(['example.org/signer-ec.crt', 'example.org/signer-ec384.crt', 'example.org/signer-ed25519.crt', 'example.org/signer-rsa.crt']);
    expect(r.refused.every((x) => x.reasons.join() === 'CERT_KEY_USAGE_NOT_ENCRYPTION')).toBe(true);
  });

  it("finds the end recipient's own certificate by rfc822Name", async () => {
    const s = await LocalCertificateStore.open(pkiDir);
    const r = await s.lookup({ address: 'carol@example.org', purpose: 'recipient', at: AT });
    expect(r.status === 'found' && r.certificate.der.equals(der('example.org/user-carol-ec'))).toBe(true);
  });

  it('nothing naming the domain is not-found', async () => {
    const s = await LocalCertificateStore.open(pkiDir);
    const r = await s.lookup({ address: 'x@example.net', at: AT });
    expect(r.status).toBe('not-found');
    expect(r.status === 'not-found' && r.detail).toMatch(/no certificate names smtp:\/\/example.net/);
  });

  it('files named after an address or a domain are candidates for it: a wrong or broken one is refused with the reason', async () => {
    const d = join(dir, 'keyed');
    mkdirSync(d);
    writeFileSync(join(d, 'eve@example.org.pem'), entry(pki, 'example.test/dca-rsa').certPem); // wrong domain
    writeFileSync(join(d, 'mallory@example.org.crt'), 'garbage'); // malformed
    writeFileSync(join(d, 'example.net.pem'), entry(pki, 'example.org/signer-rsa').certPem); // wrong domain and signing-only
    writeFileSync(join(d, 'nokeyusage.example.der'), await issue(pki, { cn: 'nku', dcaDomains: ['nokeyusage.example'], keyUsage: KU.digitalSignature }));
    writeFileSync(join(d, 'example.org.pem'), certToPem(der('example.org/dca-rsa')));
    writeFileSync(join(d, 'unrelated.pem'), 'not pem either'); // not keyed: skipped, with why
    const s = await LocalCertificateStore.open(d);
    expect(s.skipped.map((x) => x.origin)).toEqual(['unrelated.pem']);

    const eve = await s.lookup({ address: 'eve@example.org', at: AT });
    expect(eve.status).toBe('found'); // example.org.pem, after refusing eve's file
    if (eve.status === 'found') {
      expect(eve.accepted[0]!.origin).toBe('example.org.pem');
      expect(eve.refused.map((x) => [x.origin, x.reasons])).toEqual([['eve@example.org.pem', ['NAMING_DOMAIN_MISMATCH']]]);
    }
    const mallory = await s.lookup({ address: 'mallory@example.org', purpose: 'recipient', at: AT });
    expect(mallory.status === 'refused' && mallory.refused.map((x) => x.reasons)).toEqual([['MALFORMED_CERTIFICATE']]);
    const net = await s.lookup({ address: 'x@example.net', at: AT });
    expect(net.status === 'refused' && net.refused.map((x) => x.reasons)).toEqual([['NAMING_DOMAIN_MISMATCH', 'CERT_KEY_USAGE_NOT_ENCRYPTION']]);
    const nku = await s.lookup({ address: 'nokeyusage.example', at: AT });
    expect(nku.status === 'refused' && nku.refused.map((x) => x.reasons)).toEqual([['CERT_KEY_USAGE_NOT_ENCRYPTION']]);
  });

  it('a PEM bundle file is a store; openLookup picks the store for a path', async () => {
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, ['example.test/dca-rsa', 'example.org/dca-ec', 'example.org/user-bob'].map((n) => entry(pki, n).certPem).join(''));
    const s = await openLookup(bundle);
    expect(s.description).toMatch(/local store .*bundle.pem \(3 certificate\(s\)\)/);
    const r = await s.lookup({ address: 'bob@example.org', at: AT });
    expect(r.status === 'found' && r.certificate.der.equals(der('example.org/dca-ec'))).toBe(true);
    expect(r.status === 'found' && r.accepted[0]!.origin).toBe('bundle.pem #2');
  });

  it('fromCertificates: an in-memory store', async () => {
    const s = LocalCertificateStore.fromCertificates([der('example.org/dca-rsa'), entry(pki, 'example.test/dca-ec').certPem], 'pki');
    expect((await s.lookup({ address: 'example.test', at: AT })).status).toBe('found');
  });

  it('a malformed trust anchor is refused when the store is made, not at each lookup', () => {
    expect(() => LocalCertificateStore.fromCertificates([der('example.org/dca-rsa')], 'x', { trustAnchors: [Buffer.from('nope')] })).toThrow(expect.objectContaining({ code: 'MALFORMED_CERTIFICATE' }));
  });

  it('unreadable or empty stores are typed errors', async () => {
    await expect(LocalCertificateStore.open(join(dir, 'nope'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    writeFileSync(join(dir, 'empty.pem'), 'nothing here');
    await expect(LocalCertificateStore.open(join(dir, 'empty.pem'))).rejects.toBeInstanceOf(DomsecError);
    await expect(LocalCertificateStore.open(join(dir, 'empty.pem'))).rejects.toMatchObject({ code: 'MALFORMED_CERTIFICATE' });
  });
});
