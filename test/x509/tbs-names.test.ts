/**
 * The header-only reader of issuer, serial and subject (src/x509/tbs-names.ts) against the full decoders:
 * on every certificate of the test PKI and the x509 fixtures it gives the same bytes as certRef (CMS) and
 * parseCertificate (path building); on truncated or foreign input it gives undefined, never throws.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tbsNames } from '../../src/x509/tbs-names.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { certRef } from '../../src/cms/cert-ref.js';
import { testPki } from '../helpers/pki.js';

const fx = (name: string): Buffer => readFileSync(new URL(`../fixtures/x509/${name}`, import.meta.url));

describe('tbsNames', () => {
  it('agrees with certRef and parseCertificate on every test-PKI certificate and the fixtures', async () => {
    const pki = await testPki();
    const ders = [...Object.values(pki.entries).map((e) => e.certDer), fx('san-forms.der'), fx('rsa-pkcs1.der')].filter((d) => {
      try {
        parseCertificate(d);
        return true;
      } catch {
        return false;
      }
    });
    expect(ders.length).toBeGreaterThan(20);
    for (const der of ders) {
      const n = tbsNames(der)!;
      const ref = certRef(der);
      const info = parseCertificate(der);
      expect(n.issuerDer.equals(ref.issuerDer)).toBe(true);
      expect(n.serialDer.equals(ref.serialDer)).toBe(true);
      expect(n.subjectDer.equals(info.subjectDer)).toBe(true);
      expect(n.issuerDer.equals(info.issuerDer)).toBe(true);
    }
  });

  it('gives undefined for truncated, empty and non-certificate input', async () => {
    const der = (await testPki()).ca.certDer;
    for (const cut of [0, 1, 2, 10, 40, der.length - 1]) expect(tbsNames(der.subarray(0, cut))).toBeUndefined();
    expect(tbsNames(Buffer.from([0x04, 0x00]))).toBeUndefined();
    expect(tbsNames(fx('truncated.der'))).toBeUndefined();
  });
});
