/**
 * A gateway that uses its own certificates for its domain (profile `certificates`): here the reference
 * gateway with a domain signer and a DCA issued by a "vendor" CA the suite did not make (fresh keys), while
 * the suite builds its messages with its own test PKI. With the vendor's anchor and DCA certificate in the
 * profile it grades exactly like a gateway given the suite's keys; without them (the negative control) the
 * domain signatures do not verify and the inbound DCA cannot decrypt, so the profile option is what makes
 * the difference. Bad `certificates` entries are refused before any case runs, with one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestPki, pkiKeys, writeTestPki, type PkiEntry, type TestPki } from '../../src/pki/index.js';
import { runAgainstReferenceGateway, REFERENCE_DOMAIN } from '../../src/harness/against-reference.js';
import { loadProfile, type Profile } from '../../src/harness/profile.js';
import { runSuite } from '../../src/harness/run.js';
import { allCases } from '../../suites/index.js';
import { testPki } from '../helpers/pki.js';
import { issueUnderIntermediate } from '../helpers/intermediate.js';

let dir: string;
let suite: TestPki;
let vendor: TestPki;
const f = { suitePki: '', gatewayPki: '', gatewayPki2: '', vendorCa: '', vendorDca: '', vendorSigner: '', twoCerts: '', intermediate: '', dca2: '' };

const rename = (e: PkiEntry, shortName: string): PkiEntry => ({ ...e, name: e.domain ? `${e.domain}/${shortName}` : shortName, shortName });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-vendor-certs-'));
  suite = await testPki();
  // The vendor's PKI: its own CA, domain signer and DCA keys (generated now); the rest reuses pinned keys for speed.
  const keys = pkiKeys(suite);
  for (const fresh of ['ca', `${REFERENCE_DOMAIN}/signer-rsa`, `${REFERENCE_DOMAIN}/dca-rsa`]) delete keys[fresh];
  vendor = await generateTestPki({ domains: [REFERENCE_DOMAIN], keys, now: suite.now, organization: 'Vendor Gateway Inc' });
  f.suitePki = join(dir, 'suite-pki');
  await writeTestPki(suite, f.suitePki);
  // The gateway's PKI folder: the suite's entries (its users, the remote DCA) plus the vendor's three, renamed.
  const vendorEntries = [rename(vendor.ca, 'vendor-ca'), rename(vendor.entries[`${REFERENCE_DOMAIN}/signer-rsa`]!, 'vendor-signer'), rename(vendor.entries[`${REFERENCE_DOMAIN}/dca-rsa`]!, 'vendor-dca')];
  f.gatewayPki = join(dir, 'gateway-pki');
  await writeTestPki({ ...suite, entries: { ...suite.entries, ...Object.fromEntries(vendorEntries.map((e) => [e.name, e])) } }, f.gatewayPki);
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  f.vendorCa = write('vendor-ca.pem', vendor.ca.certPem);
  f.vendorDca = write('vendor-dca.pem', vendor.entries[`${REFERENCE_DOMAIN}/dca-rsa`]!.certPem);
  f.vendorSigner = write('vendor-signer.pem', vendor.entries[`${REFERENCE_DOMAIN}/signer-rsa`]!.certPem);
  f.twoCerts = write('two.pem', vendor.ca.certPem + vendor.entries[`${REFERENCE_DOMAIN}/dca-rsa`]!.certPem);
  // A second gateway setup: signer and DCA issued by an intermediate CA under the vendor's root, which the
  // gateway does not put into its SignedData (it sends its own certificate only).
  const chain = await issueUnderIntermediate(vendor.ca, REFERENCE_DOMAIN, suite.now);
  f.gatewayPki2 = join(dir, 'gateway-pki-2');
  await writeTestPki({ ...suite, entries: { ...suite.entries, ...Object.fromEntries([chain.intermediate, chain.signer, chain.dca].map((e) => [e.name, e])) } }, f.gatewayPki2);
  f.intermediate = write('vendor-issuing-ca.pem', chain.intermediate.certPem);
  f.dca2 = write('vendor-dca-2.pem', chain.dca.certPem);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vendorGateway = { pki: '', signers: [`${REFERENCE_DOMAIN}/vendor-signer`], dca: `${REFERENCE_DOMAIN}/vendor-dca`, trustAnchors: ['ca', 'vendor-ca'] };
const run = (profile: Partial<Profile>) =>
  runAgainstReferenceGateway({ pkiDir: f.suitePki, encryptOutbound: true, cases: allCases(), suiteVersion: 'test', gateway: { ...vendorGateway, pki: f.gatewayPki }, profile });

describe('a gateway with its own domain signer and DCA certificates', () => {
  it('with the vendor\'s trust anchor and DCA certificate in the profile: no FAIL, WARN or ERROR', async () => {
    const r = await run({ certificates: { trustAnchors: [f.vendorCa], dca: f.vendorDca } });
    const bad = r.cases.filter((c) => c.verdict !== 'PASS' && c.verdict !== 'SKIP').map((c) => `${c.id}: ${c.verdict} ${c.reason}`);
    expect(bad).toEqual([]);
    expect(r.counts.PASS).toBeGreaterThan(40);
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it('negative control: the same gateway graded without them fails the domain-signer and inbound-DCA cases', async () => {
    const r = await run({});
    const failed = (role: string) => r.cases.filter((c) => c.role === role && c.verdict === 'FAIL');
    expect(failed('domain-signer').length).toBeGreaterThan(0);
    expect(failed('domain-signer').some((c) => /untrusted|trust anchor|CERT_UNTRUSTED/i.test(c.reason))).toBe(true);
    // The suite encrypted for its own example.org DCA, whose key the gateway does not have.
    expect(failed('inbound-dca').length).toBeGreaterThan(0);
    expect(r.exitCode).toBe(1);
  }, 120_000);
});

describe('a gateway whose certificates come from an intermediate CA it does not send', () => {
  const run2 = (profile: Partial<Profile>) =>
    runAgainstReferenceGateway({
      pkiDir: f.suitePki, encryptOutbound: true, cases: allCases().filter((c) => c.role === 'domain-signer' || c.role === 'inbound-dca'), suiteVersion: 'test',
      gateway: { pki: f.gatewayPki2, signers: [`${REFERENCE_DOMAIN}/vendor-signer-2`], dca: `${REFERENCE_DOMAIN}/vendor-dca-2`, trustAnchors: ['ca'] },
      profile,
    });

  it('with the intermediate in the profile: no FAIL, WARN or ERROR', async () => {
    const r = await run2({ certificates: { trustAnchors: [f.vendorCa], intermediates: [f.intermediate], dca: f.dca2 } });
    expect(r.cases.filter((c) => c.verdict !== 'PASS' && c.verdict !== 'SKIP').map((c) => `${c.id}: ${c.verdict} ${c.reason}`)).toEqual([]);
    expect(r.counts.PASS).toBeGreaterThan(10);
  }, 120_000);

  it('without it: the DCA certificate is refused at start, and the domain signatures find no path', async () => {
    await expect(run2({ certificates: { trustAnchors: [f.vendorCa], dca: f.dca2 } })).rejects.toThrow(/certificates\.dca: .* does not chain to a trust anchor/);
    const r = await run2({ certificates: { trustAnchors: [f.vendorCa] } });
    const signerFails = r.cases.filter((c) => c.role === 'domain-signer' && c.verdict === 'FAIL');
    expect(signerFails.length).toBeGreaterThan(0);
    // Every domain signature the gateway made is untrusted; the cases with an envelope for the gateway's
    // domain fail too, because the suite, told of no gateway DCA, encrypted for the test PKI's.
    for (const c of signerFails) expect(c.reason, c.id).toMatch(/the output does not verify: CERT_UNTRUSTED|NO_LOCAL_DCA_KEY/);
    expect(signerFails.filter((c) => /CERT_UNTRUSTED/.test(c.reason)).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('profile certificates are checked before any case runs', () => {
  const base = (): Profile => ({
    name: 'vendor', domain: REFERENCE_DOMAIN, roles: ['inbound-dca'], submission: { inbound: { host: '127.0.0.1', port: 1 } }, capture: { port: 0 },
    pki: f.suitePki, policy: { encryptOutbound: false }, timeouts: { caseMs: 100 },
  });
  const start = (certificates: Profile['certificates']) => runSuite({ profile: { ...base(), certificates }, cases: allCases(), suiteVersion: 'test' });

  it('a DCA certificate that chains to no given anchor', async () => {
    await expect(start({ dca: f.vendorDca })).rejects.toThrow(/certificates\.dca: .* does not chain to a trust anchor at 2026-03-01T12:00:00\.000Z: CERT_UNTRUSTED/);
  });
  it('a signing certificate named as the DCA (N11)', async () => {
    await expect(start({ trustAnchors: [f.vendorCa], dca: f.vendorSigner })).rejects.toThrow(/certificates\.dca: .* is not a DCA encryption certificate for example\.org .*keyUsage/);
  });
  it('a DCA certificate for another domain (draft 4.1 naming)', async () => {
    await expect(runSuite({ profile: { ...base(), domain: 'example.test', certificates: { trustAnchors: [f.vendorCa], dca: f.vendorDca } }, cases: allCases(), suiteVersion: 'test' })).rejects.toThrow(/is not a DCA encryption certificate for example\.test/);
  });
  it('several certificates where one is meant, a missing file, a file that holds none', async () => {
    await expect(start({ trustAnchors: [f.vendorCa], dca: f.twoCerts })).rejects.toThrow(/two\.pem holds 2 certificates; name exactly one/);
    await expect(start({ trustAnchors: [join(dir, 'missing.pem')] })).rejects.toThrow(/certificates\.trustAnchors: .*missing\.pem: ENOENT/);
    await expect(start({ trustAnchors: [join(f.suitePki, 'pki.json')] })).rejects.toThrow(/certificates\.trustAnchors: .*pki\.json holds no certificate/);
  });
  it('loadProfile resolves the certificate and TLS files against the profile\'s folder', () => {
    const p = join(dir, 'profile.json');
    const { pki: _pki, ...rest } = base();
    void _pki;
    writeFileSync(p, JSON.stringify({
      ...rest, pki: 'suite-pki', certificates: { trustAnchors: ['vendor-ca.pem'], intermediates: ['two.pem'], dca: 'vendor-dca.pem' },
      submission: { inbound: { host: '127.0.0.1', port: 1, requireTls: true, tlsCaFile: 'vendor-ca.pem' } }, capture: { port: 0, tls: { key: 'k.pem', cert: 'c.pem' } },
    }));
    const loaded = loadProfile(p);
    expect(loaded.pki).toBe(f.suitePki);
    expect(loaded.certificates).toEqual({ trustAnchors: [f.vendorCa], intermediates: [f.twoCerts], dca: f.vendorDca });
    expect(loaded.submission.inbound?.tlsCaFile).toBe(f.vendorCa);
    expect(loaded.capture.tls).toEqual({ key: join(dir, 'k.pem'), cert: join(dir, 'c.pem') });
    expect(readFileSync(loaded.certificates!.dca!, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
