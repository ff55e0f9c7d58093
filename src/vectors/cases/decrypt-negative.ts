/**
 * Envelopes that must not open, each with the reason code the decrypting party reports: no
 * RecipientInfo for its key, a tampered GCM tag (RFC 5083: the content is not released), a content
 * encryption OID that does not match the key the RecipientInfo carries, and truncated encryptedContent.
 */
import * as asn1js from 'asn1js';
import { vector } from '../builder.js';
import type { VectorDecl } from '../model.js';
import type { VectorContext } from '../context.js';
import type { DomsecErrorCode } from '../../errors.js';
import * as O from '../../asn1/oids.js';
import { buildPkcs7MimeEntity, decodeBody, parseEntity } from '../../mime/index.js';

/** The DER of an envelope entity, changed by `edit` on its parsed (Auth)EnvelopedData SEQUENCE and re-encoded. */
function editEnvelope(entity: Buffer, type: 'enveloped-data' | 'authEnveloped-data', edit: (env: asn1js.Sequence) => void): Buffer {
  const der = decodeBody(parseEntity(entity));
  const ci = asn1js.fromBER(new Uint8Array(der).buffer).result as asn1js.Sequence;
  edit((ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence);
  return buildPkcs7MimeEntity(Buffer.from(ci.toBER(false)), type);
}

/** encryptedContentInfo: the element after recipientInfos (and the optional originatorInfo [0]). */
function eci(env: asn1js.Sequence): asn1js.Sequence {
  return env.valueBlock.value.find((b, i) => i > 0 && b instanceof asn1js.Sequence && (b.valueBlock.value[0] instanceof asn1js.ObjectIdentifier)) as asn1js.Sequence;
}

function negative(slug: string, description: string, error: DomsecErrorCode, key: string, build: (ctx: VectorContext) => Buffer): VectorDecl {
  return vector(`domsec::decrypt::${slug}`, 'decrypt')
    .describe(description)
    .sections('4', '4.2').notes('N3')
    .requirements('DOMSEC-4.2-DCA-DECRYPTION', 'DOMSEC-4-DECRYPT-BEFORE-VERIFY')
    .flags('EnvelopeMustNotOpen')
    .result('invalid')
    .keys(key)
    .expectDecrypt({ error })
    .build((ctx) => ({ message: ctx.message(build(ctx)) }));
}

const inner = (ctx: VectorContext) => ctx.domainSigned(ctx.originatorSigned());

export const decryptNegativeVectors: VectorDecl[] = [
  negative('wrong-key', "An envelope for example.org/user-bob only, opened with example.org/dca-rsa's key: no RecipientInfo matches.", 'NO_MATCHING_RECIPIENT', 'example.org/dca-rsa',
    (ctx) => ctx.enveloped(inner(ctx), ['example.org/user-bob'])),
  negative('tampered-gcm-tag', 'Case (d) AuthEnvelopedData (AES-256-GCM) with the last bit of its mac (the GCM tag) flipped: authentication fails and no content may be released (RFC 5083 2.1).', 'DECRYPT_FAILED', 'example.org/dca-rsa',
    (ctx) => editEnvelope(ctx.enveloped(inner(ctx), ['example.org/dca-rsa'], { cipher: 'aes-256-gcm' }), 'authEnveloped-data', (env) => {
      const mac = env.valueBlock.value[env.valueBlock.value.length - 1] as asn1js.OctetString;
      const v = new Uint8Array(mac.valueBlock.valueHexView);
      v[v.length - 1] = v[v.length - 1]! ^ 0x01;
      mac.valueBlock.valueHexView = v;
    })),
  negative('wrong-content-encryption-oid', 'Case (d) EnvelopedData whose contentEncryptionAlgorithm says AES-128-CBC while the RecipientInfo carries the 32-byte AES-256 key the content was encrypted with: the key does not fit the algorithm.', 'DECRYPT_FAILED', 'example.org/dca-rsa',
    (ctx) => editEnvelope(ctx.enveloped(inner(ctx), ['example.org/dca-rsa']), 'enveloped-data', (env) => {
      const alg = eci(env).valueBlock.value[1] as asn1js.Sequence;
      (alg.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.fromString(O.aes128_CBC);
    })),
  negative('truncated-encrypted-content', 'Case (d) EnvelopedData (AES-256-CBC) whose encryptedContent lost its last 16-byte block: the padding no longer checks.', 'DECRYPT_FAILED', 'example.org/dca-rsa',
    (ctx) => editEnvelope(ctx.enveloped(inner(ctx), ['example.org/dca-rsa']), 'enveloped-data', (env) => {
      const e = eci(env);
      const ct = e.valueBlock.value[2] as asn1js.Primitive;
      const v = new Uint8Array(ct.valueBlock.valueHexView);
      ct.valueBlock.valueHexView = v.slice(0, v.length - 16);
    })),
];
