import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { certToPem, parseCertificate, parseCertificates, parsedCertificateCacheSize } from '../../src/x509/certificate.js';
import { PARSED_CERTIFICATE_CACHE_ENTRIES, PARSED_CERTIFICATE_CACHE_MAX_DER } from '../../src/limits.js';
import { selfSignedEcCertificate } from '../helpers/self-signed.js';
import { DomsecError } from '../../src/errors.js';
import { id_ecPublicKey, rsaEncryption, secp384r1 } from '../../src/asn1/oids.js';

const fx = (name: string): Buffer => readFileSync(new URL(`../fixtures/x509/${name}`, import.meta.url));

/** The SKI as OpenSSL prints it: an independent reading of the same extension. */
function opensslSki(name: string): string {
  const out = execFileSync('openssl', ['x509', '-in', fileURLToPath(new URL(`../fixtures/x509/${name}`, import.meta.url)), '-noout', '-ext', 'subjectKeyIdentifier'], { encoding: 'utf8' });
  const m = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(out);
  if (!m) throw new Error(`openssl printed no SKI for ${name}: ${out}`);
  return m[1]!.replace(/:/g, '').toLowerCase();
}

describe('parseCertificate', () => {
  it('reads an OpenSSL certificate from PEM and DER identically', () => {
    const pem = parseCertificate(fx('san-forms.crt'));
    const der = parseCertificate(fx('san-forms.der'));
    const fromString = parseCertificate(fx('san-forms.crt').toString('utf8'));
    expect(pem.der.equals(fx('san-forms.der'))).toBe(true);
    expect(der.der.equals(pem.der)).toBe(true);
    expect(fromString.der.equals(pem.der)).toBe(true);
    expect(pem.subject).toBe('CN=san forms');
  });

  it('extracts SAN URIs, dNSNames and emails in order, as written', () => {
    const c = parseCertificate(fx('san-forms.crt'));
    expect(c.sanUris).toEqual([
      'smtp://EXAMPLE.test/',
      'submit://Sub.Example.Test.',
      'smtp://port.example.test:25',
      'smtp://user@userinfo.example.test',
      'smtp://path.example.test/x',
      'https://https.example.test',
      'SMTP://upper.example.test',
    ]);
    expect(c.sanDnsNames).toEqual(['*.wild.example.test', 'Mail.Example.Test']);
    expect(c.sanEmails).toEqual(['postmaster@example.test']);
  });

  it('reports an absent keyUsage as undefined, and the serial without its DER sign byte', () => {
    const c = parseCertificate(fx('san-forms.crt'));
    expect(c.keyUsage).toBeUndefined();
    expect(c.basicConstraints).toEqual({ cA: false });
    // 0x80ff is encoded 02 03 00 80 ff; OpenSSL and node print the magnitude
    expect(c.serialNumberHex).toBe('80ff');
    expect(c.serialNumberHex).toBe(new X509Certificate(c.der).serialNumber.toLowerCase());
    expect(c.publicKeyAlgorithm).toBe(rsaEncryption);
    expect(c.namedCurve).toBeUndefined();
    expect(c.publicKey.asymmetricKeyType).toBe('rsa');
    // self-signed: issuer and subject bytes are equal and are the DER of a Name (SEQUENCE)
    expect(c.issuerDer.equals(c.subjectDer)).toBe(true);
    expect(c.subjectDer[0]).toBe(0x30);
    expect(c.subjectKeyIdentifier?.toString('hex')).toBe(opensslSki('san-forms.crt'));
  });

  it('reads keyUsage, pathLenConstraint, EC curve and SKI of a CA certificate', () => {
    const c = parseCertificate(fx('ec384.crt'));
    expect(c.basicConstraints).toEqual({ cA: true, pathLenConstraint: 0 });
    expect(c.keyUsage).toMatchObject({ keyCertSign: true, cRLSign: true, digitalSignature: false, keyEncipherment: false, keyAgreement: false });
    expect(c.publicKeyAlgorithm).toBe(id_ecPublicKey);
    expect(c.namedCurve).toBe(secp384r1);
    expect(c.subjectKeyIdentifier?.toString('hex')).toBe(opensslSki('ec384.crt'));
    expect(c.notAfter.getTime()).toBeGreaterThan(c.notBefore.getTime());
    expect(c.notBefore.toISOString()).toBe(new Date(new X509Certificate(c.der).validFrom).toISOString());
  });

  it('parses PEM bundles (ignoring non-certificate blocks) and concatenated DER', () => {
    const pem = parseCertificates(fx('bundle.pem'));
    expect(pem.map((c) => c.subject)).toEqual(['CN=san forms', 'CN=ec384 ca, O=fixtures']);
    const der = parseCertificates(fx('bundle.der'));
    expect(der.map((c) => c.der.toString('hex'))).toEqual(pem.map((c) => c.der.toString('hex')));
  });

  it('round-trips through certToPem', () => {
    const c = parseCertificate(fx('ec384.crt'));
    const pem = certToPem(c.der);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    expect(parseCertificate(pem).der.equals(c.der)).toBe(true);
  });

  const bad: Array<[string, Buffer | string]> = [
    ['truncated DER', fx('truncated.der')],
    ['DER with trailing bytes', fx('trailing.der')],
    ['PEM with non-base64 body', fx('garbage.pem')],
    ['PEM holding an INTEGER, not a certificate', fx('not-a-cert.pem')],
    ['PEM with only a private key', fx('ec-sec1.key')],
    ['a DER private key', fx('rsa-pkcs8.der')],
    ['empty buffer', Buffer.alloc(0)],
    ['plain text', 'hello'],
  ];
  for (const [what, input] of bad) {
    it(`throws MALFORMED_CERTIFICATE with a one-line message for ${what}`, () => {
      let err: unknown;
      try {
        parseCertificate(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DomsecError);
      expect((err as DomsecError).code).toBe('MALFORMED_CERTIFICATE');
      expect((err as DomsecError).message).not.toContain('\n');
    });
  }
});

/**
 * The same certificate with its serial number's last two bytes set from `n` (the top bit kept set: the
 * fixture's serial is 00 80 FF, and DER wants the 00 only before such a byte): another DER, parsed again
 * (parsing checks no signature).
 */
function withSerial(der: Buffer, n: number): Buffer {
  const out = Buffer.from(der);
  // tbsCertificate: [0] version (a0 03 02 01 02), then serialNumber (02 len ...).
  const at = out.indexOf(Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02, 0x02]));
  if (at < 0) throw new Error('fixture has no v3 version field');
  const end = at + 7 + out[at + 6]!;
  out[end - 1] = n & 0xff;
  out[end - 2] = 0x80 | ((n >> 8) & 0x7f);
  return out;
}

describe('parsed certificates are kept for reuse (src/limits.ts PARSED_CERTIFICATE_CACHE_*)', () => {
  it('the same DER gives the same frozen result, equal to what the first parse read', () => {
    const der = fx('san-forms.der');
    const a = parseCertificate(der);
    const b = parseCertificate(Buffer.from(der));
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.sanUris)).toBe(true);
    expect(() => (a.sanUris as string[]).push('smtp://injected.example')).toThrow(TypeError);
    // The caller's buffer is not kept: writing to it changes nothing.
    const mine = Buffer.from(der);
    const c = parseCertificate(withSerial(mine, 4242));
    mine.fill(0);
    expect(parseCertificate(withSerial(fx('san-forms.der'), 4242))).toBe(c);
    expect(c.serialNumberHex).toBe((0x8000 | 4242).toString(16));
  });

  it(`holds at most ${PARSED_CERTIFICATE_CACHE_ENTRIES} certificates, the least recently used leaving first`, () => {
    const der = fx('san-forms.der');
    const first = parseCertificate(withSerial(der, 1));
    for (let n = 2; n <= PARSED_CERTIFICATE_CACHE_ENTRIES + 10; n++) parseCertificate(withSerial(der, n));
    expect(parsedCertificateCacheSize()).toBe(PARSED_CERTIFICATE_CACHE_ENTRIES);
    const again = parseCertificate(withSerial(der, 1));
    expect(again).not.toBe(first);
    expect(again.serialNumberHex).toBe(first.serialNumberHex);
    // The most recent ones are still there.
    expect(parseCertificate(withSerial(der, PARSED_CERTIFICATE_CACHE_ENTRIES + 10))).toBe(parseCertificate(withSerial(der, PARSED_CERTIFICATE_CACHE_ENTRIES + 10)));
  });

  it(`does not keep a certificate larger than ${PARSED_CERTIFICATE_CACHE_MAX_DER} bytes`, async () => {
    const names = Array.from({ length: 700 }, (_v, i) => ({ type: 'dns' as const, value: `host-${i}.a-rather-long-name.example` }));
    const { certDer } = await selfSignedEcCertificate([{ '2.5.4.3': ['big'] }], names);
    expect(certDer.length).toBeGreaterThan(PARSED_CERTIFICATE_CACHE_MAX_DER);
    const a = parseCertificate(certDer);
    expect(a.sanDnsNames).toHaveLength(700);
    expect(parseCertificate(certDer)).not.toBe(a);
  });
});
