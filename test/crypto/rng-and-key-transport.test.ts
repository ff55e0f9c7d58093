import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import { SeededRng, systemRng } from '../../src/crypto/rng.js';
import { rsaOaepDecrypt, rsaOaepEncrypt, rsaPkcs1v15Decrypt, rsaPkcs1v15Encrypt } from '../../src/crypto/key-transport.js';
import { buildEnvelopedData, decryptEnvelopedContent, parseEnvelopedData } from '../../src/cms/enveloped-data.js';
import { certRef } from '../../src/cms/cert-ref.js';
import { keyOf, testPki } from '../helpers/pki.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

describe('seeded randomness (reproducible vectors)', () => {
  it('gives the same stream for the same seed, another for another seed, and independent forks', () => {
    expect(new SeededRng('a').bytes(100)).toEqual(new SeededRng('a').bytes(100));
    expect(new SeededRng('a').bytes(32)).not.toEqual(new SeededRng('b').bytes(32));
    const r = new SeededRng('a');
    const whole = r.bytes(40);
    const parts = new SeededRng('a');
    expect(Buffer.concat([parts.bytes(7), parts.bytes(33)])).toEqual(whole);
    expect(new SeededRng('a').fork('x').bytes(16)).not.toEqual(new SeededRng('a').fork('y').bytes(16));
  });

  it('makes EnvelopedData byte-reproducible for every recipient kind', () => {
    const recipients = [
      { certDer: keyOf(pki, 'example.test/dca-rsa').certDer },
      { certDer: keyOf(pki, 'example.test/dca-rsa').certDer, keyTransport: 'rsa-oaep' as const },
      { certDer: keyOf(pki, 'example.test/dca-ec').certDer },
    ];
    const make = (seed: string) => buildEnvelopedData({ content: Buffer.from('x'), recipients, rng: new SeededRng(seed) });
    expect(make('v1').equals(make('v1'))).toBe(true);
    expect(make('v1').equals(make('v2'))).toBe(false);
  });
});

describe('RSA key transport (RFC 8017 7.1, 7.2)', () => {
  it('round-trips RSAES-PKCS1-v1_5 and RSAES-OAEP (SHA-1/256/384/512) through the padding done here', () => {
    const { certDer, key } = keyOf(pki, 'example.test/dca-rsa');
    const pub = certRef(certDer).publicKey;
    const cek = systemRng.bytes(32);
    expect(rsaPkcs1v15Decrypt(key, rsaPkcs1v15Encrypt(pub, cek, systemRng))).toEqual(cek);
    for (const h of ['sha1', 'sha256', 'sha384', 'sha512'] as const) expect(rsaOaepDecrypt(key, rsaOaepEncrypt(pub, cek, h, systemRng), h)).toEqual(cek);
  });

  it('reports a wrong key as DECRYPT_FAILED, never as success with garbage', () => {
    const { certDer } = keyOf(pki, 'example.test/dca-rsa');
    const other = keyOf(pki, 'example.org/dca-rsa').key;
    const pub = certRef(certDer).publicKey;
    const ct = rsaPkcs1v15Encrypt(pub, systemRng.bytes(32), systemRng);
    expect(() => rsaPkcs1v15Decrypt(other, ct)).toThrowError(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
    expect(() => rsaOaepDecrypt(other, rsaOaepEncrypt(pub, systemRng.bytes(32), 'sha256', systemRng), 'sha256')).toThrowError(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
  });

  it('decrypts for each of several recipients (end recipient and DCA)', () => {
    const dca = keyOf(pki, 'example.org/dca-rsa');
    const bob = keyOf(pki, 'example.org/user-bob');
    const ecDca = keyOf(pki, 'example.org/dca-ec');
    const env = parseEnvelopedData(buildEnvelopedData({ content: Buffer.from('for three'), recipients: [{ certDer: bob.certDer }, { certDer: dca.certDer, keyTransport: 'rsa-oaep' }, { certDer: ecDca.certDer }] }));
    for (const who of [bob, dca, ecDca]) expect(decryptEnvelopedContent(env, who).content.toString()).toBe('for three');
    expect(() => decryptEnvelopedContent(env, keyOf(pki, 'example.test/dca-rsa'))).toThrowError(expect.objectContaining({ code: 'NO_MATCHING_RECIPIENT' }));
  });
});
