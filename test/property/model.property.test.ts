/**
 * The model against the invariants on its own (no engine, so thousands of runs cost milliseconds): a
 * second, cheap look at the model before the engine is compared with it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyModel, chainOf, isEnvelope, isSigned, keptLayers, shape, type ModelNode } from '../../src/model/index.js';
import { section5Case } from './arbitraries.js';
import { runProperty } from './profile.js';

export const MODEL_QUICK_RUNS = 2000;

const domainLayers = (nodes: ModelNode[]): ModelNode[] => nodes.filter((n) => isSigned(n) && n.signatureType === 'domainSig' && n.signers.length > 0);

describe('model invariants (quick profile)', () => {
  it(`hold on ${MODEL_QUICK_RUNS} generated messages`, () => {
    runProperty(
      { name: 'model', profile: 'quick', quickRuns: MODEL_QUICK_RUNS, replayCommand: 'npx vitest run test/property/model.property.test.ts' },
      fc.property(section5Case, ({ message, options }) => {
        const input = chainOf(message.root);
        const r = applyModel(message, options);
        // 3.2 MUST NOT: no output when a signature is invalid.
        if (input.some((l) => isSigned(l) && l.signers.some((s) => s.validity !== 'valid'))) expect(r.ok).toBe(false);
        if (!r.ok) return;
        const out = chainOf(r.output.root);
        // The layers kept are a suffix of the input, unchanged and in order, and everything above them is new.
        const kept = keptLayers(r);
        expect(kept).toEqual(input.slice(input.length - kept.length));
        expect(out.slice(out.length - kept.length)).toEqual(kept);
        expect(out.slice(0, out.length - kept.length).every((n) => r.created.has(n))).toBe(true);
        // Exactly one new domain signature, encapsulating a signature (3.1.1), signed by the domain signers.
        const dPos = out.indexOf(r.domainSignature);
        expect([...r.created.values()].filter((v) => v === 'domainSignature')).toHaveLength(1);
        expect(domainLayers(out.filter((n) => r.created.has(n)))).toEqual([r.domainSignature]);
        expect(out.slice(dPos + 1).some(isSigned)).toBe(true);
        // An envelopedData below the domain signature means one above it (Section 5 A, N7); and the policy is honoured.
        if (out.slice(dPos + 1).some(isEnvelope)) expect(out.slice(0, dPos).some(isEnvelope)).toBe(true);
        if (options.encryptOutbound) expect(out.slice(0, dPos).some(isEnvelope)).toBe(true);
        // The mlExpansionHistory layer the rules strip comes back on top, and only then (N5).
        expect(r.created.get(out[0]!) === 'mlOuter').toBe(r.rememberedFrom !== undefined);
        // Input and removed layers partition the input: nothing disappears unaccounted.
        expect([...r.removed, ...kept.filter((n) => input.includes(n))].length).toBe(input.length);
        // Again: one more domain signature, less those stripped above an mlExpansionHistory layer.
        const again = applyModel(r.output, options);
        if (again.ok) {
          const stripped = domainLayers(again.removed).length;
          expect(domainLayers(chainOf(again.output.root)).length).toBe(domainLayers(out).length + 1 - stripped);
          if (stripped) expect(shape(r.output.root)).toMatch(/S\[domainSig\]\(.*,ml\]/);
        }
      }),
    );
  });
});
