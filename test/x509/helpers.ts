/**
 * Hand-made certificates for path and naming tests, made with @peculiar/x509 on Node's WebCrypto.
 * EC P-256 by default: key generation is instant, so each test can build exactly the hierarchy it needs.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { parseCertificate, type CertInfo } from '../../src/x509/certificate.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type Keys = { privateKey: x509.X509CertificateCreateWithKeyParams['signingKey']; publicKey: x509.X509CertificateCreateWithKeyParams['signingKey'] };
export type KeyAlg = 'ec' | 'rsa' | 'ed25519';

const ALGS = {
  ec: { gen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  rsa: { gen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  ed25519: { gen: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
} as const;

export interface TestCa {
  name: string;
  keys: Keys;
  alg: KeyAlg;
  info: CertInfo;
}

export async function newKeys(alg: KeyAlg = 'ec'): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(ALGS[alg].gen as never, true, ['sign', 'verify'])) as unknown as Keys;
}

let serial = 0x100;

export interface MakeOpts {
  subject: string;
  issuer?: TestCa; // self-signed when absent
  keys?: Keys;
  alg?: KeyAlg;
  ca?: boolean | 'omit'; // basicConstraints cA; 'omit' leaves the extension out
  pathLen?: number;
  keyUsage?: number | 'omit';
  sans?: x509.JsonGeneralNames;
  notBefore?: Date;
  notAfter?: Date;
  /** Sign with this key instead of the issuer's (a forged / wrongly signed certificate). */
  signWith?: Keys;
}

export const T0 = new Date('2025-01-01T00:00:00Z');
export const T1 = new Date('2030-01-01T00:00:00Z');
export const AT = new Date('2026-01-01T00:00:00Z');

/** Returns the parsed certificate and, for CA use, a TestCa handle. */
export async function makeCert(o: MakeOpts): Promise<TestCa> {
  const alg = o.alg ?? 'ec';
  const keys = o.keys ?? (await newKeys(alg));
  const issuerAlg = o.issuer?.alg ?? alg;
  const signer = o.signWith?.privateKey ?? o.issuer?.keys.privateKey ?? keys.privateKey;
  const exts: x509.Extension[] = [];
  if (o.ca !== 'omit') exts.push(new x509.BasicConstraintsExtension(o.ca ?? false, o.pathLen, true));
  const ku = o.keyUsage ?? (o.ca === true ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature);
  if (ku !== 'omit') exts.push(new x509.KeyUsagesExtension(ku, true));
  if (o.sans && o.sans.length > 0) exts.push(new x509.SubjectAlternativeNameExtension(o.sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: o.subject,
    issuer: o.issuer?.name ?? o.subject,
    notBefore: o.notBefore ?? T0,
    notAfter: o.notAfter ?? T1,
    publicKey: keys.publicKey,
    signingKey: signer,
    signingAlgorithm: ALGS[o.signWith ? alg : issuerAlg].sign as never,
    extensions: exts,
  });
  return { name: o.subject, keys, alg, info: parseCertificate(Buffer.from(cert.rawData)) };
}

export const KU = x509.KeyUsageFlags;
