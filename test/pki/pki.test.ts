import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestPki, pkiKeys, DEFAULT_PKI_NOW, type TestPki, type PkiEntry } from '../../src/pki/generate.js';
import { loadTestPki, writeTestPki, type PkiManifest } from '../../src/pki/store.js';
import { parseCertificate, type CertInfo } from '../../src/x509/certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from '../../src/x509/keys.js';
import { validatePath } from '../../src/x509/path.js';
import { checkDcaEncryptionCertificate, checkDomainSignerNaming, originatorDomain, type NamingRole } from '../../src/domsec/naming.js';
import type { ReasonCode } from '../../src/domsec/reasons.js';
import { DomsecError } from '../../src/errors.js';
import { id_ecPublicKey, id_Ed25519, rsaEncryption, secp256r1, secp384r1 } from '../../src/asn1/oids.js';

const execFileAsync = promisify(execFile);

let pki: TestPki;
let dir: string;
let out: string;
const info = (name: string): CertInfo => parseCertificate(pki.entries[name]!.certDer);
const anchors = (): CertInfo[] => pki.trustAnchors.map((p) => parseCertificate(p));

beforeAll(async () => {
  pki = await generateTestPki();
  dir = await mkdtemp(join(tmpdir(), 'domsec-pki-'));
  out = join(dir, 'pki');
  await writeTestPki(pki, out);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const D = 'example.test';
const PER_DOMAIN = ['signer-rsa', 'signer-ec', 'signer-ec384', 'signer-ed25519', 'dca-rsa', 'dca-ec', 'user-alice', 'user-bob', 'user-carol-ec'];
const FIRST_DOMAIN_ONLY = ['bad-foreign', 'bad-lookalike', 'bad-nosan', 'bad-encryption-only', 'bad-expired', 'bad-untrusted', 'submit-only', 'smtp-only', 'bad-descendant', 'bad-single-label'];

describe('generateTestPki', () => {
  it('defaults to a fixed date and the two default domains, with the documented entries', () => {
    expect(pki.now.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(pki.domains).toEqual(['example.test', 'example.org']);
    const expected = [
      'ca',
      'untrusted-ca',
      ...PER_DOMAIN.map((n) => `example.test/${n}`),
      ...FIRST_DOMAIN_ONLY.map((n) => `example.test/${n}`),
      ...PER_DOMAIN.map((n) => `example.org/${n}`),
      // Appended for the vectors (issue 14): an ascendant-domain user, and a signer below an intermediate CA.
      `${D}/user-alice-mail`,
      'intermediate-ca',
      `${D}/signer-rsa-int`,
    ];
    expect(Object.keys(pki.entries).sort()).toEqual(expected.sort());
    expect(pki.trustAnchors).toEqual([pki.ca.certPem]);
  });

  it('gives every certificate a distinct serial, the default validity and a matching key of the stated algorithm', () => {
    const serials = new Set<string>();
    for (const e of Object.values(pki.entries)) {
      const c = info(e.name);
      serials.add(`${c.issuer}/${c.serialNumberHex}`);
      expect(keyMatchesCertificate(loadPrivateKey(e.keyPem), c)).toBe(true);
      const [alg, curve] = { 'rsa-2048': [rsaEncryption, undefined], 'ec-p256': [id_ecPublicKey, secp256r1], 'ec-p384': [id_ecPublicKey, secp384r1], ed25519: [id_Ed25519, undefined] }[e.algorithm];
      expect([c.publicKeyAlgorithm, c.namedCurve]).toEqual([alg, curve]);
      if (e.shortName !== 'bad-expired') {
        expect([c.notBefore.toISOString(), c.notAfter.toISOString()]).toEqual(['2025-01-01T00:00:00.000Z', '2036-01-01T00:00:00.000Z']);
      }
    }
    expect(serials.size).toBe(Object.keys(pki.entries).length);
    const expired = info(`${D}/bad-expired`);
    expect([expired.notBefore.toISOString(), expired.notAfter.toISOString()]).toEqual(['2020-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z']);
  });

  it('issues CAs with cA and keyCertSign, and end entities with the naming SANs of draft 2.4', () => {
    for (const ca of [pki.ca, pki.untrustedCa]) {
      const c = info(ca.name);
      expect(c.basicConstraints?.cA).toBe(true);
      expect(c.keyUsage?.keyCertSign).toBe(true);
    }
    for (const d of pki.domains) {
      const s = info(`${d}/signer-rsa`);
      expect(s.sanUris).toEqual([`smtp://${d}`, `submit://${d}`]);
      expect(s.sanDnsNames).toEqual([d]);
      expect(s.keyUsage?.digitalSignature).toBe(true);
      const dca = info(`${d}/dca-rsa`);
      expect(dca.sanUris).toEqual([`smtp://${d}`]);
      expect(dca.keyUsage?.keyEncipherment).toBe(true);
      expect(info(`${d}/dca-ec`).keyUsage?.keyAgreement).toBe(true);
      const alice = info(`${d}/user-alice`);
      expect(alice.sanEmails).toEqual([`alice@${d}`]);
      expect(alice.keyUsage).toMatchObject({ digitalSignature: true, keyEncipherment: true });
    }
    expect(info(`${D}/bad-nosan`).sanUris.length + info(`${D}/bad-nosan`).sanDnsNames.length).toBe(0);
  });

  it('validates every certificate issued by the root (directly or through the intermediate CA) at 2026-01-01, and fails the expired and untrusted ones', () => {
    for (const e of Object.values(pki.entries)) {
      if (e.role === 'ca') continue;
      const r = validatePath(info(e.name), [info('untrusted-ca'), info('intermediate-ca')], anchors(), DEFAULT_PKI_NOW);
      const expected = e.shortName === 'bad-expired' ? 'CERT_EXPIRED' : e.shortName === 'bad-untrusted' ? 'CERT_UNTRUSTED' : 'ok';
      expect([e.name, r.ok ? 'ok' : r.reason]).toEqual([e.name, expected]);
    }
  });

  it('makes each negative certificate break the rule the naming checks derive from draft 2.4 / N9-N11', () => {
    const alice = originatorDomain(`Alice <alice@${D}>`);
    const sub = originatorDomain(`x@mail.${D}`);
    const naming = (short: string, role: NamingRole = 'any', o = alice): ReasonCode[] => checkDomainSignerNaming(info(`${D}/${short}`), o, { role }).reasons;
    // Expectations written from the rules, not read from the generator's manifest:
    const expected: Record<string, { reasons: ReasonCode[]; role?: NamingRole }> = {
      'bad-foreign': { reasons: ['NAMING_DOMAIN_MISMATCH'] }, // foreign.test is not example.test or an ascendant
      'bad-lookalike': { reasons: ['NAMING_DOMAIN_MISMATCH'] }, // badexample.test: whole labels only
      'bad-nosan': { reasons: ['NAMING_NO_DOMAIN_NAME'] }, // CN=example.test does not count
      'bad-encryption-only': { reasons: ['CERT_KEY_USAGE_NOT_SIGNING'] }, // keyEncipherment only
      'bad-descendant': { reasons: ['NAMING_DOMAIN_MISMATCH'] }, // mail.example.test is below example.test
      'bad-single-label': { reasons: ['NAMING_DOMAIN_MISMATCH'] }, // "test" never counts as an ascendant
      'submit-only': { reasons: ['NAMING_NO_DOMAIN_NAME'], role: 'mta' },
      'smtp-only': { reasons: ['NAMING_NO_DOMAIN_NAME'], role: 'msa' },
    };
    for (const [short, exp] of Object.entries(expected)) {
      expect([short, naming(short, exp.role)]).toEqual([short, exp.reasons]);
      // the manifest's description agrees with the rule-derived expectation
      expect([short, pki.entries[`${D}/${short}`]!.breaks?.reason]).toEqual([short, exp.reasons[0]]);
    }
    // ... and the same certificates in the uses where they are fine
    expect(naming('submit-only', 'msa')).toEqual([]);
    expect(naming('smtp-only', 'mta')).toEqual([]);
    expect(naming('bad-descendant', 'any', sub)).toEqual([]);
    expect(naming('bad-expired')).toEqual([]); // path validation, not naming, rejects these two
    expect(naming('bad-untrusted')).toEqual([]);
    expect(pki.entries[`${D}/bad-expired`]!.breaks?.reason).toBe('CERT_EXPIRED');
    expect(pki.entries[`${D}/bad-untrusted`]!.breaks?.reason).toBe('CERT_UNTRUSTED');
  });

  it('makes conforming signers pass for their domain and its subdomains under every role, and fail for the other domain', () => {
    for (const d of pki.domains) {
      const other = pki.domains.find((x) => x !== d)!;
      for (const s of ['signer-rsa', 'signer-ec', 'signer-ec384', 'signer-ed25519']) {
        for (const role of ['msa', 'mta', 'any'] as const) {
          expect(checkDomainSignerNaming(info(`${d}/${s}`), originatorDomain(`a@${d}`), { role }).ok).toBe(true);
          expect(checkDomainSignerNaming(info(`${d}/${s}`), originatorDomain(`a@mail.${d}`), { role }).matchedDomain).toBe(d);
        }
        expect(checkDomainSignerNaming(info(`${d}/${s}`), originatorDomain(`a@${other}`)).reasons).toEqual(['NAMING_DOMAIN_MISMATCH']);
      }
      for (const dca of ['dca-rsa', 'dca-ec']) {
        expect(checkDcaEncryptionCertificate(info(`${d}/${dca}`), d)).toMatchObject({ ok: true, encryption: true });
        expect(checkDcaEncryptionCertificate(info(`${d}/${dca}`), other).reasons).toEqual(['NAMING_DOMAIN_MISMATCH']);
        // an encryption certificate is not a signing certificate (N11)
        expect(checkDomainSignerNaming(info(`${d}/${dca}`), originatorDomain(`a@${d}`)).reasons).toEqual(['CERT_KEY_USAGE_NOT_SIGNING']);
      }
      expect(checkDcaEncryptionCertificate(info(`${d}/signer-rsa`), d)).toMatchObject({ ok: false, encryption: false });
      // a user's certificate names a mailbox, not a domain: it cannot be a domain signer
      expect(checkDomainSignerNaming(info(`${d}/user-alice`), originatorDomain(`alice@${d}`)).reasons).toEqual(['NAMING_NO_DOMAIN_NAME']);
    }
  });

  it('reproduces byte-identical certificates from pinned keys', async () => {
    const again = await generateTestPki({ keys: pkiKeys(pki) });
    for (const e of Object.values(pki.entries)) expect([e.name, again.entries[e.name]!.certDer.equals(e.certDer)]).toEqual([e.name, true]);
  });

  it('rejects a pinned key of the wrong algorithm, and bad options', async () => {
    const keys = { ...pkiKeys(pki), [`${D}/signer-ec`]: pki.entries[`${D}/signer-rsa`]!.keyPem };
    await expect(generateTestPki({ keys })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(generateTestPki({ domains: ['localhost'], keys: pkiKeys(pki) })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(generateTestPki({ domains: [], keys: pkiKeys(pki) })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

describe('writeTestPki / loadTestPki', () => {
  it('writes <domain>/<name>.crt and .key (mode 0600), ca.crt and pki.json', async () => {
    expect((await readdir(out)).sort()).toEqual(['ca.crt', 'ca.key', 'example.org', 'example.test', 'intermediate-ca.crt', 'intermediate-ca.key', 'pki.json', 'untrusted-ca.crt', 'untrusted-ca.key']);
    for (const e of Object.values(pki.entries)) {
      const base = e.domain ? join(out, e.domain, e.shortName) : join(out, e.shortName);
      expect(await readFile(`${base}.crt`, 'utf8')).toBe(e.certPem);
      expect((await stat(`${base}.key`)).mode & 0o777).toBe(0o600);
      expect(await readFile(`${base}.key`, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    }
    // no temp or backup directories left beside it
    expect(await readdir(dir)).toEqual(['pki']);
  });

  it('describes every entry in pki.json', async () => {
    const m = JSON.parse(await readFile(join(out, 'pki.json'), 'utf8')) as PkiManifest;
    expect(m.trustAnchors).toEqual(['ca.crt']);
    expect(m.entries).toHaveLength(Object.keys(pki.entries).length);
    const foreign = m.entries.find((e) => e.name === `${D}/bad-foreign`)!;
    expect(foreign).toMatchObject({
      cert: `${D}/bad-foreign.crt`,
      key: `${D}/bad-foreign.key`,
      role: 'signer',
      algorithm: 'rsa-2048',
      sans: { uris: ['smtp://foreign.test', 'submit://foreign.test'], dnsNames: ['foreign.test'], emails: [] },
      keyUsage: ['digitalSignature'],
      notBefore: '2025-01-01T00:00:00.000Z',
      breaks: { reason: 'NAMING_DOMAIN_MISMATCH' },
    });
    expect(m.entries.find((e) => e.name === `${D}/signer-rsa`)!.breaks).toBeUndefined();
  });

  it('round-trips through loadTestPki', async () => {
    const back = await loadTestPki(out);
    expect(back.now.toISOString()).toBe(pki.now.toISOString());
    expect(back.domains).toEqual(pki.domains);
    expect(back.trustAnchors).toEqual(pki.trustAnchors);
    expect(back.ca.name).toBe('ca');
    expect(back.untrustedCa.name).toBe('untrusted-ca');
    const strip = (e: PkiEntry): unknown => ({ ...e, certDer: e.certDer.toString('hex') });
    expect(Object.values(back.entries).map(strip)).toEqual(Object.values(pki.entries).map(strip));
  });

  it('writes into an earlier test PKI: replaces the files its pki.json lists, keeps every other file (issue 12, item 7)', async () => {
    const target = join(dir, 'replace');
    await writeTestPki(pki, target);
    await writeFile(join(target, 'notes.txt'), 'mine');
    await writeFile(join(target, 'ca.crt'), 'stale');
    await writeTestPki(pki, target);
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(target, 'ca.crt'), 'utf8')).toBe(pki.ca.certPem);
    expect((await loadTestPki(target)).domains).toEqual(pki.domains);
    expect((await readdir(target)).filter((f) => f.startsWith('.'))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['pki', 'replace']);
    await rm(target, { recursive: true });
  });

  it('refuses a non-empty folder that is not a test PKI, deleting and writing nothing (issue 12, item 7)', async () => {
    const target = join(dir, 'user-folder');
    await mkdir(join(target, 'sub'), { recursive: true });
    await writeFile(join(target, 'notes.txt'), 'mine');
    await writeFile(join(target, 'sub', 'ca.crt'), 'theirs');
    for (const manifest of [undefined, 'not json', JSON.stringify({ format: 'something-else/1', entries: [] })]) {
      if (manifest !== undefined) await writeFile(join(target, 'pki.json'), manifest);
      await expect(writeTestPki(pki, target)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
      expect((await readdir(target)).sort()).toEqual([...(manifest !== undefined ? ['pki.json'] : []), 'notes.txt', 'sub'].sort());
      expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('mine');
    }
    await writeFile(join(dir, 'a-file'), 'x');
    await expect(writeTestPki(pki, join(dir, 'a-file'))).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(await readFile(join(dir, 'a-file'), 'utf8')).toBe('x');
    await rm(join(dir, 'a-file'));
    await rm(target, { recursive: true });
  });

  it('refuses, before writing anything, a file in an earlier PKI at a path it writes that its pki.json does not list', async () => {
    const target = join(dir, 'foreign-file');
    await writeTestPki(pki, target);
    const m = JSON.parse(await readFile(join(target, 'pki.json'), 'utf8')) as PkiManifest;
    m.entries = m.entries.filter((e) => e.name !== `${D}/signer-rsa`);
    await writeFile(join(target, 'pki.json'), JSON.stringify(m));
    await writeFile(join(target, D, 'signer-rsa.crt'), 'not the tool\'s');
    await expect(writeTestPki(pki, target)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringContaining(`${D}/signer-rsa.crt exists and is not listed`) });
    expect(await readFile(join(target, D, 'signer-rsa.crt'), 'utf8')).toBe('not the tool\'s');
    expect(JSON.parse(await readFile(join(target, 'pki.json'), 'utf8'))).toEqual(m);
    await rm(target, { recursive: true });
  });

  it('writes into an empty folder, and keeps the files of an earlier PKI for other domains (listed as retainedFiles, replaceable later)', async () => {
    const target = join(dir, 'empty');
    await mkdir(target);
    await writeTestPki(pki, target);
    expect((await loadTestPki(target)).domains).toEqual(pki.domains);
    const small = await generateTestPki({ domains: ['a.example'] });
    await writeTestPki(small, target);
    const m = JSON.parse(await readFile(join(target, 'pki.json'), 'utf8')) as PkiManifest;
    expect(m.domains).toEqual(['a.example']);
    expect(m.retainedFiles).toContain(`${D}/signer-rsa.key`);
    expect(await readFile(join(target, D, 'signer-rsa.crt'), 'utf8')).toBe(pki.entries[`${D}/signer-rsa`]!.certPem);
    await writeTestPki(pki, target); // the retained files are still the tool's: no refusal
    expect(JSON.parse(await readFile(join(target, 'pki.json'), 'utf8')).retainedFiles).toEqual(expect.arrayContaining(['a.example/signer-rsa.crt']));
    await rm(target, { recursive: true });
  });

  it('leaves nothing behind when writing fails half-way, in a new folder and in an earlier PKI', async () => {
    const broken: TestPki = { ...pki, entries: { ...pki.entries, [`${D}/zz-broken`]: { ...pki.entries[`${D}/signer-rsa`]!, shortName: 'zz-broken', name: `${D}/zz-broken`, keyPem: undefined as unknown as string } } };
    await expect(writeTestPki(broken, join(dir, 'half'))).rejects.toBeInstanceOf(DomsecError);
    expect(await readdir(dir)).toEqual(['pki']);
    const before = await readFile(join(out, 'pki.json'), 'utf8');
    const listing = (await readdir(out)).sort();
    await expect(writeTestPki(broken, out)).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect((await readdir(out)).sort()).toEqual(listing);
    expect(await readFile(join(out, 'pki.json'), 'utf8')).toBe(before);
  });

  it('refuses a key that does not belong to its certificate, and manifest paths outside the directory', async () => {
    const copy = join(dir, 'tampered');
    await writeTestPki(pki, copy);
    try {
      await copyFile(join(copy, D, 'signer-ec.key'), join(copy, D, 'signer-ec384.key'));
      await expect(loadTestPki(copy)).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
      const m = JSON.parse(await readFile(join(copy, 'pki.json'), 'utf8')) as PkiManifest;
      m.entries[0]!.cert = '../pki/ca.crt';
      await writeFile(join(copy, 'pki.json'), JSON.stringify(m));
      await expect(loadTestPki(copy)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
      await expect(loadTestPki(join(dir, 'missing'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('interop: openssl verify', () => {
  const epoch = String(Math.floor(DEFAULT_PKI_NOW.getTime() / 1000));
  const verify = async (cert: string, purpose: string): Promise<{ ok: boolean; text: string }> => {
    try {
      const r = await execFileAsync('openssl', ['verify', '-CAfile', join(out, 'ca.crt'), '-attime', epoch, '-purpose', purpose, cert]);
      return { ok: true, text: r.stdout + r.stderr };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return { ok: false, text: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  };

  it('accepts every domain signer for S/MIME signing and the RSA DCA for S/MIME encryption', async () => {
    for (const d of pki.domains) {
      for (const s of ['signer-rsa', 'signer-ec', 'signer-ec384', 'signer-ed25519']) {
        const r = await verify(join(out, d, `${s}.crt`), 'smimesign');
        expect([d, s, r.ok, r.text.trim()]).toEqual([d, s, true, `${join(out, d, `${s}.crt`)}: OK`]);
      }
      expect((await verify(join(out, d, 'dca-rsa.crt'), 'smimeencrypt')).ok).toBe(true);
    }
  });

  it('rejects the expired and the untrusted certificate', async () => {
    const expired = await verify(join(out, D, 'bad-expired.crt'), 'smimesign');
    expect(expired.ok).toBe(false);
    expect(expired.text).toContain('certificate has expired');
    const untrusted = await verify(join(out, D, 'bad-untrusted.crt'), 'smimesign');
    expect(untrusted.ok).toBe(false);
    expect(untrusted.text).toContain('unable to get local issuer certificate');
  });
});
