/**
 * The Section 5 orderings as data (suites/section5-orderings.json, suites/make-section5-orderings.ts) and
 * as cases (suites/section5-orderings.ts): regenerating changes no byte, every ordering is a distinct
 * behaviour the seven examples do not show, its expectation is the executable model's (src/model), and
 * its case declares what the grader needs. The gateway runs are in section5-orderings.gateway.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyModel, chainOf, isEnvelope, isSigned, shape, type ModelNode } from '../../src/model/index.js';
import { SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { expectedLayers } from '../../src/harness/evidence.js';
import { GATEWAY_OPTIONS, generateOrderings, ORDERINGS_FILE, renderOrderings } from '../../suites/make-section5-orderings.js';
import { ORDERINGS, section5OrderingCases, type Ordering, type Policy } from '../../suites/section5-orderings.js';
import { SUITES } from '../../suites/index.js';

interface Req {
  id: string;
  roles: string[];
}
const catalogue = (JSON.parse(readFileSync(fileURLToPath(new URL('../../suites/requirements.json', import.meta.url)), 'utf8')) as { requirements: Req[] }).requirements;

const POLICIES: Policy[] = ['noEncrypt', 'encrypt'];
const nodes = (o: Ordering): ModelNode[] => chainOf(o.tree.root);
const refusal = (o: Ordering): string | undefined => (o.expected.noEncrypt.outcome === 'refused' ? o.expected.noEncrypt.refusal : undefined);
const branch = (o: Ordering): string | undefined => (o.expected.noEncrypt.outcome === 'domain-signed' ? o.expected.noEncrypt.branch : undefined);
const addsWithoutPolicy = (o: Ordering, role: string): boolean => o.expected.noEncrypt.outcome === 'domain-signed' && o.expected.noEncrypt.added.some((a) => a.endsWith(`:${role}`));

describe('suites/section5-orderings.json', () => {
  it('is what the generator writes: regenerating changes no byte (npm run section5-orderings)', () => {
    const committed = readFileSync(ORDERINGS_FILE, 'utf8');
    expect(renderOrderings(generateOrderings()) === committed, 'the file differs from what suites/make-section5-orderings.ts writes: run npm run section5-orderings, review the diff, commit').toBe(true);
  });

  it('keeps a small set, one ordering per behaviour class, with stable namespaced ids and the reason it was kept', () => {
    expect(ORDERINGS.length).toBeGreaterThanOrEqual(12);
    expect(ORDERINGS.length).toBeLessThanOrEqual(20);
    const classes = ORDERINGS.map((o) => o.class);
    expect(new Set(classes).size).toBe(classes.length);
    for (const o of ORDERINGS) {
      expect(o.id).toBe(`domsec::section5::ordering-${o.class}`);
      expect(o.class).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      // The reason cites the draft's section, a note or an RFC.
      expect(o.why, o.id).toMatch(/Section \d|\b\d\.\d|\bN\d+|RFC \d+/);
    }
    const otherIds = Object.entries(SUITES).flatMap(([, cases]) => cases.filter((c) => !c.id.includes('::ordering-')).map((c) => c.id));
    expect(ORDERINGS.filter((o) => otherIds.includes(o.id))).toEqual([]);
  });

  it('covers every Section 5 branch and every refusal a gateway can meet, in orderings the examples do not show', () => {
    const outcomes = new Set(ORDERINGS.map((o) => branch(o) ?? `refused:${refusal(o)}`));
    expect([...outcomes].sort()).toEqual(['envelopedData', 'mlExpansionHistory', 'mlExpansionHistory+envelopedData', 'neither', 'refused:NO_LOCAL_DCA_KEY', 'refused:ORIGINATOR_NOT_AUTHENTICATED', 'refused:SIGNATURE_INVALID']);
    const has = (what: string, p: (o: Ordering) => boolean) => expect(ORDERINGS.some(p), what).toBe(true);
    has('multipart/signed outermost', (o) => o.tree.root.kind === 'M' && !!branch(o));
    has('authEnvelopedData', (o) => !!branch(o) && nodes(o).some((n) => n.kind === 'A'));
    has('plain CMS nesting', (o) => !!branch(o) && nodes(o).some((n) => n.kind !== 'data' && !!n.cmsNested));
    has('several mlExpansionHistory layers', (o) => !!branch(o) && nodes(o).filter((n) => isSigned(n) && n.mlExpansionHistory).length >= 2);
    has('an empty signature layer added', (o) => !!o.emptyLayerAdded);
    has('an envelope forced by a lower one (no encryption policy)', (o) => addsWithoutPolicy(o, 'reencryption') && branch(o) === 'envelopedData');
    has('the same with mlExpansionHistory', (o) => addsWithoutPolicy(o, 'reencryption') && branch(o) === 'mlExpansionHistory+envelopedData');
    has('an envelope not for the local DCA below one that is', (o) => refusal(o) === 'NO_LOCAL_DCA_KEY' && nodes(o).some((n, k) => isEnvelope(n) && n.recipients.includes('localDca') && nodes(o).slice(k + 1).some((m) => isEnvelope(m) && !m.recipients.includes('localDca'))));
    has('an invalid signature at least two layers deep, under an envelope', (o) => refusal(o) === 'SIGNATURE_INVALID' && nodes(o).some((n, k) => k >= 2 && isSigned(n) && n.signers.some((s) => s.validity !== 'valid') && nodes(o).slice(0, k).some(isEnvelope)));
    has('the originator authenticated externally, not by a signature', (o) => !!branch(o) && o.originatorAuthenticated && !nodes(o).some((n) => isSigned(n) && n.signers.some((s) => s.party === 'originator')));
    has('the originator authenticated by its signature', (o) => !!branch(o) && !o.originatorAuthenticated);
    // Signatures that do not verify for another reason than the domain-signer suite's tampered signature value.
    for (const validity of ['wrongKey', 'untrustedCert']) has(`a ${validity} signature`, (o) => nodes(o).some((n) => isSigned(n) && n.signers.some((s) => s.validity === validity)));
    // None is one of the seven examples (suites/section5.ts): same input and same outputs.
    for (const o of ORDERINGS) {
      const same = SECTION5_EXAMPLES.find((ex) => ex.inputShape === o.input.shape && POLICIES.every((p) => o.expected[p].outcome === 'domain-signed' && o.expected[p].shape === ex.expected[p]));
      expect(same?.id, o.id).toBeUndefined();
    }
  });

  it("records the executable model's outcome for the tree under both policies, with the reference gateway's options", () => {
    for (const o of ORDERINGS) {
      expect(shape(o.tree.root), o.id).toBe(o.input.shape);
      for (const p of POLICIES) {
        const r = applyModel(o.tree, { ...GATEWAY_OPTIONS, encryptOutbound: p === 'encrypt', originatorAuthenticated: o.originatorAuthenticated });
        const e = o.expected[p];
        if (e.outcome === 'refused') expect(r.ok ? 'domain-signed' : r.refusal, `${o.id} ${p}`).toBe(e.refusal);
        else expect(r.ok ? [r.branch, shape(r.output.root)] : r.refusal, `${o.id} ${p}`).toEqual([e.branch, e.shape]);
      }
    }
  });

  it('can be graded when the gateway brings its own DCA certificate: every envelope is also for a key the suite holds', () => {
    for (const o of ORDERINGS) for (const n of nodes(o)) if (isEnvelope(n)) expect(n.recipients.some((r) => r !== 'localDca'), `${o.id} ${n.name}`).toBe(true);
  });
});

describe('suites/section5-orderings.ts', () => {
  it('declares one outbound domain-signer case per ordering in the section5 suite, with SMTP AUTH exactly where the model authenticates externally', () => {
    expect(section5OrderingCases.map((c) => c.id)).toEqual(ORDERINGS.map((o) => o.id));
    section5OrderingCases.forEach((c, k) => {
      const o = ORDERINGS[k]!;
      expect([c.suite, c.role, c.direction, c.strength, c.policy], c.id).toEqual(['section5', 'domain-signer', 'outbound', 'MUST', undefined]);
      expect(c.authenticate === 'external', c.id).toBe(o.originatorAuthenticated);
    });
  });

  it("expects the model's output shapes, in the grader's notation, or no domain signature when the model refuses", () => {
    section5OrderingCases.forEach((c, k) => {
      const o = ORDERINGS[k]!;
      const { noEncrypt, encrypt } = o.expected;
      if (noEncrypt.outcome === 'refused') {
        expect(c.expect, c.id).toEqual({ kind: 'no-domain-signature' });
        return;
      }
      if (c.expect.kind !== 'domain-signed' || encrypt.outcome !== 'domain-signed') throw new Error(`${c.id}: expected a domain-signed expectation`);
      expect(c.expect.shape).toEqual({ noEncrypt: noEncrypt.shape, encrypt: encrypt.shape });
      expect([!!c.expect.keepOriginatorSignature, !!c.expect.emptyLayer, !!c.expect.mlAttributesCarried], c.id).toEqual([!!o.innermostSignatureKept, !!o.emptyLayerAdded, noEncrypt.rememberedFrom !== undefined]);
      // The grader's evidence reads the expected shape layer by layer (src/harness/evidence.ts): one layer per token.
      for (const p of POLICIES) expect(expectedLayers(c.expect.shape[p], undefined, 'example.org').map((l) => l.label).join(' '), `${c.id} ${p}`).toBe(c.expect.shape[p].match(/[SM]\[[^\]]*\]|[EA](?=\()|data/g)!.join(' '));
    });
  });

  it('names requirements of the catalogue for the domain signer: Section 5 for the branch taken, 3.2 for a refusal', () => {
    const byId = new Map(catalogue.map((r) => [r.id, r]));
    section5OrderingCases.forEach((c, k) => {
      const o = ORDERINGS[k]!;
      for (const r of c.requirements) expect(byId.get(r)?.roles, `${c.id} ${r}`).toContain('domain-signer');
      expect(new Set(c.requirements).size, c.id).toBe(c.requirements.length);
      const first = { SIGNATURE_INVALID: 'DOMSEC-3.2-NO-SIGNATURE-IF-INVALID', ORIGINATOR_NOT_AUTHENTICATED: 'DOMSEC-3.2-AUTHENTICATE-ORIGINATOR', NO_LOCAL_DCA_KEY: 'DOMSEC-3.2-NO-SIGNATURE-IF-INVALID' }[refusal(o) ?? ''];
      expect(c.requirements[0], c.id).toBe(first ?? 'DOMSEC-3.2-FOLLOW-SECTION-5');
      if (!branch(o)) return;
      expect(c.requirements, c.id).toContain('DOMSEC-5-SEARCH-OUTER');
      expect(c.requirements.includes('DOMSEC-5-NO-ML-NO-ENVELOPED'), c.id).toBe(branch(o) === 'neither');
      expect(c.requirements.includes('DOMSEC-5-DECRYPT-LOCAL-DCA'), c.id).toBe(branch(o)!.includes('envelopedData'));
      expect(c.requirements.includes('DOMSEC-5-READD-ML-ATTRIBUTES'), c.id).toBe(branch(o)!.startsWith('mlExpansionHistory'));
      expect(c.requirements.includes('DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED'), c.id).toBe(addsWithoutPolicy(o, 'reencryption'));
      expect(c.requirements.includes('DOMSEC-2.3-EMPTY-LAYER-ID-DATA'), c.id).toBe(!!o.emptyLayerAdded);
    });
  });
});
