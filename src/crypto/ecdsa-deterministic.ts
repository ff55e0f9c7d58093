/**
 * Deterministic ECDSA (RFC 6979) for CMS SignerInfos, with @noble/curves.
 *
 * Why not node:crypto: Node's ECDSA draws a random nonce on every call (it has no RFC 6979 mode), so an
 * ECDSA-signed golden vector would change on every regeneration (guide: vectors are byte-reproducible).
 * RFC 6979 derives the nonce from the key and the digest, which is as safe as a random one and lets the
 * same input give the same signature. @noble/curves is an audited, widely used implementation of it;
 * nothing here is hand-written cryptography. The signature is a DER Ecdsa-Sig-Value (RFC 5753 7.2),
 * verifiable by any ECDSA implementation (node:crypto, OpenSSL).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { DomsecError } from '../errors.js';
import type { DigestName } from './signature.js';

const CURVES = { prime256v1: p256, secp384r1: p384, secp521r1: p521 } as const;

/** RFC 6979 ECDSA over `data` hashed with `d`; `key` is a Node EC private key on P-256, P-384 or P-521. */
export function signEcdsaDeterministic(d: DigestName, key: KeyObject, data: Buffer): Buffer {
  const curveName = key.asymmetricKeyDetails?.namedCurve as keyof typeof CURVES | undefined;
  const curve = curveName ? CURVES[curveName] : undefined;
  if (!curve) throw new DomsecError('UNSUPPORTED_ALGORITHM', `ECDSA on curve ${String(curveName)} is not supported`);
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.d) throw new DomsecError('MALFORMED_KEY', 'ECDSA signing needs a private key');
  const secret = Buffer.from(jwk.d, 'base64url');
  const hash = createHash(d).update(data).digest();
  // prehash: false, the digest is the CMS digest algorithm's (RFC 5753 7.1); lowS: false, the ordinary
  // ECDSA that OpenSSL and Node produce (low-S is a Bitcoin rule, not X9.62's).
  return Buffer.from(curve.sign(hash, secret, { prehash: false, lowS: false, format: 'der' }));
}
