/**
 * File input and output for the CLI: typed errors for unreadable files, certificates and keys checked
 * against each other, and outputs written atomically (temp file + rename) so a failure never leaves a
 * half-written file.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import { DomsecError } from '../errors.js';
import { parseCertificate, parseCertificates } from '../x509/certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from '../x509/keys.js';

export function readInput(path: string, what = 'input'): Buffer {
  if (path === '-') {
    try {
      return readFileSync(0);
    } catch (e) {
      throw new DomsecError('FILE_UNREADABLE', `cannot read ${what} from standard input: ${(e as Error).message}`);
    }
  }
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new DomsecError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${why}`);
  }
}

/** Write `data` to `path` atomically; `-` or undefined writes to standard output. */
export function writeOutput(path: string | undefined, data: Buffer | string, mode = 0o644): void {
  if (path === undefined || path === '-') {
    process.stdout.write(data);
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new DomsecError('WRITE_FAILED', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Certificates from files (PEM bundles or DER), as DER. */
export function readCertificates(paths: string[], what = 'certificate'): Buffer[] {
  return paths.flatMap((p) => {
    const buf = readInput(p, what);
    try {
      return parseCertificates(buf).map((c) => c.der);
    } catch (e) {
      throw new DomsecError('MALFORMED_CERTIFICATE', `${p}: ${(e as Error).message}`);
    }
  });
}

export interface KeyPair {
  certDer: Buffer;
  key: KeyObject;
}

/** A certificate and its private key; refuses a key that does not belong to the certificate. */
export function readKeyPair(certPath: string, keyPath: string): KeyPair {
  const certBuf = readInput(certPath, 'certificate');
  let cert;
  try {
    cert = parseCertificate(certBuf);
  } catch (e) {
    throw new DomsecError('MALFORMED_CERTIFICATE', `${certPath}: ${(e as Error).message}`);
  }
  let key;
  try {
    key = loadPrivateKey(readInput(keyPath, 'private key'));
  } catch (e) {
    if (e instanceof DomsecError && e.code === 'FILE_UNREADABLE') throw e;
    throw new DomsecError('MALFORMED_KEY', `${keyPath}: ${(e as Error).message}`);
  }
  if (!keyMatchesCertificate(key, cert)) throw new DomsecError('KEY_MISMATCH', `${keyPath} is not the private key of ${certPath}`);
  return { certDer: cert.der, key };
}

/** Pair up repeated --cert/--key options. */
export function readKeyPairs(certs: string[] | undefined, keys: string[] | undefined, what: string): KeyPair[] {
  const c = certs ?? [];
  const k = keys ?? [];
  if (c.length !== k.length) throw new DomsecError('BAD_ARGUMENT', `${what}: give one --key for each --cert (${c.length} certificate(s), ${k.length} key(s))`);
  return c.map((cp, i) => readKeyPair(cp, k[i]!));
}

export function parseDate(value: string | undefined, what: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new DomsecError('BAD_ARGUMENT', `${what}: "${value}" is not a date (use ISO 8601, e.g. 2026-03-01T12:00:00Z)`);
  return d;
}
