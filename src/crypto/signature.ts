/**
 * Signature and digest algorithms for CMS SignerInfos (RFC 5652 5, RFC 5754, RFC 4056, RFC 5758, RFC 8419).
 *
 * The primitives are node:crypto's, called directly rather than through pkijs's crypto engine because
 * Node signs Ed25519 (pkijs has no Ed25519 CMS), RSA PKCS#1 v1.5 signatures stay byte-identical for
 * reproducible vectors, and the verification result needs a reason code, not a bare boolean.
 */
import { createHash, sign as nodeSign, verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { algorithmIdentifier, ctx, integer, NULL, seq, tlv } from '../cms/der.js';
import { signEcdsaDeterministic } from './ecdsa-deterministic.js';

export type DigestName = 'sha256' | 'sha384' | 'sha512';
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519';

const DIGEST_OID: Record<DigestName, string> = { sha256: O.id_sha256, sha384: O.id_sha384, sha512: O.id_sha512 };
const DIGEST_BY_OID: Record<string, DigestName | 'sha1'> = {
  [O.id_sha256]: 'sha256',
  [O.id_sha384]: 'sha384',
  [O.id_sha512]: 'sha512',
  [O.id_sha1]: 'sha1',
};
const DIGEST_LEN: Record<string, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export function digestOid(d: DigestName): string {
  return DIGEST_OID[d];
}

export function digestNameOf(oid: string): DigestName | 'sha1' {
  const d = DIGEST_BY_OID[oid];
  if (!d) throw new DomsecError('UNSUPPORTED_ALGORITHM', `digest algorithm ${oid} (${O.oidName(oid)}) is not supported`);
  return d;
}

/** RFC 5754 2: the SHA-2 AlgorithmIdentifiers are emitted with parameters absent. */
export function digestAlgorithmIdentifier(d: DigestName): Buffer {
  return algorithmIdentifier(DIGEST_OID[d]);
}

export function digest(d: DigestName | 'sha1', data: Buffer): Buffer {
  return createHash(d).update(data).digest();
}

/** The scheme a key can sign with; RSA defaults to PKCS#1 v1.5, what deployed S/MIME verifies. */
export function schemeForKey(key: KeyObject, requested?: SignatureScheme): SignatureScheme {
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') {
    if (requested && requested !== 'rsa-pkcs1' && requested !== 'rsa-pss') throw new DomsecError('BAD_ARGUMENT', `an RSA key cannot sign with ${requested}`);
    return requested ?? (t === 'rsa-pss' ? 'rsa-pss' : 'rsa-pkcs1');
  }
  if (t === 'ec') return 'ecdsa';
  if (t === 'ed25519') return 'ed25519';
  throw new DomsecError('UNSUPPORTED_ALGORITHM', `signing with a ${t} key is not supported`);
}

/** RFC 8419 3.1: Ed25519 in CMS uses SHA-512 for the message digest. ECDSA P-384 pairs with SHA-384 (RFC 5753 7.1). */
export function defaultDigest(scheme: SignatureScheme, key: KeyObject): DigestName {
  if (scheme === 'ed25519') return 'sha512';
  if (scheme === 'ecdsa' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1') return 'sha384';
  return 'sha256';
}

/** RFC 4055 3.1 RSASSA-PSS-params with the hash, MGF1 with the same hash, and saltLength = hash length. */
function pssParams(d: DigestName): Buffer {
  const hashAlg = algorithmIdentifier(DIGEST_OID[d]);
  return seq(tlv(ctx(0), hashAlg), tlv(ctx(1), algorithmIdentifier(O.id_mgf1, hashAlg)), tlv(ctx(2), integer(DIGEST_LEN[d] ?? 32)));
}

export function signatureAlgorithmIdentifier(scheme: SignatureScheme, d: DigestName): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1': {
      const o = { sha256: O.sha256WithRSAEncryption, sha384: O.sha384WithRSAEncryption, sha512: O.sha512WithRSAEncryption }[d];
      return algorithmIdentifier(o, NULL);
    }
    case 'rsa-pss':
      return algorithmIdentifier(O.id_RSASSA_PSS, pssParams(d));
    case 'ecdsa': {
      const o = { sha256: O.ecdsa_with_SHA256, sha384: O.ecdsa_with_SHA384, sha512: O.ecdsa_with_SHA512 }[d];
      return algorithmIdentifier(o);
    }
    case 'ed25519':
      return algorithmIdentifier(O.id_Ed25519);
  }
}

export function signBytes(scheme: SignatureScheme, d: DigestName, key: KeyObject, data: Buffer): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return nodeSign(d, data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'rsa-pss':
      return nodeSign(d, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LEN[d] ?? 32 });
    case 'ecdsa':
      // RFC 6979 deterministic nonces (not node:crypto's random ones): same input, same bytes (vectors).
      return signEcdsaDeterministic(d, key, data);
    case 'ed25519':
      return nodeSign(null, data, key);
  }
}

/** What a signatureAlgorithm (plus the SignerInfo's digestAlgorithm) means, for verification. */
export interface VerifyAlgorithm {
  scheme: SignatureScheme;
  hash: DigestName | 'sha1';
  saltLength?: number;
}

const RSA_PKCS1_BY_OID: Record<string, DigestName | 'sha1'> = {
  [O.sha256WithRSAEncryption]: 'sha256',
  [O.sha384WithRSAEncryption]: 'sha384',
  [O.sha512WithRSAEncryption]: 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
};
const ECDSA_BY_OID: Record<string, DigestName> = {
  [O.ecdsa_with_SHA256]: 'sha256',
  [O.ecdsa_with_SHA384]: 'sha384',
  [O.ecdsa_with_SHA512]: 'sha512',
};

export function resolveVerifyAlgorithm(sigOid: string, sigParams: asn1js.BaseBlock | undefined, digestAlgOid: string): VerifyAlgorithm {
  if (sigOid === O.rsaEncryption) return { scheme: 'rsa-pkcs1', hash: digestNameOf(digestAlgOid) };
  const pk = RSA_PKCS1_BY_OID[sigOid];
  if (pk) return { scheme: 'rsa-pkcs1', hash: pk };
  const ec = ECDSA_BY_OID[sigOid];
  if (ec) return { scheme: 'ecdsa', hash: ec };
  if (sigOid === O.id_ecPublicKey) return { scheme: 'ecdsa', hash: digestNameOf(digestAlgOid) };
  if (sigOid === O.id_Ed25519) return { scheme: 'ed25519', hash: 'sha512' };
  if (sigOid === O.id_RSASSA_PSS) {
    let hash: DigestName | 'sha1' = 'sha1';
    let saltLength = 20;
    if (sigParams && !(sigParams instanceof asn1js.Null)) {
      const p = new pkijs.RSASSAPSSParams({ schema: sigParams });
      hash = digestNameOf(p.hashAlgorithm.algorithmId);
      saltLength = p.saltLength;
      const mgfHashBlock = p.maskGenAlgorithm.algorithmParams as asn1js.BaseBlock | undefined;
      if (p.maskGenAlgorithm.algorithmId !== O.id_mgf1) throw new DomsecError('UNSUPPORTED_ALGORITHM', `PSS mask generation ${p.maskGenAlgorithm.algorithmId} is not supported`);
      if (mgfHashBlock) {
        const mgfHash = digestNameOf(new pkijs.AlgorithmIdentifier({ schema: mgfHashBlock }).algorithmId);
        // node:crypto ties the MGF1 hash to the signature hash; a different one cannot be verified here.
        if (mgfHash !== hash) throw new DomsecError('UNSUPPORTED_ALGORITHM', `PSS with MGF1-${mgfHash} and hash ${hash} is not supported`);
      }
    }
    return { scheme: 'rsa-pss', hash, saltLength };
  }
  throw new DomsecError('UNSUPPORTED_ALGORITHM', `signature algorithm ${sigOid} (${O.oidName(sigOid)}) is not supported`);
}

export function verifyBytes(alg: VerifyAlgorithm, publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    switch (alg.scheme) {
      case 'rsa-pkcs1':
        return nodeVerify(alg.hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'rsa-pss':
        return nodeVerify(alg.hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? 20 }, signature);
      case 'ecdsa':
        return nodeVerify(alg.hash, data, { key: publicKey, dsaEncoding: 'der' }, signature);
      case 'ed25519':
        return nodeVerify(null, data, publicKey, signature);
    }
  } catch {
    // A key of the wrong type for the algorithm, or a malformed signature value: not a valid signature.
    return false;
  }
}
