/**
 * Robustness of inspect / verify / decrypt / sign against malformed and hostile input: every outcome is a
 * result or a typed DomsecError, within a time budget and a memory bound (check.ts).
 *
 * First the named hostile inputs with the typed error each must give (the limits of src/limits.ts at
 * work), then the quick profile of the fuzzing property (seeds broken by random mutations, and hostile
 * inputs of random size).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ASN1_MIN_BYTES_PER_NODE, ASN1_NODE_ALLOWANCE, asn1MaxNodes, MAX_HEADER_BYTES, MAX_LAYER_DEPTH, MAX_MULTIPART_PARTS } from '../../src/limits.js';
import { propertyEnv, type PropertyEnv } from '../property/env.js';
import { runProperty, Tally } from '../property/profile.js';
import { checkInput, OPERATIONS, RobustnessViolation, type Outcome } from './check.js';
import { corpus, type Seed } from './corpus.js';
import { applyMutation, makeSynthetic, MIME_OPS, tlvHeaders, type Synthetic } from './mutate.js';
import { inputOf, robustnessSpec } from './arbitraries.js';

export const ROBUSTNESS_QUICK_RUNS = 300;

let env: PropertyEnv;
let seeds: Seed[];
beforeAll(async () => {
  env = await propertyEnv();
  seeds = corpus(env);
});

const code = (o: Outcome): string => (o.ok ? 'ok' : o.code);
const seed = (name: string): Buffer => seeds.find((s) => s.name === name)!.bytes;

describe('named hostile inputs', () => {
  const cases: Array<[string, Synthetic, string[]]> = [
    [`5,000 nested plain-CMS layers stop at MAX_LAYER_DEPTH (${MAX_LAYER_DEPTH})`, { s: 'cmsNesting', depth: 5000 }, ['LIMIT_EXCEEDED']],
    ['100,000 nested indefinite-length SEQUENCEs', { s: 'asn1Indefinite', depth: 100_000 }, ['LIMIT_EXCEEDED', 'MALFORMED_DER']],
    ['20,000 nested definite-length SEQUENCEs', { s: 'asn1Definite', depth: 20_000 }, ['LIMIT_EXCEEDED', 'MALFORMED_DER']],
    [`2,000 nested multipart/signed stop at MAX_LAYER_DEPTH (${MAX_LAYER_DEPTH})`, { s: 'multipartSignedNesting', depth: 2000 }, ['LIMIT_EXCEEDED']],
    [`20,000 body parts stop at MAX_MULTIPART_PARTS (${MAX_MULTIPART_PARTS})`, { s: 'manyParts', parts: 20_000 }, ['LIMIT_EXCEEDED']],
    [`a header block over MAX_HEADER_BYTES (${MAX_HEADER_BYTES})`, { s: 'hugeHeader', bytes: MAX_HEADER_BYTES + 10 }, ['LIMIT_EXCEEDED']],
    ['a top-level SEQUENCE declaring 2^32-1 bytes over 20 (more than ASN1_MAX_CONTENT_LENGTH, and more than there is)', { s: 'lyingTopLength', tail: 20 }, ['LIMIT_EXCEEDED', 'MALFORMED_DER']],
    ['a Content-Type with 100,000 unclosed comments', { s: 'deepMimeComments', depth: 100_000 }, ['MALFORMED_DER', 'MALFORMED_MIME', 'UNSUPPORTED_CONTENT_TYPE', 'ok']],
  ];
  for (const [title, s, expected] of cases) {
    it(title, () => {
      const input = makeSynthetic(s);
      for (const op of ['inspect', 'verify'] as const) expect(expected, `${op}`).toContain(code(checkInput(env, op, input)));
    });
  }

  it('200,000 header lines are read or refused, in time', () => {
    expect(['LIMIT_EXCEEDED', 'ok']).toContain(code(checkInput(env, 'inspect', makeSynthetic({ s: 'manyHeaderLines', lines: 200_000 }))));
  });

  it(`an OCTET STRING of 100,000 one-byte fragments stops at asn1MaxNodes (${ASN1_NODE_ALLOWANCE} + 1 per ${ASN1_MIN_BYTES_PER_NODE} bytes), quickly`, () => {
    // Before the cap grew with the input (ASN1_MAX_NODES only), this took seconds and ~150 MB; 4 million fragments, ~5 GB.
    const input = makeSynthetic({ s: 'fragmentedOctetString', fragments: 100_000 });
    expect(asn1MaxNodes(input.length)).toBeLessThan(100_000);
    for (const op of OPERATIONS) expect(code(checkInput(env, op, input, 2_000))).toBe('LIMIT_EXCEEDED');
    // Just under the cap it is read: the cap refuses density, not structure.
    const fits = makeSynthetic({ s: 'fragmentedOctetString', fragments: 9_000 });
    expect(code(checkInput(env, 'inspect', fits))).toBe('ok');
  });

  it('every TLV length of a signed message made to lie is a typed error', () => {
    const msg = seed('S(C) der');
    const n = tlvHeaders(msg).length;
    expect(n).toBeGreaterThan(20);
    const seen = new Tally();
    for (let k = 0; k < n; k++) {
      for (const mode of ['plus', 'minus', 'huge4', 'huge8', 'huge15', 'indefinite', 'reserved'] as const) {
        seen.add(code(checkInput(env, 'verify', applyMutation(msg, { t: 'derLength', which: k / n, mode, delta: 3 }))));
      }
    }
    // Lengths that lie are caught (a few land in places where the structure still parses, e.g. an extra byte in a signature).
    expect(seen.get('MALFORMED_DER')).toBeGreaterThan(n);
  });

  it('every MIME breakage of an encrypted, signed message is a typed error or a result', () => {
    const msg = seed('S_ml(E(S(C)))');
    for (const op of MIME_OPS) for (const at of [0, 0.3, 0.7]) for (const o of OPERATIONS) checkInput(env, o, applyMutation(msg, { t: 'mime', op, at }));
    expect(code(checkInput(env, 'inspect', applyMutation(msg, { t: 'mime', op: 'badBase64Char', at: 0.5 })))).toBe('MALFORMED_MIME');
  });

  it('truncation at every 97th byte of a multipart/signed message', () => {
    const msg = seed('M(M(S(C)))');
    for (let i = 0; i < msg.length; i += 97) for (const o of OPERATIONS) checkInput(env, o, msg.subarray(0, i));
  });

  it('the check itself fails on an untyped exception and on a slow case (it is not vacuous)', () => {
    const throwing = Object.defineProperty({ ...env }, 'allKeys', { get: () => { throw new TypeError('not a DomsecError'); } });
    expect(() => checkInput(throwing, 'inspect', seed('S(C)'))).toThrow(RobustnessViolation);
    const slow = Object.defineProperty({ ...env }, 'allKeys', { get: () => { const until = performance.now() + 60; while (performance.now() < until); return env.allKeys; } });
    expect(() => checkInput(slow, 'inspect', seed('S(C)'), 50)).toThrow(/budget/);
  });
});

describe('robustness property (quick profile)', () => {
  it(`${ROBUSTNESS_QUICK_RUNS} malformed inputs through inspect, verify, decrypt and sign`, () => {
    const outcomes = new Tally();
    runProperty(
      { name: 'robustness', profile: 'quick', quickRuns: ROBUSTNESS_QUICK_RUNS, replayCommand: 'npx vitest run test/robustness/robustness.test.ts' },
      fc.property(robustnessSpec, (spec) => {
        const { input, from } = inputOf(spec, seeds);
        try {
          outcomes.add(`${spec.operation}:${code(checkInput(env, spec.operation, input))}`);
        } catch (e) {
          if (e instanceof RobustnessViolation) e.message += `\n  made from ${from}`;
          throw e;
        }
      }),
    );
    if (!process.env.DOMSEC_FC_PATH) {
      // Not only refusals: some broken inputs still parse (e.g. a flipped bit in a signature value).
      expect([...outcomes.counts.keys()].some((k) => k.endsWith(':ok')), String(outcomes)).toBe(true);
      expect([...outcomes.counts.keys()].filter((k) => !k.endsWith(':ok')).length, String(outcomes)).toBeGreaterThan(3);
    }
  });
});
