/**
 * Quick profile of the Section 5 property (npm test): generated layer trees up to 8 deep, built with the
 * engine, domain-signed by the engine and by the model (src/model), compared; see check.ts for every
 * check. Failures print the seed, the path and the line that replays them (profile.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { section5Case } from './arbitraries.js';
import { checkSection5Case } from './check.js';
import { propertyEnv, type PropertyEnv } from './env.js';
import { runProperty, Tally } from './profile.js';

export const SECTION5_QUICK_RUNS = 100;

let env: PropertyEnv;
beforeAll(async () => {
  env = await propertyEnv();
});

describe('Section 5 property (quick profile)', () => {
  it(`engine and model agree on ${SECTION5_QUICK_RUNS} generated messages (DOMSEC_FC_RUNS to change), and every invariant holds`, () => {
    const outcomes = new Tally();
    runProperty(
      { name: 'section5', profile: 'quick', quickRuns: SECTION5_QUICK_RUNS, replayCommand: 'npx vitest run test/property/section5.property.test.ts' },
      fc.property(section5Case, (c) => {
        outcomes.add(checkSection5Case(env, c).outcome);
      }),
    );
    // Both kinds of outcome occur (each is about half of the cases); section5.cases.test.ts covers every branch and refusal by name.
    if (!process.env.DOMSEC_FC_PATH) {
      expect([...outcomes.counts.keys()].some((k) => k.startsWith('refused:')), String(outcomes)).toBe(true);
      expect([...outcomes.counts.keys()].some((k) => !k.startsWith('refused:')), String(outcomes)).toBe(true);
    }
  });
});
