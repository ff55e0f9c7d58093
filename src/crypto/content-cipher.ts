/**
 * Content-encryption algorithms: AES-CBC (RFC 3565) for EnvelopedData, AES-GCM (RFC 5084) and
 * ChaCha20-Poly1305 (RFC 8103) for AuthEnvelopedData.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { algorithmIdentifier, integer, octets, octetStringBytes, seq } from '../cms/der.js';
import type { Rng } from './rng.js';

export type CbcCipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';
export type AeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

const CBC: Record<CbcCipher, { oid: string; keyLen: number }> = {
  'aes-128-cbc': { oid: O.aes128_CBC, keyLen: 16 },
  'aes-192-cbc': { oid: O.aes192_CBC, keyLen: 24 },
  'aes-256-cbc': { oid: O.aes256_CBC, keyLen: 32 },
};
const AEAD: Record<AeadCipher, { oid: string; keyLen: number }> = {
  'aes-128-gcm': { oid: O.aes128_GCM, keyLen: 16 },
  'aes-256-gcm': { oid: O.aes256_GCM, keyLen: 32 },
  'chacha20-poly1305': { oid: O.id_alg_AEADChaCha20Poly1305, keyLen: 32 },
};

export function cbcKeyLength(c: CbcCipher): number {
  return CBC[c].keyLen;
}
export function aeadKeyLength(c: AeadCipher): number {
  return AEAD[c].keyLen;
}

export interface Encrypted {
  algorithm: Buffer; // AlgorithmIdentifier DER
  ciphertext: Buffer;
  tag?: Buffer;
}

export function cbcEncrypt(c: CbcCipher, key: Buffer, plaintext: Buffer, rng: Rng): Encrypted {
  const iv = rng.bytes(16);
  const cipher = createCipheriv(c, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { algorithm: algorithmIdentifier(CBC[c].oid, octets(iv)), ciphertext };
}

/** RFC 5084 3.2: GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING (12), aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }; we use a 16-byte tag. */
export function aeadEncrypt(c: AeadCipher, key: Buffer, plaintext: Buffer, aad: Buffer, rng: Rng): Encrypted {
  const nonce = rng.bytes(12);
  const cipher = createCipheriv(c as 'aes-256-gcm', key, nonce, { authTagLength: 16 });
  if (aad.length) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  const params = c === 'chacha20-poly1305' ? octets(nonce) : seq(octets(nonce), integer(16));
  return { algorithm: algorithmIdentifier(AEAD[c].oid, params), ciphertext, tag };
}

export interface ContentAlgorithm {
  oid: string;
  params?: asn1js.BaseBlock;
}

export function contentKeyLength(alg: ContentAlgorithm): number {
  for (const v of [...Object.values(CBC), ...Object.values(AEAD)]) if (v.oid === alg.oid) return v.keyLen;
  throw new DomsecError('UNSUPPORTED_ALGORITHM', `content-encryption algorithm ${alg.oid} (${O.oidName(alg.oid)}) is not supported`);
}

export function cbcDecrypt(alg: ContentAlgorithm, key: Buffer, ciphertext: Buffer): Buffer {
  const name = (Object.keys(CBC) as CbcCipher[]).find((k) => CBC[k].oid === alg.oid);
  if (!name) throw new DomsecError('UNSUPPORTED_ALGORITHM', `content-encryption algorithm ${alg.oid} (${O.oidName(alg.oid)}) is not supported`);
  if (!alg.params || !(alg.params instanceof asn1js.OctetString)) throw new DomsecError('MALFORMED_DER', `${name}: IV parameter missing`);
  const iv = octetStringBytes(alg.params);
  if (iv.length !== 16) throw new DomsecError('MALFORMED_DER', `${name}: IV must be 16 bytes, is ${iv.length}`);
  if (key.length !== CBC[name].keyLen) throw new DomsecError('DECRYPT_FAILED', `${name}: content key is ${key.length} bytes, expected ${CBC[name].keyLen}`);
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch (e) {
    throw new DomsecError('DECRYPT_FAILED', `${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function aeadDecrypt(alg: ContentAlgorithm, key: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const name = (Object.keys(AEAD) as AeadCipher[]).find((k) => AEAD[k].oid === alg.oid);
  if (!name) throw new DomsecError('UNSUPPORTED_ALGORITHM', `authenticated content-encryption algorithm ${alg.oid} (${O.oidName(alg.oid)}) is not supported`);
  let nonce: Buffer;
  let icvLen = 12;
  if (name === 'chacha20-poly1305') {
    if (!(alg.params instanceof asn1js.OctetString)) throw new DomsecError('MALFORMED_DER', 'ChaCha20-Poly1305: nonce parameter missing');
    nonce = octetStringBytes(alg.params);
    icvLen = 16;
  } else {
    const p = alg.params instanceof asn1js.Sequence ? alg.params.valueBlock.value : [];
    if (!(p[0] instanceof asn1js.OctetString)) throw new DomsecError('MALFORMED_DER', `${name}: GCMParameters missing`);
    nonce = octetStringBytes(p[0]);
    if (p[1] instanceof asn1js.Integer) icvLen = p[1].valueBlock.valueDec;
  }
  if (tag.length !== icvLen) throw new DomsecError('DECRYPT_FAILED', `${name}: mac is ${tag.length} bytes, parameters say ${icvLen}`);
  try {
    const d = createDecipheriv(name as 'aes-256-gcm', key, nonce, { authTagLength: icvLen });
    d.setAuthTag(tag);
    if (aad.length) d.setAAD(aad);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    throw new DomsecError('DECRYPT_FAILED', `${name}: authentication tag does not verify (content or authAttrs altered, or wrong key)`);
  }
}
