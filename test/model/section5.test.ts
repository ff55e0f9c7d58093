/**
 * Unit tests of the executable model (src/model): the seven worked examples of draft Section 5.1 under
 * both local policies, written with the draft's own layer names, and one test per decision the model
 * takes where the draft is silent. The engine is not involved here.
 */
import { describe, expect, it } from 'vitest';
import {
  applyModel, chainOf, keptLayers, named, nameLayers, shape, signer,
  type ContentNode, type ModelMessage, type ModelNode, type ModelOptions, type ModelSuccess, type Recipient, type SignedNode,
} from '../../src/model/index.js';
import { SECTION5_EXAMPLES } from '../../src/domsec/examples.js';

const C = (): ContentNode => ({ kind: 'data', name: 'C', form: 'entity', bodyHex: '', mediaType: 'text/plain; charset=utf-8', transferEncoding: '7bit' });
const S = (inner: ModelNode, o: Partial<SignedNode> = {}): SignedNode => ({ kind: 'S', name: '', signers: [signer('other')], signatureType: 'none', mlExpansionHistory: false, inner, ...o });
const S1 = (inner: ModelNode): SignedNode => S(inner, { signers: [signer('originator')] });
const E = (inner: ModelNode, recipients: Recipient[] = ['localDca', 'remoteUser']): ModelNode => ({ kind: 'E', name: '', recipients, inner });
const msg = (root: ModelNode, wrapping: ModelMessage['wrapping'] = 'rfc5322'): ModelMessage => ({ wrapping, root: nameLayers(root) });

function opts(encryptOutbound: boolean, o: Partial<ModelOptions> = {}): ModelOptions {
  return { encryptOutbound, reencryptAs: 'E', encryptFor: ['remoteDca', 'remoteUser'], originatorAuthenticated: false, domainSigners: ['localDomain'], ...o };
}

function ok(m: ModelMessage, o: ModelOptions): ModelSuccess {
  const r = applyModel(m, o);
  if (!r.ok) throw new Error(`model refused: ${r.refusals.join(', ')} (${r.steps.join('; ')})`);
  return r;
}

/** The seven examples as the draft writes them: input, and output with and without the encryption policy. */
const EXAMPLES: Array<{ n: number; input: () => ModelNode; draftInput: string; noEncrypt: string; encrypt: string }> = [
  { n: 1, input: () => S1(C()), draftInput: 'S1(C)', noEncrypt: 'S2(S1(C))', encrypt: 'E1(S2(S1(C)))' /* N15 */ },
  { n: 2, input: () => S(S(S1(C()))), draftInput: 'S3(S2(S1(C)))', noEncrypt: 'S4(S3(S2(S1(C))))', encrypt: 'E1(S4(S3(S2(S1(C)))))' /* N15 */ },
  { n: 3, input: () => E(S1(C())), draftInput: 'E1(S1(C))', noEncrypt: 'S2(S1(C))', encrypt: 'E2(S2(S1(C)))' },
  { n: 4, input: () => S(E(S1(C())), { mlExpansionHistory: true }), draftInput: 'S2(E1(S1(C)))', noEncrypt: 'S4(S3(S1(C)))', encrypt: 'S4(E2(S3(S1(C))))' },
  { n: 5, input: () => S(S(E(S1(C())))), draftInput: 'S3(S2(E1(S1(C))))', noEncrypt: 'S4(S1(C))', encrypt: 'E2(S4(S1(C)))' },
  { n: 6, input: () => S(S(E(S1(C()))), { mlExpansionHistory: true }), draftInput: 'S3(S2(E1(S1(C))))', noEncrypt: 'S5(S4(S1(C)))', encrypt: 'S5(E2(S4(S1(C))))' },
  { n: 7, input: () => S(E(S(E(S1(C()))))), draftInput: 'S3(E2(S2(E1(S1(C)))))', noEncrypt: 'E3(S4(S2(E1(S1(C)))))', encrypt: 'E3(S4(S2(E1(S1(C)))))' /* N7 */ },
];

describe('model: the seven examples of Section 5.1', () => {
  for (const ex of EXAMPLES) {
    for (const encryptOutbound of [false, true]) {
      const policy = encryptOutbound ? 'encrypt' : 'noEncrypt';
      it(`Example ${ex.n} (${policy}): ${ex.draftInput} -> ${ex[policy]}`, () => {
        const input = msg(ex.input());
        expect(named(input.root)).toBe(ex.draftInput);
        const r = ok(input, opts(encryptOutbound));
        expect(named(r.output.root)).toBe(ex[policy]);
        // The project's shape notation agrees with the transcription in src/domsec/examples.ts.
        const data = SECTION5_EXAMPLES[ex.n - 1]!;
        expect(shape(input.root)).toBe(data.inputShape);
        expect(shape(r.output.root)).toBe(data.expected[policy]);
        // Layers kept are the input layers the draft keeps, by name.
        expect(keptLayers(r).filter((l) => l.kind !== 'data').map((l) => l.name).sort()).toEqual([...data.kept].sort());
        // Exactly one domain signature, and it is new.
        const domainLayers = chainOf(r.output.root).filter((l) => l.kind === 'S' && l.signatureType === 'domainSig');
        expect(domainLayers).toEqual([r.domainSignature]);
      });
    }
  }

  it('Examples 4 and 6: the new outer layer carries the remembered attributes of the mlExpansionHistory layer (N5)', () => {
    for (const n of [4, 6]) {
      const input = msg(EXAMPLES[n - 1]!.input());
      const r = ok(input, opts(true));
      expect(r.rememberedFrom).toBe(input.root);
      expect(r.created.get(r.output.root)).toBe('mlOuter');
      expect(r.branch).toBe('mlExpansionHistory+envelopedData');
    }
  });

  it('names the branch of Section 5 taken', () => {
    const branches = EXAMPLES.map((ex) => ok(msg(ex.input()), opts(false)).branch);
    expect(branches).toEqual(['neither', 'neither', 'envelopedData', 'mlExpansionHistory+envelopedData', 'envelopedData', 'mlExpansionHistory+envelopedData', 'envelopedData']);
  });
});

describe('model: Section 3.2 refusals', () => {
  it('refuses when any signature is invalid, wherever it is, including inside an envelope (N8)', () => {
    for (const validity of ['badDigest', 'wrongKey', 'untrustedCert'] as const) {
      const inner = msg(S(E(S(C(), { signers: [signer('originator', validity)] }))));
      const r = applyModel(inner, opts(false));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.refusal).toBe('SIGNATURE_INVALID');
      // A stripped outer layer counts too.
      const outer = msg(S(E(S1(C())), { signers: [signer('other', validity)] }));
      const r2 = applyModel(outer, opts(false));
      expect(!r2.ok && r2.refusal).toBe('SIGNATURE_INVALID');
    }
  });

  it('refuses when the local DCA is not a recipient of an envelope, even a lower one that would be kept (N7, N8)', () => {
    const r = applyModel(msg(S(E(S(E(S1(C()), ['remoteUser']))))), opts(false));
    expect(!r.ok && r.refusal).toBe('NO_LOCAL_DCA_KEY');
  });

  it('refuses unsigned mail unless the originator was authenticated externally; then adds an empty layer (N12)', () => {
    const r = applyModel(msg(C()), opts(false));
    expect(!r.ok && r.refusal).toBe('ORIGINATOR_NOT_AUTHENTICATED');
    const r2 = ok(msg(C()), opts(false, { originatorAuthenticated: true }));
    expect(shape(r2.output.root)).toBe('S[domainSig](S[empty](data))');
  });

  it('is not authenticated by a signature of someone else, nor by an earlier domain signature', () => {
    const r = applyModel(msg(S(C())), opts(false));
    expect(!r.ok && r.refusal).toBe('ORIGINATOR_NOT_AUTHENTICATED');
    const dom = msg(S(S(C(), { signers: [signer('localDomain')], signatureType: 'domainSig' }), { signers: [signer('localDomain')], signatureType: 'domainSig' }));
    const r2 = applyModel(dom, opts(false));
    expect(!r2.ok && r2.refusal).toBe('ORIGINATOR_NOT_AUTHENTICATED');
  });

  it("is authenticated by the originator's signature even in a layer that is then stripped", () => {
    const r = ok(msg(S(E(S(C())), { signers: [signer('originator')] })), opts(false));
    expect(shape(r.output.root)).toBe('S[domainSig](S[-](data))');
  });

  it('refuses a domain signer named for another domain, and any when there is no From: (2.4, N9)', () => {
    const r = applyModel(msg(S1(C())), opts(false, { domainSigners: ['localDomain', 'foreignDomain'] }));
    expect(!r.ok && r.refusal).toBe('POLICY_VIOLATION');
    const r2 = applyModel(msg(S1(C()), 'der'), opts(false, { originatorAuthenticated: true }));
    expect(!r2.ok && r2.refusals).toEqual(['POLICY_VIOLATION']);
    const r3 = applyModel(msg(S1(C()), 'pem'), opts(false));
    expect(!r3.ok && r3.refusals).toEqual(['ORIGINATOR_NOT_AUTHENTICATED', 'POLICY_VIOLATION']);
  });

  it('needs recipients only when something must be encrypted', () => {
    expect(ok(msg(S1(C())), opts(false, { encryptFor: [] })).branch).toBe('neither');
    const r = applyModel(msg(S1(C())), opts(true, { encryptFor: [] }));
    expect(!r.ok && r.refusal).toBe('NO_RECIPIENTS');
    // N7: a lower envelope forces encryption whatever the policy.
    const r2 = applyModel(msg(E(S(E(S1(C()))))), opts(false, { encryptFor: [] }));
    expect(!r2.ok && r2.refusal).toBe('NO_RECIPIENTS');
  });

  it('reports every applicable refusal, in the documented order', () => {
    const m = msg(S(E(C(), ['remoteDca']), { signers: [signer('other', 'badDigest')] }));
    const r = applyModel(m, opts(true, { encryptFor: [], domainSigners: ['foreignDomain'] }));
    expect(!r.ok && r.refusals).toEqual(['NO_LOCAL_DCA_KEY', 'SIGNATURE_INVALID', 'ORIGINATOR_NOT_AUTHENTICATED', 'POLICY_VIOLATION', 'NO_RECIPIENTS']);
  });
});

describe('model: decisions where the draft is silent', () => {
  it('treats authEnvelopedData as envelopedData and multipart/signed as signedData', () => {
    const a = msg({ kind: 'A', name: '', recipients: ['localDca'], inner: S1(C()) });
    expect(shape(ok(a, opts(false)).output.root)).toBe('S[domainSig](S[-](data))');
    const m = msg(S({ kind: 'M', name: '', signers: [signer('originator')], signatureType: 'none', mlExpansionHistory: false, inner: C() }, { mlExpansionHistory: true }));
    expect(shape(ok(m, opts(false)).output.root)).toBe('S[-,ml](S[domainSig](M[-](data)))');
    const lowerA = msg(E(S({ kind: 'A', name: '', recipients: ['localDca'], inner: S1(C()) })));
    expect(shape(ok(lowerA, opts(false, { reencryptAs: 'A' })).output.root)).toBe('A(S[domainSig](S[-](A(S[-](data)))))');
  });

  it('strips signedData layers above the "outer" one with mlExpansionHistory', () => {
    const r = ok(msg(S(S(S1(C()), { mlExpansionHistory: true }))), opts(false));
    expect(named(r.output.root)).toBe('S5(S4(S1(C)))');
    expect(r.removed.map((l) => l.name)).toEqual(['S3', 'S2']);
    expect(r.branch).toBe('mlExpansionHistory');
  });

  it('branch B under an encrypt-everything policy envelopes the domain signature below the re-added layer (N15)', () => {
    const r = ok(msg(S(S1(C()), { mlExpansionHistory: true })), opts(true));
    expect(named(r.output.root)).toBe('S4(E1(S3(S1(C))))');
  });

  it('an envelope below the one decrypted forces re-encryption, at any depth (N7)', () => {
    const deep = msg(E(S(S(S(E(S1(C())))))));
    const r = ok(deep, opts(false));
    expect(shape(r.output.root)).toBe('E(S[domainSig](S[-](S[-](S[-](E(S[-](data)))))))');
    // An envelope holding no signature at all: the empty layer goes around the lower envelope.
    const bare = msg(E(E(C())), 'rfc5322');
    const r2 = ok(bare, opts(false, { originatorAuthenticated: true }));
    expect(shape(r2.output.root)).toBe('E(S[domainSig](S[empty](E(data))))');
  });

  it('an empty signature layer already present counts as a signature to encapsulate (3.1.1)', () => {
    const r = ok(msg(S(C(), { signers: [] })), opts(false, { originatorAuthenticated: true }));
    expect(shape(r.output.root)).toBe('S[domainSig](S[empty](data))');
    expect([...r.created.values()]).toEqual(['domainSignature']);
  });

  it('applying the model to its own output adds exactly one more domain signature (3.2: one or more)', () => {
    for (const ex of EXAMPLES) {
      for (const encryptOutbound of [false, true]) {
        const o = opts(encryptOutbound, { encryptFor: ['localDca', 'remoteDca'] });
        const once = ok(msg(ex.input()), o);
        const twice = ok(once.output, o);
        const count = (m: ModelMessage) => chainOf(m.root).filter((l) => l.kind === 'S' && l.signatureType === 'domainSig').length;
        expect(count(twice.output)).toBe(count(once.output) + 1);
      }
    }
  });

  it('a second application strips an earlier domain signature that lies above a layer with mlExpansionHistory', () => {
    // The envelopedData branch stops searching at E1, so the mlExpansionHistory inside it ends up below the domain signature.
    const o = opts(false);
    const once = ok(msg(E(S(C(), { signers: [signer('originator')], mlExpansionHistory: true }))), o);
    expect(named(once.output.root)).toBe('S2(S1(C))');
    expect(shape(once.output.root)).toBe('S[domainSig](S[-,ml](data))');
    const twice = ok(once.output, o);
    expect(twice.branch).toBe('mlExpansionHistory');
    expect(twice.removed.map((l) => l.name)).toEqual(['S2', 'S1']);
    expect(shape(twice.output.root)).toBe('S[-,ml](S[domainSig](S[empty](data)))');
  });

  it('does not change its input', () => {
    const input = msg(S(S(E(S1(C()))), { mlExpansionHistory: true }));
    const before = JSON.stringify(input);
    ok(input, opts(true));
    expect(JSON.stringify(input)).toBe(before);
  });
});
