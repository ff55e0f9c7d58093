/**
 * A self-signed P-256 certificate with whatever names a test needs (hostile, oversized, control
 * characters): the test PKI generator only makes well-formed names, and these tests are about the rest.
 */
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export async function selfSignedEcCertificate(name: x509.JsonName, sans: x509.JsonGeneralNames): Promise<{ certDer: Buffer; key: KeyObject }> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    keys: {
      privateKey: (await webcrypto.subtle.importKey('pkcs8', keys.privateKey.export({ type: 'pkcs8', format: 'der' }), alg, false, ['sign'])) as never,
      publicKey: (await webcrypto.subtle.importKey('spki', keys.publicKey.export({ type: 'spki', format: 'der' }), alg, true, ['verify'])) as never,
    },
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension(sans)],
  });
  return { certDer: Buffer.from(cert.rawData), key: keys.privateKey };
}
