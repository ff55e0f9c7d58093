/**
 * Extra certificates for the lookup tests, issued by the test PKI's root CA (so they pass path
 * validation against it), with EC P-256 keys (instant to generate), plus small network helpers.
 */
import { createPrivateKey, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import * as x509 from '@peculiar/x509';
import type { TestPki } from '../../src/pki/index.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const KU = x509.KeyUsageFlags;

type SigningKey = x509.X509CertificateCreateWithKeyParams['signingKey'];

let serial = 0x7000;

export interface IssueOpts {
  cn: string;
  /** smtp://<d> URI and dNSName <d> for each domain. */
  dcaDomains?: string[];
  emails?: string[];
  keyUsage?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Put the subjectAltName extension in twice: decodes as DER, refused by the engine's parser (RFC 5280 4.2). */
  duplicateSan?: boolean;
}

/** A DER certificate issued by `pki.ca`. */
export async function issue(pki: TestPki, o: IssueOpts): Promise<Buffer> {
  const subtle = webcrypto.subtle;
  const caKey = (await subtle.importKey('pkcs8', createPrivateKey(pki.ca.keyPem).export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])) as unknown as SigningKey;
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as unknown as { publicKey: SigningKey };
  const sans: x509.JsonGeneralNames = [
    ...(o.dcaDomains ?? []).flatMap((d) => [
      { type: 'url' as const, value: `smtp://${d}` },
      { type: 'dns' as const, value: d },
    ]),
    ...(o.emails ?? []).map((e) => ({ type: 'email' as const, value: e })),
  ];
  const exts: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(o.keyUsage ?? KU.keyAgreement, true)];
  if (sans.length) exts.push(new x509.SubjectAlternativeNameExtension(sans));
  if (sans.length && o.duplicateSan) exts.push(new x509.SubjectAlternativeNameExtension(sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: `CN=${o.cn}, O=domsec-suite directory tests`,
    issuer: pki.ca.certPem ? new x509.X509Certificate(pki.ca.certDer).subject : 'CN=?',
    notBefore: o.notBefore ?? new Date('2025-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2035-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: exts,
  });
  return Buffer.from(cert.rawData);
}

/** A TCP server on loopback that accepts connections and never answers: a hung directory. */
export async function silentServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  if (!a || typeof a !== 'object') throw new Error('no address');
  return {
    port: a.port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

