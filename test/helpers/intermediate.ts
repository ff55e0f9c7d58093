/**
 * A two-level vendor hierarchy for tests of profile `certificates.intermediates`: an intermediate CA under
 * a given root, and a domain signer and a DCA issued by the intermediate (draft 2.4 naming, N10, N11). The
 * test PKI generator makes single-level PKIs only, and a gateway that leaves its intermediate out of
 * its SignedData is exactly what `intermediates` is for.
 */
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { id_kp_emailProtection } from '../../src/asn1/oids.js';
import { certToPem } from '../../src/x509/certificate.js';
import type { PkiEntry } from '../../src/pki/index.js';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
type Key = x509.X509CertificateCreateWithKeyParams['signingKey'];

async function keyPair(): Promise<{ privateKey: Key; publicKey: Key; pem: string; spki: Uint8Array }> {
  const k = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as { privateKey: Key; publicKey: Key };
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', k.privateKey as never));
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', k.publicKey as never));
  return { ...k, pem: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString(), spki };
}

async function importRootKey(pem: string): Promise<Key> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return (await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])) as unknown as Key;
}

export async function issueUnderIntermediate(root: PkiEntry, domain: string, now: Date): Promise<{ intermediate: PkiEntry; signer: PkiEntry; dca: PkiEntry }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const rootCert = new x509.X509Certificate(root.certDer);
  const rootKey = await importRootKey(root.keyPem);
  const [ik, sk, dk] = await Promise.all([keyPair(), keyPair(), keyPair()]);
  const notBefore = new Date(now.getTime() - 86_400_000 * 365);
  const notAfter = new Date(now.getTime() + 86_400_000 * 365 * 5);
  const subject = (cn: string) => `CN=${cn}, O=Vendor Gateway Inc`;
  const make = async (serial: string, cn: string, issuer: string, signingKey: Key, issuerSpki: Uint8Array, spki: Uint8Array, ca: boolean, usage: number, sans: x509.JsonGeneralNames): Promise<Buffer> => {
    const exts: x509.Extension[] = [
      new x509.BasicConstraintsExtension(ca, ca ? 0 : undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      await x509.SubjectKeyIdentifierExtension.create(spki),
      await x509.AuthorityKeyIdentifierExtension.create(issuerSpki),
    ];
    if (!ca) exts.push(new x509.ExtendedKeyUsageExtension([id_kp_emailProtection]), new x509.SubjectAlternativeNameExtension(sans));
    const c = await x509.X509CertificateGenerator.create({ serialNumber: serial, subject: subject(cn), issuer, notBefore, notAfter, publicKey: spki, signingKey, signingAlgorithm: ALG, extensions: exts });
    return Buffer.from(c.rawData);
  };
  const rootSpki = new Uint8Array(rootCert.publicKey.rawData);
  const KU = x509.KeyUsageFlags;
  const interDer = await make('2001', 'Vendor Issuing CA', rootCert.subject, rootKey, rootSpki, ik.spki, true, KU.keyCertSign | KU.cRLSign, []);
  const issuer = subject('Vendor Issuing CA');
  const signerDer = await make('2002', `${domain} domain signer (issued by an intermediate)`, issuer, ik.privateKey, ik.spki, sk.spki, false, KU.digitalSignature, [
    { type: 'url', value: `smtp://${domain}` }, { type: 'url', value: `submit://${domain}` }, { type: 'dns', value: domain },
  ]);
  const dcaDer = await make('2003', `${domain} DCA (issued by an intermediate)`, issuer, ik.privateKey, ik.spki, dk.spki, false, KU.keyEncipherment, [
    { type: 'url', value: `smtp://${domain}` }, { type: 'dns', value: domain },
  ]);
  const entry = (shortName: string, role: PkiEntry['role'], der: Buffer, keyPem: string, d?: string): PkiEntry => ({
    name: d ? `${d}/${shortName}` : shortName, shortName, role, algorithm: 'rsa-2048', certDer: der, certPem: certToPem(der), keyPem, ...(d ? { domain: d } : {}),
  });
  return {
    intermediate: entry('vendor-issuing-ca', 'ca', interDer, ik.pem),
    signer: entry('vendor-signer-2', 'signer', signerDer, sk.pem, domain),
    dca: entry('vendor-dca-2', 'dca', dcaDer, dk.pem, domain),
  };
}
