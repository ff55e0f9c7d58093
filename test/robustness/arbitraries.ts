/** The robustness cases: a seed message broken by 1-4 mutations, or a hostile input made from scratch, and the entry point to feed it to. */
import fc from 'fast-check';
import { OPERATIONS, type Operation } from './check.js';
import { applyMutation, makeSynthetic, mutation, synthetic, type Mutation, type Synthetic } from './mutate.js';
import type { Seed } from './corpus.js';

export type RobustnessSpec = { operation: Operation } & ({ seed: number; mutations: Mutation[] } | { synthetic: Synthetic });

export const robustnessSpec: fc.Arbitrary<RobustnessSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ operation: fc.constantFrom(...OPERATIONS), seed: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ operation: fc.constantFrom(...OPERATIONS), synthetic }) },
);

/** The bytes of a case. */
export function inputOf(spec: RobustnessSpec, seeds: Seed[]): { input: Buffer; from: string } {
  if ('synthetic' in spec) return { input: makeSynthetic(spec.synthetic), from: `synthetic ${JSON.stringify(spec.synthetic)}` };
  const seed = seeds[spec.seed % seeds.length]!;
  return { input: spec.mutations.reduce(applyMutation, seed.bytes), from: `seed "${seed.name}"` };
}
