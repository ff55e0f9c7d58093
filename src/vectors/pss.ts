/**
 * Byte-reproducible RSASSA-PSS signatures for golden vectors.
 *
 * Why by hand: node:crypto draws the PSS salt at random and takes no salt from the caller, and no
 * well-kept npm library signs RSA-PSS with a given salt on Node's keys, so a PSS vector would change on
 * every regeneration. The salt is random by design only against an attacker who chooses messages; a test
 * vector may fix it (RFC 8017 9.1 lets the salt be any octet string, and 8.1: "the salt ... may be fixed").
 * Here only the EMSA-PSS encoding (RFC 8017 9.1.1, a dozen lines) is written out; the RSA private-key
 * operation is node:crypto's (privateDecrypt without padding is RSASP1), and the result is checked with
 * node:crypto's own PSS verification before it is used, so an encoding slip cannot produce a vector.
 */
import { constants, createHash, createPublicKey, privateDecrypt, verify, type KeyObject } from 'node:crypto';
import type { DigestName } from '../crypto/signature.js';

function mgf1(seed: Buffer, len: number, hash: DigestName): Buffer {
  const out: Buffer[] = [];
  for (let c = 0; Buffer.concat(out).length < len; c++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(c);
    out.push(createHash(hash).update(seed).update(counter).digest());
  }
  return Buffer.concat(out).subarray(0, len);
}

/** RSASSA-PSS (RFC 8017 8.1.1) of `data` with MGF1 over the same hash and the given salt. */
export function signPssWithSalt(hash: DigestName, key: KeyObject, data: Buffer, salt: Buffer): Buffer {
  const modBits = key.asymmetricKeyDetails!.modulusLength!;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const mHash = createHash(hash).update(data).digest();
  const hLen = mHash.length;
  const h = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - salt.length - hLen - 2), Buffer.from([0x01]), salt]);
  const masked = mgf1(h, emLen - hLen - 1, hash);
  for (let i = 0; i < db.length; i++) db[i] = db[i]! ^ masked[i]!;
  db[0] = db[0]! & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const k = Math.ceil(modBits / 8);
  const sig = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(k - em.length), em]));
  if (!verify(hash, data, { key: createPublicKey(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt.length }, sig)) {
    throw new Error('internal: deterministic PSS signature does not verify');
  }
  return sig;
}
