/**
 * Receiving side: messages a receiving agent must accept (smime=pass), including the BER encodings
 * streaming implementations produce, and the negative catalogue: messages it must flag, each naming
 * the requirement it breaks and the reason code and Authentication-Results verdict expected (N14).
 */
import { vector, type VectorBuilder } from '../builder.js';
import type { VectorDecl, VerifyExpectation } from '../model.js';
import type { VectorContext } from '../context.js';
import * as O from '../../asn1/oids.js';
import { signatureTypeAttribute } from '../../domsec/signature-type.js';
import { mlExpansionHistoryAttribute } from '../../domsec/ml-expansion-history.js';
import { certRef, issuerAndSerialNumber } from '../../cms/cert-ref.js';
import { toIndefiniteBer } from '../../cms/ber.js';
import { buildPkcs7MimeEntity, decodeBody, parseEntity } from '../../mime/index.js';
import { tamperDer, tamperSignatureValue } from '../tamper.js';

const PASS = (shape: string, extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict: 'pass', reasons: [], shape, domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});

function accept(id: string): VectorBuilder {
  return vector(`domsec::receive::${id}`, 'verify').sections('3.2');
}
function flag(id: string): VectorBuilder {
  return vector(`domsec::receive::${id}`, 'verify').result('invalid');
}

/** The usual domain-signed message: S_domain(S1(C)) with From: alice@example.test. */
const domainSignedMessage = (ctx: VectorContext, signers: string[] = ['example.test/signer-rsa']): Buffer => ctx.domainSigned(ctx.originatorSigned(), signers);

/** Re-encode the outermost CMS object of a message as BER with indefinite lengths. */
function berMessage(ctx: VectorContext, entity: Buffer, smimeType: 'signed-data' | 'enveloped-data'): Buffer {
  const der = decodeBody(parseEntity(entity));
  return ctx.message(buildPkcs7MimeEntity(toIndefiniteBer(der, 512), smimeType));
}

function ml(ctx: VectorContext, entries: number): Buffer {
  const ias = issuerAndSerialNumber(certRef(ctx.cert('example.test/user-bob')));
  return mlExpansionHistoryAttribute(Array.from({ length: entries }, (_, i) => ({ issuerAndSerialNumber: ias, expansionTime: new Date(ctx.time.getTime() - i * 60_000) })));
}

const acceptVectors: VectorDecl[] = [
  accept('domain-signed')
    .describe('S_domain(S1(C)): a valid domain signature by example.test over the originator signature of alice@example.test. Accept; identify the originator by S1 (draft 3.2).')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.2-CHECK-NAMING', 'DOMSEC-3.2-ORIGINATOR-NAME', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1-SUPPRESS-WARNING')
    .flags('AscendantDomain')
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(domainSignedMessage(ctx)) })),
  accept('ascendant-domain')
    .describe('From: alice@mail.example.test, S1 by her certificate (alice@mail.example.test), domain signature by example.test: a whole-label ascendant (N9). Accept without flagging.')
    .sections('2.4').notes('N9')
    .requirements('DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION')
    .flags('AscendantDomain')
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ctx.signed(ctx.content, ['example.test/user-alice-mail'])), ctx.headers('Alice <alice@mail.example.test>')) })),
  accept('empty-layer-domain-signed')
    .describe('S_domain(S_empty(C)): unsigned mail domain-signed over an empty signature layer. Accept; only the domain is known (draft 3.2), the empty layer is no originator signature (N12).')
    .sections('2.3', '3.1.1').notes('N12')
    .requirements('DOMSEC-2.3-EMPTY-LAYER-ID-DATA', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES')
    .flags('EmptySignatureLayer')
    .expectVerify(PASS('S[domainSig](S[empty](data))', { reasons: ['EMPTY_SIGNATURE_LAYER'], originatorIdentifiedBy: 'domainSignature' }))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ctx.empty(ctx.content))) })),
  accept('two-signer-infos')
    .describe('A domain signature with two SignerInfos (SHA-256 and SHA-512) carrying identical SignatureType content (draft 3.1.1).')
    .sections('3.1.1')
    .requirements('DOMSEC-3.1.1-SAME-CONTENT')
    .flags('SeveralSignerInfos')
    .expectVerify(PASS('S[domainSig](S[-](data))', { domainSignatures: 2 }))
    .build((ctx) => {
      const k = ctx.key('example.test/signer-rsa');
      const st = signatureTypeAttribute([O.id_sti_domainSig]);
      return { message: ctx.message(ctx.signed(ctx.originatorSigned(), [{ ...k, digest: 'sha256', signedAttributes: [st] }, { ...k, digest: 'sha512', signedAttributes: [st] }])) };
    }),
  accept('two-domain-signatures')
    .describe('S_domain(S_domain(S1(C))): a message may carry one or more domain signatures (draft 3.2).')
    .requirements('DOMSEC-3.2-SEVERAL-DOMAIN-SIGNATURES')
    .flags('SeveralSignerInfos')
    .expectVerify(PASS('S[domainSig](S[domainSig](S[-](data)))', { domainSignatures: 2 }))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(domainSignedMessage(ctx))) })),
  accept('case-d-decrypt-then-verify')
    .describe("E(S_domain(S1(C))) for the recipient's DCA (case d): decrypt with example.org/dca-rsa, then verify the domain signature (draft 4: SHOULD decrypt before verifying).")
    .sections('4', '4.2').notes('N3')
    .requirements('DOMSEC-4-DECRYPT-BEFORE-VERIFY', 'DOMSEC-4.2-DCA-DECRYPTION')
    .flags('EncryptionCaseD')
    .keys('example.org/dca-rsa')
    .expectVerify(PASS('E(S[domainSig](S[-](data)))'))
    .build((ctx) => ({ message: ctx.message(ctx.enveloped(domainSignedMessage(ctx), ['example.org/dca-rsa'], { originator: 'example.test/dca-rsa' })) })),
  accept('ber-domain-signed')
    .describe('The domain-signed message with its outer SignedData in BER: indefinite lengths and the eContent as a constructed OCTET STRING of 512-byte chunks, as streaming encoders write. Accept.')
    .sections('3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('Ber')
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: berMessage(ctx, domainSignedMessage(ctx), 'signed-data') })),
  accept('ber-case-d')
    .describe("Case (d) with the EnvelopedData in BER (indefinite lengths, chunked encryptedContent), encrypted by example.test's DCA with its certificate in originatorInfo (N13), like its DER twin. Decrypt with example.org/dca-rsa and accept.")
    .sections('4.1', '4.2').notes('N3', 'N13')
    .requirements('DOMSEC-4.2-DCA-DECRYPTION')
    .flags('Ber', 'EncryptionCaseD')
    .keys('example.org/dca-rsa')
    .expectVerify(PASS('E(S[domainSig](S[-](data)))'))
    .build((ctx) => ({ message: berMessage(ctx, ctx.enveloped(domainSignedMessage(ctx), ['example.org/dca-rsa'], { originator: 'example.test/dca-rsa' }), 'enveloped-data') })),
];

const POLICY = (reasons: VerifyExpectation['reasons'], shape = 'S[domainSig](S[-](data))', extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict: 'policy', reasons, shape, domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});
const FAIL = (reasons: VerifyExpectation['reasons'], shape = 'S[domainSig](S[-](data))', extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict: 'fail', reasons, shape, domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});

/** A domain signature by a naming-breaking certificate of the test PKI. */
function badSigner(id: string, cert: string, flagName: Parameters<VectorBuilder['flags']>[0], reqs: string[], expected: VerifyExpectation, description: string, notes: string[] = []): VectorDecl {
  return flag(id)
    .describe(description)
    .sections('2.4', '3.2')
    .notes(...notes)
    .requirements(...reqs)
    .flags(flagName)
    .expectVerify(expected)
    .build((ctx) => ({ message: ctx.message(domainSignedMessage(ctx, [cert])) }));
}

const NAMING = ['DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-3.2-CHECK-NAMING'];

const flagVectors: VectorDecl[] = [
  flag('signature-type-missing')
    .describe('The outer signature is by the domain signer certificate but carries no SignatureType: it is not a domain signature, so the naming convention gives no relief and its certificate does not name the From: address (draft 3.1, 3.1.1).')
    .sections('3.1', '3.1.1')
    .requirements('DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1.1-DOMAIN-SIG-VALUE')
    .flags('SignatureTypeMissing')
    .expectVerify(POLICY(['SIGNER_ADDRESS_MISMATCH'], 'S[-](S[-](data))', { domainSignatures: 0 }))
    .build((ctx) => ({ message: ctx.message(ctx.signed(ctx.originatorSigned(), ['example.test/signer-rsa'])) })),
  flag('signature-type-wrong-value')
    .describe('SignatureType holds id-sti-originatorSig instead of id-sti-domainSig: not a domain signature (N2), so the signer must name the From: address, which it does not.')
    .sections('3.1.1').notes('N2')
    .requirements('DOMSEC-3.1.1-DOMAIN-SIG-VALUE', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE')
    .flags('SignatureTypeWrongValue')
    .expectVerify(POLICY(['SIGNER_ADDRESS_MISMATCH'], 'S[originatorSig](S[-](data))', { domainSignatures: 0 }))
    .build((ctx) => ({ message: ctx.message(ctx.signed(ctx.originatorSigned(), ['example.test/signer-rsa'], { signedAttributes: [signatureTypeAttribute([O.id_sti_originatorSig])] })) })),
  flag('signature-type-unsigned')
    .describe('SignatureType [id-sti-domainSig] as an unsigned attribute: it MUST be signed (draft 3.1.1); the signature is then no domain signature.')
    .sections('3.1.1')
    .requirements('DOMSEC-3.1.1-SIGNED-ATTRIBUTE')
    .flags('SignatureTypeUnsigned')
    .expectVerify(POLICY(['STYPE_UNSIGNED', 'SIGNER_ADDRESS_MISMATCH'], 'S[-](S[-](data))', { domainSignatures: 0 }))
    .build((ctx) => ({ message: ctx.message(ctx.signed(ctx.originatorSigned(), ['example.test/signer-rsa'], { unsignedAttributes: [signatureTypeAttribute([O.id_sti_domainSig])] })) })),
  flag('signature-type-twice')
    .describe('Two SignatureType attributes in one SignerInfo, [domainSig] and [domainSig, reviewSig] (draft 3.1.1 MUST NOT); the shape shows both instances.')
    .sections('3.1.1')
    .requirements('DOMSEC-3.1.1-SINGLE-INSTANCE')
    .flags('SignatureTypeTwice')
    .expectVerify(POLICY(['STYPE_MULTIPLE'], 'S[domainSig;domainSig+reviewSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ctx.originatorSigned(), ['example.test/signer-rsa'], [signatureTypeAttribute([O.id_sti_domainSig, O.id_sti_reviewSig])])) })),
  flag('signature-type-differs')
    .describe('Two SignerInfos whose SignatureType content differs ([domainSig] and [domainSig, reviewSig]): all MUST contain the same content (draft 3.1.1).')
    .sections('3.1.1')
    .requirements('DOMSEC-3.1.1-SAME-CONTENT')
    .flags('SignatureTypeDiffers')
    .expectVerify(POLICY(['STYPE_INCONSISTENT'], 'S[domainSig,domainSig+reviewSig](S[-](data))', { domainSignatures: 2 }))
    .build((ctx) => {
      const k = ctx.key('example.test/signer-rsa');
      return { message: ctx.message(ctx.signed(ctx.originatorSigned(), [
        { ...k, digest: 'sha256', signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig])] },
        { ...k, digest: 'sha512', signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig, O.id_sti_reviewSig])] },
      ])) };
    }),
  flag('signature-type-misprinted-oid')
    .describe('SignatureType [id-sti-domainSig] under the OID the draft misprints, 1.2.840.113549.1.9.28: an unknown attribute (N1), so this is not a domain signature and the From: check applies.')
    .sections('3.1.1').notes('N1')
    .requirements('DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1.1-DOMAIN-SIG-VALUE')
    .flags('SignatureTypeMisprintedOid')
    .expectVerify(POLICY(['STYPE_MISPRINTED_OID', 'SIGNER_ADDRESS_MISMATCH'], 'S[-](S[-](data))', { domainSignatures: 0 }))
    .build((ctx) => ({ message: ctx.message(ctx.signed(ctx.originatorSigned(), ['example.test/signer-rsa'], { signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig], O.id_aa_signatureType_misprint)] })) })),
  flag('domain-signature-encapsulates-nothing')
    .describe('A domain signature directly over the content, with no inner signature and no empty signature layer: it MUST encapsulate other signatures (draft 3.1.1, 2.3).')
    .sections('2.3', '3.1.1').notes('N12')
    .requirements('DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES')
    .flags('EncapsulatesNothing')
    .expectVerify(POLICY(['DOMAIN_SIG_ENCAPSULATES_NOTHING'], 'S[domainSig](data)', { originatorIdentifiedBy: 'domainSignature' }))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ctx.content)) })),
  badSigner('naming-foreign-domain', 'example.test/bad-foreign', 'ForeignDomain', NAMING, POLICY(['NAMING_DOMAIN_MISMATCH']),
    'Domain signature by a certificate for foreign.test on mail From: alice@example.test: MUST be flagged (draft 2.4).', ['N9']),
  badSigner('naming-descendant-domain', 'example.test/bad-descendant', 'NonAscendantDomain', NAMING, POLICY(['NAMING_DOMAIN_MISMATCH']),
    'Domain signature by mail.example.test on mail From: alice@example.test: a descendant, not an ascendant (N9).', ['N9']),
  badSigner('naming-lookalike-domain', 'example.test/bad-lookalike', 'LookalikeDomain', NAMING, POLICY(['NAMING_DOMAIN_MISMATCH']),
    'Domain signature by badexample.test on mail From: alice@example.test: shares a suffix, not whole labels (N9).', ['N9']),
  badSigner('naming-no-san', 'example.test/bad-nosan', 'NoSanForms', ['DOMSEC-2.4-SAN-FORM', 'DOMSEC-2.4-FLAG-VIOLATION'], POLICY(['NAMING_NO_DOMAIN_NAME']),
    'Domain signature by a certificate whose subject CN is example.test but with no SubjectAltName URI or dNSName (draft 2.4, N10).', ['N10']),
  badSigner('encryption-certificate', 'example.test/bad-encryption-only', 'EncryptionCertificate', ['DOMSEC-2.4-KEYUSAGE', 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING'], FAIL(['CERT_KEY_USAGE_NOT_SIGNING']),
    'Domain signature made with a certificate whose keyUsage is keyEncipherment only: an encryption certificate (draft 2.4, N11).', ['N11']),
  badSigner('expired-certificate', 'example.test/bad-expired', 'ExpiredCertificate', ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'], FAIL(['CERT_EXPIRED']),
    'Domain signature by a certificate that expired in 2021, validated at 2026-03-01.'),
  badSigner('untrusted-certificate', 'example.test/bad-untrusted', 'UntrustedCertificate', ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'], FAIL(['CERT_UNTRUSTED']),
    'Domain signature by a certificate of a CA that is not a trust anchor.'),
  flag('naming-smtp-for-msa')
    .describe('Verified with the MSA profile (only submit:// counts, draft 2.4): the signer certificate carries only smtp://example.test. With profile "any" this message passes.')
    .sections('2.4').notes('N10')
    .requirements('DOMSEC-2.4-SAN-FORM', 'DOMSEC-2.4-FLAG-VIOLATION')
    .flags('SubmitSmtpMixup')
    .verifyParams({ namingRole: 'msa' })
    .expectVerify(POLICY(['NAMING_NO_DOMAIN_NAME']))
    .build((ctx) => ({ message: ctx.message(domainSignedMessage(ctx, ['example.test/smtp-only'])) })),
  flag('invalid-inner-signature')
    .describe('A valid domain signature over an originator signature that does not verify: a domain signer MUST NOT have produced it (draft 3.2). A receiver that checks inner signatures reports fail; one that relies on the domain signature alone (draft 3.2: not necessary to verify encapsulated signatures) reports pass: both are acceptable.')
    .sections('3.2').notes('N8', 'N16')
    .requirements('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID')
    .flags('InvalidInnerSignature', 'InnerSignatureNotVerified')
    .result('acceptable')
    .expectVerify(FAIL(['SIG_VALUE_INVALID'], 'S[domainSig](S[-](data))', { originatorIdentifiedBy: 'domainSignature', acceptable: ['pass'] })) // S1 identifies nobody; the valid domain signature still names the domain (draft 3.2)
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(tamperSignatureValue(ctx.originatorSigned()))) })),
  flag('invalid-signature-inside-envelope')
    .describe("S_domain(E(S1(C))) where S1 does not verify; E is for example.org's DCA, so the failure shows only to a receiver holding that key and checking inner signatures (fail); one that does not reports pass (draft 3.2): both are acceptable.")
    .sections('3.2', '4.2').notes('N8', 'N16')
    .requirements('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID', 'DOMSEC-4-DECRYPT-BEFORE-VERIFY')
    .flags('InvalidInnerSignature', 'InnerSignatureNotVerified')
    .result('acceptable')
    .keys('example.org/dca-rsa')
    .expectVerify(FAIL(['SIG_VALUE_INVALID'], 'S[domainSig](E(S[-](data)))', { originatorIdentifiedBy: 'domainSignature', acceptable: ['pass'] }))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ctx.enveloped(tamperSignatureValue(ctx.originatorSigned()), ['example.org/dca-rsa']))) })),
  flag('tampered-content')
    .describe('The encapsulated content of the domain signature was changed after signing (a MIME header of the inner entity): messageDigest mismatch.')
    .sections('3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('TamperedContent')
    .expectVerify(FAIL(['SIG_DIGEST_MISMATCH']))
    .build((ctx) => ({ message: ctx.message(tamperDer(domainSignedMessage(ctx), 'filename=smime.p7m', 'filename=smime.p7x')) })),
  flag('ml-expansion-history-unsigned')
    .describe('A list agent signature whose mlExpansionHistory is an unsigned attribute (RFC 2634 2.10: MUST be signed); not an MLA signature then, so the From: check applies to it.')
    .sections('5')
    .requirements('DOMSEC-5-SEARCH-OUTER')
    .flags('MlExpansionHistoryUnsigned')
    .expectVerify(POLICY(['MLEH_UNSIGNED', 'SIGNER_ADDRESS_MISMATCH'], 'S[-](S[domainSig](S[-](data)))'))
    .build((ctx) => ({ message: ctx.message(ctx.signed(domainSignedMessage(ctx), ['example.test/user-bob'], { unsignedAttributes: [ml(ctx, 1)] })) })),
  flag('ml-expansion-history-differs')
    .describe('A list agent signature with two SignerInfos whose mlExpansionHistory differs (2 and 1 entries).')
    .sections('5')
    .requirements('DOMSEC-5-SEARCH-OUTER')
    .flags('MlExpansionHistoryDiffers')
    .expectVerify(POLICY(['MLEH_INCONSISTENT'], 'S[-,ml](S[domainSig](S[-](data)))'))
    .build((ctx) => {
      const k = ctx.key('example.test/user-bob');
      return { message: ctx.message(ctx.signed(domainSignedMessage(ctx), [{ ...k, digest: 'sha256', signedAttributes: [ml(ctx, 2)] }, { ...k, digest: 'sha512', signedAttributes: [ml(ctx, 1)] }])) };
    }),
  flag('ml-expansion-history-too-long')
    .describe('mlExpansionHistory with 65 entries: over ub-ml-expansion-history (64, RFC 2634 2.10).')
    .sections('5')
    .requirements('DOMSEC-5-SEARCH-OUTER')
    .flags('MlExpansionHistoryTooLong')
    .expectVerify(POLICY(['MLEH_TOO_MANY'], 'S[-,ml](S[domainSig](S[-](data)))'))
    .build((ctx) => ({ message: ctx.message(ctx.signed(domainSignedMessage(ctx), ['example.test/user-bob'], { signedAttributes: [ml(ctx, 65)] })) })),
  flag('empty-layer-only')
    .describe('S_empty(C) alone: an empty signature layer authenticates nothing and is never an originator signature (N12). smime=none.')
    .sections('2.3', '3.2').notes('N12')
    .requirements('DOMSEC-3.1.1-ABSENT-MEANS-ORIGINATOR', 'DOMSEC-2.3-EMPTY-LAYER-ID-DATA')
    .flags('EmptyLayerNotOriginator')
    .expectVerify({ verdict: 'none', reasons: ['EMPTY_SIGNATURE_LAYER'], shape: 'S[empty](data)', domainSignatures: 0, originatorIdentifiedBy: 'none' })
    .build((ctx) => ({ message: ctx.message(ctx.empty(ctx.content)) })),
  flag('one-bad-signer')
    .describe('A domain signature with two SignerInfos, the second by a certificate from an untrusted CA: the message fails, and the report names the bad SignerInfo.')
    .sections('3.1.1', '3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1.1-SAME-CONTENT')
    .flags('OneBadSigner')
    .expectVerify(FAIL(['CERT_UNTRUSTED'], 'S[domainSig](S[-](data))', { domainSignatures: 2 }))
    .build((ctx) => ({ message: ctx.message(domainSignedMessage(ctx, ['example.test/signer-rsa', 'example.test/bad-untrusted'])) })),
];

export const receivingVectors: VectorDecl[] = [...acceptVectors, ...flagVectors];
