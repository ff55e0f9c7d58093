/**
 * Inbound roles: the DCA that decrypts for its domain (cases b and d) and the verifier that checks
 * domain signatures and flags violations (draft 2.4, 3.2, N14). The verifier suite reuses the receiving
 * golden vectors, which are built for mail from example.test to example.org, graded on the receiving
 * requirements each one tests (VERIFIER_GRADING below: a vector names the rules its message breaks, often
 * a sender's; the verifier case names what a receiver must do about it), and adds receiving cases of its own.
 */
import { testCase } from './builder.js';
import type { CaseDecl, Expectation } from '../src/harness/model.js';
import type { CaseContext } from '../src/harness/context.js';
import type { RequirementId } from '../src/harness/requirement-ids.js';
import { receivingVectors } from '../src/vectors/cases/receiving.js';
import { VectorContext } from '../src/vectors/context.js';
import { SeededRng } from '../src/crypto/rng.js';
import * as O from '../src/asn1/oids.js';
import { signatureTypeAttribute } from '../src/domsec/signature-type.js';
import { tamperSignatureValue } from '../src/vectors/tamper.js';

const remoteAlice = (ctx: CaseContext) => `Alice <alice@${ctx.remote}>`;

export const inboundDcaCases: CaseDecl[] = [
  testCase('domsec::inbound-dca::case-d', 'inbound-dca', 'inbound-dca')
    .title("Case (d): mail domain-signed and encrypted by the sender's DCA for this domain's DCA is decrypted and verified")
    .requirements('DOMSEC-4-DCA-CASES', 'DOMSEC-4.2-DCA-DECRYPTION', 'DOMSEC-4-DECRYPT-BEFORE-VERIFY')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'pass', decrypted: true })
    .build((ctx) => ctx.message(ctx.enveloped(ctx.domainSigned(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [`${ctx.remote}/signer-rsa`]), [`${ctx.local}/dca-rsa`], `${ctx.remote}/dca-rsa`), remoteAlice(ctx))),
  testCase('domsec::inbound-dca::case-b', 'inbound-dca', 'inbound-dca')
    .title("Case (b): mail the originator encrypted for this domain's DCA is decrypted for the domain")
    .requirements('DOMSEC-4-DCA-CASES', 'DOMSEC-4.2-DCA-DECRYPTION')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'pass', decrypted: true })
    .build((ctx) => ctx.message(ctx.enveloped(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [`${ctx.local}/dca-rsa`]), remoteAlice(ctx))),
];

const VECTOR_SEED = new SeededRng('domsec-suite inbound verifier cases');

/** Draft 3.2 (N16): a receiver need not verify what a domain signature encapsulates. */
const NOT_NECESSARY = "draft 3.2: a domain signer can be assumed to have verified the signatures it encapsulates, so a receiver need not verify them (N16)";

/**
 * The receiving requirements of each receiving vector, the first being what the flag (or its absence) is
 * graded on, at that requirement's level. Several vectors name the sender's rule their message breaks
 * (3.1 generation, 3.2 signer naming, 3.2 MUST NOT sign): here the verifier is graded on the receiver's.
 */
const VERIFIER_GRADING: Record<string, { requirements: RequirementId[]; acceptable?: Pick<Extract<Expectation, { kind: 'verdict' }>, 'acceptable' | 'acceptableRequirement' | 'acceptableWhy'> }> = {
  // Good mail is not flagged: recognizing the domain signature (3.1 MUST), suppressing the warning (3.1 SHOULD).
  'domain-signed': { requirements: ['DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1-SUPPRESS-WARNING', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.2-CHECK-NAMING', 'DOMSEC-3.2-ORIGINATOR-NAME'] },
  'ascendant-domain': { requirements: ['DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-SUPPORT-CONVENTION'] },
  // A domain signature over the empty layer (N12) is the unsigned-mail form of 2.3: using it is 3.2's SHOULD.
  'empty-layer-domain-signed': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE'] },
  'two-signer-infos': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1.1-SAME-CONTENT'] },
  'two-domain-signatures': { requirements: ['DOMSEC-3.2-SEVERAL-DOMAIN-SIGNATURES', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'case-d-decrypt-then-verify': { requirements: ['DOMSEC-4-DCA-CASES', 'DOMSEC-4-DECRYPT-BEFORE-VERIFY', 'DOMSEC-4.2-DCA-DECRYPTION'] },
  'ber-domain-signed': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'ber-case-d': { requirements: ['DOMSEC-4-DCA-CASES', 'DOMSEC-4.2-DCA-DECRYPTION'] },
  // Not a domain signature: recognizing SignatureType is what lets the From: check apply (3.1 MUST).
  'signature-type-missing': { requirements: ['DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1.1-DOMAIN-SIG-VALUE'] },
  'signature-type-wrong-value': { requirements: ['DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1.1-DOMAIN-SIG-VALUE'] },
  'signature-type-unsigned': { requirements: ['DOMSEC-3.1.1-SIGNED-ATTRIBUTE', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE'] },
  'signature-type-twice': { requirements: ['DOMSEC-3.1.1-SINGLE-INSTANCE', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE'] },
  'signature-type-differs': { requirements: ['DOMSEC-3.1.1-SAME-CONTENT', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE'] },
  'signature-type-misprinted-oid': { requirements: ['DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE', 'DOMSEC-3.1.1-DOMAIN-SIG-VALUE'] },
  // The draft's MUST is the signer's (3.1.1); a receiver is asked only to use the domain signature (3.2 SHOULD).
  'domain-signature-encapsulates-nothing': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES'] },
  'naming-foreign-domain': { requirements: ['DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-3.2-CHECK-NAMING'] },
  'naming-descendant-domain': { requirements: ['DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-3.2-CHECK-NAMING'] },
  'naming-lookalike-domain': { requirements: ['DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-3.2-CHECK-NAMING'] },
  'naming-no-san': { requirements: ['DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-2.4-SAN-FORM', 'DOMSEC-2.4-VERIFY-CONVENTION'] },
  // N11: a signing certificate is told from an encryption one by keyUsage; one used to sign breaks the convention (2.4).
  'encryption-certificate': { requirements: ['DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-2.4-KEYUSAGE', 'DOMSEC-2.4-VERIFY-CONVENTION'] },
  'expired-certificate': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'untrusted-certificate': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'naming-smtp-for-msa': { requirements: ['DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-2.4-SAN-FORM'] },
  'invalid-inner-signature': {
    requirements: ['DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE'],
    acceptable: { acceptable: ['pass'], acceptableRequirement: 'DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED', acceptableWhy: NOT_NECESSARY },
  },
  'invalid-signature-inside-envelope': {
    requirements: ['DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED', 'DOMSEC-4-DECRYPT-BEFORE-VERIFY'],
    acceptable: { acceptable: ['pass'], acceptableRequirement: 'DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED', acceptableWhy: NOT_NECESSARY },
  },
  'tampered-content': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  // RFC 2634 2.10 rules on mlExpansionHistory; the draft asks the receiver only to use the domain signature (3.2 SHOULD).
  'ml-expansion-history-unsigned': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'ml-expansion-history-differs': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'ml-expansion-history-too-long': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
  'empty-layer-only': { requirements: ['DOMSEC-3.1.1-ABSENT-MEANS-ORIGINATOR'] },
  // Another signer's SignerInfo that does not validate: the draft's receiving duty is 3.2's SHOULD (SignatureType content is the same).
  'one-bad-signer': { requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] },
};

export function verifierGrading(vectorId: string): (typeof VERIFIER_GRADING)[string] {
  const g = VERIFIER_GRADING[vectorId.replace(/^domsec::receive::/, '')];
  if (!g) throw new Error(`receiving vector ${vectorId} has no verifier grading in suites/inbound.ts`);
  return g;
}

const onlyExampleOrg = (ctx: CaseContext): string | undefined =>
  ctx.remote === 'example.test' && ctx.local === 'example.org' ? undefined : 'the receiving vectors are mail from example.test to example.org: run with the test PKI and profile domain example.org';

const vectorCases: CaseDecl[] = receivingVectors.map((v) => {
  const grading = verifierGrading(v.id);
  return (
    testCase(v.id.replace('::receive::', '::verifier::'), 'inbound-verifier', 'inbound-verifier')
      .title(v.description)
      .requirements(...grading.requirements)
      .inbound()
      // A vector verified under a naming role (e.g. MSA: only submit:// counts) applies to gateways that declare it.
      .features(...(v.verify?.namingRole ? [`naming-role-${v.verify.namingRole}`] : []))
      .skipIf(onlyExampleOrg)
      .expect({ kind: 'verdict', verdict: v.expectVerify!.verdict, ...(v.expectVerify!.shape.startsWith('E(') ? { decrypted: true } : {}), ...(grading.acceptable ?? {}) })
      .build((ctx) => v.build(new VectorContext(ctx.casePki, v.id, VECTOR_SEED)).message)
  );
});

/** Receiving cases of the verifier beyond the vectors (issue 13: testable, not yet tested). */
const verifierCases: CaseDecl[] = [
  testCase('domsec::verifier::same-signer-two-algorithms-one-verifies', 'inbound-verifier', 'inbound-verifier')
    .title('A domain signature with two SignerInfos of the same signer differing only in the digest algorithm, the first of which does not verify (RFC 5652 5.1 as updated by RFC 4853)')
    .requirements('DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1.1-SAME-CONTENT')
    .inbound()
    .skipIf(onlyExampleOrg)
    // RFC 5652 5.1 (RFC 4853): "the successful validation of one signature from a given signer ought to be
    // treated as a successful validation of that signer", and an application may specify other rules; the
    // draft specifies none. Passing is what the RFC recommends; flagging is a stricter local rule: acceptable.
    .expect({ kind: 'verdict', verdict: 'pass', acceptable: ['flagged'], acceptableWhy: 'RFC 5652 5.1 (RFC 4853): one valid signature of a signer "ought to" validate that signer; a stricter rule is the application\'s choice' })
    .build((ctx) => {
      const k = ctx.key(`${ctx.remote}/signer-rsa`);
      const st = signatureTypeAttribute([O.id_sti_domainSig]);
      const both = ctx.signed(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [{ ...k, digest: 'sha256', signedAttributes: [st] }, { ...k, digest: 'sha512', signedAttributes: [st] }]);
      return ctx.message(tamperSignatureValue(both), remoteAlice(ctx));
    }),
  testCase('domsec::verifier::absent-signature-type-is-originator', 'inbound-verifier', 'inbound-verifier')
    .title("S1(C) by the originator without SignatureType and no domain signature: read as the originator's signature (3.1.1) and not flagged")
    .requirements('DOMSEC-3.1.1-ABSENT-MEANS-ORIGINATOR')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'pass' })
    .build((ctx) => ctx.message(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), remoteAlice(ctx))),
  testCase('domsec::verifier::signature-type-several-values', 'inbound-verifier', 'inbound-verifier')
    .title('A domain signature whose SignatureType holds domainSig and reviewSig (3.1.1: MAY carry several values)')
    .requirements('DOMSEC-3.1.1-MULTIPLE-VALUES', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'pass' })
    .build((ctx) => ctx.message(ctx.signed(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [{ ...ctx.key(`${ctx.remote}/signer-rsa`), signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig, O.id_sti_reviewSig])] }]), remoteAlice(ctx))),
  testCase('domsec::verifier::signature-type-addattrib-combined', 'inbound-verifier', 'inbound-verifier')
    .title("SignatureType holding domainSig with addAttribSig: several values only \"as long as the SignatureType 'additional attributes' is not present\" (3.1.1)")
    .requirements('DOMSEC-3.1.1-MULTIPLE-VALUES', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE')
    .inbound()
    // The restriction qualifies a MAY: a receiver that accepts it breaks no MUST; the reference flags it.
    .expect({ kind: 'verdict', verdict: 'policy', requirement: 'DOMSEC-3.1.1-MULTIPLE-VALUES', acceptable: ['pass'], acceptableWhy: 'the restriction qualifies a MAY (3.1.1): accepting it breaks no MUST' })
    .build((ctx) => ctx.message(ctx.signed(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [{ ...ctx.key(`${ctx.remote}/signer-rsa`), signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig, O.id_sti_addAttribSig])] }]), remoteAlice(ctx))),
  testCase('domsec::verifier::from-case-insensitive', 'inbound-verifier', 'inbound-verifier')
    .title("Domain-signed mail whose From: spells the originator's domain in capitals: domains compare case-insensitively (N9), not flagged")
    .requirements('DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-DOMAIN-MISMATCH')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'pass' })
    .build((ctx) => ctx.message(ctx.domainSigned(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [`${ctx.remote}/signer-rsa`]), `Alice <alice@${ctx.remote.toUpperCase()}>`)),
  testCase('domsec::verifier::from-several-addresses', 'inbound-verifier', 'inbound-verifier')
    .title('Domain-signed mail with two From: addresses: the originator cannot be checked against the signer, flagged (N9)')
    .requirements('DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'policy' })
    .build((ctx) => ctx.message(ctx.domainSigned(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [`${ctx.remote}/signer-rsa`]), `Alice <alice@${ctx.remote}>, Mallory <mallory@evil.test>`)),
  testCase('domsec::verifier::from-none', 'inbound-verifier', 'inbound-verifier')
    .title('Domain-signed mail without a From: field: the originator cannot be checked against the signer, flagged (N9)')
    .requirements('DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'policy' })
    .build((ctx) => {
      const headers = ctx.headers('unused').filter(([n]) => n !== 'From');
      return Buffer.concat([Buffer.from(headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')), ctx.domainSigned(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [`${ctx.remote}/signer-rsa`])]);
    }),
  testCase('domsec::verifier::originator-identified-by-certificate', 'inbound-verifier', 'inbound-verifier')
    .title("Domain-signed mail over alice's signature: the originator identified by the name in her certificate (3.2 SHOULD), as the RFC 7281 smime-identifier of Authentication-Results (profile feature smime-identifier)")
    .requirements('DOMSEC-3.2-ORIGINATOR-NAME')
    .features('smime-identifier')
    .inbound()
    .expect({ kind: 'verdict', verdict: 'pass', originatorIdentifier: true })
    .build((ctx) => ctx.message(ctx.domainSigned(ctx.signed(ctx.content, [`${ctx.remote}/user-alice`]), [`${ctx.remote}/signer-rsa`]), remoteAlice(ctx))),
];

export const inboundVerifierCases: CaseDecl[] = [...vectorCases, ...verifierCases];
