/** Section 5 rules: the seven worked examples of 5.1, submitted outbound to the domain signer. */
import { testCase } from './builder.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../src/domsec/examples.js';
import type { CaseContext } from '../src/harness/context.js';
import type { CaseDecl } from '../src/harness/model.js';
import type { RequirementId } from '../src/harness/requirement-ids.js';

function parties(ctx: CaseContext) {
  return {
    originator: ctx.key(`${ctx.local}/user-alice`),
    other: ctx.key(`${ctx.local}/user-bob`),
    // Inner envelopes are for the local DCA (so the signer can open them, N7) and the end recipient.
    innerRecipients: [{ certDer: ctx.cert(`${ctx.local}/dca-rsa`) }, { certDer: ctx.cert(`${ctx.remote}/user-bob`) }],
    headers: ctx.headers(`Alice <alice@${ctx.local}>`),
    content: ctx.content,
    signingTime: ctx.time,
  };
}

export const section5Cases: CaseDecl[] = SECTION5_EXAMPLES.map((ex) =>
  testCase(ex.id, 'section5', 'domain-signer')
    .title(`Example ${ex.number}: ${ex.title}`)
    .requirements(`DOMSEC-5.1-EXAMPLE-${ex.number}` as RequirementId, 'DOMSEC-3.2-FOLLOW-SECTION-5', 'DOMSEC-5-SEARCH-OUTER', ...(ex.rules as RequirementId[]))
    .outbound()
    .expect({ kind: 'domain-signed', shape: ex.expected, keepOriginatorSignature: true, mlAttributesCarried: ex.layers.some((l) => l.kind === 'S' && !!l.ml) })
    .build((ctx) => buildExampleInput(ex, parties(ctx)).message),
);
