/**
 * TLS for the SMTP legs the suite takes part in: STARTTLS (RFC 3207) on submission to the gateway under
 * test, on the reference gateway's listeners and relay, and on the capture sink.
 *
 * Test setups need a server certificate for a loopback name. This makes a throwaway self-signed one
 * (ECDSA P-256, SubjectAltName localhost / 127.0.0.1 / ::1) with @peculiar/x509, which the test PKI code
 * already uses; it is not part of the pinned test PKI because TLS certificates are not DOMSEC objects and
 * need no reproducibility (a fresh key per start is the safer default).
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { DomsecError } from '../errors.js';
import { readBounded } from '../bounded-read.js';
import { MAX_CREDENTIAL_FILE_BYTES } from '../limits.js';

/** PEM key and certificate of a TLS server (what node:tls and smtp-server take). */
export interface TlsCredentials {
  key: string;
  cert: string;
}

/** A self-signed certificate is its own trust anchor: clients pass `cert` as their CA. */
export async function selfSignedTlsCredentials(commonName = 'localhost', now = new Date()): Promise<TlsCredentials> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}, O=domsec-suite loopback TLS`,
    // A day back for clock skew, a day ahead: these credentials live as long as one test run.
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: commonName },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as Parameters<typeof webcrypto.subtle.exportKey>[1]));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { key, cert: cert.toString('pem') + '\n' };
}

type CryptoKeyPair = { privateKey: unknown; publicKey: unknown };

/** Read a PEM file named in a config or profile: a missing or non-PEM file is one clear line. */
export function readPemFile(path: string, what: string): string {
  let text: string;
  try {
    // Bounded while reading (issue 12, item 9): a PEM path pointing at /dev/zero must not fill memory.
    text = readBounded(path, MAX_CREDENTIAL_FILE_BYTES, what, 'MAX_CREDENTIAL_FILE_BYTES').bytes.toString('utf8');
  } catch (e) {
    if (e instanceof DomsecError && e.code === 'LIMIT_EXCEEDED') throw e;
    const cause = (e as { cause?: NodeJS.ErrnoException }).cause ?? (e as NodeJS.ErrnoException);
    throw new DomsecError('FILE_UNREADABLE', `${what}: ${path}: ${cause.code ?? (e as Error).message}`);
  }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw new DomsecError('BAD_ARGUMENT', `${what}: ${path} is not PEM`);
  return text;
}
