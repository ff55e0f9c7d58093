/**
 * AuthEnvelopedData (RFC 5083 2.1), with AES-GCM (RFC 5084) or ChaCha20-Poly1305 (RFC 8103):
 *
 *   AuthEnvelopedData ::= SEQUENCE {
 *     version CMSVersion,
 *     originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *     recipientInfos RecipientInfos,
 *     authEncryptedContentInfo EncryptedContentInfo,
 *     authAttrs [1] IMPLICIT AuthAttributes OPTIONAL,
 *     mac MessageAuthenticationCode,
 *     unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
 *
 * pkijs has no AuthEnvelopedData and its EnvelopedData-with-GCM is not RFC 5084 (STACK-NOTES), so this
 * is built here on the shared RecipientInfo code.
 */
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { integer, octets, seq, setOf, withTag, TAG } from './der.js';
import { encodeContentInfo, parseContentInfo } from './content-info.js';
import { buildRecipientInfos, contentKeyFor, encryptedContentInfo, originatorInfo, parseEnvelopeContent, type EnvelopeInput, type ParsedEnvelope } from './enveloped-data.js';
import type { RecipientKey } from './recipient-info.js';
import { aeadDecrypt, aeadEncrypt, aeadKeyLength, type AeadCipher } from '../crypto/content-cipher.js';
import { systemRng } from '../crypto/rng.js';

export function buildAuthEnvelopedData(input: EnvelopeInput, cipher: AeadCipher = 'aes-256-gcm'): Buffer {
  const rng = input.rng ?? systemRng;
  const cek = rng.bytes(aeadKeyLength(cipher));
  const ris = buildRecipientInfos(input.recipients, cek, rng);
  // RFC 5083 2.1: authAttrs are required only when the content type is not id-data; S/MIME uses id-data, so none, and the AAD is empty.
  const enc = aeadEncrypt(cipher, cek, input.content, Buffer.alloc(0), rng);
  const body = seq(
    integer(0),
    ...originatorInfo(input.originatorCertificates),
    setOf(ris.map((r) => r.der)),
    encryptedContentInfo(input.contentType ?? O.id_data, enc.algorithm, enc.ciphertext),
    octets(enc.tag!),
  );
  return encodeContentInfo(O.id_ct_authEnvelopedData, body);
}

export function parseAuthEnvelopedData(der: Uint8Array): ParsedEnvelope {
  const ci = parseContentInfo(der, 'AuthEnvelopedData ContentInfo');
  if (ci.contentType !== O.id_ct_authEnvelopedData) throw new DomsecError('UNSUPPORTED_CONTENT_TYPE', `expected id-ct-authEnvelopedData, found ${O.oidName(ci.contentType)}`);
  return parseEnvelopeContent(ci.content, 'authEnvelopedData');
}

export function decryptAuthEnvelopedContent(env: ParsedEnvelope, who: RecipientKey): { content: Buffer; recipientIndex: number } {
  if (env.kind !== 'authEnvelopedData') throw new DomsecError('BAD_ARGUMENT', 'not an AuthEnvelopedData');
  if (!env.encryptedContent) throw new DomsecError('MALFORMED_DER', 'AuthEnvelopedData without encryptedContent cannot be decrypted');
  const { cek, recipientIndex } = contentKeyFor(env, who);
  // RFC 5083 2.2: the AAD is the DER of authAttrs with the SET OF tag, when present.
  const aad = env.authAttrsRaw ? withTag(env.authAttrsRaw, TAG.SET) : Buffer.alloc(0);
  return { content: aeadDecrypt(env.contentEncryptionAlgorithm, cek, env.encryptedContent, env.mac ?? Buffer.alloc(0), aad), recipientIndex };
}
