/**
 * RSA key transport for KeyTransRecipientInfo: RSAES-PKCS1-v1_5 (RFC 8017 7.2, what deployed S/MIME
 * gateways mostly use) and RSAES-OAEP (RFC 8017 7.1, RFC 3560).
 *
 * The padding is done here and the raw RSA operation by node:crypto (RSA_NO_PADDING), for two reasons
 * recorded in STACK-NOTES: Node 20.20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809 revert is
 * not allowed in NODE_OPTIONS), and golden vectors need the padding drawn from a seeded RNG, which
 * publicEncrypt cannot take.
 */
import { constants, createHash, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { DomsecError } from '../errors.js';
import type { Rng } from './rng.js';

export type OaepHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new DomsecError('BAD_ARGUMENT', 'not an RSA key');
  return Math.ceil(bits / 8);
}

export function rsaPkcs1v15Encrypt(publicKey: KeyObject, message: Buffer, rng: Rng): Buffer {
  const k = modulusBytes(publicKey);
  if (message.length > k - 11) throw new DomsecError('BAD_ARGUMENT', 'key too large for RSAES-PKCS1-v1_5');
  const psLen = k - message.length - 3;
  // PS: non-zero random octets (RFC 8017 7.2.1 step 2a); redraw zero bytes.
  const ps = Buffer.alloc(psLen);
  let filled = 0;
  while (filled < psLen) {
    for (const b of rng.bytes(psLen - filled + 8)) {
      if (b !== 0 && filled < psLen) ps[filled++] = b;
    }
  }
  const em = Buffer.concat([Buffer.from([0x00, 0x02]), ps, Buffer.from([0x00]), message]);
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
}

/**
 * RFC 8017 7.2.2. Fails with a clear DECRYPT_FAILED: this engine is a diagnostic oracle, so it names the
 * padding error; a production gateway should add RFC 3218 countermeasures instead.
 */
export function rsaPkcs1v15Decrypt(privateKey: KeyObject, ciphertext: Buffer): Buffer {
  const k = modulusBytes(privateKey);
  if (ciphertext.length !== k) throw new DomsecError('DECRYPT_FAILED', `RSAES-PKCS1-v1_5: encryptedKey is ${ciphertext.length} bytes, modulus is ${k}`);
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch (e) {
    throw new DomsecError('DECRYPT_FAILED', `RSA decryption failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (em.length < k) em = Buffer.concat([Buffer.alloc(k - em.length), em]);
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new DomsecError('DECRYPT_FAILED', 'RSAES-PKCS1-v1_5 padding is invalid (wrong key?)');
  return em.subarray(sep + 1);
}

const HLEN: Record<OaepHash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

function mgf1(hash: OaepHash, seed: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  for (let c = 0, have = 0; have < len; c++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(c);
    const h = createHash(hash).update(seed).update(ctr).digest();
    out.push(h);
    have += h.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const o = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) o[i] = a[i]! ^ b[i]!;
  return o;
}

/** RFC 8017 7.1.1 EME-OAEP with an empty label, MGF1 with the same hash. */
export function rsaOaepEncrypt(publicKey: KeyObject, message: Buffer, hash: OaepHash, rng: Rng): Buffer {
  const k = modulusBytes(publicKey);
  const hLen = HLEN[hash];
  if (message.length > k - 2 * hLen - 2) throw new DomsecError('BAD_ARGUMENT', 'message too long for RSAES-OAEP');
  const lHash = createHash(hash).digest();
  const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
  const seed = rng.bytes(hLen);
  const maskedDb = xor(db, mgf1(hash, seed, k - hLen - 1));
  const maskedSeed = xor(seed, mgf1(hash, maskedDb, hLen));
  const em = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
}

export function rsaOaepDecrypt(privateKey: KeyObject, ciphertext: Buffer, hash: OaepHash): Buffer {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext);
  } catch (e) {
    throw new DomsecError('DECRYPT_FAILED', `RSAES-OAEP decryption failed (wrong key?): ${e instanceof Error ? e.message : String(e)}`);
  }
}
