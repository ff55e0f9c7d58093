/**
 * The Section 5 property check (check.ts: engine against model, and every invariant) on named cases:
 * the seven examples of 5.1 under both policies, every branch, every refusal, every layer kind. The
 * random quick profile may miss a rare outcome on a given day; these cannot.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signer, type ModelMessage, type ModelOptions } from '../../src/model/index.js';
import { checkSection5Case, PropertyViolation, type CaseOutcome } from './check.js';
import { propertyEnv, type PropertyEnv } from './env.js';
import { A, C, E, M, message, S, Sother } from './trees.js';

let env: PropertyEnv;
beforeAll(async () => {
  env = await propertyEnv();
});

function options(o: Partial<ModelOptions> = {}): ModelOptions {
  return { encryptOutbound: false, reencryptAs: 'E', encryptFor: ['localDca', 'remoteDca'], originatorAuthenticated: false, domainSigners: ['localDomain'], ...o };
}

const run = (m: ModelMessage, o: Partial<ModelOptions> = {}): CaseOutcome => checkSection5Case(env, { message: m, options: options(o) });

describe('engine against model: the seven examples of 5.1', () => {
  const examples: Array<[number, () => ModelMessage, string]> = [
    [1, () => message(S(C())), 'neither'],
    [2, () => message(Sother(Sother(S(C())))), 'neither'],
    [3, () => message(E(S(C()))), 'envelopedData'],
    [4, () => message(Sother(E(S(C())), { mlExpansionHistory: true })), 'mlExpansionHistory+envelopedData'],
    [5, () => message(Sother(Sother(E(S(C()))))), 'envelopedData'],
    [6, () => message(Sother(Sother(E(S(C()))), { mlExpansionHistory: true })), 'mlExpansionHistory+envelopedData'],
    [7, () => message(Sother(E(Sother(E(S(C())))))), 'envelopedData'],
  ];
  for (const [n, m, branch] of examples) {
    for (const encryptOutbound of [false, true]) {
      it(`Example ${n}, ${encryptOutbound ? 'encrypt' : 'no encryption'} policy`, () => {
        const r = run(m(), { encryptOutbound });
        expect(r.outcome).toBe(branch);
        expect(r.reapply).not.toMatch(/^refused|n\/a/); // encrypted for the local DCA too: it can be signed again
      });
    }
  }
});

describe('engine against model: every refusal', () => {
  it.each(['badDigest', 'wrongKey', 'untrustedCert'] as const)('SIGNATURE_INVALID: a %s signature inside an envelope', (validity) => {
    expect(run(message(Sother(E(S(C(), { signers: [signer('originator'), signer('other', validity)] }))))).outcome).toBe('refused:SIGNATURE_INVALID');
  });
  it('SIGNATURE_INVALID: an invalid multipart/signed', () => {
    expect(run(message(M(C(), { signers: [signer('originator', 'badDigest')] }))).outcome).toBe('refused:SIGNATURE_INVALID');
  });
  it('NO_LOCAL_DCA_KEY: a lower envelope not for the local DCA', () => {
    expect(run(message(E(S(A(S(C()), ['remoteDca']))))).outcome).toBe('refused:NO_LOCAL_DCA_KEY');
  });
  it('ORIGINATOR_NOT_AUTHENTICATED: only other signers', () => {
    expect(run(message(Sother(C()))).outcome).toBe('refused:ORIGINATOR_NOT_AUTHENTICATED');
  });
  it('POLICY_VIOLATION: a foreign domain signer; no From: at all', () => {
    expect(run(message(S(C())), { domainSigners: ['foreignDomain'] }).outcome).toBe('refused:POLICY_VIOLATION');
    expect(run(message(S(C()), 'der'), { originatorAuthenticated: true }).outcome).toBe('refused:POLICY_VIOLATION');
    expect(run(message(E(S(C())), 'pem'), { originatorAuthenticated: true }).outcome).toBe('refused:POLICY_VIOLATION');
  });
  it('NO_RECIPIENTS: encryption required, nobody to encrypt for', () => {
    expect(run(message(S(C())), { encryptOutbound: true, encryptFor: [] }).outcome).toBe('refused:NO_RECIPIENTS');
  });
});

describe('engine against model: layer kinds and corners', () => {
  it('unsigned mail, authenticated externally: an empty signature layer first (N12)', () => {
    expect(run(message(C('raw', 'raw \x00\xff bytes')), { originatorAuthenticated: true }).outcome).toBe('neither');
  });
  it('multipart/signed at the top, in the middle, and as the mlExpansionHistory layer', () => {
    expect(run(message(M(C()))).outcome).toBe('neither');
    expect(run(message(E(M(M(C())))), { encryptOutbound: true }).outcome).toBe('envelopedData');
    expect(run(message(M(E(S(C())), { signers: [signer('other')], mlExpansionHistory: true }))).outcome).toBe('mlExpansionHistory+envelopedData');
  });
  it('authEnvelopedData in, authEnvelopedData out', () => {
    expect(run(message(A(S(A(S(C()))))), { reencryptAs: 'A' }).outcome).toBe('envelopedData');
  });
  it('plain CMS nesting (no MIME between layers) above and below the envelope (regression: see test/fixtures/regressions)', () => {
    expect(run(message(S(E(S(C()), ['localDca'], { cmsNested: true }), { cmsNested: true }))).outcome).toBe('envelopedData');
    expect(run(message(Sother(S(S(C()), { cmsNested: true }), { mlExpansionHistory: true, cmsNested: true }))).outcome).toBe('mlExpansionHistory');
  });
  it('an earlier domain signature and an empty layer in the input, two domain signers', () => {
    const dom = S(S(S(C()), { signers: [] }), { signers: [signer('localDomain'), signer('localDomainEc')], signatureType: 'domainSig' });
    expect(run(message(dom), { domainSigners: ['localDomain', 'localDomainEc'] }).outcome).toBe('neither');
  });
  it('content of any bytes: binary, bare CR and LF, a 5,000-byte line', () => {
    const body = Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x0a, 0x0d]), Buffer.alloc(5000, 0x41)]).toString('latin1');
    expect(run(message(Sother(M(C('entity', body)), { mlExpansionHistory: true }))).outcome).toBe('mlExpansionHistory');
  });
  it('a second application strips a domain signature that the first put above an mlExpansionHistory layer', () => {
    const r = run(message(E(S(C(), { mlExpansionHistory: true }))), { originatorAuthenticated: true });
    expect(r.outcome).toBe('envelopedData');
    expect(r.reapply).toBe('mlExpansionHistory (stripped an earlier domain signature)');
  });
});

describe('the check bites', () => {
  it('reports a violation when the engine and the model disagree', () => {
    // Give the engine the wrong originator key: it then refuses (no valid originator signature names the From: address), the model does not.
    const wrong: PropertyEnv = { ...env, party: (p) => env.party(p === 'originator' ? 'other' : p) };
    expect(() => checkSection5Case(wrong, { message: message(S(C())), options: options() })).toThrow(PropertyViolation);
  });
});
