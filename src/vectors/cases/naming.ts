/**
 * Naming (draft 2.4, N9, N10): a signer certificate for a single-label name, the MSA and MTA roles
 * checked both ways, and the originator's From: with several addresses or none (N9: flagged).
 */
import { vector } from '../builder.js';
import type { VectorDecl, VerifyExpectation } from '../model.js';
import type { VectorContext } from '../context.js';
import type { ReasonCode } from '../../domsec/reasons.js';

const domainSigned = (ctx: VectorContext, signer = 'example.test/signer-rsa'): Buffer => ctx.domainSigned(ctx.originatorSigned(), [signer]);
const RESULT = (verdict: VerifyExpectation['verdict'], reasons: ReasonCode[], extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict, reasons, shape: 'S[domainSig](S[-](data))', domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});
const NAMING = ['DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-3.2-CHECK-NAMING'];

function role(slug: string, signer: string, namingRole: 'msa' | 'mta', ok: boolean, description: string): VectorDecl {
  return vector(`domsec::naming::${slug}`, 'verify')
    .describe(description)
    .sections('2.4').notes('N10')
    .requirements('DOMSEC-2.4-SAN-FORM', ...(ok ? [] : ['DOMSEC-2.4-FLAG-VIOLATION']))
    .flags(ok ? 'NamingRole' : 'SubmitSmtpMixup')
    .result(ok ? 'valid' : 'invalid')
    .verifyParams({ namingRole })
    .expectVerify(ok ? RESULT('pass', []) : RESULT('policy', ['NAMING_NO_DOMAIN_NAME']))
    .build((ctx) => ({ message: ctx.message(domainSigned(ctx, signer)) }));
}

export const namingVectors: VectorDecl[] = [
  vector('domsec::naming::single-label-signer', 'verify')
    .describe('Domain signature by example.test/bad-single-label, a certificate for the single label "test" (smtp://test, submit://test, dNSName test), on mail From: alice@example.test. "test" is a whole-label ascendant, but N9 never accepts a single-label domain (a top-level domain signs for nobody). Flag.')
    .sections('2.4').notes('N9')
    .requirements(...NAMING, 'DOMSEC-2.4-FLAG-VIOLATION')
    .flags('SingleLabelDomain')
    .result('invalid')
    .expectVerify(RESULT('policy', ['NAMING_DOMAIN_MISMATCH']))
    .build((ctx) => ({ message: ctx.message(domainSigned(ctx, 'example.test/bad-single-label')) })),
  role('msa-signer-as-msa', 'example.test/submit-only', 'msa', true, 'Domain signature by an MSA certificate (submit://example.test only), verified with the MSA profile (namingRole msa): the form that profile requires. Accept.'),
  role('mta-signer-as-mta', 'example.test/smtp-only', 'mta', true, 'Domain signature by an MTA certificate (smtp://example.test only), verified with the MTA profile (namingRole mta). Accept.'),
  role('msa-signer-as-mta', 'example.test/submit-only', 'mta', false, 'Domain signature by an MSA certificate (submit://example.test only), verified with the MTA profile (namingRole mta): "smtp" names an MTA, the certificate names none (draft 2.4). Flag.'),
  vector('domsec::naming::several-from', 'verify')
    .describe('From: alice@example.test, mallory@foreign.test: several originators, so the originator\'s domain is not one domain and the naming check cannot pass (N9: flagged).')
    .sections('2.4', '3.2').notes('N9')
    .requirements(...NAMING)
    .flags('FromNotOneMailbox')
    .result('invalid')
    .expectVerify(RESULT('policy', ['NAMING_NO_ORIGINATOR_DOMAIN']))
    .build((ctx) => ({ message: ctx.message(domainSigned(ctx), ctx.headers('Alice <alice@example.test>, Mallory <mallory@foreign.test>')) })),
  vector('domsec::naming::no-from', 'verify')
    .describe('No From: field at all: the originator\'s domain is unknown and the naming check cannot pass (N9: flagged).')
    .sections('2.4', '3.2').notes('N9')
    .requirements(...NAMING)
    .flags('FromNotOneMailbox')
    .result('invalid')
    .expectVerify(RESULT('policy', ['NAMING_NO_ORIGINATOR_DOMAIN']))
    .build((ctx) => ({ message: ctx.message(domainSigned(ctx), ctx.headers('')) })),
];
