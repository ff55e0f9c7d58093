/**
 * Structures an implementer meets besides application/pkcs7-mime layers over id-data: multipart/signed
 * layers (RFC 1847, RFC 8551 3.5), plain CMS nesting (eContentType / contentType id-signedData, RFC 5652
 * 5.2) inside an envelope and under mlExpansionHistory, one envelope with both KTRI and KARI recipients,
 * AES-128 and AES-192 content encryption, a signer below an intermediate CA, and SignedData that omits
 * certificates the verifier must get elsewhere (the manifest's verify.extraCertificates).
 */
import * as asn1js from 'asn1js';
import { vector } from '../builder.js';
import type { VectorDecl, VerifyExpectation } from '../model.js';
import type { VectorContext } from '../context.js';
import * as O from '../../asn1/oids.js';
import { buildSignedData } from '../../cms/signed-data.js';
import { buildEnvelopedData } from '../../cms/enveloped-data.js';
import { parseContentInfo } from '../../cms/content-info.js';
import { rawOf } from '../../cms/der.js';
import { buildMultipartSigned, buildPkcs7MimeEntity, canonicalizeCrlf, decodeBody, parseEntity } from '../../mime/index.js';
import { domainSignerInputs } from '../../message/build.js';
import { mlExpansionHistoryAttribute } from '../../domsec/ml-expansion-history.js';
import { certRef, issuerAndSerialNumber } from '../../cms/cert-ref.js';
import type { EnvelopeCipher } from '../../message/build.js';

const PASS = (shape: string, extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict: 'pass', reasons: [], shape, domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});

/** S1 as multipart/signed: the originator's detached signature over the content (RFC 8551 3.5). */
function multipartOriginator(ctx: VectorContext): Buffer {
  const content = canonicalizeCrlf(ctx.content);
  const sig = buildSignedData({ eContentType: O.id_data, eContent: content, detached: true, signers: [ctx.key('example.test/user-alice')], signingTime: ctx.time });
  return buildMultipartSigned({ signedPart: content, signatureDer: sig, micalg: 'sha-256', boundary: 'domsec-vector-originator' });
}

/** A domain signature as multipart/signed over `inner`. */
function multipartDomain(ctx: VectorContext, inner: Buffer): Buffer {
  const part = canonicalizeCrlf(inner);
  const sig = buildSignedData({ eContentType: O.id_data, eContent: part, detached: true, signers: domainSignerInputs([ctx.key('example.test/signer-rsa')]), signingTime: ctx.time });
  return buildMultipartSigned({ signedPart: part, signatureDer: sig, micalg: 'sha-256', boundary: 'domsec-vector-domain', headers: ctx.headers() });
}

/** The SignedData inside a ContentInfo, byte for byte (what plain CMS nesting carries, RFC 5652 5.2). */
function signedDataOf(entity: Buffer): Buffer {
  return rawOf(parseContentInfo(decodeBody(parseEntity(entity))).content);
}

/** The ContentInfo of a signed entity with its SignedData's certificates [0] removed (the signatures do not cover them). */
function withoutCertificates(entity: Buffer): Buffer {
  const der = decodeBody(parseEntity(entity));
  const ci = asn1js.fromBER(new Uint8Array(der).buffer);
  const sd = ((ci.result as asn1js.Sequence).valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  sd.valueBlock.value = sd.valueBlock.value.filter((b) => !(b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0));
  return buildPkcs7MimeEntity(Buffer.from(ci.result.toBER(false)), 'signed-data');
}

function decryptVector(slug: string, description: string, flags: Parameters<ReturnType<typeof vector>['flags']>, who: string, innerShape: string, build: (ctx: VectorContext) => { entity: Buffer; plaintext: Buffer }): VectorDecl {
  return vector(`domsec::structure::${slug}`, 'decrypt')
    .describe(description)
    .sections('4', '4.2').notes('N3')
    .requirements('DOMSEC-4-DCA-CASES', 'DOMSEC-4.2-DCA-DECRYPTION')
    .flags(...flags)
    .keys(who)
    .expectDecrypt({ innerShape })
    .build((ctx) => {
      const b = build(ctx);
      return { message: ctx.message(b.entity), plaintext: b.plaintext };
    });
}

function cipherVector(cipher: EnvelopeCipher): VectorDecl {
  return decryptVector(`case-d-${cipher}`, `Case (d) with ${cipher.toUpperCase()} content encryption (${cipher.endsWith('gcm') ? 'AuthEnvelopedData, RFC 5084' : 'EnvelopedData, RFC 3565'}); decrypt with example.org/dca-rsa.`,
    ['EncryptionCaseD', 'KeyTransportPkcs1v15', cipher.endsWith('gcm') ? 'AuthEnvelopedGcm' : 'EnvelopedCbc', 'ShorterAesKey'], 'example.org/dca-rsa', 'S[domainSig](S[-](data))',
    (ctx) => {
      const plaintext = ctx.domainSigned(ctx.originatorSigned());
      return { entity: ctx.enveloped(plaintext, ['example.org/dca-rsa'], { cipher, originator: 'example.test/dca-rsa' }), plaintext };
    });
}

function mixedRecipients(who: 'example.org/user-bob' | 'example.org/user-carol-ec'): VectorDecl {
  return decryptVector(`mixed-ktri-kari-${who.split('/')[1]}`, `One envelope for example.org/user-bob (KeyTransRecipientInfo, RSAES-PKCS1-v1_5) and example.org/user-carol-ec (KeyAgreeRecipientInfo, ECDH P-256); decrypt as ${who}.`,
    ['EncryptionCaseC', 'MultiRecipient', 'KeyTransportPkcs1v15', 'KeyAgreementEcdh', 'EnvelopedCbc', 'MixedRecipientInfos'], who, 'S[domainSig](S[-](data))',
    (ctx) => {
      const plaintext = ctx.domainSigned(ctx.originatorSigned());
      return { entity: ctx.enveloped(plaintext, ['example.org/user-bob', 'example.org/user-carol-ec'], { originator: 'example.test/dca-rsa' }), plaintext };
    });
}

/** About 3 MiB of text content, deterministic and compressible. */
function largeContent(): Buffer {
  const line = 'The quarterly figures, line by line, so that a gateway streams a message of several megabytes.\r\n';
  return Buffer.from(`Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${line.repeat(32 * 1024)}`);
}

export const structureVectors: VectorDecl[] = [
  vector('domsec::structure::large-3mib', 'verify')
    .describe('A domain-signed message with about 3 MiB of content (S_domain(S1(C)), 4 MiB as base64): what a gateway must stream or hold. Stored gzip-compressed (files.compression); inflate, then verify. Accept.')
    .sections('3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('LargeMessage')
    .compact()
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ctx.originatorSigned(largeContent()))) })),
  vector('domsec::structure::multipart-signed-originator', 'verify')
    .describe('S_domain(M1(C)): the originator signs as multipart/signed (detached, RFC 8551 3.5); the domain signature (application/pkcs7-mime) encapsulates the whole multipart/signed entity. Accept; S1 names the originator.')
    .sections('2.2', '3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES')
    .flags('MultipartSigned')
    .expectVerify(PASS('S[domainSig](M[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(multipartOriginator(ctx))) })),
  vector('domsec::structure::multipart-signed-both', 'verify')
    .describe('M_domain(M1(C)): both signatures detached; the domain signature\'s multipart/signed signs the originator\'s multipart/signed entity as its first part. Accept.')
    .sections('2.2', '3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES')
    .flags('MultipartSigned')
    .expectVerify(PASS('M[domainSig](M[-](data))'))
    .build((ctx) => ({ message: multipartDomain(ctx, multipartOriginator(ctx)) })),
  decryptVector('cms-nested-in-envelope', "Plain CMS nesting: an EnvelopedData whose encryptedContentInfo.contentType is id-signedData and whose plaintext is the domain signature's SignedData itself, no MIME between (RFC 5652 5.2, 6.1). Decrypt with example.org/dca-rsa; the plaintext file holds the SignedData.",
    ['EncryptionCaseD', 'CmsNesting'], 'example.org/dca-rsa', 'S[domainSig](S[-](data))',
    (ctx) => {
      const plaintext = signedDataOf(ctx.domainSigned(ctx.originatorSigned()));
      const der = buildEnvelopedData({ content: plaintext, contentType: O.id_signedData, recipients: [{ certDer: ctx.cert('example.org/dca-rsa') }], originatorCertificates: [ctx.cert('example.test/dca-rsa')], rng: ctx.rng }, 'aes-256-cbc');
      return { entity: buildPkcs7MimeEntity(der, 'enveloped-data'), plaintext };
    }),
  vector('domsec::structure::cms-nested-under-ml', 'verify')
    .describe("A list agent's signature (example.test/user-bob, signed mlExpansionHistory with one entry) whose eContentType is id-signedData: the domain-signed message's SignedData nested as plain CMS (RFC 5652 5.2), as RFC 2634 list agents may write. Accept; the MLA signature is not the originator's, and S1 still names alice.")
    .sections('3.2', '5').notes('N5')
    .requirements('DOMSEC-5-SEARCH-OUTER', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('CmsNesting', 'MlExpansionHistory')
    .expectVerify(PASS('S[-,ml](S[domainSig](S[-](data)))'))
    .build((ctx) => {
      const inner = signedDataOf(ctx.domainSigned(ctx.originatorSigned()));
      const ias = issuerAndSerialNumber(certRef(ctx.cert('example.test/user-bob')));
      const ml = mlExpansionHistoryAttribute([{ issuerAndSerialNumber: ias, expansionTime: ctx.time }]);
      const der = buildSignedData({ eContentType: O.id_signedData, eContent: inner, signers: [{ ...ctx.key('example.test/user-bob'), signedAttributes: [ml] }], signingTime: ctx.time });
      return { message: ctx.message(buildPkcs7MimeEntity(der, 'signed-data')) };
    }),
  mixedRecipients('example.org/user-bob'),
  mixedRecipients('example.org/user-carol-ec'),
  cipherVector('aes-128-cbc'),
  cipherVector('aes-192-cbc'),
  cipherVector('aes-128-gcm'),
  vector('domsec::structure::intermediate-ca', 'verify')
    .describe('Domain signature by example.test/signer-rsa-int, issued by intermediate-ca (below the root ca); the SignedData carries the intermediate certificate. Build the path signer -> intermediate-ca -> ca and accept.')
    .sections('2.4', '3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING')
    .flags('IntermediateCa')
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSignedBy(ctx.originatorSigned(), [ctx.key('example.test/signer-rsa-int')], { certificates: [ctx.cert('intermediate-ca')] })) })),
  vector('domsec::structure::intermediate-omitted', 'verify')
    .describe('As intermediate-ca, but the SignedData carries only the signer certificate: the verifier gets intermediate-ca elsewhere (verify.extraCertificates: a directory, a cache). Accept.')
    .sections('2.4', '3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('IntermediateCa', 'CertificatesOmitted')
    .verifyParams({ extraCertificates: ['intermediate-ca'] })
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSignedBy(ctx.originatorSigned(), [ctx.key('example.test/signer-rsa-int')])) })),
  vector('domsec::structure::certificates-omitted', 'verify')
    .describe('The domain signature\'s SignedData has no certificates field (RFC 5652 5.1: OPTIONAL); the verifier has the signer certificate example.test/signer-rsa already (verify.extraCertificates). Accept.')
    .sections('3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('CertificatesOmitted')
    .verifyParams({ extraCertificates: ['example.test/signer-rsa'] })
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(withoutCertificates(ctx.domainSigned(ctx.originatorSigned()))) })),
];
