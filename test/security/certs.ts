/**
 * Crafted certificates for the hostile corpus and the OpenSSL path table (issue 12, items 1 and 4):
 * whatever extensions a case needs, including malformed and unknown critical ones, which the test PKI
 * generator refuses to make. Keys are the pinned RSA keys of the test PKI and RSASSA-PKCS1-v1_5 signatures
 * are deterministic, so the same call gives the same bytes (the fixtures regenerate byte for byte).
 */
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { anyExtendedKeyUsage, id_kp_emailProtection, id_kp_serverAuth } from '../../src/asn1/oids.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
type Key = x509.X509CertificateCreateWithKeyParams['signingKey'];

export interface Issuer {
  name: string;
  keyPem: string;
}

export interface CraftOptions {
  serial: string;
  subject: string;
  /** Issuer name and key; 'self' for a self-signed certificate (subject key signs). */
  issuer: Issuer | 'self';
  /** PEM of the subject's private key (the public key is derived from it). */
  keyPem: string;
  notBefore?: Date;
  notAfter?: Date;
  extensions: x509.Extension[];
}

async function privateKey(pem: string): Promise<Key> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return (await webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign'])) as unknown as Key;
}

function spki(pem: string): Uint8Array {
  return new Uint8Array(createPublicKey(pem).export({ type: 'spki', format: 'der' }));
}

export async function craft(o: CraftOptions): Promise<Buffer> {
  const issuer = o.issuer === 'self' ? { name: o.subject, keyPem: o.keyPem } : o.issuer;
  const c = await x509.X509CertificateGenerator.create({
    serialNumber: o.serial,
    subject: o.subject,
    issuer: issuer.name,
    notBefore: o.notBefore ?? new Date('2026-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2028-01-01T00:00:00Z'),
    publicKey: spki(o.keyPem),
    signingKey: await privateKey(issuer.keyPem),
    signingAlgorithm: ALG,
    extensions: o.extensions,
  });
  return Buffer.from(c.rawData);
}

const KU = x509.KeyUsageFlags;

/** Extensions of a well-formed S/MIME signing certificate for `email`, with overrides. */
export function leafExtensions(email: string, opts: { eku?: string[] | null; keyUsage?: number; extra?: x509.Extension[]; san?: x509.Extension } = {}): x509.Extension[] {
  const exts: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(opts.keyUsage ?? KU.digitalSignature | KU.nonRepudiation, true),
    opts.san ?? new x509.SubjectAlternativeNameExtension([{ type: 'email', value: email }]),
  ];
  if (opts.eku !== null) exts.push(new x509.ExtendedKeyUsageExtension(opts.eku ?? [id_kp_emailProtection]));
  exts.push(...(opts.extra ?? []));
  return exts;
}

/** Extensions of a CA certificate, with overrides. */
export function caExtensions(opts: { ca?: boolean; pathLen?: number; keyUsage?: number | null; eku?: string[]; extra?: x509.Extension[] } = {}): x509.Extension[] {
  const exts: x509.Extension[] = [new x509.BasicConstraintsExtension(opts.ca ?? true, opts.pathLen, true)];
  if (opts.keyUsage !== null) exts.push(new x509.KeyUsagesExtension(opts.keyUsage ?? KU.keyCertSign | KU.cRLSign, true));
  if (opts.eku) exts.push(new x509.ExtendedKeyUsageExtension(opts.eku));
  exts.push(...(opts.extra ?? []));
  return exts;
}

/** A raw extension: OID, criticality and the extnValue content bytes as given (malformed on purpose when asked). */
export function rawExtension(oid: string, critical: boolean, value: number[]): x509.Extension {
  return new x509.Extension(oid, critical, new Uint8Array(value));
}

export { KU, anyExtendedKeyUsage, id_kp_emailProtection, id_kp_serverAuth };

/**
 * nameConstraints permitting only rfc822Name "example.org" (RFC 5280 4.2.1.10):
 * SEQUENCE { [0] { SEQUENCE { [1] "example.org" } } }.
 */
export function nameConstraintsExtension(critical: boolean): x509.Extension {
  const name = Buffer.from('example.org', 'latin1');
  const general = [0x81, name.length, ...name];
  const subtree = [0x30, general.length, ...general];
  const permitted = [0xa0, subtree.length, ...subtree];
  return rawExtension('2.5.29.30', critical, [0x30, permitted.length, ...permitted]);
}
