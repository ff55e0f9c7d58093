/** The outbound domain signer (MSA submit:// or MTA smtp://): draft 2.3, 3.1, 3.2. */
import { testCase } from './builder.js';
import type { CaseDecl } from '../src/harness/model.js';
import type { CaseContext } from '../src/harness/context.js';
import { tamperSignatureValue } from '../src/vectors/tamper.js';

const alice = (ctx: CaseContext) => `Alice <alice@${ctx.local}>`;
const s1 = (ctx: CaseContext) => ctx.signed(ctx.content, [`${ctx.local}/user-alice`]);

export const domainSignerCases: CaseDecl[] = [
  testCase('domsec::signer::originator-signed', 'domain-signer', 'domain-signer')
    .title('A message with a valid originator signature gets a domain signature encapsulating it')
    .requirements('DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING', 'DOMSEC-3.2-ADHERE-NAMING', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', 'DOMSEC-2.4-SUPPORT-CONVENTION', 'DOMSEC-3.1-NAMING-GENERATION-VERIFICATION')
    .outbound()
    .expect({ kind: 'domain-signed', shape: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' }, keepOriginatorSignature: true })
    .build((ctx) => ctx.message(s1(ctx), alice(ctx))),
  testCase('domsec::signer::unsigned-authenticated', 'domain-signer', 'domain-signer')
    .title("Unsigned mail from an originator authenticated by the gateway's external mechanism (SMTP AUTH or a trusted address, N17): empty signature layer, then the domain signature (N12)")
    .requirements('DOMSEC-2.3-EMPTY-LAYER-ID-DATA', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', 'DOMSEC-3.2-AUTHENTICATE-ORIGINATOR')
    .outbound({ authenticate: 'external' })
    .expect({ kind: 'domain-signed', shape: { noEncrypt: 'S[domainSig](S[empty](data))', encrypt: 'E(S[domainSig](S[empty](data)))' }, emptyLayer: true })
    .build((ctx) => ctx.message(ctx.content, alice(ctx))),
  testCase('domsec::signer::refuse-invalid-signature', 'domain-signer', 'domain-signer')
    .title('The originator signature does not verify: no domain signature may be generated (draft 3.2)')
    .requirements('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID')
    // Authenticated by the external mechanism when the gateway has one: the refusal must come from the signature (N17).
    .outbound({ authenticate: 'if-available' })
    .expect({ kind: 'no-domain-signature' })
    .build((ctx) => ctx.message(tamperSignatureValue(s1(ctx)), alice(ctx))),
  testCase('domsec::signer::refuse-invalid-signature-inside-envelope', 'domain-signer', 'domain-signer')
    .title('An invalid signature inside an envelopedData for the local DCA: decrypt, verify, refuse (draft 3.2, N8)')
    .requirements('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID')
    // Authenticated by the external mechanism when the gateway has one: the refusal must come from the signature (N17).
    .outbound({ authenticate: 'if-available' })
    .expect({ kind: 'no-domain-signature' })
    .build((ctx) => ctx.message(ctx.enveloped(tamperSignatureValue(s1(ctx)), [`${ctx.local}/dca-rsa`]), alice(ctx))),
  testCase('domsec::signer::refuse-unauthenticated', 'domain-signer', 'domain-signer')
    .title("Unsigned mail without the gateway's external authentication: the originator is not authenticated (draft 3.2, N17)")
    .requirements('DOMSEC-3.2-AUTHENTICATE-ORIGINATOR', 'DOMSEC-3.2-NO-SIGNATURE-IF-INVALID')
    .outbound({ authenticate: 'none' })
    .expect({ kind: 'no-domain-signature' })
    .build((ctx) => ctx.message(ctx.content, alice(ctx))),
  testCase('domsec::signer::refuse-foreign-originator', 'domain-signer', 'domain-signer')
    .title("Mail whose From: is in another domain (alice@<remote>, validly signed by her): this domain's signer cannot name that originator (3.2, 2.4): no domain signature")
    .requirements('DOMSEC-3.2-ADHERE-NAMING', 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING')
    // Authenticated by the external mechanism when the gateway has one: the refusal must come from the naming rule.
    .outbound({ authenticate: 'if-available' })
    .expect({ kind: 'no-domain-signature' })
    .build((ctx) => ctx.message(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), `Alice <alice@${ctx.remote}>`)),
  testCase('domsec::signer::two-algorithms-same-signature-type', 'domain-signer', 'domain-signer')
    .title('A gateway that domain-signs with two algorithms (profile feature dual-algorithm-signing): one SignerInfo per algorithm, the same SignatureType content in every one (3.1.1)')
    .requirements('DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', 'DOMSEC-3.1.1-SAME-CONTENT')
    .features('dual-algorithm-signing')
    .outbound()
    .expect({ kind: 'domain-signed', shape: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' }, keepOriginatorSignature: true, sameSignatureTypeInEverySigner: true })
    .build((ctx) => ctx.message(s1(ctx), alice(ctx))),
];

/** The outbound DCA (cases c and d): only when the profile's policy encrypts outbound mail. */
export const outboundDcaCases: CaseDecl[] = [
  testCase('domsec::dca::case-d-outbound', 'outbound-dca', 'outbound-dca')
    .title("Case (c)/(d): the domain's DCA encrypts for the recipient's DCA, with originatorInfo (N13), domain-signed first")
    .requirements('DOMSEC-4-DCA-CASES', 'DOMSEC-4.1-RECIPIENT-INFO', 'DOMSEC-4.1-DCA-NAMING', 'DOMSEC-5-POLICY-ENCRYPT', 'DOMSEC-4-SIGN-BEFORE-ENCRYPT')
    .outbound()
    .onlyPolicy('encrypt')
    .expect({ kind: 'encrypted-for-recipient-dca', shape: 'E(S[domainSig](S[-](data)))' })
    .build((ctx) => ctx.message(s1(ctx), alice(ctx))),
  testCase('domsec::dca::case-c-end-recipient', 'outbound-dca', 'outbound-dca')
    .title("Case (c): the domain's DCA encrypts for the end recipient's own certificate (bob@<remote>, listed in the profile's endRecipientCertificates), with originatorInfo (N13), domain-signed first")
    .requirements('DOMSEC-4-DCA-CASES', 'DOMSEC-4.1-RECIPIENT-INFO', 'DOMSEC-4.1-DCA-NAMING', 'DOMSEC-4-SIGN-BEFORE-ENCRYPT')
    .outbound()
    .onlyPolicy('encrypt')
    .endRecipient('bob')
    .expect({ kind: 'encrypted-for-end-recipient', shape: 'E(S[domainSig](S[-](data)))' })
    .build((ctx) => ctx.message(s1(ctx), alice(ctx))),
];
