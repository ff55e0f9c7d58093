/**
 * EnvelopedData (RFC 5652 6.1):
 *
 *   EnvelopedData ::= SEQUENCE {
 *     version CMSVersion,
 *     originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *     recipientInfos RecipientInfos,
 *     encryptedContentInfo EncryptedContentInfo,
 *     unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 *
 *   OriginatorInfo ::= SEQUENCE {
 *     certs [0] IMPLICIT CertificateSet OPTIONAL,
 *     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL }
 *
 *   EncryptedContentInfo ::= SEQUENCE {
 *     contentType ContentType,
 *     contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
 *     encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
 */
import * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { children, ctx, expectSequence, integer, isTag, octetStringBytes, oid, oidOf, rawOf, seq, setOf, tlv, tlvChain, TAG } from './der.js';
import { parseContentInfo } from './content-info.js';
import { certRef } from './cert-ref.js';
import { buildRecipientInfo, recipientInfoMatches, summarizeRecipientInfo, unwrapContentKey, type BuiltRecipientInfo, type RecipientInput, type RecipientKey, type RecipientSummary } from './recipient-info.js';
import { cbcDecrypt, cbcEncrypt, cbcKeyLength, contentKeyLength, type CbcCipher, type ContentAlgorithm } from '../crypto/content-cipher.js';
import { systemRng, type Rng } from '../crypto/rng.js';

export interface EnvelopeInput {
  content: Buffer;
  /** Inner content type; S/MIME envelopes a MIME entity, so id-data (RFC 8551 3.3). */
  contentType?: string;
  recipients: RecipientInput[];
  /** Certificates for originatorInfo: a DCA puts its own certificate here (N13). */
  originatorCertificates?: Buffer[];
  rng?: Rng;
}

export interface ParsedEnvelope {
  kind: 'envelopedData' | 'authEnvelopedData';
  version: number;
  originatorCertificates: Buffer[];
  recipientInfos: asn1js.BaseBlock[];
  recipients: RecipientSummary[];
  contentType: string;
  contentEncryptionAlgorithm: ContentAlgorithm;
  encryptedContent?: Buffer;
  /** AuthEnvelopedData only. */
  authAttrsRaw?: Buffer;
  mac?: Buffer;
}

export function originatorInfo(certs: Buffer[] | undefined): Buffer[] {
  if (!certs?.length) return [];
  return [tlv(ctx(0), tlv(ctx(0), ...certs))];
}

/** RFC 5652 6.1 version rule, for what this engine emits (no pwri/ori, no other-format certificates): 0 or 2. */
export function envelopedVersion(recipientInfos: BuiltRecipientInfo[], hasOriginatorInfo: boolean): number {
  return !hasOriginatorInfo && recipientInfos.every((ri) => ri.version === 0) ? 0 : 2;
}

export function encryptedContentInfo(contentType: string, algorithm: Buffer, ciphertext: Buffer): Buffer {
  return seq(oid(contentType), algorithm, tlv(ctx(0, false), ciphertext));
}

export function buildRecipientInfos(recipients: RecipientInput[], cek: Buffer, rng: Rng): BuiltRecipientInfo[] {
  if (recipients.length === 0) throw new DomsecError('NO_RECIPIENTS', 'encryption needs at least one recipient certificate');
  return recipients.map((r) => buildRecipientInfo(r, cek, rng));
}

export function buildEnvelopedData(input: EnvelopeInput, cipher: CbcCipher = 'aes-256-cbc'): Buffer {
  const rng = input.rng ?? systemRng;
  const cek = rng.bytes(cbcKeyLength(cipher));
  const ris = buildRecipientInfos(input.recipients, cek, rng);
  const enc = cbcEncrypt(cipher, cek, input.content, rng);
  const oi = originatorInfo(input.originatorCertificates);
  // The ciphertext is copied once (tlvChain), not once per enclosing TLV: this is the 100 MB path.
  const eci = tlvChain(TAG.SEQUENCE, oid(input.contentType ?? O.id_data), enc.algorithm, tlvChain(ctx(0, false), enc.ciphertext));
  const body = tlvChain(TAG.SEQUENCE, integer(envelopedVersion(ris, oi.length > 0)), ...oi, setOf(ris.map((r) => r.der)), eci);
  // The ContentInfo (content-info.ts encodeContentInfo), as a chain.
  return tlvChain(TAG.SEQUENCE, oid(O.id_envelopedData), tlvChain(ctx(0), body)).toBuffer();
}

function parseEci(block: asn1js.BaseBlock | undefined, what: string): { contentType: string; alg: ContentAlgorithm; encryptedContent?: Buffer } {
  const p = expectSequence(block, what);
  const contentType = oidOf(p[0], `${what}.contentType`);
  const algP = expectSequence(p[1], `${what}.contentEncryptionAlgorithm`);
  const alg: ContentAlgorithm = { oid: oidOf(algP[0], `${what}.contentEncryptionAlgorithm`) };
  if (algP[1]) alg.params = algP[1];
  const out: { contentType: string; alg: ContentAlgorithm; encryptedContent?: Buffer } = { contentType, alg };
  if (p[2]) {
    if (!isTag(p[2], 3, 0)) throw new DomsecError('MALFORMED_DER', `${what}: encryptedContent is not [0]`);
    out.encryptedContent = octetStringBytes(p[2]);
  }
  return out;
}

function originatorCerts(block: asn1js.BaseBlock | undefined): Buffer[] {
  if (!block) return [];
  const certsWrapper = children(block).find((b) => isTag(b, 3, 0));
  return certsWrapper ? children(certsWrapper).filter((c) => isTag(c, 1, 16)).map(rawOf) : [];
}

/** Parse EnvelopedData or AuthEnvelopedData content (they share everything up to the content info). */
export function parseEnvelopeContent(block: asn1js.BaseBlock, kind: ParsedEnvelope['kind']): ParsedEnvelope {
  const what = kind === 'envelopedData' ? 'EnvelopedData' : 'AuthEnvelopedData';
  const p = expectSequence(block, what);
  let i = 0;
  const v = p[i++];
  if (!(v instanceof asn1js.Integer)) throw new DomsecError('MALFORMED_DER', `${what}.version: expected an INTEGER`);
  let oiBlock: asn1js.BaseBlock | undefined;
  if (p[i] && isTag(p[i]!, 3, 0)) oiBlock = p[i++];
  const risBlock = p[i++];
  if (!risBlock || !isTag(risBlock, 1, 17)) throw new DomsecError('MALFORMED_DER', `${what}: recipientInfos is not a SET`);
  const recipientInfos = children(risBlock);
  const eci = parseEci(p[i++], `${what}.encryptedContentInfo`);
  const out: ParsedEnvelope = {
    kind,
    version: v.valueBlock.valueDec,
    originatorCertificates: originatorCerts(oiBlock),
    recipientInfos,
    recipients: recipientInfos.map(summarizeRecipientInfo),
    contentType: eci.contentType,
    contentEncryptionAlgorithm: eci.alg,
  };
  if (eci.encryptedContent) out.encryptedContent = eci.encryptedContent;
  if (kind === 'authEnvelopedData') {
    if (p[i] && isTag(p[i]!, 3, 1)) out.authAttrsRaw = rawOf(p[i++]!);
    const mac = p[i++];
    if (!mac || !isTag(mac, 1, 4)) throw new DomsecError('MALFORMED_DER', `${what}: mac is not an OCTET STRING`);
    out.mac = octetStringBytes(mac);
  }
  return out;
}

export function parseEnvelopedData(der: Uint8Array): ParsedEnvelope {
  const ci = parseContentInfo(der, 'EnvelopedData ContentInfo');
  if (ci.contentType !== O.id_envelopedData) throw new DomsecError('UNSUPPORTED_CONTENT_TYPE', `expected id-envelopedData, found ${O.oidName(ci.contentType)}`);
  return parseEnvelopeContent(ci.content, 'envelopedData');
}

/** Find the RecipientInfo for this certificate and recover the content-encryption key. */
export function contentKeyFor(env: ParsedEnvelope, who: RecipientKey): { cek: Buffer; recipientIndex: number } {
  const ref = certRef(who.certDer);
  const idx = env.recipientInfos.findIndex((ri) => recipientInfoMatches(ri, ref));
  if (idx < 0) {
    // kekri/pwri/ori name no certificate, so they never match; say so, naming the type and algorithm by OID,
    // instead of a bare "no match" (UNSUPPORTED_ALGORITHM when nothing else could have been for this key).
    const other = env.recipients.filter((r) => r.kind === 'kekri' || r.kind === 'pwri' || r.kind === 'ori');
    if (other.length) {
      const list = other.map((r) => `${r.kind}${r.recipients.length ? ` ${r.recipients.join(', ')}` : ''} (key-encryption algorithm ${r.keyEncryptionAlgorithm}${O.oidName(r.keyEncryptionAlgorithm) !== r.keyEncryptionAlgorithm ? ` ${O.oidName(r.keyEncryptionAlgorithm)}` : ''})`);
      throw new DomsecError(
        other.length === env.recipients.length ? 'UNSUPPORTED_ALGORITHM' : 'NO_MATCHING_RECIPIENT',
        `no RecipientInfo matches the given certificate; RecipientInfo type ${list.join('; ')} is not supported (no key-encryption key or password available)`,
      );
    }
    throw new DomsecError('NO_MATCHING_RECIPIENT', 'no RecipientInfo matches the given certificate (issuerAndSerialNumber or subjectKeyIdentifier)');
  }
  const cek = unwrapContentKey(env.recipientInfos[idx]!, who);
  const need = contentKeyLength(env.contentEncryptionAlgorithm);
  if (cek.length !== need) throw new DomsecError('DECRYPT_FAILED', `recovered content key is ${cek.length} bytes, ${O.oidName(env.contentEncryptionAlgorithm.oid)} needs ${need} (wrong key?)`);
  return { cek, recipientIndex: idx };
}

export function decryptEnvelopedContent(env: ParsedEnvelope, who: RecipientKey): { content: Buffer; recipientIndex: number } {
  if (env.kind !== 'envelopedData') throw new DomsecError('BAD_ARGUMENT', 'not an EnvelopedData');
  if (!env.encryptedContent) throw new DomsecError('MALFORMED_DER', 'EnvelopedData without encryptedContent (detached) cannot be decrypted');
  const { cek, recipientIndex } = contentKeyFor(env, who);
  return { content: cbcDecrypt(env.contentEncryptionAlgorithm, cek, env.encryptedContent), recipientIndex };
}
