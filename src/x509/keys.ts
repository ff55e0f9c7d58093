import { chmod, open } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { DomsecError } from '../errors.js';
import type { CertInfo } from './certificate.js';
import { decodePemBlocks, looksLikePem } from './pem.js';

/** PEM labels node:crypto understands without a passphrase: PKCS#8, PKCS#1 (RSA) and SEC1 (EC). */
const KEY_LABELS: Record<string, 'pkcs8' | 'pkcs1' | 'sec1'> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
};

function badKey(msg: string, cause?: unknown): DomsecError {
  const detail = cause === undefined ? '' : `: ${(cause instanceof Error ? cause.message : String(cause)).split('\n')[0]}`;
  return new DomsecError('MALFORMED_KEY', `${msg}${detail}`, cause === undefined ? undefined : { cause });
}

/**
 * A private key from PEM (PKCS#8, "RSA PRIVATE KEY", "EC PRIVATE KEY") or DER (PKCS#8, then PKCS#1, then SEC1).
 * Encrypted keys are refused: the suite never takes passphrases, and a silent prompt would hang the CLI.
 */
export function loadPrivateKey(input: Buffer | string): KeyObject {
  if (looksLikePem(input)) {
    const text = typeof input === 'string' ? input : input.toString('latin1');
    let blocks;
    try {
      blocks = decodePemBlocks(text);
    } catch (e) {
      throw badKey('private key PEM does not decode', e);
    }
    const block = blocks.find((b) => b.label in KEY_LABELS || b.label.startsWith('ENCRYPTED') || b.label.includes('RFC 1421'));
    if (!block) throw badKey(`no private key block in PEM input (found: ${blocks.map((b) => b.label).join(', ') || 'none'})`);
    const type = KEY_LABELS[block.label];
    if (!type) throw badKey(`encrypted private key ("${block.label}") is not supported`);
    try {
      return createPrivateKey({ key: block.der, format: 'der', type });
    } catch (e) {
      throw badKey(`"${block.label}" block does not decode`, e);
    }
  }
  if (typeof input === 'string') throw badKey('text input is not a PEM private key');
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: input, format: 'der', type });
    } catch {
      // try the next container; a DER key carries no label saying which it is
    }
  }
  throw badKey('DER input is not a PKCS#8, PKCS#1 or SEC1 private key');
}

/** True when `key` is the private half of the certificate's public key (compared as SPKI DER). */
export function keyMatchesCertificate(key: KeyObject, cert: CertInfo): boolean {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const a = pub.export({ type: 'spki', format: 'der' });
  const b = cert.publicKey.export({ type: 'spki', format: 'der' });
  return a.equals(b);
}

/**
 * Write a private key readable by the owner only. The mode on open applies only when the file is created,
 * so chmod afterwards covers a pre-existing file with looser permissions.
 */
export async function writePrivateKeyFile(path: string, pem: string): Promise<void> {
  const fh = await open(path, 'w', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(pem);
  } finally {
    await fh.close();
  }
  await chmod(path, 0o600);
}
