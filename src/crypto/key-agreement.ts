/**
 * ECDH key agreement for KeyAgreeRecipientInfo: ephemeral-static ECDH on P-256/P-384 (RFC 5753) and
 * X25519 (RFC 8418), the KDFs they use (ANSI X9.63 with SHA-2, or HKDF), and AES key wrap (RFC 3394).
 *
 * Hand-written over node:crypto because pkijs puts an empty entityUInfo into the KDF input when no ukm is
 * present and so cannot open OpenSSL's default ECDH output (STACK-NOTES), and because the ephemeral key
 * must come from a seeded RNG for reproducible vectors.
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, type KeyObject } from 'node:crypto';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { algorithmIdentifier, ctx, octets, seq, tlv } from '../cms/der.js';
import type { Rng } from './rng.js';

export type KdfHash = 'sha256' | 'sha384' | 'sha512';
export type WrapAlg = 'aes128-wrap' | 'aes192-wrap' | 'aes256-wrap';

export const WRAP: Record<WrapAlg, { oid: string; keyLen: number; cipher: string }> = {
  'aes128-wrap': { oid: O.aes128_wrap, keyLen: 16, cipher: 'id-aes128-wrap' },
  'aes192-wrap': { oid: O.aes192_wrap, keyLen: 24, cipher: 'id-aes192-wrap' },
  'aes256-wrap': { oid: O.aes256_wrap, keyLen: 32, cipher: 'id-aes256-wrap' },
};

export function wrapByOid(oid: string): WrapAlg {
  const w = (Object.keys(WRAP) as WrapAlg[]).find((k) => WRAP[k].oid === oid);
  if (!w) throw new DomsecError('UNSUPPORTED_ALGORITHM', `key-wrap algorithm ${oid} (${O.oidName(oid)}) is not supported`);
  return w;
}

export const KDF_SCHEMES: Record<string, { kdf: 'x963' | 'hkdf'; hash: KdfHash | 'sha1' }> = {
  // What `openssl cms -encrypt` (3.0) emits for an EC recipient by default: accepted when decrypting only
  // (KdfHash, what the engine encrypts with, stays SHA-2; kdfSchemeOid never returns this one).
  [O.dhSinglePass_stdDH_sha1kdf_scheme]: { kdf: 'x963', hash: 'sha1' },
  [O.dhSinglePass_stdDH_sha256kdf_scheme]: { kdf: 'x963', hash: 'sha256' },
  [O.dhSinglePass_stdDH_sha384kdf_scheme]: { kdf: 'x963', hash: 'sha384' },
  [O.dhSinglePass_stdDH_sha512kdf_scheme]: { kdf: 'x963', hash: 'sha512' },
  [O.dhSinglePass_stdDH_hkdf_sha256_scheme]: { kdf: 'hkdf', hash: 'sha256' },
  [O.dhSinglePass_stdDH_hkdf_sha384_scheme]: { kdf: 'hkdf', hash: 'sha384' },
  [O.dhSinglePass_stdDH_hkdf_sha512_scheme]: { kdf: 'hkdf', hash: 'sha512' },
};

export function kdfSchemeOid(kdf: 'x963' | 'hkdf', hash: KdfHash): string {
  const hit = Object.entries(KDF_SCHEMES).find(([, v]) => v.kdf === kdf && v.hash === hash);
  return hit![0];
}

/** RFC 5753 7.2: ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo, entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL, suppPubInfo [2] EXPLICIT OCTET STRING } */
export function sharedInfo(wrapAlgDer: Buffer, keyLenBytes: number, ukm?: Buffer): Buffer {
  const bits = Buffer.alloc(4);
  bits.writeUInt32BE(keyLenBytes * 8);
  const parts = [wrapAlgDer];
  if (ukm) parts.push(tlv(ctx(0), octets(ukm)));
  parts.push(tlv(ctx(2), octets(bits)));
  return seq(...parts);
}

/** ANSI X9.63 KDF (SEC 1 3.6.1): K = Hash(Z || counter || SharedInfo) || ..., counter from 1. */
export function x963Kdf(hash: KdfHash | 'sha1', z: Buffer, info: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  for (let c = 1, have = 0; have < len; c++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(c);
    const h = createHash(hash).update(z).update(ctr).update(info).digest();
    out.push(h);
    have += h.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

/** RFC 8418 2.2: HKDF with the ukm (if any) as salt and the DER ECC-CMS-SharedInfo as info. */
export function hkdf(hash: KdfHash | 'sha1', z: Buffer, info: Buffer, len: number, ukm?: Buffer): Buffer {
  return Buffer.from(hkdfSync(hash, z, ukm ?? Buffer.alloc(0), info, len));
}

export function deriveKek(scheme: { kdf: 'x963' | 'hkdf'; hash: KdfHash | 'sha1' }, z: Buffer, wrapAlgDer: Buffer, keyLen: number, ukm?: Buffer): Buffer {
  const info = sharedInfo(wrapAlgDer, keyLen, ukm);
  return scheme.kdf === 'x963' ? x963Kdf(scheme.hash, z, info, keyLen) : hkdf(scheme.hash, z, info, keyLen, ukm);
}

// RFC 3394 2.2.3.1 default IV.
const AES_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

export function aesWrap(w: WrapAlg, kek: Buffer, key: Buffer): Buffer {
  const c = createCipheriv(WRAP[w].cipher, kek, AES_WRAP_IV);
  return Buffer.concat([c.update(key), c.final()]);
}

export function aesUnwrap(w: WrapAlg, kek: Buffer, wrapped: Buffer): Buffer {
  try {
    const d = createDecipheriv(WRAP[w].cipher, kek, AES_WRAP_IV);
    return Buffer.concat([d.update(wrapped), d.final()]);
  } catch {
    throw new DomsecError('DECRYPT_FAILED', `${w}: key unwrap failed (integrity check), wrong key or altered encryptedKey`);
  }
}

export type AgreementCurve = 'P-256' | 'P-384' | 'X25519';

export function curveOfKey(key: KeyObject): AgreementCurve {
  if (key.asymmetricKeyType === 'x25519') return 'X25519';
  if (key.asymmetricKeyType === 'ec') {
    const c = key.asymmetricKeyDetails?.namedCurve;
    if (c === 'prime256v1') return 'P-256';
    if (c === 'secp384r1') return 'P-384';
    throw new DomsecError('UNSUPPORTED_ALGORITHM', `ECDH on curve ${c} is not supported`);
  }
  throw new DomsecError('UNSUPPORTED_ALGORITHM', `key agreement with a ${key.asymmetricKeyType} key is not supported`);
}

const NODE_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' } as const;
const SCALAR_LEN = { 'P-256': 32, 'P-384': 48, X25519: 32 } as const;
// PKCS#8 prefix for a raw X25519 private key (RFC 8410 7).
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'OKP') return Buffer.from(jwk.x!, 'base64url');
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/** The originator's ephemeral public key as it goes in OriginatorPublicKey (RFC 5753 7.1.2: parameters absent). */
export interface Ephemeral {
  algorithm: Buffer;
  publicKey: Buffer;
  z: Buffer;
}

/** Ephemeral-static agreement with a recipient public key; the ephemeral scalar comes from the RNG. */
export function agreeEphemeral(recipient: KeyObject, rng: Rng): Ephemeral {
  const curve = curveOfKey(recipient);
  const scalar = rng.bytes(SCALAR_LEN[curve]);
  if (curve === 'X25519') {
    const priv = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
    const z = diffieHellman({ privateKey: priv, publicKey: recipient });
    return { algorithm: algorithmIdentifier(O.id_X25519), publicKey: rawPublic(createPublicKey(priv)), z };
  }
  const ecdh = createECDH(NODE_CURVE[curve]);
  // A scalar >= n has probability ~2^-128; setPrivateKey rejects it, and the caller's RNG is then unusable anyway.
  ecdh.setPrivateKey(scalar);
  const z = ecdh.computeSecret(rawPublic(recipient));
  return { algorithm: algorithmIdentifier(O.id_ecPublicKey), publicKey: ecdh.getPublicKey(), z };
}

/** Recipient side: Z from our private key and the originator's ephemeral public key bits. */
export function agreeStatic(privateKey: KeyObject, originatorPublic: Buffer): Buffer {
  const curve = curveOfKey(privateKey);
  try {
    if (curve === 'X25519') {
      const spki = Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), originatorPublic]);
      return diffieHellman({ privateKey, publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }) });
    }
    const ecdh = createECDH(NODE_CURVE[curve]);
    const jwk = privateKey.export({ format: 'jwk' });
    ecdh.setPrivateKey(Buffer.from(jwk.d!, 'base64url'));
    return ecdh.computeSecret(originatorPublic);
  } catch (e) {
    throw new DomsecError('DECRYPT_FAILED', `ECDH with the originator key failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
