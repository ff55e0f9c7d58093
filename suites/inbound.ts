/**
 * Inbound roles: the DCA that decrypts for its domain (cases b and d) and the verifier that checks
 * domain signatures and flags violations (draft 2.4, 3.2, N14). The verifier suite reuses the receiving
 * golden vectors, which are built for mail from example.test to example.org.
 */
import { testCase } from './builder.js';
import type { CaseDecl } from '../src/harness/model.js';
import type { CaseContext } from '../src/harness/context.js';
import { receivingVectors } from '../src/vectors/cases/receiving.js';
import { VectorContext } from '../src/vectors/context.js';
import { SeededRng } from '../src/crypto/rng.js';

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

export const inboundVerifierCases: CaseDecl[] = receivingVectors.map((v) =>
  testCase(v.id.replace('::receive::', '::verifier::'), 'inbound-verifier', 'inbound-verifier')
    .title(v.description)
    .requirements(...v.requirements)
    // A failed flag is a MUST (draft 2.4, 3.2); the accept cases test that good mail is not flagged.
    .inbound()
    // A vector verified under a naming role (e.g. MSA: only submit:// counts) applies to gateways that declare it.
    .features(...(v.verify?.namingRole ? [`naming-role-${v.verify.namingRole}`] : []))
    .skipIf((ctx) => (ctx.remote === 'example.test' && ctx.local === 'example.org' ? undefined : 'the receiving vectors are mail from example.test to example.org: run with the test PKI and profile domain example.org'))
    .expect({ kind: 'verdict', verdict: v.expectVerify!.verdict, ...(v.expectVerify!.shape.startsWith('E(') ? { decrypted: true } : {}) })
    .build((ctx) => v.build(new VectorContext(ctx.casePki, v.id, VECTOR_SEED)).message),
);
