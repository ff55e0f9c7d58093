/**
 * Who does what in the benchmark, with the file paths the processes (domsec CLI, openssl) are given and
 * the loaded keys the in-process engine uses: the same certificates and keys on every side.
 *
 *   originator  example.test/user-alice   signs C (row "sign"; S1 of Example 7); From: alice@example.test
 *   other       example.test/user-bob     signs S2 and S3 of Example 7
 *   domain      example.test/signer-rsa   the domain signer (Example 7, row "domain sign")
 *   localDca    example.test/dca-rsa      the sending domain's DCA: E1 and E2 of Example 7 are for it
 *   remoteDca   example.org/dca-rsa       the receiving domain's DCA: every encryption is for it
 *   ca          ca                        the trust anchor
 *
 * All RSA-2048: signatures RSASSA-PKCS1-v1_5 with SHA-256, key transport RSAES-PKCS1-v1_5.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { parseCertificate } from '../x509/certificate.js';
import { loadPrivateKey } from '../x509/keys.js';

export interface Party {
  name: string;
  certPath: string;
  keyPath: string;
  certDer: Buffer;
  key: KeyObject;
}

export interface Parties {
  keysDir: string;
  caPath: string;
  caDer: Buffer;
  originator: Party;
  other: Party;
  domain: Party;
  localDca: Party;
  remoteDca: Party;
}

function party(keysDir: string, name: string): Party {
  const certPath = join(keysDir, `${name}.crt`);
  const keyPath = join(keysDir, `${name}.key`);
  return { name, certPath, keyPath, certDer: parseCertificate(readFileSync(certPath)).der, key: loadPrivateKey(readFileSync(keyPath)) };
}

export function loadParties(keysDir = 'vectors/keys'): Parties {
  const dir = resolve(keysDir);
  const caPath = join(dir, 'ca.crt');
  return {
    keysDir: dir,
    caPath,
    caDer: parseCertificate(readFileSync(caPath)).der,
    originator: party(dir, 'example.test/user-alice'),
    other: party(dir, 'example.test/user-bob'),
    domain: party(dir, 'example.test/signer-rsa'),
    localDca: party(dir, 'example.test/dca-rsa'),
    remoteDca: party(dir, 'example.org/dca-rsa'),
  };
}

/** The originator's address: From: of every input, named by alice's certificate (draft 3.2). */
export const FROM = 'alice@example.test';
export const TO = 'bob@example.org';
