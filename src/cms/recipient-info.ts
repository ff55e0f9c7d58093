/**
 * RecipientInfo (RFC 5652 6.2):
 *
 *   RecipientInfo ::= CHOICE {
 *     ktri KeyTransRecipientInfo,
 *     kari [1] KeyAgreeRecipientInfo,
 *     kekri [2] KEKRecipientInfo,
 *     pwri [3] PasswordRecipientinfo,
 *     ori [4] OtherRecipientInfo }
 *
 *   KeyTransRecipientInfo ::= SEQUENCE {
 *     version CMSVersion,  -- always set to 0 or 2
 *     rid RecipientIdentifier,
 *     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *     encryptedKey EncryptedKey }
 *
 *   KeyAgreeRecipientInfo ::= SEQUENCE {
 *     version CMSVersion,  -- always set to 3
 *     originator [0] EXPLICIT OriginatorIdentifierOrKey,
 *     ukm [1] EXPLICIT UserKeyingMaterial OPTIONAL,
 *     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *     recipientEncryptedKeys RecipientEncryptedKeys }
 *
 * Shared by EnvelopedData and AuthEnvelopedData (RFC 5083 uses the same RecipientInfos).
 */
import * as asn1js from 'asn1js';
import type { KeyObject } from 'node:crypto';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { algorithmIdentifier, children, ctx, expectSequence, integer, isTag, octets, octetStringBytes, oidOf, rawOf, seq, tlv, NULL } from './der.js';
import { certRef, describeIssuerAndSerial, issuerAndSerialNumber, matchesIssuerAndSerial, matchesSkid, type CertRef } from './cert-ref.js';
import { rsaOaepDecrypt, rsaOaepEncrypt, rsaPkcs1v15Decrypt, rsaPkcs1v15Encrypt, type OaepHash } from '../crypto/key-transport.js';
import { aesUnwrap, aesWrap, agreeEphemeral, agreeStatic, curveOfKey, deriveKek, KDF_SCHEMES, kdfSchemeOid, WRAP, wrapByOid, type KdfHash, type WrapAlg } from '../crypto/key-agreement.js';
import type { Rng } from '../crypto/rng.js';

export interface RecipientInput {
  certDer: Buffer;
  /** RSA only; default RSAES-PKCS1-v1_5, what deployed gateways mostly use. */
  keyTransport?: 'rsa-pkcs1' | 'rsa-oaep';
  oaepHash?: OaepHash;
  /** ECDH only. */
  kdf?: 'x963' | 'hkdf';
  kdfHash?: KdfHash;
  wrap?: WrapAlg;
  rid?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
}

const OAEP_HASH_OID: Record<OaepHash, string> = { sha1: O.id_sha1, sha256: O.id_sha256, sha384: O.id_sha384, sha512: O.id_sha512 };

/** RFC 4055 4.1 RSAES-OAEP-params: hashFunc, maskGenFunc MGF1 with the same hash, empty label (default pSourceFunc). */
function oaepParams(h: OaepHash): Buffer {
  if (h === 'sha1') return seq();
  const hashAlg = algorithmIdentifier(OAEP_HASH_OID[h]);
  return seq(tlv(ctx(0), hashAlg), tlv(ctx(1), algorithmIdentifier(O.id_mgf1, hashAlg)));
}

function rid(ref: CertRef, kind: RecipientInput['rid'], implicitTag: number): Buffer {
  if (kind === 'subjectKeyIdentifier') {
    if (!ref.subjectKeyIdentifier) throw new DomsecError('BAD_ARGUMENT', 'recipient certificate has no subjectKeyIdentifier');
    return tlv(implicitTag, ref.subjectKeyIdentifier);
  }
  return issuerAndSerialNumber(ref);
}

export interface BuiltRecipientInfo {
  der: Buffer;
  /** RFC 5652 6.2: KTRI 0 (issuerAndSerialNumber) or 2 (subjectKeyIdentifier); KARI 3. Drives EnvelopedData.version. */
  version: number;
}

/** Encode one RecipientInfo that carries `cek` for the certificate's subject. */
export function buildRecipientInfo(r: RecipientInput, cek: Buffer, rng: Rng): BuiltRecipientInfo {
  const ref = certRef(r.certDer);
  const t = ref.publicKey.asymmetricKeyType;
  if (t === 'rsa') {
    const useSkid = r.rid === 'subjectKeyIdentifier';
    const ridDer = rid(ref, r.rid, ctx(0, false));
    if (r.keyTransport === 'rsa-oaep') {
      const h = r.oaepHash ?? 'sha256';
      const ek = rsaOaepEncrypt(ref.publicKey, cek, h, rng);
      return { der: seq(integer(useSkid ? 2 : 0), ridDer, algorithmIdentifier(O.id_RSAES_OAEP, oaepParams(h)), octets(ek)), version: useSkid ? 2 : 0 };
    }
    const ek = rsaPkcs1v15Encrypt(ref.publicKey, cek, rng);
    return { der: seq(integer(useSkid ? 2 : 0), ridDer, algorithmIdentifier(O.rsaEncryption, NULL), octets(ek)), version: useSkid ? 2 : 0 };
  }
  if (t === 'ec' || t === 'x25519') {
    const curve = curveOfKey(ref.publicKey);
    const wrap = r.wrap ?? (curve === 'P-384' ? 'aes256-wrap' : 'aes128-wrap');
    const kdf = r.kdf ?? 'x963';
    const hash = r.kdfHash ?? (curve === 'P-384' ? 'sha384' : 'sha256');
    const wrapAlgDer = algorithmIdentifier(WRAP[wrap].oid);
    const eph = agreeEphemeral(ref.publicKey, rng);
    const kek = deriveKek({ kdf, hash }, eph.z, wrapAlgDer, WRAP[wrap].keyLen);
    const encryptedKey = aesWrap(wrap, kek, cek);
    // originator [0] EXPLICIT OriginatorIdentifierOrKey, choice originatorKey [1] IMPLICIT OriginatorPublicKey.
    const bitString = tlv(0x03, Buffer.from([0]), eph.publicKey);
    const originator = tlv(ctx(0), tlv(ctx(1), eph.algorithm, bitString));
    // KeyAgreeRecipientIdentifier: issuerAndSerialNumber, or rKeyId [0] IMPLICIT RecipientKeyIdentifier.
    const karid = r.rid === 'subjectKeyIdentifier' ? tlv(ctx(0), octets(ref.subjectKeyIdentifier ?? Buffer.alloc(0))) : issuerAndSerialNumber(ref);
    const rek = seq(seq(karid, octets(encryptedKey)));
    return { der: tlv(ctx(1), integer(3), originator, algorithmIdentifier(kdfSchemeOid(kdf, hash), wrapAlgDer), rek), version: 3 };
  }
  throw new DomsecError('UNSUPPORTED_ALGORITHM', `cannot encrypt for a ${t} recipient key`);
}

// ------------------------------------------------------------------ parsing and decryption

export interface RecipientSummary {
  kind: 'ktri' | 'kari' | 'kekri' | 'pwri' | 'ori';
  /** Who it is for, for inspect output. */
  recipients: string[];
  keyEncryptionAlgorithm: string;
}

function describeRid(block: asn1js.BaseBlock): string {
  if (isTag(block, 3, 0)) {
    const inner = block.idBlock.isConstructed ? children(block)[0] : block;
    return `skid:${inner ? octetStringBytes(inner).toString('hex') : '?'}`;
  }
  return describeIssuerAndSerial(block);
}

export function summarizeRecipientInfo(ri: asn1js.BaseBlock): RecipientSummary {
  if (isTag(ri, 1, 16)) {
    const p = children(ri);
    return { kind: 'ktri', recipients: [describeRid(p[1]!)], keyEncryptionAlgorithm: oidOf(children(p[2]!)[0], 'keyEncryptionAlgorithm') };
  }
  if (isTag(ri, 3, 1)) {
    const p = children(ri);
    const kea = p.find((b) => isTag(b, 1, 16) && children(b)[0] instanceof asn1js.ObjectIdentifier);
    const reks = p[p.length - 1]!;
    return {
      kind: 'kari',
      recipients: children(reks).map((rek) => describeRid(children(rek)[0]!)),
      keyEncryptionAlgorithm: kea ? oidOf(children(kea)[0], 'keyEncryptionAlgorithm') : '?',
    };
  }
  const kinds = { 2: 'kekri', 3: 'pwri', 4: 'ori' } as const;
  const kind = kinds[ri.idBlock.tagNumber as 2 | 3 | 4] ?? 'ori';
  // Named so that "not supported" errors can say which algorithm (by OID) and which KEK:
  //   KEKRecipientInfo ::= SEQUENCE { version, kekid KEKIdentifier, keyEncryptionAlgorithm, encryptedKey }
  //   PasswordRecipientInfo ::= SEQUENCE { version, keyDerivationAlgorithm [0] OPTIONAL, keyEncryptionAlgorithm, encryptedKey }
  //   OtherRecipientInfo ::= SEQUENCE { oriType OBJECT IDENTIFIER, oriValue ANY }
  try {
    const p = children(ri);
    if (kind === 'ori') return { kind, recipients: [], keyEncryptionAlgorithm: oidOf(p[0], 'oriType') };
    const kea = p.find((b) => isTag(b, 1, 16) && children(b)[0] instanceof asn1js.ObjectIdentifier);
    const recipients = kind === 'kekri' && p[1] ? [`kekid:${octetStringBytes(children(p[1])[0]!).toString('hex')}`] : [];
    return { kind, recipients, keyEncryptionAlgorithm: kea ? oidOf(children(kea)[0], 'keyEncryptionAlgorithm') : '?' };
  } catch {
    return { kind, recipients: [], keyEncryptionAlgorithm: '?' };
  }
}

export interface RecipientKey {
  certDer: Buffer;
  key: KeyObject;
}

function ridMatches(block: asn1js.BaseBlock, ref: CertRef): boolean {
  if (isTag(block, 3, 0)) {
    // KTRI: [0] IMPLICIT SubjectKeyIdentifier; KARI: rKeyId [0] IMPLICIT RecipientKeyIdentifier (SEQUENCE { skid, ... }).
    if (block.idBlock.isConstructed) {
      const first = children(block)[0];
      return !!first && matchesSkid(octetStringBytes(first), ref);
    }
    return matchesSkid(octetStringBytes(block), ref);
  }
  return matchesIssuerAndSerial(block, ref);
}

function algParts(block: asn1js.BaseBlock | undefined, what: string): { oid: string; params?: asn1js.BaseBlock } {
  const p = expectSequence(block, what);
  const o = oidOf(p[0], `${what}.algorithm`);
  return p[1] ? { oid: o, params: p[1] } : { oid: o };
}

function oaepHashOf(params: asn1js.BaseBlock | undefined): OaepHash {
  if (!params) return 'sha1';
  const p = children(params);
  const hashWrapper = p.find((b) => isTag(b, 3, 0));
  const mgfWrapper = p.find((b) => isTag(b, 3, 1));
  const hashOid = hashWrapper ? oidOf(children(children(hashWrapper)[0]!)[0], 'OAEP hashFunc') : O.id_sha1;
  const h = (Object.keys(OAEP_HASH_OID) as OaepHash[]).find((k) => OAEP_HASH_OID[k] === hashOid);
  if (!h) throw new DomsecError('UNSUPPORTED_ALGORITHM', `RSAES-OAEP hash ${hashOid} is not supported`);
  if (mgfWrapper) {
    const mgf = children(children(mgfWrapper)[0]!);
    const mgfHash = mgf[1] ? oidOf(children(mgf[1])[0], 'MGF1 hash') : O.id_sha1;
    if (mgfHash !== hashOid) throw new DomsecError('UNSUPPORTED_ALGORITHM', `RSAES-OAEP with MGF1 hash ${O.oidName(mgfHash)} differing from ${O.oidName(hashOid)} is not supported`);
  }
  if (p.some((b) => isTag(b, 3, 2))) throw new DomsecError('UNSUPPORTED_ALGORITHM', 'RSAES-OAEP with a non-empty label is not supported');
  return h;
}

/** Does this RecipientInfo name the given certificate? */
export function recipientInfoMatches(ri: asn1js.BaseBlock, ref: CertRef): boolean {
  if (isTag(ri, 1, 16)) return ridMatches(children(ri)[1]!, ref);
  if (isTag(ri, 3, 1)) {
    const reks = children(ri)[children(ri).length - 1]!;
    return children(reks).some((rek) => ridMatches(children(rek)[0]!, ref));
  }
  return false;
}

/**
 * Recover the content-encryption key from the RecipientInfo that matches the certificate (RFC 5652 6.2,
 * draft 4.2: the DCA uses its private key and the information in its RecipientInfo).
 */
export function unwrapContentKey(ri: asn1js.BaseBlock, who: RecipientKey): Buffer {
  const ref = certRef(who.certDer);
  if (isTag(ri, 1, 16)) {
    const p = children(ri);
    const alg = algParts(p[2], 'KeyTransRecipientInfo.keyEncryptionAlgorithm');
    const ek = octetStringBytes(p[3]!);
    if (alg.oid === O.rsaEncryption) return rsaPkcs1v15Decrypt(who.key, ek);
    if (alg.oid === O.id_RSAES_OAEP) return rsaOaepDecrypt(who.key, ek, oaepHashOf(alg.params));
    throw new DomsecError('UNSUPPORTED_ALGORITHM', `key transport algorithm ${alg.oid} (${O.oidName(alg.oid)}) is not supported`);
  }
  if (isTag(ri, 3, 1)) {
    const p = children(ri);
    const originatorWrapper = p.find((b) => isTag(b, 3, 0));
    const ukmWrapper = p.find((b) => isTag(b, 3, 1));
    const kea = p.find((b) => isTag(b, 1, 16) && children(b)[0] instanceof asn1js.ObjectIdentifier);
    const reks = p[p.length - 1]!;
    const origKey = originatorWrapper ? children(originatorWrapper)[0] : undefined;
    if (!origKey || !isTag(origKey, 3, 1)) {
      throw new DomsecError('UNSUPPORTED_ALGORITHM', 'KeyAgreeRecipientInfo with a static originator certificate (not originatorKey) is not supported');
    }
    const bits = children(origKey)[1];
    if (!(bits instanceof asn1js.BitString)) throw new DomsecError('MALFORMED_DER', 'OriginatorPublicKey.publicKey is not a BIT STRING');
    const originatorPublic = Buffer.from(bits.valueBlock.valueHexView);
    const alg = algParts(kea, 'KeyAgreeRecipientInfo.keyEncryptionAlgorithm');
    const scheme = KDF_SCHEMES[alg.oid];
    if (!scheme) throw new DomsecError('UNSUPPORTED_ALGORITHM', `key agreement algorithm ${alg.oid} (${O.oidName(alg.oid)}) is not supported`);
    if (!alg.params) throw new DomsecError('MALFORMED_DER', 'key agreement algorithm without KeyWrapAlgorithm parameters');
    const wrapAlgDer = rawOf(alg.params);
    const wrap = wrapByOid(algParts(alg.params, 'KeyWrapAlgorithm').oid);
    const ukm = ukmWrapper ? octetStringBytes(children(ukmWrapper)[0]!) : undefined;
    const rek = children(reks).find((r) => ridMatches(children(r)[0]!, ref));
    if (!rek) throw new DomsecError('NO_MATCHING_RECIPIENT', 'no RecipientEncryptedKey for this certificate');
    const z = agreeStatic(who.key, originatorPublic);
    const kek = deriveKek(scheme, z, wrapAlgDer, WRAP[wrap].keyLen, ukm);
    return aesUnwrap(wrap, kek, octetStringBytes(children(rek)[1]!));
  }
  const kind = summarizeRecipientInfo(ri).kind;
  throw new DomsecError('UNSUPPORTED_ALGORITHM', `RecipientInfo type ${kind} is not supported (no key-encryption key or password available)`);
}
