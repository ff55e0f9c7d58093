import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyMatchesCertificate, loadPrivateKey, writePrivateKeyFile } from '../../src/x509/keys.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { DomsecError } from '../../src/errors.js';

const fx = (name: string): Buffer => readFileSync(new URL(`../fixtures/x509/${name}`, import.meta.url));

describe('loadPrivateKey', () => {
  const rsaCert = parseCertificate(fx('san-forms.crt'));
  const ecCert = parseCertificate(fx('ec384.crt'));

  for (const name of ['rsa-pkcs8.key', 'rsa-pkcs1.key', 'rsa-pkcs8.der', 'rsa-pkcs1.der']) {
    it(`loads ${name} and matches the certificate made from it`, () => {
      const k = loadPrivateKey(fx(name));
      expect(k.type).toBe('private');
      expect(k.asymmetricKeyType).toBe('rsa');
      expect(keyMatchesCertificate(k, rsaCert)).toBe(true);
      expect(keyMatchesCertificate(k, ecCert)).toBe(false);
    });
  }

  it('loads SEC1 EC keys from PEM and DER, and a PEM string', () => {
    expect(loadPrivateKey(fx('ec-sec1.key')).asymmetricKeyType).toBe('ec');
    expect(loadPrivateKey(fx('ec-sec1.der')).asymmetricKeyType).toBe('ec');
    const k = loadPrivateKey(fx('ec384.key').toString('utf8'));
    expect(keyMatchesCertificate(k, ecCert)).toBe(true);
    expect(keyMatchesCertificate(loadPrivateKey(fx('ec-sec1.key')), ecCert)).toBe(false);
  });

  const bad: Array<[string, Buffer | string]> = [
    ['an encrypted PKCS#8 key', fx('rsa-encrypted.key')],
    ['a certificate PEM', fx('san-forms.crt')],
    ['a certificate DER', fx('san-forms.der')],
    ['a PEM key block with garbage', '-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n'],
    ['plain text', 'not a key'],
    ['random bytes', Buffer.from('3003020101ffff', 'hex')],
  ];
  for (const [what, input] of bad) {
    it(`throws MALFORMED_KEY for ${what}`, () => {
      expect(() => loadPrivateKey(input)).toThrowError(DomsecError);
      try {
        loadPrivateKey(input);
      } catch (e) {
        expect((e as DomsecError).code).toBe('MALFORMED_KEY');
        expect((e as DomsecError).message).not.toContain('\n');
      }
    });
  }
});

describe('writePrivateKeyFile', () => {
  it('creates the file with mode 0600 and tightens a pre-existing world-readable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'domsec-keys-'));
    try {
      const pem = fx('ec-sec1.key').toString('utf8');
      const fresh = join(dir, 'fresh.key');
      await writePrivateKeyFile(fresh, pem);
      expect((await stat(fresh)).mode & 0o777).toBe(0o600);
      expect(await readFile(fresh, 'utf8')).toBe(pem);

      const existing = join(dir, 'existing.key');
      await writeFile(existing, 'old content that is longer than nothing');
      await chmod(existing, 0o644);
      await writePrivateKeyFile(existing, pem);
      expect((await stat(existing)).mode & 0o777).toBe(0o600);
      expect(await readFile(existing, 'utf8')).toBe(pem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
