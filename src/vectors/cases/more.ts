/**
 * Encoding (BER on inner layers and in Section 5 inputs), mlExpansionHistory edges (64 entries, a key
 * identifier, mlReceiptPolicy, below the outermost layer), and Section 5 inputs with GCM, OAEP and ECDH
 * envelopes for the local DCA, an input already domain-signed, and an E1 the local DCA cannot open.
 */
import { vector } from '../builder.js';
import type { SignParams, VectorDecl, VerifyExpectation } from '../model.js';
import type { VectorContext } from '../context.js';
import * as O from '../../asn1/oids.js';
import { attribute, generalizedTime, seq } from '../../cms/der.js';
import { toIndefiniteBer } from '../../cms/ber.js';
import { certRef, issuerAndSerialNumber } from '../../cms/cert-ref.js';
import { mlExpansionHistoryAttribute } from '../../domsec/ml-expansion-history.js';
import { buildPkcs7MimeEntity, decodeBody, parseEntity } from '../../mime/index.js';
import { parseCertificate } from '../../x509/certificate.js';

const PASS = (shape: string, extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict: 'pass', reasons: [], shape, domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});

/** An entity's CMS object re-encoded in BER (indefinite lengths, 512-byte chunks), the MIME wrapper as before. */
function ber(entity: Buffer, type: 'signed-data' | 'enveloped-data' | 'authEnveloped-data'): Buffer {
  return buildPkcs7MimeEntity(toIndefiniteBer(decodeBody(parseEntity(entity)), 512), type);
}

/** mlExpansionHistory by example.test/user-bob (the list agent) with `n` entries. */
function mlAttr(ctx: VectorContext, n: number, by: 'ias' | 'ski' = 'ias'): Buffer {
  const cert = ctx.cert('example.test/user-bob');
  const id = by === 'ias' ? { issuerAndSerialNumber: issuerAndSerialNumber(certRef(cert)) } : { subjectKeyIdentifier: parseCertificate(cert).subjectKeyIdentifier! };
  return mlExpansionHistoryAttribute(Array.from({ length: n }, (_, i) => ({ ...id, expansionTime: new Date(ctx.time.getTime() - i * 60_000) })));
}

/** MLData with mlReceiptPolicy none [0] NULL (RFC 2634 2.10, 5.4). */
function mlAttrWithReceiptPolicy(ctx: VectorContext): Buffer {
  const ias = issuerAndSerialNumber(certRef(ctx.cert('example.test/user-bob')));
  return attribute(O.id_aa_mlExpandHistory, [seq(seq(ias, generalizedTime(ctx.time), Buffer.from([0x80, 0x00])))]);
}

const mlSigned = (ctx: VectorContext, inner: Buffer, attr: Buffer): Buffer => ctx.signed(inner, [{ ...ctx.key('example.test/user-bob'), signedAttributes: [attr] }]);

function mlVector(slug: string, description: string, shape: string, build: (ctx: VectorContext) => Buffer, extra: Partial<VerifyExpectation> = {}): VectorDecl {
  return vector(`domsec::mlexpansion::${slug}`, 'verify')
    .describe(description)
    .sections('5').notes('N5', 'N6')
    .requirements('DOMSEC-5-SEARCH-OUTER', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('MlExpansionHistory')
    .expectVerify(PASS(shape, extra))
    .build((ctx) => ({ message: ctx.message(build(ctx)) }));
}

const SIGN: SignParams = { signers: ['example.test/signer-rsa'], localDca: 'example.test/dca-rsa', encryptFor: ['example.org/dca-rsa'], originatorAuthenticated: false };

export const moreVectors: VectorDecl[] = [
  vector('domsec::encoding::ber-inner-originator', 'verify')
    .describe("S_domain(S1(C)) where S1's SignedData (inside the domain signature's eContent) is BER: indefinite lengths, eContent as a constructed OCTET STRING of 512-byte chunks. Accept.")
    .sections('3.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
    .flags('Ber')
    .expectVerify(PASS('S[domainSig](S[-](data))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ber(ctx.originatorSigned(), 'signed-data'))) })),
  vector('domsec::encoding::ber-inner-envelope', 'verify')
    .describe("S_domain(E(S1(C))) where the envelope for example.org's DCA is BER. Decrypt with example.org/dca-rsa and accept.")
    .sections('3.2', '4.2')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-4-DECRYPT-BEFORE-VERIFY')
    .flags('Ber')
    .keys('example.org/dca-rsa')
    .expectVerify(PASS('S[domainSig](E(S[-](data)))'))
    .build((ctx) => ({ message: ctx.message(ctx.domainSigned(ber(ctx.enveloped(ctx.originatorSigned(), ['example.org/dca-rsa']), 'enveloped-data'))) })),
  vector('domsec::section5::ber-input', 'sign')
    .describe('Section 5 example 1 with S1 in BER (indefinite lengths, chunked eContent), as a streaming client writes it: domain-sign it, keeping S1 byte for byte (BER included).')
    .sections('5', '3.2').notes('N4')
    .requirements('DOMSEC-5-NO-ML-NO-ENVELOPED', 'DOMSEC-3.2-FOLLOW-SECTION-5')
    .flags('Ber', 'Section5Example')
    .keys('example.test/signer-rsa', 'example.test/dca-rsa')
    .signParams(SIGN)
    .expectSign({ outputShape: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' }, keptLayers: ['S1'] })
    .build((ctx) => {
      const s1 = ber(ctx.originatorSigned(), 'signed-data');
      return { message: ctx.message(s1), kept: { S1: s1 } };
    }),
  ...(['aes-256-gcm', 'oaep', 'ecdh'] as const).map((variant) =>
    vector(`domsec::section5::example-3-${variant === 'aes-256-gcm' ? 'gcm' : variant}`, 'sign')
      .describe(`Section 5 example 3, E1(S1(C)) for the local DCA, with ${variant === 'aes-256-gcm' ? 'AuthEnvelopedData AES-256-GCM' : variant === 'oaep' ? 'RSAES-OAEP key transport' : 'ECDH P-256 key agreement (local DCA example.test/dca-ec)'}: decrypt, verify S1, domain-sign (draft 5, N8).`)
      .sections('5', '5.1', '3.2').notes('N8')
      .requirements('DOMSEC-5.1-EXAMPLE-3', 'DOMSEC-5-DECRYPT-LOCAL-DCA', 'DOMSEC-5-ENCAPSULATE-DOMAIN-SIGNATURE', 'DOMSEC-5-POLICY-ENCRYPT')
      .flags('Section5Example', variant === 'aes-256-gcm' ? 'AuthEnvelopedGcm' : variant === 'oaep' ? 'KeyTransportOaep' : 'KeyAgreementEcdh')
      .keys('example.test/signer-rsa', variant === 'ecdh' ? 'example.test/dca-ec' : 'example.test/dca-rsa')
      .signParams({ ...SIGN, localDca: variant === 'ecdh' ? 'example.test/dca-ec' : 'example.test/dca-rsa' })
      .expectSign({ outputShape: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' }, keptLayers: ['S1'] })
      .build((ctx) => {
        const s1 = ctx.originatorSigned();
        const recipient = variant === 'ecdh' ? { certDer: ctx.cert('example.test/dca-ec') } : { certDer: ctx.cert('example.test/dca-rsa'), ...(variant === 'oaep' ? { keyTransport: 'rsa-oaep' as const } : {}) };
        return { message: ctx.message(ctx.enveloped(s1, [recipient], variant === 'aes-256-gcm' ? { cipher: 'aes-256-gcm' } : {})), kept: { S1: s1 } };
      }),
  ),
  vector('domsec::section5::already-domain-signed', 'sign')
    .describe("The input already carries a domain signature (another signer of the domain, example.test/signer-ec) over S1: a second domain signature encapsulates it (draft 3.2: one or more domain signatures), keeping both inner layers.")
    .sections('5', '3.2')
    .requirements('DOMSEC-3.2-SEVERAL-DOMAIN-SIGNATURES', 'DOMSEC-3.2-FOLLOW-SECTION-5')
    .flags('Section5Example', 'SeveralSignerInfos')
    .keys('example.test/signer-rsa', 'example.test/dca-rsa')
    .signParams(SIGN)
    .expectSign({ outputShape: { noEncrypt: 'S[domainSig](S[domainSig](S[-](data)))', encrypt: 'E(S[domainSig](S[domainSig](S[-](data))))' }, keptLayers: ['S_domain', 'S1'] })
    .build((ctx) => {
      const s1 = ctx.originatorSigned();
      const sd = ctx.domainSigned(s1, ['example.test/signer-ec']);
      return { message: ctx.message(sd), kept: { S_domain: sd, S1: s1 } };
    }),
  vector('domsec::signing::refuse-example-7-no-local-dca', 'sign')
    .describe("Example 7's input E2(S2[ml](E1(S1(C)))) where E1 has no RecipientInfo for the local DCA (only example.org/user-bob): S1 cannot be verified, so the domain signer must refuse (draft 3.2, N8).")
    .sections('3.2', '5').notes('N8', 'N7')
    .requirements('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID', 'DOMSEC-5.1-EXAMPLE-7')
    .flags('RefuseToSign', 'LowerEnvelopedData')
    .result('invalid')
    .keys('example.test/signer-rsa', 'example.test/dca-rsa')
    .signParams(SIGN)
    .expectSign({ error: 'NO_LOCAL_DCA_KEY' })
    .build((ctx) => {
      const e1 = ctx.enveloped(ctx.originatorSigned(), ['example.org/user-bob']);
      const s2 = mlSigned(ctx, e1, mlAttr(ctx, 1));
      return { message: ctx.message(ctx.enveloped(s2, ['example.test/dca-rsa', 'example.org/user-bob'])) };
    }),
  mlVector('entries-64', 'mlExpansionHistory with exactly 64 entries, ub-ml-expansion-history (RFC 2634 2.10): the limit itself is allowed. Accept.', 'S[-,ml](S[domainSig](S[-](data)))',
    (ctx) => mlSigned(ctx, ctx.domainSigned(ctx.originatorSigned()), mlAttr(ctx, 64))),
  mlVector('subject-key-identifier', 'mlExpansionHistory whose MLData names the list by subjectKeyIdentifier (EntityIdentifier, RFC 2634 2.10). Accept.', 'S[-,ml](S[domainSig](S[-](data)))',
    (ctx) => mlSigned(ctx, ctx.domainSigned(ctx.originatorSigned()), mlAttr(ctx, 1, 'ski'))),
  mlVector('receipt-policy', 'MLData with mlReceiptPolicy none [0] NULL (RFC 2634 2.10, 5.4). Accept.', 'S[-,ml](S[domainSig](S[-](data)))',
    (ctx) => mlSigned(ctx, ctx.domainSigned(ctx.originatorSigned()), mlAttrWithReceiptPolicy(ctx))),
  mlVector('below-outermost', 'A domain signature over a list agent\'s signature with mlExpansionHistory: S_domain(S_ml(S1(C))) - the list expanded inside the domain, then the domain signed. Accept.', 'S[domainSig](S[-,ml](S[-](data)))',
    (ctx) => ctx.domainSigned(mlSigned(ctx, ctx.originatorSigned(), mlAttr(ctx, 1)))),
  mlVector('above-domain-signature', "A list agent's signature with mlExpansionHistory above a domain signature (MIME between the layers): S_ml(S_domain(S1(C))), what a list outside the domain sends on. Accept.", 'S[-,ml](S[domainSig](S[-](data)))',
    (ctx) => mlSigned(ctx, ctx.domainSigned(ctx.originatorSigned()), mlAttr(ctx, 1))),
  vector('domsec::section5::ml-no-envelope', 'sign')
    .describe('Section 5 branch "mlExpansionHistory present, no envelopedData": S2[ml](S1(C)); strip S2, domain-sign S1, re-add the remembered mlExpansionHistory layer outermost (N5, N6).')
    .sections('5', '5.1').notes('N5', 'N6')
    .requirements('DOMSEC-5-SEARCH-OUTER', 'DOMSEC-3.2-FOLLOW-SECTION-5')
    .flags('Section5Example', 'MlExpansionHistory')
    .keys('example.test/signer-rsa', 'example.test/dca-rsa')
    .signParams(SIGN)
    .expectSign({ outputShape: { noEncrypt: 'S[-,ml](S[domainSig](S[-](data)))', encrypt: 'S[-,ml](E(S[domainSig](S[-](data))))' }, keptLayers: ['S1'] })
    .build((ctx) => {
      const s1 = ctx.originatorSigned();
      return { message: ctx.message(mlSigned(ctx, s1, mlAttr(ctx, 1))), kept: { S1: s1 } };
    }),
];
