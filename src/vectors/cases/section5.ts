/**
 * Domain-signer vectors: the seven Section 5.1 examples (input, and the prescribed output shape under
 * both local policies, with reference outputs), unsigned mail (the empty signature layer, N12), and the
 * cases where a domain signer must refuse (draft 3.2, N8).
 */
import { vector } from '../builder.js';
import type { SignParams, VectorDecl } from '../model.js';
import type { VectorContext } from '../context.js';
import { buildExampleInput, SECTION5_EXAMPLES, type ExampleParties } from '../../domsec/examples.js';
import { tamperSignatureValue } from '../tamper.js';

const SIGN: SignParams = { signers: ['example.test/signer-rsa'], localDca: 'example.test/dca-rsa', encryptFor: ['example.org/dca-rsa'], originatorAuthenticated: false };
const KEYS = ['example.test/signer-rsa', 'example.test/dca-rsa'];

function parties(ctx: VectorContext): ExampleParties {
  return {
    originator: ctx.key('example.test/user-alice'),
    other: ctx.key('example.test/user-bob'),
    innerRecipients: [{ certDer: ctx.cert('example.test/dca-rsa') }, { certDer: ctx.cert('example.org/user-bob') }],
    headers: ctx.headers(),
    content: ctx.content,
    signingTime: ctx.time,
    rng: ctx.rng,
  };
}

const examples: VectorDecl[] = SECTION5_EXAMPLES.map((ex) =>
  vector(`domsec::section5::example-${ex.number}`, 'sign')
    .describe(`Section 5.1 example ${ex.number}: ${ex.title}. Input ${ex.inputShape}; apply a domain signature as example.test (local DCA example.test/dca-rsa, recipient DCA example.org/dca-rsa).`)
    .sections('5', '5.1', '3.2')
    .notes(...ex.notes)
    .requirements(`DOMSEC-5.1-EXAMPLE-${ex.number}`, 'DOMSEC-5-SEARCH-OUTER', 'DOMSEC-3.2-FOLLOW-SECTION-5', ...ex.rules)
    .flags('Section5Example', ...(ex.layers.some((l) => l.kind === 'S' && l.ml) ? (['MlExpansionHistory'] as const) : []), ...(ex.number === 7 ? (['LowerEnvelopedData'] as const) : []))
    .keys(...KEYS)
    .signParams(SIGN)
    .expectSign({ outputShape: ex.expected, keptLayers: ex.kept })
    .build((ctx) => {
      const built = buildExampleInput(ex, parties(ctx));
      return { message: built.message, kept: Object.fromEntries(ex.kept.map((name) => [name, built.entities[name]!])) };
    }),
);

const unsigned = vector('domsec::signing::unsigned-empty-layer', 'sign')
  .describe('Unsigned mail from an originator authenticated outside S/MIME (SMTP AUTH): the domain signer first adds an empty signature layer (no signers, eContentType id-data, the message as eContent), then the domain signature over it.')
  .sections('2.3', '3.1.1', '3.2', '5')
  .notes('N12', 'N4', 'N15')
  .requirements('DOMSEC-2.3-EMPTY-LAYER-ID-DATA', 'DOMSEC-2.3-EMPTY-LAYER-ECONTENT', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', 'DOMSEC-3.2-AUTHENTICATE-ORIGINATOR')
  .flags('EmptySignatureLayer')
  .keys(...KEYS)
  .signParams({ ...SIGN, originatorAuthenticated: true })
  .expectSign({ outputShape: { noEncrypt: 'S[domainSig](S[empty](data))', encrypt: 'E(S[domainSig](S[empty](data)))' } })
  .build((ctx) => ({ message: ctx.message(ctx.content) }));

function refusal(id: string, description: string, error: 'SIGNATURE_INVALID' | 'ORIGINATOR_NOT_AUTHENTICATED' | 'NO_LOCAL_DCA_KEY', notes: string[], build: (ctx: VectorContext) => Buffer, authenticated = false): VectorDecl {
  return vector(`domsec::signing::refuse-${id}`, 'sign')
    .describe(description)
    .sections('3.2', '5')
    .notes(...notes)
    .requirements('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID', 'DOMSEC-3.2-AUTHENTICATE-ORIGINATOR')
    .flags('RefuseToSign')
    .result('invalid')
    .keys(...KEYS)
    .signParams({ ...SIGN, originatorAuthenticated: authenticated })
    .expectSign({ error })
    .build((ctx) => ({ message: build(ctx) }));
}

const refusals: VectorDecl[] = [
  refusal('invalid-originator-signature', 'The originator signature S1 does not verify (its signature value was altered): no domain signature may be generated (draft 3.2).', 'SIGNATURE_INVALID', ['N8'],
    (ctx) => ctx.message(tamperSignatureValue(ctx.originatorSigned()))),
  refusal('invalid-signature-inside-envelope', 'E1(S1(C)) for the local DCA, where S1 does not verify: the domain signer must decrypt, verify and refuse (draft 3.2: including those that have been encrypted; N8).', 'SIGNATURE_INVALID', ['N8'],
    (ctx) => ctx.message(ctx.enveloped(tamperSignatureValue(ctx.originatorSigned()), ['example.test/dca-rsa']))),
  refusal('unauthenticated-unsigned', 'Unsigned mail and no external authentication of the originator: no domain signature (draft 3.2).', 'ORIGINATOR_NOT_AUTHENTICATED', [],
    (ctx) => ctx.message(ctx.content)),
  refusal('signature-not-by-originator', "S1 is valid but signed by bob@example.test while From: names alice@example.test, and no external authentication: the originator's authenticity is not established (draft 3.2).", 'ORIGINATOR_NOT_AUTHENTICATED', [],
    (ctx) => ctx.message(ctx.signed(ctx.content, ['example.test/user-bob']))),
  refusal('envelope-not-for-local-dca', 'E1(S1(C)) encrypted only for the end recipient: the local DCA cannot decrypt it, so S1 cannot be verified and no domain signature may be generated (draft 3.2, N8).', 'NO_LOCAL_DCA_KEY', ['N8'],
    (ctx) => ctx.message(ctx.enveloped(ctx.originatorSigned(), ['example.org/user-bob']))),
];

export const section5Vectors: VectorDecl[] = [...examples, unsigned, ...refusals];
